"""Finite-difference oracle: dJ/dtheta by perturbing one parameter entry at a time (NumPy only).

Independent of ``nn_numpy.backward``: it only evaluates the function being differentiated,
J(theta) = compute_cost(forward(theta, X), Y), and never looks at a gradient formula.

Step size. The central difference D(h) = (J(theta + h) - J(theta - h)) / 2h has truncation
error h^2 |J'''| / 6 and rounding error about r / h, where r is the rounding noise of one
evaluation of J (a few ulps of J: forward's dot products, the mean over examples). The two
balance near h ~ 1e-5 for O(1) parameters; measured on a 50-example random case, the worst
relative error against ``backward`` is 9e-10 at h = 1e-4, 1e-10 at 3e-5, 3e-10 at 1e-5,
3e-9 at 1e-6 and 3e-7 at 1e-8. The default h = 1e-6 gives up a little accuracy (still 300x
below the 1e-6 the tests demand) for a stencil ten times narrower, so that it meets a ReLU kink
ten times less often. The quotient divides by the step actually taken, (theta + h) - (theta - h)
as rounded to float64, not by the nominal 2h. Everything is evaluated in float64.

ReLU kinks. J is only piecewise smooth: where some Z[l] entry of a ReLU layer crosses 0 the
slope of ReLU jumps and a stencil that straddles the crossing measures an average of two slopes.
At any depth a step of one parameter entry can move the Z of its own layer or of any later
one across 0 (a W1 entry moves Z2 through A1). Along a segment on which the masks
``Z[1] > 0, ..., Z[k-1] > 0`` stay fixed, Z[k] is affine in the parameter, so by induction
over the layers a segment from theta lies on one smooth piece exactly when the masks of
*every* ReLU layer at its far end equal those at theta. The oracle checks this on every
evaluation: if the central stencil crosses a kink it takes the second-order one-sided
difference (-3 J(0) + 4 J(+-h) - J(+-2h)) / 2h on a side that does not, halving h if neither
side is clean. At a point exactly on a kink (Z = 0) the clean side is the flat one, which is
the subgradient ``1{Z > 0}`` selects. If no clean stencil exists down to h / 2^20 (two kinks
on opposite sides closer than that), ``KinkError`` is raised rather than a wrong number.
tanh and sigmoid networks are smooth: every stencil is clean.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nn_numpy.errors import KinkError
from nn_numpy.network import Array, Cache, Params, compute_cost, forward, param_names

MAX_HALVINGS = 20


def numerical_gradients(
    params: Params, X: ArrayLike, Y: ArrayLike, eps: float = 1e-6
) -> dict[str, Array]:
    """dJ/dtheta for every parameter W[l], b[l] (l = 1..L) by central differences (float64).

    Keys "W1", "b1", ..., "WL", "bL", each with its parameter's shape. Stencils that would cross
    a ReLU kink in any layer are replaced by one-sided ones (module docstring); raises
    ``KinkError`` if none fits.
    """
    if not eps > 0:
        raise ValueError(f"eps must be positive, got {eps!r}")
    names, activation = param_names(params.L), params.activation
    base = {name: np.array(params[name], dtype=np.float64) for name in names}
    X64 = np.asarray(X, dtype=np.float64)
    Y64 = np.asarray(Y, dtype=np.float64)
    base_masks = relu_masks(forward(Params(**base, activation=activation), X64), activation)

    def evaluate(name: str, index: tuple[int, ...], value: float) -> tuple[float, bool]:
        """J with one entry set to ``value``, and whether every ReLU layer's mask is unchanged."""
        arrays = dict(base)
        arrays[name] = base[name].copy()
        arrays[name][index] = value
        cache = forward(Params(**arrays, activation=activation), X64)
        masks = relu_masks(cache, activation)
        same = all(np.array_equal(a, b) for a, b in zip(masks, base_masks, strict=True))
        return compute_cost(cache, Y64), same

    grads: dict[str, Array] = {}
    for name in names:
        grad = np.empty_like(base[name])
        for index in np.ndindex(grad.shape):
            grad[index] = _derivative(
                functools.partial(evaluate, name, index), base[name][index], eps
            )
        grads[name] = grad
    return grads


def relu_masks(cache: Cache, activation: str) -> tuple[NDArray[np.bool_], ...]:
    """The patterns Z[l] > 0 of the hidden layers l = 1..L-1 if they are ReLU; () if smooth."""
    if activation != "relu":
        return ()
    return tuple(cache[f"Z{l}"] > 0 for l in range(1, cache.L))


def _derivative(J: Callable[[float], tuple[float, bool]], theta: float, h: float) -> float:
    """d/dtheta of a piecewise-smooth J, from a stencil that stays on theta's smooth piece."""
    J0: float | None = None
    for _ in range(MAX_HALVINGS + 1):
        plus, minus = theta + h, theta - h
        (Jp, clean_p), (Jm, clean_m) = J(plus), J(minus)
        if clean_p and clean_m:
            return (Jp - Jm) / (plus - minus)
        if J0 is None:
            J0 = J(theta)[0]
        for side_clean, J1, sign in ((clean_p, Jp, 1.0), (clean_m, Jm, -1.0)):
            if not side_clean:
                continue
            t1, t2 = theta + sign * h, theta + sign * 2 * h
            J2, clean_2 = J(t2)
            if clean_2:
                # Quadratic through (theta, J0), (t1, J1), (t2, J2), differentiated at theta;
                # with exact steps this is (-3 J0 + 4 J1 - J2) / (2 sign h).
                return _one_sided(theta, t1, t2, J0, J1, J2)
        h /= 2
    raise KinkError(f"no kink-free stencil around {theta!r} down to step {h * 2:.3g}")


def _one_sided(t0: float, t1: float, t2: float, J0: float, J1: float, J2: float) -> float:
    """Derivative at t0 of the parabola through three points (exact for the rounded steps)."""
    d1, d2 = t1 - t0, t2 - t0
    return (J1 - J0) * d2 / (d1 * (d2 - d1)) - (J2 - J0) * d1 / (d2 * (d2 - d1))
