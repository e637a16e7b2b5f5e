"""The report's rows: our readable network against autograd and finite differences, worst case.

This is the checker's comparison (``nn_numpy.check``) applied to our own network: the candidate
is the ``readable`` oracle, the references are the ``autograd`` and ``finite_differences``
oracles, and the measures are the shared ``relative_error`` and ``term_scaled_error``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from nn_numpy.check import oracles
from nn_numpy.check.cases import Case
from nn_numpy.check.measures import (
    Worst,
    error_scales,
    relative_error,
    term_scaled_error,
    underflow_floors,
)
from nn_numpy.check.oracles import (
    BOUND_AUTOGRAD,
    BOUND_FD,
    PARAM_GRADS,
    QUANTITIES,
    layer_quantities,
)
from nn_numpy.network import Array, Params, forward, sigmoid


@dataclass
class Row:
    """Worst errors of one formula over all cases (error None: the comparison does not apply)."""

    key: str
    autograd: Worst = field(default_factory=Worst)
    saturated: Worst = field(default_factory=Worst)
    fd: Worst = field(default_factory=Worst)

    def passed(self) -> bool:
        checks = (
            (self.autograd, BOUND_AUTOGRAD),
            (self.saturated, BOUND_AUTOGRAD),
            (self.fd, BOUND_FD),
        )
        return all(w.error is None or w.error <= bound for w, bound in checks)


def errors(
    params: Params, X: Array, Y: Array, scaled: bool = False, every_layer: bool = False
) -> dict[str, float]:
    """Per quantity, ours against autograd: relative, or term-scaled (error_scales) if ``scaled``.

    The quantities are the checker's QUANTITIES for L = 2, or (with ``every_layer``, and always
    for L != 2) those of ``layer_quantities(params.L)``: every dZ[l], db[l], dW[l], dA[l], g'[l].
    Ours runs under ``np.errstate(all="raise")`` except underflow: an overflow, division by
    zero or invalid operation anywhere in forward, cost or backward raises FloatingPointError.
    """
    every_layer = every_layer or params.L != 2  # QUANTITIES name an L = 2 network only
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        mine = (oracles.readable_layers if every_layer else oracles.readable)(params, X, Y)
    ref = (oracles.autograd_layers if every_layer else oracles.autograd)(params, X, Y)
    names = layer_quantities(params.L) if every_layer else QUANTITIES
    if not scaled:
        return {q: relative_error(mine[q], ref[q]) for q in names}
    scales, floors = error_scales(params, X, Y), underflow_floors(params, X, Y)
    return {q: term_scaled_error(mine[q], ref[q], scales[q], floors[q]) for q in names}


def network_rows(
    cases: Iterable[Case], with_fd: bool = True, layers: int | None = None
) -> dict[str, Row]:
    """Rows for J and the backward quantities, worst over ``cases``: the checker's QUANTITIES,
    or with ``layers`` = L (every case an L-layer network) one per formula and layer."""
    names = QUANTITIES if layers is None else layer_quantities(layers)
    rows = {q: Row(q) for q in names}
    for case in cases:
        found = errors(case.params, case.X, case.Y, case.saturated, every_layer=layers is not None)
        for q, err in found.items():
            column = rows[q].saturated if case.saturated else rows[q].autograd
            column.update(err, case.name)
        if with_fd and not case.saturated:
            readable = oracles.readable if layers is None else oracles.readable_layers
            mine = readable(case.params, case.X, case.Y)
            # Deep sigmoid layers shrink the early gradients to ~1e-5 of J, where the rounding
            # noise u|J|/h of the default h = 1e-6 is ~1e-5 of them: deep rows take h = 1e-5,
            # the balance of truncation and rounding (finite_differences.py; measured 5e-7).
            eps = 1e-6 if layers is None else 1e-5
            fd = oracles.finite_differences(case.params, case.X, case.Y, eps)
            for q in PARAM_GRADS if layers is None else fd:
                rows[q].fd.update(relative_error(mine[q], fd[q]), case.name)
    return rows


def layer_rows(cases: Iterable[Case], L: int) -> dict[str, Row]:
    """One row per formula and layer, worst over ``cases`` (every one an L-layer network)."""
    return network_rows(cases, layers=L)


# The closed forms' grids (tests/test_autograd_formulas.py checks on the same ones): z through
# sigma's peak at 0 into both tails, where sigma'(+-40) ~ 4e-18 is still a normal float; a from
# sigma(-30) ~ 9e-14 to 1 - 9e-14, where |dL/da| spans 1 .. 1e13; both labels.
Z_GRID = np.linspace(-40.0, 40.0, 8001)
A_GRID = sigmoid(np.linspace(-30.0, 30.0, 6001))
LABELS = (0.0, 1.0)


def sigma_prime_error(z: Array = Z_GRID) -> float:
    """sigma'(z) = sigma(z)(1 - sigma(z)) against autograd of sigma: relative error."""
    from reference.torch_reference import sigmoid_derivative

    s = sigmoid(z)
    return relative_error(s * (1.0 - s), sigmoid_derivative(z))


def loss_derivative_error(label: float, a: Array = A_GRID) -> float:
    """dL/da = (a - y) / (a (1 - a)) against autograd of L(a, y), y = ``label``; the error is
    taken per entry (|dL/da| spans 1 .. 1e13; no cancellation occurs for y in {0, 1})."""
    from reference.torch_reference import loss_derivative_wrt_output

    ref = loss_derivative_wrt_output(a, label)  # y broadcast over a
    return float(np.max(np.abs((a - label) / (a * (1.0 - a)) - ref) / np.abs(ref)))


def piece_rows() -> dict[str, Row]:
    """sigma' and dL/da: the seed's closed forms against autograd of sigma and of L(a, y)."""
    sigma_row = Row("sigma'")
    sigma_row.autograd.update(sigma_prime_error())
    loss_row = Row("dL/da")
    for label in LABELS:
        loss_row.autograd.update(loss_derivative_error(label))
    return {"sigma'": sigma_row, "dL/da": loss_row}


def seed_box2_literal_error(case: Case) -> float:
    """Relative error of the seed's box 2 read literally (mask 1{Z[2] > 0}) against autograd."""
    cache = forward(case.params, case.X)
    literal = (case.params.W2.T @ (cache.A2 - case.Y)) * (cache.Z2 > 0)
    return relative_error(literal, oracles.autograd(case.params, case.X, case.Y)["dZ1"])
