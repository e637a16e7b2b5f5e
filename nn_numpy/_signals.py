"""The signals that end a process by default, and what the programs say when one arrives.

``install_early_handlers`` is the first thing the programs' entry points do (``nn_numpy._runner``),
before NumPy or the rest of the package is imported, and never when the package is imported by
someone's code: a signal during the imports ends the process with one line and status 128 + n
instead of a traceback. No output file is open then, so nothing is left to remove.
``nn_numpy.cli._errors.run_cli`` takes over during the run, turning the signal into an exception
so that temporary files are removed.
"""

import os
from types import FrameType

# The programs import this before anything else (nn_numpy._runner): `signal` would load enum
# first, a few ms in which a Ctrl-C is still a traceback; _signal, the C module it wraps, is
# built into the interpreter. Its numbers are plain ints, the same ones.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import signal
else:
    try:
        import _signal as signal
    except ImportError:  # an interpreter without it
        import signal

# SIGPIPE is not here: Python ignores it, so a write to a closed pipe is an error (EPIPE) instead.
# SIGXCPU: a CPU-time limit (ulimit -t, a batch scheduler) warns with it before SIGKILL.
NAMES = ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGALRM", "SIGXCPU",
         "SIGVTALRM", "SIGPROF")  # fmt: skip
NAME = {getattr(signal, n): n for n in NAMES if hasattr(signal, n)}
FATAL: tuple[int, ...] = tuple(NAME)


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
    return f"terminated by {NAME[signum]}"


def install_early_handlers(prog: str) -> None:
    """Make each signal of ``FATAL`` not ignored end the program ``prog`` with one line."""
    if not hasattr(os, "_exit"):
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
