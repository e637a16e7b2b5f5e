"""The contract ``f(params, X, Y)`` at any depth, and reading its result.

``params`` is a new dict ``{"W1": ..., "b1": ..., "WL": ..., "bL": ...}`` of float64 copies
(W[l] (n_l, n_{l-1}), b[l] (n_l, 1)), X (n_x, m), Y (1, m). The result, a mapping or an object
with attributes, holds dW{l}, db{l} for l = 1..L, and optionally dZ{l} (l = 1..L), dA{l}
(l = 0..L-1, the course's keys, or l = 1..L, one higher, as older notebooks key them) and the
cost as J or cost. Extra keys are ignored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nn_numpy.check.cases import Case
from nn_numpy.check.contract import COST_KEYS, SIGNALS, _hint, _real_array, _what
from nn_numpy.check.limits import preserved_state, time_limit
from nn_numpy.errors import UsageError, UserCodeError
from nn_numpy.network import grad_names


def contract_text(L: int) -> str:
    """The keys the result needs at L layers, for messages."""
    return f"needs dW1, db1, ..., dW{L}, db{L}; optional dZ1..dZ{L}, dA0..dA{L - 1} and J or cost"


def call_params(
    fn: Callable[..., Any], case: Case, name: str, timeout: float | None = None
) -> tuple[dict[str, NDArray[Any]], list[str]]:
    """Call ``fn(params, X, Y)`` on copies of the case's arrays (float64), within ``timeout``
    seconds (None: no limit), and read its result; also the inputs it changed in place."""
    params = {k: np.array(v, dtype=np.float64) for k, v in case.params.items()}
    X, Y = np.array(case.X, dtype=np.float64), np.array(case.Y, dtype=np.float64)
    with time_limit(timeout, case.name), preserved_state():  # outside the try: ours
        try:
            result = fn(params, X, Y)
        except SIGNALS:
            raise
        except BaseException as exc:  # sys.exit() or GeneratorExit in their code is theirs too
            raise UserCodeError(case.name) from exc
    changed = [k for k, v in params.items() if not np.array_equal(v, case.params[k])]
    changed += [
        k for k, v, was in (("X", X, case.X), ("Y", Y, case.Y)) if not np.array_equal(v, was)
    ]
    try:  # reading the result runs their code too
        return read_layers(result, case.params.L, name), changed
    except (UsageError, *SIGNALS):
        raise
    except BaseException as exc:
        raise UserCodeError(case.name, "reading your function's result raised") from exc


def read_layers(result: Any, L: int, name: str) -> dict[str, NDArray[Any]]:
    """The user's quantities of an L-layer network as arrays, by their keys (the cost as "J")."""
    if isinstance(result, Mapping):
        present, get = (lambda k: k in result), result.__getitem__
    else:
        present, get = (lambda k: hasattr(result, k)), (lambda k: getattr(result, k))
    required = grad_names(L)
    missing = [key for key in required if not present(key)]
    if missing and isinstance(result, tuple | list):
        raise UsageError(
            f"{name} returned a {type(result).__name__} of {len(result)} values; "
            f"return a dict of the gradients instead ({contract_text(L)})"
        )
    if missing:
        raise UsageError(
            f"{name} returned {_what(result)} without {', '.join(missing)} at "
            f"{L - 1} hidden layer{'s' * (L > 2)} ({contract_text(L)})"
            f"{_skipped(missing, L, result if isinstance(result, Mapping) else ())}"
            f"{_hint(result, missing)}"
        )
    optional = [f"dZ{l}" for l in range(1, L + 1)] + [f"dA{l}" for l in range(L + 1)]
    keys = [*required, *(k for k in optional if present(k))]
    values = {key: _real_array(key, get(key)) for key in keys}
    cost_key = next((key for key in COST_KEYS if present(key)), None)
    if cost_key is not None:
        values["J"] = _real_array(cost_key, get(cost_key))
    return values


def _skipped(missing: list[str], L: int, found: Any = ()) -> str:
    """A backward loop that stops early or starts late misses exactly one layer's keys; one
    that counts layers from 0 stores dW0."""
    if "dW0" in found or "db0" in found:
        return "; found dW0 or db0: layers are numbered from 1, dW{l} for l = 1..L"
    for l, where in ((1, "stop before layer 1"), (L, f"start below the output layer {L}")):
        if set(missing) == {f"dW{l}", f"db{l}"} and L > 1:
            return f"; does the backward loop {where}?"
    return ""
