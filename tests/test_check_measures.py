"""The measuring code rejects known-wrong gradients: no measure, bound or row can pass vacuously.

Covers the shared measures (``relative_error``, ``term_scaled_error``, ``error_scales``,
``underflow_floors``, ``Worst``), the oracles' cross-check (``confirm``), the checker's tolerance,
and ``reference.report``'s ``errors``, ``Row`` and ``network_rows``, each fed a wrong gradient.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import nn_numpy.check.oracles as oracles
from nn_numpy import Grads, Params, backward
from nn_numpy.check import check_gradients
from nn_numpy.check.api import TOLERANCE
from nn_numpy.check.cases import checker_cases
from nn_numpy.check.measures import (
    Worst,
    error_scales,
    relative_error,
    term_scaled_error,
    underflow_floors,
    worst_index,
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


def test_worst_keeps_the_largest_error_its_place_and_any_nan():
    worst = Worst()
    worst.update(1e-16, "a", (0, 0))
    worst.update(3e-16, "b", (1, 2))
    worst.update(2e-16, "c", (0, 1))
    assert (worst.error, worst.case, worst.index) == (3e-16, "b", (1, 2))
    worst.update(math.nan, "d")
    worst.update(1.0, "e")
    assert math.isnan(worst.error) and worst.case == "d"


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


@pytest.mark.parametrize("m", [1, 3])
def test_underflow_floors_carry_tiny_through_the_backward_formulas_without_warnings(m) -> None:
    # m identical examples; one unit active with 0 < Z1 < 1, one with Z1 exactly 0 (the ReLU
    # gradient there is 0), non-zero biases: dZ1 = |W2|^T tiny * 1{Z1 > 0},
    # |A1| <= |W1||X| + |b1|, and the b and W bounds are means over the m examples.
    tiny = np.finfo(np.float64).tiny
    params = Params(
        W1=np.array([[0.5], [0.5]]), b1=np.array([[-0.5], [-1.0]]),
        W2=np.array([[2.0, 4.0]]), b2=np.array([[0.0]]),
    )  # fmt: skip
    X, Y = np.full((1, m), 2.0), np.ones((1, m))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warnings for any finite input, the measures included
        floors = underflow_floors(params, X, Y)
    expected = {
        "J": tiny, "dZ2": np.full((1, m), tiny), "db2": [[tiny]],
        "dZ1": np.tile([[2 * tiny], [0.0]], m), "db1": [[2 * tiny], [0.0]],
        "dW2": [[1.5 * tiny, 2.0 * tiny]], "dW1": [[4 * tiny], [0.0]],
        "dA1": np.tile([[2 * tiny], [4 * tiny]], m), "g'1": np.zeros((2, m)),
    }  # fmt: skip
    assert floors.keys() == expected.keys()
    for name, value in expected.items():
        assert np.shape(floors[name]) == np.shape(value), name
        np.testing.assert_allclose(floors[name], value, rtol=1e-15, atol=0, err_msg=name)


def test_term_scaled_error_names_both_shapes_when_they_differ() -> None:
    with pytest.raises(ValueError, match=r"shape mismatch: \(2,\) vs \(3,\)"):
        term_scaled_error(np.zeros(2), np.zeros(3), 1.0)


@pytest.mark.skipif(
    np.finfo(np.longdouble).eps >= np.finfo(np.float64).eps,
    reason="this platform's long double is float64: no input carries more precision",
)
def test_term_scaled_error_rounds_both_sides_to_float64_before_comparing() -> None:
    # The measure is defined on float64 results: digits beyond float64 (here 2^-60 in a long
    # double) are not an error, whichever side carries them.
    extended = np.longdouble(1) + np.longdouble(2) ** -60
    assert extended != 1  # the long double really holds the extra digit
    assert term_scaled_error(np.array([extended]), np.array([extended]), 1.0) == 0.0
    assert term_scaled_error(np.array([extended]), np.array([1.0]), 1.0) == 0.0
    assert term_scaled_error(np.array([1.0]), np.array([extended]), 1.0) == 0.0


def test_term_scaled_error_divides_the_excess_over_the_floor_by_the_largest_term() -> None:
    scale = np.array([4.0, -8.0])  # max|scale| = 8
    assert term_scaled_error([3.0, 0.0], [1.0, 0.0], scale) == 2.0 / 8.0
    assert term_scaled_error([3.0, 0.0], [1.0, 0.0], scale, floor=1.0) == 1.0 / 8.0
    assert term_scaled_error([0.75], [0.5], [0.5]) == 0.5  # terms below 1 scale up as well
    assert term_scaled_error([3.0], [1.0], [0.0]) == 2.0  # no terms: the absolute error


def test_term_scaled_error_of_an_empty_quantity_is_zero() -> None:
    assert term_scaled_error(np.zeros((0, 3)), np.zeros((0, 3)), [4.0, -8.0]) == 0.0


def test_error_scales_replace_every_term_by_its_absolute_value() -> None:
    # m = 1; Z1 = (0.5, 0): one active unit, one exactly at the kink; Z2 = 2 * 0.5 - 2 = -1 < 0.
    params = Params(
        W1=np.array([[0.5], [0.5]]), b1=np.array([[-0.5], [-1.0]]),
        W2=np.array([[2.0, 4.0]]), b2=np.array([[-2.0]]),
    )  # fmt: skip
    X, Y = np.array([[2.0]]), np.array([[1.0]])
    a2 = 1.0 / (1.0 + math.e)  # sigma(-1)
    m_z1 = np.array([[0.5 * 2 + 0.5], [0.5 * 2 + 1.0]])  # |W1||X| + |b1|
    m_z2 = 2.0 * 1.5 + 4.0 * 2.0 + 2.0  # |W2| M_Z1 + |b2| = 13
    d2 = a2 + 1.0 + a2 * (1 - a2) * m_z2  # |A2| + |Y| + sigma'(z) M_Z2
    d1 = np.array([[2.0 * d2], [0.0]])  # |W2|^T M_dZ2, masked where Z1 <= 0
    m_j = math.log1p(math.exp(-1.0)) + 1.0 + (1 - a2) * m_z2  # softplus(z) + |z| + |A2 - Y| M_Z2
    expected = {
        "J": m_j, "dZ2": [[d2]], "db2": [[d2]], "dZ1": d1, "db1": d1,
        "dW2": d2 * m_z1.T, "dW1": d1 * 2.0,
        "dA1": np.array([[2.0 * d2], [4.0 * d2]]),  # |W2|^T M_dZ2
        "g'1": np.array([[1.0], [0.0]]),  # the exact mask 1{Z1 > 0}: an error there is all of it
    }  # fmt: skip
    scales = error_scales(params, X, Y)
    assert scales.keys() == expected.keys()
    for name, value in expected.items():
        assert np.shape(scales[name]) == np.shape(value), name
        np.testing.assert_allclose(scales[name], value, rtol=1e-14, err_msg=name)


def test_worst_index_points_at_the_largest_difference_first_on_ties_in_float64() -> None:
    assert worst_index([[4.0, 0.0]], [[4.0, 1.0]]) == (0, 1)  # |ours - ref|, not |ours + ref|
    assert worst_index([2.0, 3.0, 3.0], [0.0, 0.0, 0.0]) == (1,)  # the first of equal ones
    assert worst_index(np.zeros((0, 2)), np.zeros((0, 2))) == ()
    # digits beyond float64 are not a difference (as in term_scaled_error): all equal, index 0
    extended = np.longdouble(1) + np.longdouble(2) ** -60
    assert worst_index(np.array([1.0, extended]), np.array([1.0, 1.0])) == (0,)
    assert worst_index(np.array([1.0, 1.0]), np.array([1.0, extended])) == (0,)


def test_relative_error_names_both_shapes_rounds_to_float64_and_is_zero_when_empty() -> None:
    with pytest.raises(ValueError, match=r"shape mismatch: \(2,\) vs \(3,\)"):
        relative_error(np.zeros(2), np.zeros(3))
    assert relative_error(np.zeros((0, 2)), np.zeros((0, 2))) == 0.0
    extended = np.longdouble(1) + np.longdouble(2) ** -60  # digits beyond float64: no error
    assert relative_error(np.array([extended]), np.array([1.0])) == 0.0
    assert relative_error(np.array([1.0]), np.array([extended])) == 0.0


def test_worst_keeps_the_first_case_on_ties_and_records_an_unnamed_case_as_empty() -> None:
    worst = Worst()
    worst.update(1.0, "first", (0,))
    worst.update(1.0, "second", (1,))
    assert (worst.error, worst.case, worst.index) == (1.0, "first", (0,))
    worst.update(2.0)
    assert (worst.error, worst.case, worst.index) == (2.0, "", ())
