"""``python -m nn_numpy.check TARGET``: the same as ``nn-numpy-check TARGET``."""

import sys

from nn_numpy.cli.check import main

sys.exit(main())
