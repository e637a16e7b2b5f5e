"""The signals that end a process by default, and what the programs say when one arrives.

``install_early_handlers`` runs before NumPy is imported, and only when the process is one of the
command-line programs (never when the package is imported by someone's code): a signal during the
imports ends the process with one line and status 128 + n instead of a traceback. No output file
is open then, so nothing is left to remove. ``nn_numpy.cli._errors.run_cli`` takes over during
the run, turning the signal into an exception so that temporary files are removed.
"""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType

# SIGPIPE is not here: Python ignores it, so a write to a closed pipe is an error (EPIPE) instead.
# SIGXCPU: a CPU-time limit (ulimit -t, a batch scheduler) warns with it before SIGKILL.
NAMES = ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGALRM", "SIGXCPU",
         "SIGVTALRM", "SIGPROF")  # fmt: skip
FATAL: tuple[int, ...] = tuple(getattr(signal, n) for n in NAMES if hasattr(signal, n))
PROGRAMS = {
    "nn-numpy-train": "nn-numpy-train",
    "nn-numpy-predict": "nn-numpy-predict",
    "nn-numpy-check": "nn-numpy-check",
    "nn_numpy.train": "nn-numpy-train",
    "nn_numpy.cli.train": "nn-numpy-train",
    "nn_numpy.predict": "nn-numpy-predict",
    "nn_numpy.cli.predict": "nn-numpy-predict",
    "nn_numpy.check": "nn-numpy-check",
    "nn_numpy.cli.check": "nn-numpy-check",
}


class Terminated(BaseException):
    """SIGTERM (or another signal of ``FATAL`` but SIGINT) arrived during a run; a BaseException
    like KeyboardInterrupt, so cleanup code sees it and code that catches the user's exceptions
    lets it through."""

    def __init__(self, signum: int = signal.SIGTERM) -> None:
        super().__init__(signum)
        self.signum = signum


def message(signum: int) -> str:
    """What the program says as it ends on ``signum``: 'interrupted', 'terminated', or
    'terminated by SIGHUP' (and so on)."""
    if signum == signal.SIGINT:
        return "interrupted"
    if signum == signal.SIGTERM:
        return "terminated"
    return f"terminated by {signal.Signals(signum).name}"


def program() -> str | None:
    """The program this process runs (a console script or ``python -m``), or None."""
    name = os.path.basename(sys.argv[0]) if sys.argv else ""
    name = name.removesuffix(".exe").removesuffix("-script.py")
    if name in PROGRAMS:
        return PROGRAMS[name]
    argv = list(getattr(sys, "orig_argv", ()))
    for i, arg in enumerate(argv[1:], start=1):
        if arg == "-m" and i + 1 < len(argv):
            return PROGRAMS.get(argv[i + 1])
        if arg.startswith("-m"):
            return PROGRAMS.get(arg[2:])
    return None


def install_early_handlers() -> None:
    """In one of the programs: each signal of ``FATAL`` not ignored ends it with one line."""
    prog = program()
    if prog is None or not hasattr(os, "_exit"):
        return

    def on_signal(signum: int, frame: FrameType | None) -> None:
        line = f"{prog}: error: {message(signum)}\n".encode()
        try:
            os.write(2, line)
        except OSError:
            pass
        os._exit(128 + signum)  # during the imports: nothing to clean up

    try:
        for s in FATAL:
            if signal.getsignal(s) is not signal.SIG_IGN:
                signal.signal(s, on_signal)
    except ValueError:  # not the main thread
        pass
