"""Runner for ``python -m nn_numpy.predict``; the program is ``nn_numpy.cli.predict``.

Not meant to be imported: importing ``nn_numpy.predict`` as a module would replace the function
``nn_numpy.predict`` with this module (see ``nn_numpy.cli``).
"""

import sys

from nn_numpy.cli.predict import main

if __name__ == "__main__":
    sys.exit(main())
