"""``python -m reference``: the verification report (same as ``python -m reference.report``)."""

import sys

from reference.report import main

if __name__ == "__main__":  # importing it (pkgutil.walk_packages, say) runs nothing
    sys.exit(main())
