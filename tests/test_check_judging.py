"""check_gradients' verdict: the documented tolerance on both sides, every case counts, which
shapes are accepted, and what refuses to judge (randomness, a case on a ReLU kink).

The user's function here is the readable network's own gradients, perturbed by a known factor
on chosen cases: a relative error of k is then exactly the perturbation max|k e| / max|e|.
"""

from __future__ import annotations

import numpy as np
import pytest

from nn_numpy.check import UsageError, check_gradients
from nn_numpy.check.api import (
    ORDER,
    REPEAT_TOLERANCE,
    TOLERANCE,
    _judge_against,
    conform,
    tolerance,
)
from nn_numpy.check.cases import KINK_MARGIN, Case, checker_cases
from nn_numpy.check.diagnose import Context
from nn_numpy.check.oracles import readable
from nn_numpy.network import Params

# the small cases (the large dataset case only slows these tests down)
CASES = [c for c in checker_cases() if "large_dataset" not in c.name]
FEW = CASES[:2]  # for claims about one quantity's verdict (every case counts: see below)


def correct(W1, b1, W2, b2, X, Y):
    return readable(Params(W1, b1, W2, b2), X, Y)


def perturbed(factor: float, quantity: str = "dW1", on=lambda X: True):
    """The correct gradients with ``quantity`` times (1 + factor) on the cases ``on`` picks."""

    def fn(W1, b1, W2, b2, X, Y):
        out = correct(W1, b1, W2, b2, X, Y)
        if on(X):
            out[quantity] = out[quantity] * (1 + factor)
        return out

    return fn


def is_case(case: Case):
    return lambda X: X.shape == case.X.shape and np.array_equal(X, case.X)


def judge(fn, cases=CASES):
    return check_gradients(fn, cases=cases, use_torch=False)


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


def test_a_wrong_shape_fails_with_no_error_to_measure():
    def transposed(W1, b1, W2, b2, X, Y):
        out = correct(W1, b1, W2, b2, X, Y)
        return {**out, "dW1": out["dW1"].T}

    row = {r.quantity: r for r in judge(transposed).rows}["dW1"]
    assert not row.ok and row.error is None


@pytest.mark.parametrize("value", [np.nan, np.inf])
def test_a_non_finite_entry_fails_and_is_named_in_the_diagnosis(value):
    def bad(W1, b1, W2, b2, X, Y):
        out = correct(W1, b1, W2, b2, X, Y)
        dW1 = out["dW1"].copy()
        dW1[0, 1] = value
        return {**out, "dW1": dW1}

    row = {r.quantity: r for r in judge(bad).rows}["dW1"]
    assert not row.ok
    kind = "nan" if np.isnan(value) else "inf"
    assert f"non-finite values ({kind}), first at [0, 1]" in row.diagnosis


def test_conform_accepts_one_number_for_db2_and_J_in_broadcastable_shapes():
    one = np.array(0.5)
    assert conform(one, (1, 1)).shape == (1, 1)
    assert conform(one.reshape(1), (1, 1)).shape == (1, 1)
    assert conform(one.reshape(1, 1), ()).shape == ()
    assert conform(one.reshape(1, 1, 1), ()).shape == ()  # J: any shape of one number


def test_conform_refuses_shapes_that_would_change_the_parameter():
    assert conform(np.zeros((1, 1, 1)), (1, 1)) is None  # b - lr db would gain an axis
    assert conform(np.zeros((3, 1)), (1, 3)) is None
    assert conform(np.zeros((2,)), (1, 1)) is None
    assert conform(np.zeros((1, 3)), (1, 3)) is not None


def test_db2_and_J_as_plain_numbers_pass():
    def numbers(W1, b1, W2, b2, X, Y):
        out = correct(W1, b1, W2, b2, X, Y)
        return {**out, "db2": float(out["db2"][0, 0]), "J": np.array([[out["J"]]])}

    assert judge(numbers).ok


def test_dZ_as_dJ_dZ_passes_with_a_note_and_dZ_off_by_another_factor_fails():
    def batch(W1, b1, W2, b2, X, Y):
        out = correct(W1, b1, W2, b2, X, Y)
        return {**out, "dZ2": out["dZ2"] / X.shape[1]}

    rows = {r.quantity: r for r in judge(batch).rows}
    assert rows["dZ2"].ok and "accepted" in rows["dZ2"].note
    assert rows["dZ1"].ok and not rows["dZ1"].note

    def half(W1, b1, W2, b2, X, Y):
        out = correct(W1, b1, W2, b2, X, Y)
        return {**out, "dZ2": out["dZ2"] / (2 * X.shape[1])}

    assert not {r.quantity: r for r in judge(half).rows}["dZ2"].ok


def test_optional_quantities_not_returned_are_listed_and_not_judged():
    def required_only(W1, b1, W2, b2, X, Y):
        out = correct(W1, b1, W2, b2, X, Y)
        return {k: out[k] for k in ("dW1", "db1", "dW2", "db2")}

    report = judge(required_only)
    assert [r.quantity for r in report.rows] == ["dW1", "db1", "dW2", "db2"]
    assert report.not_returned == ["dZ2", "dZ1", "J"]
    assert report.ok


def _noisy(relative: float):
    """The second call (the checker's repeat of the first case) is off by ``relative``."""
    calls = []

    def fn(W1, b1, W2, b2, X, Y):
        calls.append(1)
        out = correct(W1, b1, W2, b2, X, Y)
        return {**out, "dW2": out["dW2"] * (1 + relative * (len(calls) == 2))}

    return fn


def test_two_calls_differing_by_rounding_are_accepted():
    assert REPEAT_TOLERANCE == 1e-9
    judge(_noisy(0.1 * REPEAT_TOLERANCE), cases=CASES[:1])


def test_two_calls_differing_past_the_repeat_tolerance_are_refused():
    with pytest.raises(UsageError, match="different dW2 when called twice"):
        judge(_noisy(10 * REPEAT_TOLERANCE), cases=CASES[:1])


def test_a_second_call_returning_another_shape_is_refused():
    calls = []

    def fn(W1, b1, W2, b2, X, Y):
        calls.append(1)
        out = correct(W1, b1, W2, b2, X, Y)
        return {**out, "db2": out["db2"].reshape(1) if len(calls) == 2 else out["db2"]}

    with pytest.raises(UsageError, match="different db2"):
        judge(fn, cases=CASES[:1])


def _case_with_min_abs_Z1(z: float) -> Case:
    """One example, one hidden unit whose Z1 is exactly ``z``."""
    params = Params(np.array([[1.0]]), np.array([[0.0]]), np.array([[1.0]]), np.array([[0.0]]))
    return Case("kink", params, np.array([[z]]), np.array([[1.0]]))


def test_a_case_at_the_kink_margin_is_judged_and_one_inside_it_is_refused():
    assert KINK_MARGIN == 1e-3
    judge(correct, cases=[_case_with_min_abs_Z1(KINK_MARGIN)])
    with pytest.raises(ValueError, match="near a ReLU kink"):
        judge(correct, cases=[_case_with_min_abs_Z1(np.nextafter(KINK_MARGIN, 0))])
    with pytest.raises(ValueError, match="near a ReLU kink"):
        judge(correct, cases=[_case_with_min_abs_Z1(-0.5 * KINK_MARGIN)])


def test_an_error_exactly_at_the_tolerance_passes_and_one_ulp_past_it_fails():
    case = CASES[0]
    expected = readable(case.params, case.X, case.Y)
    user = {**expected, "dW1": expected["dW1"] * (1 + 0.7 * TOLERANCE)}
    per_case = [(case, Context.of(case, expected), user)]
    err = _judge_against("dW1", per_case, 1.0, per_example=True).error
    assert err == pytest.approx(0.7 * TOLERANCE, rel=1e-6)
    assert _judge_against("dW1", per_case, err, per_example=True).ok
    assert not _judge_against("dW1", per_case, np.nextafter(err, 0), per_example=True).ok


def test_a_correct_float16_implementation_passes_under_its_own_tolerance():
    def half(W1, b1, W2, b2, X, Y):
        out = correct(W1, b1, W2, b2, X, Y)
        return {k: np.asarray(v, dtype=np.float16) for k, v in out.items()}

    report = judge(half)
    assert report.ok
    assert {r.tol for r in report.rows} == {16 * 2.0**-10}


def test_a_quantity_returned_on_some_cases_only_is_not_judged():
    def sometimes(W1, b1, W2, b2, X, Y):
        out = correct(W1, b1, W2, b2, X, Y)
        return out if is_case(CASES[0])(X) else {k: v for k, v in out.items() if k != "dZ1"}

    report = judge(sometimes)
    assert "dZ1" not in [r.quantity for r in report.rows] and "dZ1" in report.not_returned


@pytest.mark.parametrize("quantity", ["dW1", "db1", "dW2", "db2", "J"])
def test_only_dZ_may_be_divided_by_m(quantity):
    def over_m(W1, b1, W2, b2, X, Y):
        out = correct(W1, b1, W2, b2, X, Y)
        return {**out, quantity: out[quantity] / X.shape[1]}

    row = {r.quantity: r for r in judge(over_m, cases=FEW).rows}[quantity]
    assert not row.ok and not row.note


def test_dW_divided_by_m_again_after_a_batch_dZ_is_named_as_1_over_m_twice():
    def twice(W1, b1, W2, b2, X, Y):
        out = correct(W1, b1, W2, b2, X, Y)
        m = X.shape[1]
        return {**out, "dZ2": out["dZ2"] / m, "dW2": out["dW2"] / m}

    rows = {r.quantity: r for r in judge(twice).rows}
    assert rows["dZ2"].ok and not rows["dW2"].ok
    assert rows["dW2"].diagnosis.startswith("1/m applied twice: dW2 is m times too small")


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


def test_a_wrong_shape_names_the_first_case():
    def bad(W1, b1, W2, b2, X, Y):
        return {**correct(W1, b1, W2, b2, X, Y), "db1": np.zeros(W1.shape[0])}

    row = {r.quantity: r for r in judge(bad).rows}["db1"]
    assert (row.ok, row.error, row.case) == (False, None, CASES[0].name)


def test_a_non_finite_cost_is_named_without_an_index():
    def bad(W1, b1, W2, b2, X, Y):
        return {**correct(W1, b1, W2, b2, X, Y), "J": np.nan}

    row = {r.quantity: r for r in judge(bad).rows}["J"]
    assert not row.ok
    assert row.diagnosis == f"non-finite values (nan) on case '{CASES[0].name}'"


def _random_with_inf(W1, b1, W2, b2, X, Y):
    """Dropout-like: a different dW1 on every call, with one infinite entry in a fixed place."""
    out = correct(W1, b1, W2, b2, X, Y)
    dW1 = out["dW1"] * np.random.default_rng().uniform(0.5, 1.5, out["dW1"].shape)
    dW1[0, 0] = np.inf
    return {**out, "dW1": dW1}


@pytest.mark.filterwarnings("error")
def test_randomness_is_refused_even_with_an_infinite_entry_and_without_warnings():
    with pytest.raises(UsageError, match="different dW1 when called twice"):
        judge(_random_with_inf, cases=CASES[:1])


@pytest.mark.filterwarnings("error")
def test_a_repeatable_non_finite_result_is_judged_without_warnings():
    def bad(W1, b1, W2, b2, X, Y):
        out = correct(W1, b1, W2, b2, X, Y)
        dW1 = out["dW1"].copy()
        dW1[0, 0], dW1[0, 1] = np.inf, np.nan
        return {**out, "dW1": dW1}

    row = {r.quantity: r for r in judge(bad, cases=CASES[:2]).rows}["dW1"]
    assert not row.ok and "non-finite values (nan)" in row.diagnosis


def test_an_infinite_entry_appearing_on_the_second_call_is_refused():
    calls = []

    def fn(W1, b1, W2, b2, X, Y):
        calls.append(1)
        out = correct(W1, b1, W2, b2, X, Y)
        if len(calls) == 2:
            out["dW1"] = out["dW1"].copy()
            out["dW1"][1, 1] = np.inf
        return out

    with pytest.raises(UsageError, match="different dW1"):
        judge(fn, cases=CASES[:1])


def test_errors_from_rounding_level_up_are_printed_with_two_digits():
    from nn_numpy.check.report import ROUNDING, Row, format_error

    assert ROUNDING == 1e-12
    assert format_error(0.99e-12) == "<1e-12"
    assert format_error(1e-12) == "1.0e-12"
    assert format_error(5e-12) == "5.0e-12"
    assert Row("J", True, 0.0, "shapes", ()).as_json()["index"] == []  # J has no index
    assert Row("dW1", False, None).as_json()["index"] is None


def test_a_wrong_shaped_dZ1_is_not_followed_into_the_quantities_computed_from_it():
    def transposed_dZ1(W1, b1, W2, b2, X, Y):
        out = correct(W1, b1, W2, b2, X, Y)
        return {**out, "dZ1": out["dZ1"].T, "dW1": 2 * out["dW1"]}

    rows = {r.quantity: r for r in judge(transposed_dZ1).rows}
    assert not rows["dZ1"].ok and rows["dZ1"].diagnosis.startswith("transposed")
    assert not rows["dW1"].ok and "dZ1" not in rows["dW1"].diagnosis
