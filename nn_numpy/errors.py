"""Every exception nn-numpy raises, in one hierarchy: ``except NNNumpyError`` catches them all.

Each also derives from the built-in exception it has always been (a ``DataError`` is a
``ValueError``, a ``WriteError`` an ``OSError``), so code catching the built-in keeps working.

    NNNumpyError
    +-- DataError (ValueError)             input data that cannot be used, one line
    |   +-- ResourceError                  the run needs more memory than is available
    +-- ModelFileError (ValueError)        a model file that cannot be used
    +-- PredictionError (ValueError)       examples whose output cannot be computed
    +-- UsageError                         bad arguments: a program exits 2
    +-- RunError                           a failure during a program's run: exit 1
    +-- WriteError (OSError)               an output could not be written
    +-- Diverged                           the cost of a training run stopped being finite
    +-- NumbaUnavailableError (ImportError)   the numba backend without numba
    +-- BackendUnsupportedError (UsageError, ValueError)   a backend asked for a network it lacks
    +-- PlotUnavailableError (RuntimeError)   plotting without matplotlib
    +-- KinkError (ValueError)             no smooth finite-difference stencil for an entry
    +-- OracleDisagreement (AssertionError)   two of the checker's oracles disagree: our bug
    +-- UserImportError                    the checker ran the user's module and it raised
    +-- UserCodeError                      the user's function raised

For ``UserImportError`` and ``UserCodeError``, ``__cause__`` is the user's own exception.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = [
    "BackendUnsupportedError",
    "DataError",
    "Diverged",
    "KinkError",
    "ModelFileError",
    "NNNumpyError",
    "NumbaUnavailableError",
    "OracleDisagreement",
    "PlotUnavailableError",
    "PredictionError",
    "ResourceError",
    "RunError",
    "UsageError",
    "UserCodeError",
    "UserImportError",
    "WriteError",
]


CLIP = 80  # characters of a cell or name shown in a message
# In a repr: a lone surrogate \udc80-\udcff (os.fsdecode's stand-in for a byte that is not
# UTF-8) after an even number of backslashes, that is, not a literal backslash in the name.
_SURROGATE = re.compile(r"(?<!\\)((?:\\\\)*)\\udc([89a-f][0-9a-f])")


def quoted(name: str) -> str:
    """``repr(name)`` for a path in a message, with a byte of a file name that is not valid
    UTF-8 shown as ``\\xff`` (the byte, as ``printable`` shows it), not as ``\\udcff``."""
    return _SURROGATE.sub(r"\1\\x\2", repr(name))


def clipped(text: str, limit: int = CLIP) -> str:
    """``repr(text)`` for a message, cut after ``limit`` characters with the length named: a
    message stays one short line whatever a cell or a column name in a file holds."""
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}... ({len(text)} characters)"


class NNNumpyError(Exception):
    """The base of every exception nn-numpy raises."""


class DataError(NNNumpyError, ValueError):
    """A problem with the input data, described in one human-readable line."""


class ResourceError(DataError):
    """The run needs more memory than the machine has: bad input (exit 2), in one line."""


class ModelFileError(NNNumpyError, ValueError):
    """A model file that cannot be used; the message is one line naming the file."""


class PredictionError(NNNumpyError, ValueError):
    """Some examples' outputs cannot be computed; ``columns`` are their indices in X."""

    def __init__(self, message: str, columns: Any) -> None:
        super().__init__(message)
        self.columns = columns


class UsageError(NNNumpyError):
    """Bad arguments or data: reported as ``PROG: error: <message>`` with exit status 2."""


class RunError(NNNumpyError):
    """A failure during the run: reported as ``PROG: error: <message>`` with exit status 1."""


class WriteError(NNNumpyError, OSError):
    """Writing an output failed; ``str()`` is ``cannot write 'PATH': REASON``, one line."""

    def __str__(self) -> str:
        return f"cannot write {quoted(str(self.filename))}: {self.strerror}"


class Diverged(NNNumpyError):
    """The cost stopped being finite."""


class NumbaUnavailableError(NNNumpyError, ImportError):
    """The numba backend was asked for, but numba cannot be imported."""


class BackendUnsupportedError(UsageError, ValueError):
    """The chosen training backend does not compute this network (the numba backend: one hidden
    ReLU layer only); a usage error, exit 2, in one line naming the backend that does."""


class PlotUnavailableError(NNNumpyError, RuntimeError):
    """matplotlib is not installed; the message is one line with the install command."""


class KinkError(NNNumpyError, ValueError):
    """No finite-difference stencil around this parameter entry stays on one smooth piece of J."""


class OracleDisagreement(NNNumpyError, AssertionError):
    """Two oracles disagree: a bug on our side, never the user's."""


class UserImportError(NNNumpyError):
    """Running the user's module raised; ``__cause__`` is their exception."""


class UserCodeError(NNNumpyError):
    """The user's function raised; ``__cause__`` is their exception (its traceback is theirs)."""

    def __init__(self, case: str, doing: str = "your function raised") -> None:
        super().__init__(f"{doing} on case '{case}'")
        self.case = case
