"""What check_gradients refuses to judge: a function whose two calls on the same case differ
(randomness, past rounding), and a case on a ReLU kink.

The user's function is the readable network's own gradients, perturbed by a known factor
on chosen cases (tests/helpers_judging.py).
"""

from __future__ import annotations

import numpy as np
import pytest

from nn_numpy.check import UsageError
from nn_numpy.check.api import REPEAT_TOLERANCE
from nn_numpy.check.cases import KINK_MARGIN, Case
from nn_numpy.network import Params
from tests.helpers_judging import CASES, correct, judge


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
