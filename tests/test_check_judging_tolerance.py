"""check_gradients' verdict against the documented tolerance, on both sides of it: every case
counts, the worst case and entry are named, and float16 is judged by its own rounding.

The user's function is the readable network's own gradients, perturbed by a known factor
on chosen cases (tests/helpers_judging.py).
"""

from __future__ import annotations

import numpy as np
import pytest

from nn_numpy.check.api import ORDER, TOLERANCE, judge_against, tolerance
from nn_numpy.check.oracles import readable
from tests.helpers_judging import CASES, FEW, correct, is_case, judge, perturbed


def test_tolerance_is_the_documented_1e_4_for_float64_and_float32():
    assert TOLERANCE == 1e-4
    assert tolerance([np.dtype(np.float64)]) == 1e-4
    assert tolerance([np.dtype(np.float32), np.dtype(np.float64)]) == 1e-4


def test_tolerance_for_float16_is_16_units_of_its_rounding():
    assert tolerance([np.dtype(np.float16), np.dtype(np.float64)]) == 16 * 2.0**-10
    assert tolerance([np.dtype(np.int64)]) == 1e-4  # integers have no rounding unit


def test_a_correct_function_passes_every_quantity():
    report = judge(correct)
    assert report.ok
    assert [r.quantity for r in report.rows] == list(ORDER)
    assert all(r.ok and r.error is not None and r.error < 1e-12 for r in report.rows)


@pytest.mark.parametrize("quantity", ORDER)
def test_an_error_of_half_the_tolerance_passes(quantity):
    report = judge(perturbed(0.5 * TOLERANCE, quantity), cases=FEW)
    row = {r.quantity: r for r in report.rows}[quantity]
    assert row.ok and report.ok
    assert row.error == pytest.approx(0.5 * TOLERANCE, rel=1e-6)


@pytest.mark.parametrize("quantity", ORDER)
def test_an_error_of_twice_the_tolerance_fails(quantity):
    report = judge(perturbed(2 * TOLERANCE, quantity), cases=FEW)
    row = {r.quantity: r for r in report.rows}[quantity]
    assert not row.ok and not report.ok
    assert row.error == pytest.approx(2 * TOLERANCE, rel=1e-6)
    assert row.tol == TOLERANCE


def test_a_dW1_five_times_outside_the_tolerance_fails():
    assert not judge(perturbed(5 * TOLERANCE)).ok


@pytest.mark.parametrize("index", [0, 2, len(CASES) - 1])
def test_a_formula_wrong_on_one_case_only_fails_and_names_that_case(index):
    case = CASES[index]
    report = judge(perturbed(0.5, on=is_case(case)))
    row = {r.quantity: r for r in report.rows}["dW1"]
    assert not row.ok and not report.ok
    assert row.case == case.name
    assert row.error == pytest.approx(0.5, rel=1e-9)


def test_the_worst_case_is_reported_when_every_case_is_off():
    worst = CASES[1]
    fn = perturbed(0.5 * TOLERANCE, on=lambda X: not is_case(worst)(X))

    def both(W1, b1, W2, b2, X, Y):
        out = fn(W1, b1, W2, b2, X, Y)
        if is_case(worst)(X):
            out["dW1"] = out["dW1"] * (1 + 0.9 * TOLERANCE)
        return out

    row = {r.quantity: r for r in judge(both).rows}["dW1"]
    assert row.ok and row.case == worst.name
    assert row.error == pytest.approx(0.9 * TOLERANCE, rel=1e-6)


def test_an_error_exactly_at_the_tolerance_passes_and_one_ulp_past_it_fails():
    case = CASES[0]
    expected = readable(case.params, case.X, case.Y)
    user = {**expected, "dW1": expected["dW1"] * (1 + 0.7 * TOLERANCE)}
    judged = [(case.name, expected, case.X.shape[1], user)]
    err = judge_against("dW1", judged, 1.0, per_example=True).error
    assert err == pytest.approx(0.7 * TOLERANCE, rel=1e-6)
    assert judge_against("dW1", judged, err, per_example=True).ok
    assert not judge_against("dW1", judged, np.nextafter(err, 0), per_example=True).ok


def test_a_correct_float16_implementation_passes_under_its_own_tolerance():
    def half(W1, b1, W2, b2, X, Y):
        out = correct(W1, b1, W2, b2, X, Y)
        return {k: np.asarray(v, dtype=np.float16) for k, v in out.items()}

    report = judge(half)
    assert report.ok
    assert {r.tol for r in report.rows} == {16 * 2.0**-10}


def test_the_worst_entry_is_located_by_case_and_index():
    case = CASES[3]

    def one_entry(W1, b1, W2, b2, X, Y):
        out = correct(W1, b1, W2, b2, X, Y)
        if is_case(case)(X):
            dW1 = out["dW1"].copy()
            dW1[2, 1] += 10 * np.max(np.abs(dW1))
            out["dW1"] = dW1
        return out

    row = {r.quantity: r for r in judge(one_entry).rows}["dW1"]
    assert (row.case, row.index) == (case.name, (2, 1))


def test_errors_from_rounding_level_up_are_printed_with_two_digits():
    from nn_numpy.check.report import ROUNDING, Row, format_error

    assert ROUNDING == 1e-12
    assert format_error(0.99e-12) == "<1e-12"
    assert format_error(1e-12) == "1.0e-12"
    assert format_error(5e-12) == "5.0e-12"
    assert Row("J", True, 0.0, "shapes", ()).as_json()["index"] == []  # J has no index
    assert Row("dW1", False, None).as_json()["index"] is None
