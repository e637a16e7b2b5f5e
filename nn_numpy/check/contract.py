"""The contract with the user's function, and the errors that stop a check (exit status 2).

``f(W1, b1, W2, b2, X, Y) -> result`` where ``result`` is a mapping (a dict) or any object with
attributes holding at least dW1, db1, dW2, db2, and optionally dZ1, dZ2 and the cost under J
or cost. Extra keys are ignored. Values may be any real array (any float dtype, or a number).

What stops the check (``UsageError``, one line, exit 2): a result without the required keys,
a value that is not an array of real numbers or too large to compare in the memory available
(a broadcast view of 10**12 entries). An exception raised by the result's own code
as it is read (``__getitem__``, a property, a value's ``__array__``) is theirs (``UserCodeError``).
What is a failing formula instead (exit 1, with a diagnosis): a value of the wrong shape, with
non-finite entries, or with wrong numbers.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nn_numpy._signals import Terminated
from nn_numpy.check.cases import Case
from nn_numpy.check.limits import Expired, preserved_state, time_limit
from nn_numpy.errors import UsageError, UserCodeError
from nn_numpy.io.resources import available_memory
from nn_numpy.network import GRAD_NAMES

REQUIRED = GRAD_NAMES
OPTIONAL = ("dZ2", "dZ1")
COST_KEYS = ("J", "cost")
CONTRACT = "needs dW1, db1, dW2, db2; optional dZ1, dZ2 and J or cost"
# A signal arriving while the user's code runs ends the run, and the time limit expiring in it
# stops the check; every other exception is theirs.
SIGNALS = (KeyboardInterrupt, Terminated, Expired)
COPIES = 8  # float64 arrays of a value's size the judging may hold at once (isfinite, errors)


def call_user(fn: Callable[..., Any], case: Case, name: str, timeout: float | None = None,
              altered: set[str] | None = None) -> dict[str, NDArray[Any]]:  # fmt: skip
    """Call ``fn`` on copies of the case's arrays (float64), within ``timeout`` seconds (None:
    no limit), and read its result; the names of the inputs it changed in place go to
    ``altered``."""
    p = case.params
    given = (p.W1, p.b1, p.W2, p.b2, case.X, case.Y)
    args = [np.array(a, dtype=np.float64) for a in given]
    with time_limit(timeout, case.name), preserved_state():  # outside the try: ours
        try:
            result = fn(*args)
        except SIGNALS:
            raise
        except BaseException as exc:  # sys.exit() or GeneratorExit in their code is theirs too
            raise UserCodeError(case.name) from exc
    if altered is not None:
        names = ("W1", "b1", "W2", "b2", "X", "Y")
        altered.update(k for k, a, was in zip(names, args, given, strict=True)
                       if not np.array_equal(a, was))  # fmt: skip
    try:  # reading the result runs their code too: __getitem__, __getattr__, __contains__, keys
        return read_result(result, name)
    except (UsageError, *SIGNALS):
        raise
    except BaseException as exc:
        raise UserCodeError(case.name, "reading your function's result raised") from exc


def read_result(result: Any, name: str) -> dict[str, NDArray[Any]]:
    """The user's quantities as arrays, by our names (the cost as "J")."""
    if isinstance(result, Mapping):
        present, get = (lambda k: k in result), result.__getitem__
    else:
        present, get = (lambda k: hasattr(result, k)), (lambda k: getattr(result, k))
    missing = [key for key in REQUIRED if not present(key)]
    if missing and isinstance(result, tuple | list):
        raise UsageError(
            f"{name} returned a {type(result).__name__} of {len(result)} values; return a dict "
            f"instead, e.g. {{'dW1': dW1, 'db1': db1, 'dW2': dW2, 'db2': db2}} ({CONTRACT})"
        )
    if missing:
        raise UsageError(f"{name} returned {_what(result)} without {', '.join(missing)} "
                         f"({CONTRACT}){_hint(result, missing)}")  # fmt: skip
    values = {key: _real_array(key, get(key)) for key in (*OPTIONAL, *REQUIRED) if present(key)}
    cost_key = next((key for key in COST_KEYS if present(key)), None)
    if cost_key is not None:
        values["J"] = _real_array(cost_key, get(cost_key))
    return values


def _what(result: Any) -> str:
    """How the result reads in a message: "None (...)", "a dict"."""
    if result is None:
        return "None (a missing return statement?)"
    return f"a {type(result).__name__}"


def _hint(result: Any, missing: list[str]) -> str:
    """The keys the user did return, to compare with the contract's names."""
    if not isinstance(result, Mapping):
        return ""
    found = [str(k) for k in result]
    near = [k for k in found if k.lower() in {m.lower() for m in missing}]
    if near:
        return f"; keys are case-sensitive, found {', '.join(near)}"
    more = ", ..." if len(found) > 8 else ""
    return f"; its keys are {', '.join(found[:8])}{more}" if found else ""


def _real_array(key: str, value: Any) -> NDArray[Any]:
    if hasattr(value, "detach") and hasattr(value, "cpu"):  # a torch tensor, maybe with grad
        value = value.detach().cpu()
    try:
        with warnings.catch_warnings():  # NumPy < 1.24 warns on a ragged list; dtype says it below
            warnings.simplefilter("ignore", getattr(np, "exceptions", np).VisibleDeprecationWarning)
            array = np.asarray(value)
    except Exception as exc:
        if exc.__traceback__ is not None and exc.__traceback__.tb_next is not None:
            raise  # a Python frame below ours raised: their __array__, theirs to fix (exit 2)
        raise UsageError(f"{key} cannot be read as an array ({type(exc).__name__}: {exc})") from exc
    if array.dtype.kind not in "fiu":
        raise UsageError(f"{key} is not an array of real numbers (dtype {array.dtype})")
    if COPIES * 8 * array.size > available_memory():  # a broadcast view of 10**12 entries, say
        raise UsageError(
            f"{key} has shape {array.shape}, {array.size} entries: more than the memory available "
            "can compare (is it a broadcast view?)"
        )
    return array.copy()  # code that reuses its buffers must not change a result read
