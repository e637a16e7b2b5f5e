"""``python -m reference``: the verification report (same as ``python -m reference.report``)."""

import sys

from reference.report import main

sys.exit(main())
