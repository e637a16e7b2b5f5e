"""``python -m nn_numpy.check TARGET``: the same as ``nn-numpy-check TARGET``."""

import sys

from nn_numpy._runner import check

if __name__ == "__main__":  # importing it (pkgutil.walk_packages, say) runs nothing
    sys.exit(check())
