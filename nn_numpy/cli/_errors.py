"""How the command-line programs fail: one line on standard error and a documented exit status.

``run_cli`` wraps a program's work so that nothing reaches the user as a traceback:

====  ==========================================================================
2     bad arguments or data (``UsageError`` and the program's own input errors)
1     a failure during the run: a write error (the message names the path), a
      failure writing standard output, running out of memory, an internal error
130   interrupted (SIGINT, Ctrl-C)
143   terminated (SIGTERM)
128+n terminated by signal n (SIGHUP, SIGQUIT, SIGUSR1/2, SIGALRM, SIGXCPU, ...)
====  ==========================================================================

Standard output is written best effort: when its reader goes away (``| head``) the rest is
discarded and the run goes on, so that the files it was asked to write are still written, and
the exit status stays 0 -- the reader chose to stop reading. Any other error writing it (a full
disk) is reported once the run is over, with status 1; so is a standard output that was closed
(``>&-``): the run goes on, writes its files and then says so. A closed standard error loses the
messages, never sending them to standard output instead. Warnings are shown as one line each,
``PROG: warning: MESSAGE``, never as Python's two-line form with a source path. Bad arguments
(``ArgumentParser``) are one line too, with a pointer to ``--help`` instead of the usage block.
"""

from __future__ import annotations

import argparse
import errno
import os
import signal
import sys
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from types import FrameType
from typing import IO, Any, NoReturn

from nn_numpy._signals import FATAL, Terminated, message
from nn_numpy.errors import RunError, UsageError
from nn_numpy.io.atomic import WriteError


def printable(text: str) -> str:
    """``text`` with every character that would not show as itself escaped, so that a message
    is one line whatever the names in it hold: control characters and newlines as ``\\n`` or
    ``\\x1b``, invisible format characters as ``\\u200b``, a byte of a file name that is not
    valid UTF-8 (a lone surrogate from ``os.fsdecode``) as ``\\xff``."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else _escaped(c) for c in text)


def _escaped(c: str) -> str:
    if 0xDC80 <= ord(c) <= 0xDCFF:  # surrogateescape: the byte the file name holds
        return f"\\x{ord(c) - 0xDC00:02x}"
    return repr(c)[1:-1]


def fail(prog: str, message: str, status: int) -> int:
    """Print ``prog: error: message`` on standard error, as one line, and return ``status``."""
    with suppress(OSError, ValueError, AttributeError):  # a closed or full standard error
        # never print(file=None): that is stdout
        sys.stderr.write(f"{prog}: error: {printable(message)}\n")
        sys.stderr.flush()
    return status


class ArgumentParser(argparse.ArgumentParser):
    """``argparse.ArgumentParser`` whose errors are one line: ``PROG: error: MESSAGE (see
    PROG --help)`` and exit status 2, as every other bad input."""

    def error(self, message: str) -> NoReturn:
        fail(self.prog, f"{message} (see {self.prog} --help)", 2)
        raise SystemExit(2)


def reserve_standard_streams() -> bool:
    """Point a closed descriptor 0, 1 or 2 at the null device; return True if 1 was closed.

    Otherwise the next file opened would get that number, and ``print`` would write into it (an
    output file), and ``sys.stdout``/``sys.stderr`` are None (``print(file=None)`` goes to
    standard output). Call it first in ``main``.
    """
    stdout_closed = False
    for fd, name in ((0, "stdin"), (1, "stdout"), (2, "stderr")):
        try:
            os.fstat(fd)
            continue
        except OSError:
            pass
        null = os.open(os.devnull, os.O_RDWR)  # opening the null device, never replacing it
        if null != fd:
            os.dup2(null, fd)
            os.close(null)
        stdout_closed = stdout_closed or fd == 1
        if getattr(sys, name) is None:
            setattr(sys, name, open(fd, "r" if fd == 0 else "w", closefd=False))
    return stdout_closed


def run_cli(prog: str, work: Callable[[], int], input_errors: tuple[type[Exception], ...]) -> int:
    """Run ``work`` and turn every way it can end into one line and an exit status (table above).

    ``input_errors`` are the program's exceptions for bad input: exit status 2.
    """
    closed = reserve_standard_streams()
    stdout = _BestEffortStdout(sys.stdout)
    if closed:
        stdout.error = OSError(errno.EBADF, "it was closed")
        stdout.dropped = True
    sys.stdout = stdout  # type: ignore[assignment]
    try:
        with _signals_as_exceptions(), _one_line_warnings(prog):
            usage_errors: tuple[type[Exception], ...] = (UsageError, *input_errors)
            try:
                status = work()
                stdout.flush()
            except usage_errors as e:
                return fail(prog, str(e), 2)
            except (RunError, WriteError) as e:
                return fail(prog, str(e), 1)
            except KeyboardInterrupt:
                return fail(prog, "interrupted", 130)
            except Terminated as e:
                return fail(prog, message(e.signum), 128 + e.signum)
            except MemoryError:
                return fail(prog, "out of memory", 1)
            except OSError as e:
                where = f"{e.filename}: " if e.filename else ""
                return fail(prog, f"{where}{e.strerror or e}", 1)
            except Exception as e:  # a bug: still one line, naming what went wrong
                return fail(prog, f"internal error: {type(e).__name__}: {e}", 1)
    finally:
        sys.stdout = stdout.inner
    if stdout.error is not None and status == 0:
        return fail(prog, f"cannot write standard output: {stdout.error.strerror}", 1)
    return status


def stdout_failed() -> bool:
    """Has writing standard output failed (other than its reader going away) in this run?"""
    return getattr(sys.stdout, "error", None) is not None


class _BestEffortStdout:
    """Standard output that never raises: after an error it discards the rest (see the module)."""

    def __init__(self, inner: IO[str]) -> None:
        self.inner = inner
        self.dropped = False
        self.error: OSError | None = None  # an error other than the reader going away

    def write(self, text: str) -> int:
        if not self.dropped:
            self._guard(lambda: self.inner.write(text))
        return len(text)

    def flush(self) -> None:
        if not self.dropped:
            self._guard(self.inner.flush)

    def _guard(self, call: Callable[[], Any]) -> None:
        try:
            call()
        except BrokenPipeError:
            self._drop()
        except UnicodeEncodeError as e:  # a strict encoding: the text shown escaped, not lost
            shown = e.object.encode(e.encoding, "backslashreplace").decode(e.encoding)
            self._guard(lambda: self.inner.write(shown))
        except OSError as e:
            self.error = e
            self._drop()

    def _drop(self) -> None:
        """Discard from now on, and point the descriptor at the null device so that the final
        flush at exit (of what is still buffered) cannot fail."""
        self.dropped = True
        with suppress(OSError, ValueError, AttributeError):  # no descriptor (captured in tests)
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, self.inner.fileno())
            os.close(null)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)  # isatty, fileno, encoding, ...


@contextmanager
def _signals_as_exceptions() -> Iterator[None]:
    """SIGINT raises KeyboardInterrupt and SIGTERM (and the other signals of ``FATAL``) raise
    Terminated, once: later signals are ignored while the first one unwinds and temporary files
    are removed. A signal the parent process set to be ignored stays ignored (as Python itself
    does for SIGINT)."""
    signums = FATAL

    def on_signal(signum: int, frame: FrameType | None) -> None:
        for s in signums:
            signal.signal(s, signal.SIG_IGN)
        raise KeyboardInterrupt if signum == signal.SIGINT else Terminated(signum)

    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers; a caller's thread keeps Python's
        return
    saved = {s: signal.getsignal(s) for s in signums}
    for s, handler in saved.items():
        if handler is not signal.SIG_IGN:
            signal.signal(s, on_signal)
    try:
        yield
    finally:
        for s, handler in saved.items():
            signal.signal(s, handler)


@contextmanager
def _one_line_warnings(prog: str) -> Iterator[None]:
    """Show each warning as ``prog: warning: message`` on standard error."""

    def show(message: Warning | str, *args: Any, **kwargs: Any) -> None:
        with suppress(OSError):
            print(f"{prog}: warning: {printable(str(message))}", file=sys.stderr)

    with warnings.catch_warnings():
        warnings.showwarning = show
        yield
