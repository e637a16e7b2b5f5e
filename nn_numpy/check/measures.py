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

from nn_numpy.network import Array, Params, forward


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
    few units of u times M (with a constant growing like the widths and the depth), so
    max|ours - ref| / max M is ~1e-15 whatever the cancellation. Keys: those of
    ``oracles.layer_quantities(params.L)`` (J, dZ[l], db[l], dW[l], dA[l], g'[l]).
    """
    return _scales_and_floors(params, X, Y)[0]


def underflow_floors(params: Params, X: Array, Y: Array) -> dict[str, Any]:
    """Absolute errors a quantity may carry from results below the smallest normal float64.

    sigma(z) can be subnormal (sigma(-713) = 2.1e-310 in NumPy), which torch flushes to 0: an
    error up to tiny = 2.2e-308 in dZ[L] and J, and in A[l] of sigmoid hidden layers, that the
    network then carries like any other error (|W|^T backwards, |W| and g' forwards, the means
    for db and dW). Same keys as ``error_scales``.
    """
    return _scales_and_floors(params, X, Y)[1]


def _hidden_terms(activation: str, Z: Array, A: Array, M_Z: Array) -> tuple[Array, Array, Array]:
    """For a hidden layer: |g'(Z)|, M_A >= |A| and its error's size, and M_g' for g' from A.

    ReLU: A and its error are bounded by M_Z; the mask 1{Z > 0} is exact (M_g' = 0). tanh,
    sigmoid: M_A = |A| + g' M_Z; g' = 1 - A^2 (terms 1, A^2; slope 2|A| in A) or A (1 - A)
    (terms A, A^2; slope |1 - 2A|) carries A's error too.
    """
    if activation == "relu":
        return (Z > 0).astype(np.float64), M_Z, np.zeros_like(Z)
    if activation == "tanh":
        slope, M_A = 1.0 - A * A, np.abs(A) + (1.0 - A * A) * M_Z
        return slope, M_A, 1.0 + A * A + 2.0 * np.abs(A) * M_A
    slope = A * (1.0 - A)
    M_A = A + slope * M_Z
    return slope, M_A, A + A * A + np.abs(1.0 - 2.0 * A) * M_A


def _scales_and_floors(params: Params, X: Array, Y: Array) -> tuple[dict[str, Any], dict[str, Any]]:
    """error_scales and underflow_floors, propagated together through every layer."""
    L, activation, m = params.L, params.activation, X.shape[1]
    tiny = np.finfo(np.float64).tiny
    W = {l: np.abs(params[f"W{l}"]) for l in range(1, L + 1)}
    cache = forward(params, X)
    M_A, U_A = {0: np.abs(X)}, {0: np.zeros_like(X)}
    slope, M_g, M_Z, U_Z = {}, {}, {}, {}
    for l in range(1, L + 1):
        M_Z[l] = W[l] @ M_A[l - 1] + np.abs(params[f"b{l}"])
        U_Z[l] = W[l] @ U_A[l - 1]
        if l < L:
            slope[l], M_A[l], M_g[l] = _hidden_terms(
                activation, cache[f"Z{l}"], cache[f"A{l}"], M_Z[l]
            )
            flushed = tiny if activation == "sigmoid" else 0.0
            U_A[l] = (1.0 if activation == "relu" else slope[l]) * U_Z[l] + flushed
    A_L, z = cache[f"A{L}"], cache[f"Z{L}"]
    s_prime = A_L * (1.0 - A_L)
    M = {f"dZ{L}": A_L + np.abs(Y) + s_prime * M_Z[L]}  # sigma' carries Z[L]'s error into A[L]
    U = {f"dZ{L}": tiny + s_prime * U_Z[L]}
    # J: both implementations add terms of size |z| per example that cancel when the example is
    # confidently right (ours: max(z, 0) - y z, for y = 1; torch's: (1 - y) z - log sigmoid(z),
    # for y = 0), so each is right to ~u |z| there; plus J's sensitivity to Z[L]'s rounding,
    # dL/dz = sigma(z) - y.
    softplus = np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))
    M["J"] = float(np.mean(softplus + np.abs(z) + np.abs(A_L - Y) * M_Z[L]))
    U["J"] = tiny + float(np.mean(np.abs(A_L - Y) * U_Z[L]))
    dZ_value = A_L - Y
    for l in range(L, 0, -1):
        M_dZ, U_dZ = M[f"dZ{l}"], U[f"dZ{l}"]
        for S, dZ, A_prev in ((M, M_dZ, M_A[l - 1]), (U, U_dZ, M_A[l - 1])):
            S[f"db{l}"] = dZ.sum(axis=1, keepdims=True) / m
            S[f"dW{l}"] = (dZ @ A_prev.T) / m
        U[f"dW{l}"] = U[f"dW{l}"] + (M_dZ @ U_A[l - 1].T) / m
        if l == 1:
            break
        k = l - 1
        M[f"dA{k}"], U[f"dA{k}"] = W[l].T @ M_dZ, W[l].T @ U_dZ
        if activation == "relu":
            M[f"dZ{k}"], U[f"dZ{k}"] = M[f"dA{k}"] * slope[k], U[f"dA{k}"] * slope[k]
            M[f"g'{k}"], U[f"g'{k}"] = slope[k], np.zeros_like(slope[k])
            continue
        # dZ[k] = dA[k] g'(Z[k]): dA's error times g', plus |dA| times g''s error (the values
        # of dA are the formula's, dA[k] = W[k+1]^T dZ[k+1], computed here alongside)
        dA = np.abs(params[f"W{l}"].T @ dZ_value)
        dZ_value = (params[f"W{l}"].T @ dZ_value) * slope[k]
        U_g = (2.0 if activation == "tanh" else 1.0) * U_A[k]  # |d g'/dA| <= 2 or 1
        M[f"dZ{k}"] = M[f"dA{k}"] * slope[k] + dA * M_g[k]
        U[f"dZ{k}"] = U[f"dA{k}"] * slope[k] + dA * U_g
        M[f"g'{k}"], U[f"g'{k}"] = M_g[k], U_g
    return M, U
