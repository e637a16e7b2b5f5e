"""The programs' entry points: the console scripts (through ``nn_numpy._scripts``) and
``python -m`` run these first.

Each one sets the signal handling (``nn_numpy._signals.install_early_handlers``) before it imports
the program, and so NumPy: a Ctrl-C during the imports is one line and status 130, not a
traceback. This module and the package's ``__init__`` import nothing heavy, so only Python's own
start (the interpreter, ``site``, runpy or the console script's ``import re``) comes before.
Importing the package as a library never changes a signal handler.
"""

import sys

from nn_numpy._signals import install_early_handlers


def _run(name: str) -> int:
    """Run ``nn_numpy.cli.<name>``'s ``main`` as the program ``nn-numpy-<name>``."""
    install_early_handlers(f"nn-numpy-{name}")
    from importlib import import_module  # from here on a signal is one line

    status: int = import_module(f"nn_numpy.cli.{name}").main()
    if name == "check":  # the user's code ran in this process: nothing it left behind (an atexit
        # handler, a thread that never ends) may change the status or keep the process alive
        for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
            try:
                if stream is not None:
                    stream.flush()
            except Exception:  # a closed pipe: its line was already reported
                pass
        import os

        os._exit(status)
    return status


def train() -> int:
    """``nn-numpy-train``."""
    return _run("train")


def predict() -> int:
    """``nn-numpy-predict``."""
    return _run("predict")


def check() -> int:
    """``nn-numpy-check``."""
    return _run("check")


def run_or_step_aside(module: str, name: str) -> None:
    """Run ``nn_numpy.cli.<name>`` if ``module`` is ``"__main__"``; otherwise bind the function.

    Imported (not run), the module ``nn_numpy.<name>`` would replace the function of that name
    as the package attribute. Putting the function in its ``sys.modules`` entry instead makes
    the import system bind the function, so ``nn_numpy.<name>`` stays the function.
    """
    if module == "__main__":
        sys.exit(_run(name))
    from importlib import import_module

    network = import_module("nn_numpy.network")
    sys.modules[f"nn_numpy.{name}"] = getattr(network, name)
