"""check_gradients' verdict on what the user's function returns: which shapes are accepted, dZ as
dJ/dZ, quantities returned on some cases or not at all, and non-finite values.

The user's function is the readable network's own gradients, perturbed by a known factor
on chosen cases (tests/helpers_judging.py).
"""

from __future__ import annotations

import numpy as np
import pytest

from nn_numpy.check.api import conform
from tests.helpers_judging import CASES, FEW, correct, is_case, judge


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


@pytest.mark.filterwarnings("error")
def test_a_repeatable_non_finite_result_is_judged_without_warnings():
    def bad(W1, b1, W2, b2, X, Y):
        out = correct(W1, b1, W2, b2, X, Y)
        dW1 = out["dW1"].copy()
        dW1[0, 0], dW1[0, 1] = np.inf, np.nan
        return {**out, "dW1": dW1}

    row = {r.quantity: r for r in judge(bad, cases=CASES[:2]).rows}["dW1"]
    assert not row.ok and "non-finite values (nan)" in row.diagnosis


def test_a_wrong_shaped_dZ1_is_not_followed_into_the_quantities_computed_from_it():
    def transposed_dZ1(W1, b1, W2, b2, X, Y):
        out = correct(W1, b1, W2, b2, X, Y)
        return {**out, "dZ1": out["dZ1"].T, "dW1": 2 * out["dW1"]}

    rows = {r.quantity: r for r in judge(transposed_dZ1).rows}
    assert not rows["dZ1"].ok and rows["dZ1"].diagnosis.startswith("transposed")
    assert not rows["dW1"].ok and "dZ1" not in rows["dW1"].diagnosis
