"""The console scripts' entry points (``[project.scripts]`` in ``pyproject.toml``), nothing else.

The script an installer writes imports this module, then does more work of its own before it
calls the function (pip's strips a suffix from ``sys.argv[0]`` with a regular expression, a few
ms with a cold ``re`` cache): so the signal handling is set here, as the module is imported, for
the program the script is named after. Only the scripts import this module.
"""

import os
import sys

from nn_numpy._runner import check, predict, train
from nn_numpy._signals import install_early_handlers

__all__ = ["check", "predict", "train"]

install_early_handlers(
    os.path.basename(sys.argv[0]).removesuffix(".exe") if sys.argv else "nn-numpy"
)
