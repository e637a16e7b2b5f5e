"""Deep code that misbehaves towards the process running it: never returns, reuses its result
buffers, changes its inputs or global state, prints, starts threads, warns. Each is correct
otherwise (``deep_users.course``)."""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from tests.deep_users import course


def endless(params: dict[str, Any], X: np.ndarray, Y: np.ndarray) -> dict[str, Any]:
    """Never returns, and swallows every Exception on the way.

    It sleeps a little in the loop: Python 3.10 runs no signal handler inside a loop of bare
    array arithmetic (checked: a SIGALRM handler never ran there), so no timer can stop it; 3.11
    and later do.
    """
    while True:
        try:
            X = X + 0.0
            time.sleep(0.001)
        except Exception:
            pass


def endless_six(W1: Any, b1: Any, W2: Any, b2: Any, X: Any, Y: Any) -> dict[str, Any]:
    return endless({}, X, Y)


_BUFFERS: dict[str, np.ndarray] = {}


def reuses_buffers(params: dict[str, Any], X: np.ndarray, Y: np.ndarray) -> dict[str, Any]:
    """Keeps its results in module-level arrays that the next call overwrites in place."""
    for k, v in course()(params, X, Y).items():
        if k in _BUFFERS and _BUFFERS[k].shape == v.shape:
            _BUFFERS[k][...] = v
        else:
            _BUFFERS[k] = np.array(v)
    return _BUFFERS


def updates_in_place(params: dict[str, Any], X: np.ndarray, Y: np.ndarray) -> dict[str, Any]:
    """Takes a gradient step on the parameters it was given, and standardizes X in place."""
    grads = course()(params, X, Y)
    for l in range(1, len(params) // 2 + 1):
        params[f"W{l}"] -= 0.1 * grads[f"dW{l}"]
    X -= 0.0 * X + 1.0
    return grads


def changes_global_state(params: dict[str, Any], X: np.ndarray, Y: np.ndarray) -> dict[str, Any]:
    """Sets NumPy to raise on every floating-point warning and moves to another directory."""
    import os
    import tempfile

    np.seterr(all="raise")
    os.chdir(tempfile.gettempdir())
    return course()(params, X, Y)


def changes_torch_state(params: dict[str, Any], X: np.ndarray, Y: np.ndarray) -> dict[str, Any]:
    """Leaves torch in float64 (its default is float32), without gradients, on one thread."""
    import torch

    torch.set_default_dtype(torch.float64)
    torch.set_grad_enabled(False)
    torch.set_num_threads(1)
    return course()(params, X, Y)


def prints_and_starts_threads(params: dict[str, Any], X: np.ndarray, Y: np.ndarray) -> Any:
    import threading

    print("debug: shapes", {k: v.shape for k, v in params.items()})
    threading.Thread(target=lambda: None, daemon=True).start()
    return course()(params, X, Y)


def warns(params: dict[str, Any], X: np.ndarray, Y: np.ndarray) -> dict[str, Any]:
    import warnings

    warnings.warn("this adapter is deprecated", DeprecationWarning, stacklevel=1)
    np.log(np.zeros(1))  # RuntimeWarning: divide by zero
    return course()(params, X, Y)
