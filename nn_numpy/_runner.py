"""What ``nn_numpy/train.py`` and ``nn_numpy/predict.py`` do: run a program, or step aside."""

from __future__ import annotations

import importlib
import sys


def run_or_step_aside(module: str, name: str) -> None:
    """Run ``nn_numpy.cli.<name>`` if ``module`` is ``"__main__"``; otherwise bind the function.

    Imported (not run), the module ``nn_numpy.<name>`` would replace the function of that name
    as the package attribute. Putting the function in its ``sys.modules`` entry instead makes
    the import system bind the function, so ``nn_numpy.<name>`` stays the function.
    """
    if module == "__main__":
        sys.exit(importlib.import_module(f"nn_numpy.cli.{name}").main())
    network = importlib.import_module("nn_numpy.network")
    sys.modules[f"nn_numpy.{name}"] = getattr(network, name)
