"""The measuring code rejects known-wrong gradients: no measure, bound or row can pass vacuously.

Each fed a wrong gradient: the shared measures (``relative_error``, ``term_scaled_error``,
``error_scales``, ``underflow_floors``), the oracles' cross-check (``confirm``), the checker's
tolerance, and ``reference.report``'s ``errors``, ``Row`` and ``network_rows``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import nn_numpy.check.oracles as oracles
from nn_numpy import Grads, Params, backward
from nn_numpy.check import check_gradients
from nn_numpy.check.api import TOLERANCE
from nn_numpy.check.cases import checker_cases
from nn_numpy.check.measures import (
    error_scales,
    relative_error,
    term_scaled_error,
    underflow_floors,
)
from nn_numpy.check.oracles import BOUND_AUTOGRAD, BOUND_FD, OracleDisagreement, confirm
from reference.cases import dataset_cases, random_cases
from reference.report import render
from reference.rows import Row, errors, network_rows

ORDINARY = dataset_cases() + random_cases(4, seed=7)


SATURATED = random_cases(4, seed=8, saturated=True)


def off_by(value, relative: float):
    """``value`` with its largest entry moved by ``relative`` times max|value|."""
    v = np.array(value, dtype=np.float64)
    top = float(np.max(np.abs(v)))
    flat = v.reshape(-1)
    flat[int(np.argmax(np.abs(flat)))] += relative * top
    return v


@pytest.mark.parametrize("case", ORDINARY[:3], ids=lambda c: c.name.split(" ")[0])
def test_relative_error_rejects_a_gradient_off_by_1e_9(case):
    right = oracles.readable(case.params, case.X, case.Y)
    for q in ("dZ2", "dZ1", "dW1", "db1", "dW2", "db2"):
        assert relative_error(right[q], right[q]) == 0.0
        assert relative_error(off_by(right[q], 1e-9), right[q]) > BOUND_AUTOGRAD, q


@pytest.mark.parametrize("case", SATURATED, ids=lambda c: c.name.split(" ")[0])
def test_term_scaled_error_rejects_an_error_of_1e_9_of_the_terms_on_saturated_networks(case):
    right = oracles.readable(case.params, case.X, case.Y)
    scales = error_scales(case.params, case.X, case.Y)
    floors = underflow_floors(case.params, case.X, case.Y)
    for q in ("dZ2", "dZ1", "dW1", "db1", "dW2", "db2"):
        top = float(np.max(np.abs(scales[q])))
        wrong = np.array(right[q], dtype=np.float64)
        wrong.reshape(-1)[0] += 1e-9 * top
        assert term_scaled_error(right[q], right[q], scales[q], floors[q]) == 0.0
        assert term_scaled_error(wrong, right[q], scales[q], floors[q]) > BOUND_AUTOGRAD, q


@pytest.mark.parametrize("case", ORDINARY + SATURATED, ids=lambda c: c.name.split(" ")[0])
def test_error_scales_are_not_so_large_that_a_wrong_formula_passes(case):
    """The seed's literal box 2 and a missing 1/m fail the term-scaled bound by far."""
    right = oracles.readable(case.params, case.X, case.Y)
    scales = error_scales(case.params, case.X, case.Y)
    floors = underflow_floors(case.params, case.X, case.Y)
    m = case.X.shape[1]
    if m > 1 and np.any(right["dW2"]):
        assert (
            term_scaled_error(m * right["dW2"], right["dW2"], scales["dW2"], floors["dW2"]) > 1e-3
        )
    for q in ("dZ1", "dZ2", "dW1", "dW2"):  # M is the size of the terms, never far above it
        assert np.all(scales[q] >= np.abs(right[q]) * (1 - 1e-12))


def test_underflow_floor_forgives_only_subnormal_differences():
    case = SATURATED[0]
    floors = underflow_floors(case.params, case.X, case.Y)
    assert float(np.max(floors["dZ2"])) == np.finfo(np.float64).tiny
    right = oracles.readable(case.params, case.X, case.Y)["dZ2"]
    scale = error_scales(case.params, case.X, case.Y)["dZ2"]
    assert term_scaled_error(right + 1e-310, right, scale, floors["dZ2"]) == 0.0
    assert term_scaled_error(right + 1e-12, right, scale, floors["dZ2"]) > 0.0


def test_a_report_row_fails_above_its_bound_or_on_nan_in_any_column():
    for column, bound in (
        ("autograd", BOUND_AUTOGRAD),
        ("saturated", BOUND_AUTOGRAD),
        ("fd", BOUND_FD),
    ):
        row = Row("dW1")
        getattr(row, column).update(bound)
        assert row.passed()
        getattr(row, column).update(bound * 1.01)
        assert not row.passed(), column
        row = Row("dW1")
        getattr(row, column).update(math.nan)
        assert not row.passed(), column
    assert "FAIL" in render([row], ORDINARY, erratum=0.96)


def test_oracle_cross_check_rejects_a_wrong_expected_gradient():
    case = checker_cases()[0]
    right = oracles.readable(case.params, case.X, case.Y)
    confirm(case.name, case.params, case.X, case.Y, right, use_torch=False)
    wrong = {**right, "db1": off_by(right["db1"], 1e-5)}
    with pytest.raises(OracleDisagreement, match="db1 finite differences disagree"):
        confirm(case.name, case.params, case.X, case.Y, wrong, use_torch=False)


def test_oracle_cross_check_with_autograd_rejects_a_wrong_dZ(torch_ref):
    case = checker_cases()[0]
    right = oracles.readable(case.params, case.X, case.Y)
    wrong = {**right, "dZ1": off_by(right["dZ1"], 1e-9)}  # finite differences do not see dZ
    with pytest.raises(OracleDisagreement, match="dZ1 autograd disagrees"):
        confirm(case.name, case.params, case.X, case.Y, wrong, use_torch=True)


@pytest.mark.parametrize(("relative", "ok"), [(5e-5, True), (2 * TOLERANCE, False)])
def test_checker_tolerance_separates_rounding_from_a_wrong_value(relative, ok):
    def gradients(W1, b1, W2, b2, X, Y):
        case_grads = oracles.readable(Params(W1, b1, W2, b2), X, Y)  # right, then db2 nudged
        return {**{q: case_grads[q] for q in ("dW1", "db1", "dW2")},
                "db2": case_grads["db2"] * (1 + relative)}  # fmt: skip

    report = check_gradients(gradients, use_torch=False)
    assert report.ok is ok, str(report)


def backward_off_by_1e_9(params, cache, X, Y) -> Grads:
    """backward with each quantity moved by 1e-9 of its size (of the terms' size, M, if larger)."""
    g, scales = backward(params, cache, X, Y), error_scales(params, X, Y)
    moved = {}
    for k, v in g.as_dict().items():
        if k not in scales:  # dA[l]: the report has no row for it
            moved[k] = v
            continue
        w = np.array(v, dtype=np.float64)
        top = max(float(np.max(np.abs(v))), float(np.max(np.abs(scales[k]))))
        w.reshape(-1)[int(np.argmax(np.abs(w)))] += 1e-9 * top
        moved[k] = w
    return Grads(**moved)


def test_report_errors_reject_a_backward_off_by_1e_9(torch_ref, monkeypatch):
    monkeypatch.setattr(oracles, "backward", backward_off_by_1e_9)
    for case in ORDINARY[:2] + SATURATED[:2]:
        worst = errors(case.params, case.X, case.Y, scaled=case.saturated)
        for q in ("dZ2", "dZ1", "dW1", "db1", "dW2", "db2"):
            assert worst[q] > BOUND_AUTOGRAD, (case.name, q, worst[q])


def test_report_rows_fail_in_every_column_for_a_wrong_backward(torch_ref, monkeypatch):
    def no_relu_mask(params, cache, X, Y) -> Grads:
        g = backward(params, cache, X, Y)
        dZ1 = params.W2.T @ g.dZ2
        m = X.shape[1]
        return Grads(
            dZ2=g.dZ2,
            dZ1=dZ1,
            dW1=dZ1 @ X.T / m,
            db1=dZ1.sum(axis=1, keepdims=True) / m,
            dW2=g.dW2,
            db2=g.db2,
        )

    monkeypatch.setattr(oracles, "backward", no_relu_mask)
    rows = network_rows(ORDINARY[:2] + random_cases(2, seed=3) + SATURATED[:2])
    for q in ("dZ1", "dW1", "db1"):
        assert rows[q].autograd.error > BOUND_AUTOGRAD and rows[q].saturated.error > BOUND_AUTOGRAD
        assert not rows[q].passed()
    for q in ("dW1", "db1"):
        assert rows[q].fd.error > BOUND_FD
    assert rows["dW2"].passed() and rows["dZ2"].passed()
