"""A time limit on one call of the user's function (``--timeout SECONDS``).

The limit is a real-time timer (SIGALRM, POSIX, main thread only; elsewhere no limit). When it
expires, an exception derived from BaseException is raised inside the user's code, so their own
``except Exception`` cannot swallow it, and it leaves as a ``UsageError`` naming the case (exit
status 2). A SIGALRM from outside, before the limit, goes to the handler that was there before.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Iterator
from types import FrameType

from nn_numpy.errors import UsageError


class _Expired(BaseException):
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
            raise _Expired
        if callable(previous):  # someone else's SIGALRM, early: theirs to handle
            previous(signum, frame)
        elif previous == signal.SIG_DFL:
            signal.signal(signal.SIGALRM, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGALRM)

    signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _Expired:
        raise UsageError(
            f"your function took more than {seconds:g} s on case '{case}' (an endless loop? "
            "--timeout SECONDS sets the limit per call, 0 for none)"
        ) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
