"""What one call of the user's function may not do to the check: take too long, or change the
process's state that the oracles and the report depend on.

``time_limit`` (``--timeout SECONDS``):
the limit is a real-time timer (SIGALRM, POSIX, main thread only; elsewhere no limit). When it
expires, an exception derived from BaseException is raised inside the user's code, so their own
``except Exception`` cannot swallow it, and it leaves as a ``UsageError`` naming the case (exit
status 2). A SIGALRM from outside, before the limit, goes to the handler that was there before.

``preserved_state``: NumPy's error handling, the working directory, the attributes of the
modules the judging calls (``np.max = ...`` in their code would change the verdict) and (if torch
is imported) torch's default dtype, gradient mode and thread count are put back after the call,
whatever the user's code set; ``os._exit`` in their code raises instead of ending the check.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from types import FrameType

import numpy as np

from nn_numpy.errors import UsageError


class Expired(BaseException):
    """The timer fired inside the user's code."""


@contextlib.contextmanager
def time_limit(seconds: float | None, case: str) -> Iterator[None]:
    """Run the body with at most ``seconds`` of real time (None or 0: no limit)."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not seconds or not usable:
        yield
        return
    start, previous = time.monotonic(), signal.getsignal(signal.SIGALRM)

    def on_alarm(signum: int, frame: FrameType | None) -> None:
        if time.monotonic() - start >= 0.99 * seconds:
            raise Expired
        if callable(previous):  # someone else's SIGALRM, early: theirs to handle
            previous(signum, frame)
        elif previous == signal.SIG_DFL:
            signal.signal(signal.SIGALRM, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGALRM)

    signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except Expired:
        raise UsageError(
            f"your function took more than {seconds:g} s on case '{case}' (an endless loop? "
            "--timeout SECONDS sets the limit per call, 0 for none)"
        ) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# The modules whose functions the oracles, the judging and the report call.
GUARDED = ("numpy", "numpy.linalg", "numpy.random", "math", "builtins", "os", "sys", "torch")


def _refused_exit(status: int = 0) -> None:
    raise SystemExit(f"os._exit({status}) called while nn-numpy-check runs your code")


def _restore_modules(saved: dict[str, dict[str, object]]) -> None:
    """Every attribute of the guarded modules set, replaced or deleted since ``saved``, back."""
    for name, attrs in saved.items():
        module, now = sys.modules[name], vars(sys.modules[name])
        for key, value in attrs.items():
            if now.get(key, _MISSING) is not value:
                setattr(module, key, value)


_MISSING = object()


@contextlib.contextmanager
def preserved_state() -> Iterator[None]:
    """Run the body, then restore the process state it may have changed (see the module)."""
    modules = {name: dict(vars(sys.modules[name])) for name in GUARDED if name in sys.modules}
    os._exit = _refused_exit  # type: ignore[assignment]  # put back with the modules
    errors, cwd = np.geterr(), os.getcwd()
    torch = sys.modules.get("torch")
    saved = (
        (torch.get_default_dtype(), torch.is_grad_enabled(), torch.get_num_threads())
        if (torch is not None and hasattr(torch, "get_default_dtype"))
        else None
    )
    try:
        yield
    finally:
        _restore_modules(modules)
        np.seterr(**errors)
        with contextlib.suppress(OSError):  # their code may have removed it: nothing to go back to
            os.chdir(cwd)
        if saved is not None and torch is not None:
            torch.set_default_dtype(saved[0])
            torch.set_grad_enabled(saved[1])
            torch.set_num_threads(saved[2])
