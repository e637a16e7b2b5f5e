"""The readable network's sigmoid and cost against 60-digit ``decimal`` arithmetic: correctly
rounded to two ulps, finite and exact when saturated, no floating-point warnings at the extremes;
and predict's tie at probability 0.5.
"""

from __future__ import annotations

import math
import warnings
from decimal import Decimal, localcontext

import numpy as np
import pytest

from nn_numpy import Params, compute_cost, forward, predict, predict_proba, sigmoid

# --- Numerics against 60-digit decimal arithmetic ---------------------------------------------


def exact_sigmoid(z: float) -> float:
    """sigma(z) correctly rounded: e = exp(-|z|) in 60 digits, 1/(1+e) or e/(1+e)."""
    with localcontext() as ctx:
        ctx.prec = 60
        e = Decimal(-abs(z)).exp()
        return float((1 if z >= 0 else e) / (1 + e))


def exact_seed_loss(z: float, y: float) -> float:
    """-(y log a + (1 - y) log(1 - a)) with a = sigma(z), 1 - a = e^-z / (1 + e^-z), in enough
    digits that 1 + e^-|z| keeps 60 significant digits of e^-|z| (|z| / ln 10 + 60 in all)."""
    with localcontext() as ctx:
        ctx.prec = 60 + math.ceil(abs(z) / math.log(10))
        e = Decimal(-abs(z)).exp()
        big, small = 1 / (1 + e), e / (1 + e)  # sigma(|z|) and sigma(-|z|)
        a, one_minus_a = (big, small) if z >= 0 else (small, big)
        return float(-(Decimal(y) * a.ln() + (1 - Decimal(y)) * one_minus_a.ln()))


TINY = 5e-324
EXTREMES = [1e308, -1e308, 1000.0, -1000.0, 40.0, -40.0, 0.0, TINY, -TINY, 1e-300, -1e-300]
GRID = np.concatenate([EXTREMES, np.linspace(-745, 745, 149), np.linspace(-40, 40, 161)])


def logit_params() -> Params:
    """A pass-through net: Z1 = (x, -x), Z2 = relu(x) - relu(-x) = x exactly."""
    return Params(
        W1=np.array([[1.0], [-1.0]]),
        b1=np.zeros((2, 1)),
        W2=np.array([[1.0, -1.0]]),
        b2=np.zeros((1, 1)),
    )


def cost_at(z: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    X = np.asarray(z, dtype=np.float64).reshape(1, -1)
    cache = forward(logit_params(), X)
    np.testing.assert_array_equal(cache.Z2, X)
    return compute_cost(cache, np.asarray(y, dtype=np.float64).reshape(1, -1)), cache.Z2


def test_sigmoid_raises_no_floating_point_warnings_at_extremes() -> None:
    z = np.array(EXTREMES)
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        s = sigmoid(z)
    assert np.all(np.isfinite(s))
    np.testing.assert_array_equal(s[:4], [1.0, 0.0, 1.0, 0.0])  # e^-1000 underflows: exact


def test_sigmoid_is_correctly_rounded_to_two_ulps() -> None:
    ours = sigmoid(GRID)
    ref = np.array([exact_sigmoid(float(z)) for z in GRID])
    ulps = np.abs(ours - ref) / np.spacing(ref)
    assert np.max(ulps) <= 2, GRID[np.argmax(ulps)]
    assert sigmoid(np.array([-40.0]))[0] == pytest.approx(4.248354255291589e-18, rel=1e-15)


@pytest.mark.parametrize(
    ("z", "y", "J"), [(3000, 0, 3000), (-3000, 1, 3000), (3000, 1, 0), (-3000, 0, 0)]
)
def test_cost_is_finite_and_exact_for_saturated_outputs(z: float, y: float, J: float) -> None:
    # softplus(3000) = 3000 + log1p(e^-3000) = 3000 in float64; the seed's literal formula
    # would give -log(1 - 1.0) = inf here.
    with warnings.catch_warnings(), np.errstate(all="raise", under="ignore"):
        warnings.simplefilter("error")
        assert cost_at(np.array([z]), np.array([y]))[0] == J


def test_cost_equals_seed_formula_to_the_rounding_of_the_logit() -> None:
    """Per example L = softplus(z) - y z; the error allowed is a few ulps of L plus one of z."""
    z = GRID[np.abs(GRID) < 1e300]
    for y in (0.0, 1.0):
        for zi in z:
            J, _ = cost_at(np.array([zi]), np.array([y]))
            ref = exact_seed_loss(float(zi), y)
            assert abs(J - ref) <= 4 * np.spacing(ref) + np.spacing(abs(zi)), (zi, y)


def test_cost_equals_literal_seed_formula_where_it_is_well_conditioned() -> None:
    rng = np.random.default_rng(7)
    z, y = rng.uniform(-10, 10, 500), (rng.random(500) < 0.5).astype(np.float64)
    a = 1.0 / (1.0 + np.exp(-z))
    literal = np.mean(-(y * np.log(a) + (1 - y) * np.log(1 - a)))
    assert cost_at(z, y)[0] == pytest.approx(literal, rel=1e-11)


@pytest.mark.parametrize("z", [20.0, 40.0, 700.0])
def test_cost_keeps_relative_accuracy_when_confidently_right(z: float) -> None:
    J, _ = cost_at(np.array([z]), np.array([1.0]))
    ref = exact_seed_loss(z, 1.0)  # log1p(e^-z): 2.06e-9, 4.25e-18, 9.86e-305
    assert abs(J - ref) <= 4 * np.spacing(ref)


def test_predict_thresholds_probability_at_one_half() -> None:
    z = np.array([[-1.0, -1e-3, 0.0, 1e-3, 1.0]])
    labels = predict(logit_params(), z)
    np.testing.assert_array_equal(labels, [[0, 0, 1, 1, 1]])  # sigma(0) = 0.5 counts as 1
    assert labels.dtype == np.int64
    rng = np.random.default_rng(3)
    z = rng.standard_normal((1, 100))
    expected = (predict_proba(logit_params(), z) >= 0.5).astype(np.int64)
    np.testing.assert_array_equal(predict(logit_params(), z), expected)
