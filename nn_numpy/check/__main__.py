"""``python -m nn_numpy.check TARGET``: the same as ``nn-numpy-check TARGET``."""

import sys

from nn_numpy.cli.check import main

if __name__ == "__main__":  # importing it (pkgutil.walk_packages, say) runs nothing
    sys.exit(main())
