"""Argument checks shared by the trainers (nn_numpy.Trainer and the numba backend)."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from nn_numpy.network import Array, Params


def check_problem(X: Array, Y: Array, params: Params, dtype: DTypeLike) -> tuple[Any, Array, Array]:
    """(dtype, X, Y) as arrays, or ValueError: float32/64, X (n_x, m >= 1), Y (1, m), params fit."""
    dt = np.dtype(dtype)
    if dt not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise ValueError(f"dtype must be float32 or float64, not {dt}")
    X = np.asarray(X)
    Y = np.asarray(Y)
    if X.ndim != 2 or X.shape[1] == 0:
        raise ValueError(f"X must be (n_x, m) with m >= 1, got shape {X.shape}")
    n_x, m = X.shape
    if Y.shape != (1, m):
        raise ValueError(f"Y must have shape (1, {m}), got {Y.shape}")
    if np.ndim(params.W1) != 2:
        raise ValueError(f"params.W1 must have shape (n_h, {n_x}), got {np.shape(params.W1)}")
    n_h = params.W1.shape[0]
    expected = {"W1": (n_h, n_x), "b1": (n_h, 1), "W2": (1, n_h), "b2": (1, 1)}
    for name, shape in expected.items():
        if params[name].shape != shape:
            raise ValueError(f"params.{name} must have shape {shape}, got {params[name].shape}")
    return dt, X, Y
