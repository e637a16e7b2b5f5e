"""Argument checks shared by the trainers (the NumPy trainers and the numba backend)."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from nn_numpy.network import Array, Params


def check_problem(X: Array, Y: Array, params: Params, dtype: DTypeLike) -> tuple[Any, Array, Array]:
    """(dtype, X, Y) as arrays, or ValueError: float32/64, X (n_x, m >= 1), Y (1, m), and
    W[l] (n_l, n_{l-1}), b[l] (n_l, 1) for every layer l = 1..L, with n_0 = n_x and n_L = 1."""
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
    n_prev, L = n_x, params.L
    for l in range(1, L + 1):
        W = params[f"W{l}"]
        # n_l is read from W[l] itself, except for the output layer, whose width is 1
        n_l = 1 if l == L else (W.shape[0] if np.ndim(W) == 2 else -1)
        hint = "n_h" if L == 2 else f"n_{l}"
        expected = {f"W{l}": (n_l, n_prev), f"b{l}": (n_l, 1)}
        for name, shape in expected.items():
            if np.shape(params[name]) != shape or n_l < 1:
                shown = shape if n_l >= 1 else f"({hint}, {n_prev})"
                raise ValueError(
                    f"params.{name} must have shape {shown}, got {np.shape(params[name])}"
                )
        n_prev = n_l
    return dt, X, Y
