"""Runner for ``python -m nn_numpy.train``; the program is ``nn_numpy.cli.train``.

Not meant to be imported: importing ``nn_numpy.train`` as a module would replace the function
``nn_numpy.train`` with this module (see ``nn_numpy.cli``).
"""

import sys

from nn_numpy.cli.train import main

if __name__ == "__main__":
    sys.exit(main())
