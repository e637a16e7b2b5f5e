"""Error measures shared by ``nn-numpy-check`` and ``python -m reference.report``.

Both are max-norm ratios, so tiny entries of the reference cannot inflate them:

* ``relative_error`` = max|ours - ref| / max|ref|, for ordinary networks.
* ``term_scaled_error`` = max|ours - ref| / max M, where M >= |ref| elementwise is the size of
  the terms the quantity is computed from (``error_scales``). float64 rounding errors are a few
  units of u = 2^-53 times M, so this stays meaningful when a quantity is a cancellation of large
  terms (e.g. db2 = mean(A2 - Y) adding +-1 entries to nearly 0).

``Worst`` keeps the largest error seen and where it was (case and index).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from nn_numpy.network import PARAM_NAMES, Array, Params, forward


def relative_error(ours: ArrayLike, ref: ArrayLike) -> float:
    """max |ours - ref| / max |ref|, the error relative to the largest reference entry.

    If ``ref`` is all zeros the ratio is undefined and the absolute error max |ours - ref| is
    returned instead. Shapes must match exactly (no broadcasting).
    """
    a = np.asarray(ours, dtype=np.float64)
    b = np.asarray(ref, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"shape mismatch: {a.shape} vs {b.shape}")
    if a.size == 0:
        return 0.0
    err = float(np.max(np.abs(a - b)))
    scale = float(np.max(np.abs(b)))
    return err / scale if scale > 0 else err


def term_scaled_error(ours: Any, ref: Any, scale: Any, floor: Any = 0.0) -> float:
    """max(|ours - ref| - floor, 0) / max|scale|: the error relative to the size of the terms.

    ``scale`` is M from ``error_scales``; ``floor`` is the underflow allowance from
    ``underflow_floors`` (the additive term of the rounding model fl(x) = x(1 + d) + e).
    """
    a, b = np.asarray(ours, dtype=np.float64), np.asarray(ref, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"shape mismatch: {a.shape} vs {b.shape}")
    excess = np.maximum(np.abs(a - b) - floor, 0.0)
    top = float(np.max(np.abs(scale)))
    err = float(np.max(excess, initial=0.0))
    return err / top if top > 0 else err


def worst_index(ours: ArrayLike, ref: ArrayLike) -> tuple[int, ...]:
    """The index of the largest |ours - ref| (the first one on ties); shapes must match."""
    diff = np.abs(np.asarray(ours, dtype=np.float64) - np.asarray(ref, dtype=np.float64))
    if diff.size == 0:
        return ()
    return tuple(int(i) for i in np.unravel_index(int(np.argmax(diff)), diff.shape))


@dataclass
class Worst:
    """The largest error seen so far, with the case and index where it occurred (NaN wins)."""

    error: float | None = None
    case: str = ""
    index: tuple[int, ...] = ()

    def update(self, error: float, case: str = "", index: tuple[int, ...] = ()) -> None:
        if self.error is None or error > self.error or np.isnan(error):
            self.error, self.case, self.index = error, case, index


def error_scales(params: Params, X: Array, Y: Array) -> dict[str, Any]:
    """M >= |q| per quantity: the size of the terms q is computed from (first-order error analysis).

    Each M is the quantity's formula with every term replaced by its absolute value (Higham's
    |fl(x^T y) - x^T y| <= gamma_n |x|^T |y|), plus, where a nonlinearity is applied, its
    derivative times the scale of its argument. Both implementations' rounding errors are a
    few units of u times M (with a constant growing like n_x + n_h), so max|ours - ref| / max M
    is ~1e-15 whatever the cancellation.
    """
    W1, b1, W2, b2 = (np.abs(params[k]) for k in PARAM_NAMES)
    cache = forward(params, X)
    M_Z1 = W1 @ np.abs(X) + b1  # also bounds A1 = relu(Z1) and its error
    M_Z2 = W2 @ M_Z1 + b2
    A2 = cache.A2
    s_prime = A2 * (1.0 - A2)
    M_dZ2 = A2 + np.abs(Y) + s_prime * M_Z2  # sigma' carries Z2's absolute error into A2
    M_dZ1 = (W2.T @ M_dZ2) * (cache.Z1 > 0)
    # J: both implementations add terms of size |z| per example that cancel when the example is
    # confidently right (ours: max(z, 0) - y z, for y = 1; torch's: (1 - y) z - log sigmoid(z),
    # for y = 0), so each is right to ~u |z| there; plus J's sensitivity to Z2's rounding,
    # dL/dz = sigma(z) - y.
    z = cache.Z2
    softplus = np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))
    M_J = float(np.mean(softplus + np.abs(z) + np.abs(A2 - Y) * M_Z2))
    return _through_bias_and_weight_formulas(M_J, M_dZ2, M_dZ1, M_Z1, X)


def underflow_floors(params: Params, X: Array, Y: Array) -> dict[str, Any]:
    """Absolute errors a quantity may carry from results below the smallest normal float64.

    A2 = sigma(Z2) and the losses can be subnormal (sigma(-713) = 2.1e-310 in NumPy), which
    torch flushes to 0: an error up to tiny = 2.2e-308 in dZ2 and J that the backward pass
    then scales like any other error in dZ2 (|W2|^T for dZ1, the means for db and dW).
    """
    tiny = np.finfo(np.float64).tiny
    cache = forward(params, X)
    U_dZ2 = np.full_like(cache.Z2, tiny)
    U_dZ1 = (np.abs(params.W2).T @ U_dZ2) * (cache.Z1 > 0)
    M_A1 = np.abs(params.W1) @ np.abs(X) + np.abs(params.b1)
    return _through_bias_and_weight_formulas(tiny, U_dZ2, U_dZ1, M_A1, X)


def _through_bias_and_weight_formulas(
    J: float, dZ2: Array, dZ1: Array, A1: Array, X: Array
) -> dict[str, Any]:
    """Per-quantity bounds from per-example ones: db = mean(dZ), dW = dZ |A_prev|^T / m."""
    m = X.shape[1]
    return {
        "J": J,
        "dZ2": dZ2,
        "dZ1": dZ1,
        "db2": dZ2.sum(axis=1, keepdims=True) / m,
        "db1": dZ1.sum(axis=1, keepdims=True) / m,
        "dW2": (dZ2 @ A1.T) / m,
        "dW1": (dZ1 @ np.abs(X).T) / m,
    }
