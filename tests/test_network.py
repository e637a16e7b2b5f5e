"""The readable network against hand derivations, a scalar re-implementation, and exact arithmetic.

Two independent references here: (1) a 3-example case worked out by hand in exact fractions,
(2) the seed's per-example formulas written as pure-Python loops over i, j, k with ``math``; the
third, sigmoid and the seed's loss in 60-digit ``decimal`` arithmetic, is
tests/test_network_numerics.py.
"""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from nn_numpy import (
    Grads,
    Params,
    backward,
    compute_cost,
    forward,
    init_params,
    train,
    update_params,
)

DATA = Path(__file__).resolve().parent.parent / "data"
LN3 = math.log(3.0)


# --- (1) A case small enough to do by hand ------------------------------------------------------
#
# W1 = [[1, -1], [1, 1]], b1 = [0, -2];  W2 = [ln 3, -ln 3], b2 = ln 3, so that
# Z2 = ln 3 * (1 + a1 - a2) and sigma(k ln 3) = 3^k / (3^k + 1) is a fraction.
#
#   x = (1, 0):  Z1 = (1 - 0 + 0, 1 + 0 - 2) = (1, -1)  A1 = (1, 0)  Z2 = 2 ln 3  A2 = 9/10
#   x = (2, 1):  Z1 = (2 - 1 + 0, 2 + 1 - 2) = (1, 1)   A1 = (1, 1)  Z2 = ln 3    A2 = 3/4
#   x = (1, 2):  Z1 = (1 - 2 + 0, 1 + 2 - 2) = (-1, 1)  A1 = (0, 1)  Z2 = 0       A2 = 1/2
#   y = (0, 1, 0):  L = (-ln(1/10), -ln(3/4), -ln(1/2)),  J = (ln 10 + ln 4/3 + ln 2) / 3
#                                                           = ln(80/3) / 3
# Box 1: dZ2 = A2 - Y = (9/10, -1/4, 1/2)
#   dW2 = (1/3) dZ2 A1^T = (1/3) (9/10 - 1/4, -1/4 + 1/2) = (13/60, 1/12)
#   db2 = (1/3) (9/10 - 1/4 + 1/2) = 23/60
# Box 2: dZ1 = W2^T dZ2 * 1{Z1 > 0}, 1{Z1 > 0} = [[1, 1, 0], [0, 1, 1]]
#   dZ1 = ln 3 * [[9/10, -1/4, 0], [0, 1/4, -1/2]]
#   dW1 = (1/3) dZ1 X^T, X = [[1, 2, 1], [0, 1, 2]]:
#     row 1: (ln 3 / 3) (9/10 - 2/4, -1/4)     = ln 3 * (2/15, -1/12)
#     row 2: (ln 3 / 3) (2/4 - 1/2, 1/4 - 2/2) = ln 3 * (0, -1/4)
#   db1 = (1/3) row sums of dZ1 = ln 3 * (13/60, -1/12)

F = Fraction
HAND_PARAMS = Params(
    W1=np.array([[1.0, -1.0], [1.0, 1.0]]),
    b1=np.array([[0.0], [-2.0]]),
    W2=np.array([[LN3, -LN3]]),
    b2=np.array([[LN3]]),
)
HAND_X = np.array([[1.0, 2.0, 1.0], [0.0, 1.0, 2.0]])
HAND_Y = np.array([[0.0, 1.0, 0.0]])


def fractions(rows: list[list[Fraction]], scale: float = 1.0) -> np.ndarray:
    return np.array([[float(v) for v in row] for row in rows]) * scale


def test_forward_matches_hand_derivation() -> None:
    cache = forward(HAND_PARAMS, HAND_X)
    np.testing.assert_array_equal(cache.Z1, [[1, 1, -1], [-1, 1, 1]])  # integers: exact
    np.testing.assert_array_equal(cache.A1, [[1, 1, 0], [0, 1, 1]])
    np.testing.assert_array_equal(cache.Z2, [[2 * LN3, LN3, 0.0]])  # ln 3 (1 + a1 - a2)
    np.testing.assert_allclose(cache.A2, fractions([[F(9, 10), F(3, 4), F(1, 2)]]), rtol=1e-15)


def test_cost_matches_hand_derivation() -> None:
    J = compute_cost(forward(HAND_PARAMS, HAND_X), HAND_Y)
    assert J == pytest.approx(math.log(80 / 3) / 3, rel=1e-15)


def test_backward_matches_hand_derivation() -> None:
    g = backward(HAND_PARAMS, forward(HAND_PARAMS, HAND_X), HAND_X, HAND_Y)
    close = {"rtol": 1e-15, "atol": 1e-16}
    np.testing.assert_allclose(g.dZ2, fractions([[F(9, 10), F(-1, 4), F(1, 2)]]), **close)
    np.testing.assert_allclose(g.dW2, fractions([[F(13, 60), F(1, 12)]]), **close)
    np.testing.assert_allclose(g.db2, fractions([[F(23, 60)]]), **close)
    dZ1 = fractions([[F(9, 10), F(-1, 4), F(0)], [F(0), F(1, 4), F(-1, 2)]], LN3)
    np.testing.assert_allclose(g.dZ1, dZ1, **close)
    np.testing.assert_allclose(
        g.dW1, fractions([[F(2, 15), F(-1, 12)], [F(0), F(-1, 4)]], LN3), **close
    )
    np.testing.assert_allclose(g.db1, fractions([[F(13, 60)], [F(-1, 12)]], LN3), **close)


# --- (2) The seed's per-example formulas, one scalar at a time ------------------------------------


def scalar_reference(p: Params, X: np.ndarray, Y: np.ndarray) -> dict[str, Any]:
    """Z1, A1, Z2, A2, J and every gradient from loops over examples i, units j, inputs k."""
    n_h, n_x = p.W1.shape
    m = X.shape[1]
    W1, b1 = p.W1.tolist(), [row[0] for row in p.b1.tolist()]
    W2, b2 = p.W2[0].tolist(), float(p.b2[0, 0])
    out: dict[str, list[list[float]]] = {k: [] for k in ("Z1", "A1", "Z2", "A2")}
    losses, dZ2s, dZ1s = [], [], []
    for i in range(m):
        x, y = [float(X[k, i]) for k in range(n_x)], float(Y[0, i])
        z1 = [math.fsum([W1[j][k] * x[k] for k in range(n_x)] + [b1[j]]) for j in range(n_h)]
        a1 = [max(0.0, z) for z in z1]
        z2 = math.fsum([W2[j] * a1[j] for j in range(n_h)] + [b2])
        a2 = 1.0 / (1.0 + math.exp(-z2))  # |z2| stays moderate in these cases
        losses.append(-(y * math.log(a2) + (1.0 - y) * math.log(1.0 - a2)))
        dz2 = a2 - y  # box 1
        dz1 = [W2[j] * dz2 * (1.0 if z1[j] > 0 else 0.0) for j in range(n_h)]  # box 2, corrected
        for key, value in (("Z1", z1), ("A1", a1), ("Z2", [z2]), ("A2", [a2])):
            out[key].append(value)
        dZ2s.append(dz2)
        dZ1s.append(dz1)
    return {
        **{k: np.array(v).T for k, v in out.items()},
        "J": math.fsum(losses) / m,
        "dZ2": np.array([dZ2s]),
        "dZ1": np.array(dZ1s).T,
        # dL(i)/dW = dZ(i) (A[l-1](i))^T; dJ/dW averages over i; dJ/db averages dZ(i).
        "dW1": np.array(
            [
                [math.fsum(dZ1s[i][j] * float(X[k, i]) for i in range(m)) / m for k in range(n_x)]
                for j in range(n_h)
            ]
        ),
        "db1": np.array([[math.fsum(dZ1s[i][j] for i in range(m)) / m] for j in range(n_h)]),
        "dW2": np.array(
            [[math.fsum(dZ2s[i] * out["A1"][i][j] for i in range(m)) / m for j in range(n_h)]]
        ),
        "db2": np.array([[math.fsum(dZ2s) / m]]),
    }


@pytest.mark.parametrize(("seed", "n_x", "n_h", "m"), [(0, 1, 1, 1), (1, 2, 3, 5), (2, 4, 6, 40)])
def test_network_matches_scalar_per_example_formulas(seed: int, n_x: int, n_h: int, m: int) -> None:
    rng = np.random.default_rng(seed)
    p = Params(
        W1=rng.standard_normal((n_h, n_x)),
        b1=rng.standard_normal((n_h, 1)),
        W2=rng.standard_normal((1, n_h)),
        b2=rng.standard_normal((1, 1)),
    )
    X = rng.standard_normal((n_x, m))
    Y = (rng.random((1, m)) < 0.5).astype(np.float64)
    ref = scalar_reference(p, X, Y)
    assert np.min(np.abs(ref["Z1"])) > 1e-9  # masks cannot differ by rounding
    cache = forward(p, X)
    grads = backward(p, cache, X, Y)
    for name in ("Z1", "A1", "Z2", "A2"):
        np.testing.assert_allclose(cache[name], ref[name], rtol=1e-13, atol=1e-15, err_msg=name)
    assert compute_cost(cache, Y) == pytest.approx(ref["J"], rel=1e-13)
    for name in ("dZ2", "dZ1", "dW1", "db1", "dW2", "db2"):
        scale = float(np.max(np.abs(ref[name])))
        np.testing.assert_allclose(grads[name], ref[name], rtol=0, atol=1e-13 * scale, err_msg=name)


# --- predict, update_params, init_params, train -------------------------------------------------


def test_update_params_is_one_gradient_descent_step() -> None:
    # Power-of-two values: theta - 0.5 * g is exact, so equality is exact.
    p = Params(
        W1=np.array([[1.0, 2.0]]), b1=np.array([[3.0]]), W2=np.array([[4.0]]), b2=np.array([[5.0]])
    )
    grads = Grads(
        dZ2=np.zeros((1, 3)),
        dZ1=np.zeros((1, 3)),
        dW1=np.array([[2.0, -4.0]]),
        db1=np.array([[0.5]]),
        dW2=np.array([[-1.0]]),
        db2=np.array([[8.0]]),
    )
    new = update_params(p, grads, learning_rate=0.5)
    assert isinstance(new, Params)
    np.testing.assert_array_equal(new.W1, [[0.0, 4.0]])
    np.testing.assert_array_equal(new.b1, [[2.75]])
    np.testing.assert_array_equal(new.W2, [[4.5]])
    np.testing.assert_array_equal(new.b2, [[1.0]])
    np.testing.assert_array_equal(p.W1, [[1.0, 2.0]])  # the input is left untouched


def test_init_params_is_deterministic_per_seed() -> None:
    a, b, c = init_params(3, 7, seed=11), init_params(3, 7, seed=11), init_params(3, 7, seed=12)
    for name in ("W1", "b1", "W2", "b2"):
        np.testing.assert_array_equal(a[name], b[name])
    assert not np.array_equal(a.W1, c.W1)
    assert (
        a.W1.shape == (7, 3)
        and a.b1.shape == (7, 1)
        and a.W2.shape == (1, 7)
        and a.b2.shape == (1, 1)
    )
    assert not a.b1.any() and not a.b2.any()  # biases start at zero


def test_init_params_draws_w1_then_w2_from_default_rng_of_the_seed() -> None:
    """The documented contract: ``np.random.default_rng(seed)``, W1 drawn first as (n_h, n_x),
    then W2 as (1, n_h); the expected arrays are those draws scaled by sqrt(2/n_x), sqrt(1/n_h).
    A legacy ``RandomState``, a swapped draw order or W1 drawn as (n_x, n_h) and transposed all
    give deterministic, He-scaled parameters of the right shapes, and differ here."""
    n_x, n_h, seed = 3, 7, 11
    rng = np.random.default_rng(seed)
    W1 = rng.standard_normal((n_h, n_x)) * np.sqrt(2.0 / n_x)
    W2 = rng.standard_normal((1, n_h)) * np.sqrt(1.0 / n_h)
    p = init_params(n_x, n_h, seed=seed)
    np.testing.assert_array_equal(p.W1, W1)
    np.testing.assert_array_equal(p.W2, W2)


def test_init_params_is_he_scaled() -> None:
    """Var W1 = 2/n_x (He), Var W2 = 1/n_h. The sample variance of N normal draws has relative
    standard error sqrt(2/N): 0.0032 for W1 (200 000 draws), 0.0071 for W2 (40 000); the bounds
    are > 6 standard errors yet exclude Xavier (1/n_x, ratio 0.5) and unscaled (ratio 500)."""
    W1 = init_params(1000, 200, seed=0).W1
    assert abs(W1.var() / (2 / 1000) - 1) < 0.02
    assert abs(W1.mean()) < 6 * math.sqrt(2 / 1000 / W1.size)
    W2 = init_params(2, 40_000, seed=0).W2
    assert abs(W2.var() / (1 / 40_000) - 1) < 0.05


def test_init_params_honors_float32() -> None:
    p = init_params(3, 4, seed=1, dtype=np.float32)
    assert all(p[name].dtype == np.float32 for name in ("W1", "b1", "W2", "b2"))
    assert forward(p, np.ones((3, 2), dtype=np.float32)).A2.dtype == np.float32


def test_train_decreases_cost_on_basic_dataset() -> None:
    table = np.loadtxt(DATA / "basic_dataset.csv", delimiter=",", skiprows=1, ndmin=2)
    X, Y = table[:, :-1].T, table[:, -1:].T
    X = (X - X.mean(axis=1, keepdims=True)) / X.std(axis=1, keepdims=True)
    p0 = init_params(X.shape[0], 5, seed=42)
    params, costs = train(X, Y, p0, learning_rate=0.1, epochs=500)
    assert len(costs) == 500
    assert costs[0] == compute_cost(forward(p0, X), Y)  # J before the first step
    assert np.all(np.diff(costs) <= 1e-12)  # small steps: gradient descent never goes uphill
    assert costs[-1] < 0.5 * costs[0]
    # the returned params are those after the last step
    assert compute_cost(forward(params, X), Y) < costs[-1]
