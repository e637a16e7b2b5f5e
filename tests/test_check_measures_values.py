"""The shared measures' values, worked out by hand: ``relative_error``, ``term_scaled_error``,
``error_scales``, ``underflow_floors``, ``worst_index`` and ``Worst`` on small inputs, shape
mismatches, empty quantities, ties and digits beyond float64.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from nn_numpy import Params
from nn_numpy.check.measures import (
    Worst,
    error_scales,
    relative_error,
    term_scaled_error,
    underflow_floors,
    worst_index,
)


def test_worst_keeps_the_largest_error_its_place_and_any_nan():
    worst = Worst()
    worst.update(1e-16, "a", (0, 0))
    worst.update(3e-16, "b", (1, 2))
    worst.update(2e-16, "c", (0, 1))
    assert (worst.error, worst.case, worst.index) == (3e-16, "b", (1, 2))
    worst.update(math.nan, "d")
    worst.update(1.0, "e")
    assert math.isnan(worst.error) and worst.case == "d"


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
