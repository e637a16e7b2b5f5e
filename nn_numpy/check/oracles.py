"""Where the expected values come from: three independent oracles.

* ``readable``: the verified readable network (``nn_numpy.network``), every quantity.
* ``finite_differences``: central differences of J, parameter gradients only, NumPy only.
* ``autograd``: PyTorch autograd, every quantity; used only when torch can be imported.

The checker compares a user's values with ``readable`` and confirms ``readable`` on every case
with the other oracles (``confirm``), so a bug in one oracle cannot pass silently.
"""

from __future__ import annotations

import functools
import importlib
from typing import Any

from nn_numpy.check.finite_differences import numerical_gradients
from nn_numpy.check.measures import error_scales, relative_error, term_scaled_error
from nn_numpy.errors import OracleDisagreement
from nn_numpy.network import (
    GRAD_NAMES,
    PARAM_NAMES,
    Params,
    activation_derivative,
    backward,
    compute_cost,
    forward,
)

QUANTITIES = ("J", "dZ2", "dZ1", "db2", "db1", "dW2", "dW1")
PARAM_GRADS = dict(zip(GRAD_NAMES, PARAM_NAMES, strict=True))


def layer_quantities(L: int) -> tuple[str, ...]:
    """Every quantity of an L-layer network, in the order backward computes them, layer L down:
    J, then per layer dZ[l], db[l], dW[l], and for l < L dA[l] and g'[l] = g'(Z[l]).

    For L = 2 these are QUANTITIES (in another order) plus dA1 and g'1.
    """
    names = ["J"]
    for l in range(L, 0, -1):
        names += [f"dZ{l}", f"db{l}", f"dW{l}"]
        if l > 1:
            names += [f"dA{l - 1}", f"g'{l - 1}"]
    return tuple(names)


BOUND_AUTOGRAD = 1e-10  # ~1e6 u: both sides are float64 evaluations of the same function
BOUND_FD = 1e-6  # central differences, h = 1e-6: truncation ~h^2, rounding ~u|J|/h ~ 1e-10


def readable(params: Params, X: Any, Y: Any) -> dict[str, Any]:
    """J and the backward quantities from the readable network ``nn_numpy.network``."""
    cache = forward(params, X)
    grads = backward(params, cache, X, Y)
    return {"J": compute_cost(cache, Y), **{q: grads[q] for q in QUANTITIES[1:]}}


def readable_layers(params: Params, X: Any, Y: Any) -> dict[str, Any]:
    """Every ``layer_quantities(params.L)`` from the readable network, g'[l] as it computes it."""
    cache = forward(params, X)
    grads = backward(params, cache, X, Y)
    out: dict[str, Any] = {"J": compute_cost(cache, Y)}
    for q in layer_quantities(params.L)[1:]:
        if q.startswith("g'"):
            l = q[2:]
            out[q] = activation_derivative(params.activation, cache[f"Z{l}"], cache[f"A{l}"])
        else:
            out[q] = grads[q]
    return out


def finite_differences(params: Params, X: Any, Y: Any, eps: float = 1e-6) -> dict[str, Any]:
    """dW[l], db[l] for every layer by central differences of J (``numerical_gradients``)."""
    numeric = numerical_gradients(params, X, Y, eps)
    return {f"d{p}": value for p, value in numeric.items()}


def autograd_layers(params: Params, X: Any, Y: Any) -> dict[str, Any]:
    """Every ``layer_quantities(params.L)`` from torch autograd; dZ[l] = m dJ/dZ[l] and
    dA[l] = m dJ/dA[l] (J is a mean over m); g'[l] by autograd of the activation."""
    from nn_numpy.check.autograd import autograd_gradients

    r = autograd_gradients(params, X, Y)
    m = X.shape[1]
    out: dict[str, Any] = {"J": r.cost}
    for q in layer_quantities(r.L)[1:]:
        out[q] = m * r.arrays[f"dJ_{q}"] if q[:2] in ("dZ", "dA") else r.arrays[q]
    return out


def autograd(params: Params, X: Any, Y: Any) -> dict[str, Any]:
    """The checker's QUANTITIES from torch autograd (``autograd_layers``)."""
    every = autograd_layers(params, X, Y)
    return {q: every[q] for q in QUANTITIES}


@functools.cache
def torch_version() -> str | None:
    """torch's version if it can be imported (then autograd runs), else None."""
    try:
        return str(importlib.import_module("torch").__version__)
    except Exception:  # a broken install raises more than ImportError
        return None


def oracle_names(use_torch: bool) -> list[str]:
    """The oracles that run, for the report."""
    names = ["readable network", f"finite differences (within {BOUND_FD:.0e})"]
    if use_torch and torch_version():
        names.append(f"torch {torch_version()} autograd (within {BOUND_AUTOGRAD:.0e})")
    return names


def confirm(name: str, params: Params, X: Any, Y: Any, expected: dict[str, Any], use_torch: bool
            ) -> None:  # fmt: skip
    """Check ``expected`` (from ``readable``) against finite differences and, if on, autograd.

    Finite differences: relative error <= BOUND_FD on each parameter gradient. Autograd:
    term-scaled error <= BOUND_AUTOGRAD on every quantity. Raises ``OracleDisagreement``.
    """
    for q, value in finite_differences(params, X, Y).items():
        if (err := relative_error(expected[q], value)) > BOUND_FD:
            raise OracleDisagreement(f"{name}: {q} finite differences disagree ({err:.1e})")
    if not (use_torch and torch_version()):
        return
    scales = error_scales(params, X, Y)
    for q, value in autograd(params, X, Y).items():
        if (err := term_scaled_error(expected[q], value, scales[q])) > BOUND_AUTOGRAD:
            raise OracleDisagreement(f"{name}: {q} autograd disagrees ({err:.1e})")
