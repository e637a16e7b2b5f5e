"""The finite-difference oracle at depth: it matches backward on deep networks of each
activation, rejects known-wrong deep gradients, and sees a ReLU kink crossed in a later layer.

With several ReLU layers a step of a W1 entry moves A1 and so Z2: Z2 can cross 0 while every
Z1 keeps its sign. The oracle compares the masks of every ReLU layer at each stencil point
(``relu_masks``), so such a stencil is replaced by a one-sided one, or refused (KinkError).
"""

from __future__ import annotations

import numpy as np
import pytest

from nn_numpy import Params, backward, compute_cost, forward
from nn_numpy.check.finite_differences import KinkError, numerical_gradients, relu_masks
from nn_numpy.check.measures import relative_error
from nn_numpy.network import ACTIVATIONS
from reference.cases import random_layers
from tests.deep_mistakes import MISTAKES, backward_with

TOL, EPS = 1e-6, 1e-6


def deep_case(seed: int, sizes: tuple[int, ...], activation: str, m: int = 40):
    """Random N(0, 1) layers; for ReLU, examples with some |Z[l]| < 1e-3 are dropped (no kink
    within reach of a stencil, so the plain central difference is what is tested)."""
    rng = np.random.default_rng(seed)
    params = random_layers(rng, sizes, 1.0, activation)
    X = rng.standard_normal((sizes[0], 4 * m))
    cache = forward(params, X)
    clean = np.ones(X.shape[1], dtype=bool)
    for l in range(1, params.L if activation == "relu" else 1):
        clean &= np.all(np.abs(cache[f"Z{l}"]) > 1e-3, axis=0)
    X = X[:, clean][:, :m]
    assert X.shape[1] == m, "too many examples near a kink; change the seed"
    return params, X, rng.integers(0, 2, size=(1, m)).astype(np.float64)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("sizes", [(3, 4, 1), (3, 5, 4, 1), (2, 4, 3, 5, 1)])
def test_backward_matches_finite_differences_at_depth(sizes, activation):
    params, X, Y = deep_case(len(sizes), sizes, activation)
    grads = backward(params, forward(params, X), X, Y)
    numeric = numerical_gradients(params, X, Y, eps=EPS)
    assert set(numeric) == {f"{k}{l}" for l in range(1, params.L + 1) for k in "Wb"}
    for name, value in numeric.items():
        assert relative_error(grads[f"d{name}"], value) < TOL, name


@pytest.mark.parametrize("mistake", MISTAKES)
def test_finite_differences_reject_each_known_wrong_deep_gradient(mistake):
    params, X, Y = deep_case(11, (4, 5, 5, 5, 1), "tanh")
    numeric = numerical_gradients(params, X, Y, eps=EPS)
    right = backward(params, forward(params, X), X, Y)
    wrong = backward_with(mistake)(params, forward(params, X), X, Y)
    worst = {n: relative_error(wrong[f"d{n}"], v) for n, v in numeric.items()}
    assert max(relative_error(right[f"d{n}"], v) for n, v in numeric.items()) < TOL
    assert max(worst.values()) > 1e-2, worst


def layer_2_kink(z2_first: float) -> tuple[Params, np.ndarray, np.ndarray]:
    """n_x = 1, two hidden ReLU layers of one unit, X = [[1, 2]]: Z1 = [2, 4] (far from 0),
    A1 = Z1, Z2 = 1.5 A1 + b2 = [z2_first, z2_first + 3]. A step t of W1 moves Z1 by t x and
    Z2 by 1.5 t x, so Z2[0] crosses 0 when |z2_first| < 1.5 h and Z1 never changes sign."""
    params = Params(
        W1=np.array([[2.0]]), b1=np.zeros((1, 1)),
        W2=np.array([[1.5]]), b2=np.array([[z2_first - 3.0]]),
        W3=np.array([[1.2]]), b3=np.array([[-0.4]]), activation="relu",
    )  # fmt: skip
    return params, np.array([[1.0, 2.0]]), np.array([[1.0, 0.0]])


def naive_central_W1(params: Params, X, Y, h: float) -> float:
    def J(delta: float) -> float:
        arrays = params.as_dict()
        arrays["W1"] = arrays["W1"] + delta
        return compute_cost(forward(Params(**arrays, activation="relu"), X), Y)

    return (J(h) - J(-h)) / (2 * h)


@pytest.mark.parametrize("z2_first", [0.0, 3e-7, -3e-7])
def test_a_kink_of_layer_2_crossed_by_a_W1_step_is_detected(z2_first):
    params, X, Y = layer_2_kink(z2_first)
    moved = params.as_dict()
    moved["W1"] = moved["W1"] + EPS * (-np.sign(z2_first) or 1.0)  # towards the kink
    before = relu_masks(forward(params, X), "relu")
    after = relu_masks(forward(Params(**moved, activation="relu"), X), "relu")
    assert np.array_equal(before[0], after[0]), "layer 1's mask must not see the crossing"
    assert not np.array_equal(before[1], after[1]), "the step must cross layer 2's kink"
    grads = backward(params, forward(params, X), X, Y)
    numeric = numerical_gradients(params, X, Y, eps=EPS)
    for name in ("W1", "b1", "W2", "b2"):
        assert relative_error(grads[f"d{name}"], numeric[name]) < TOL, name
    naive = np.array([[naive_central_W1(params, X, Y, EPS)]])
    assert relative_error(naive, numeric["W1"]) > 1e-3  # the straddling stencil is wrong


def test_a_point_not_differentiable_through_layer_2_is_refused():
    """Two examples on layer 2's kink moving in opposite directions under a W1 step: no
    one-sided stencil is smooth, so the oracle raises instead of returning a number."""
    params = Params(
        W1=np.array([[1.0, 1.0]]), b1=np.full((1, 1), 5.0),
        W2=np.array([[1.0]]), b2=np.full((1, 1), -5.0),
        W3=np.array([[2.0]]), b3=np.zeros((1, 1)), activation="relu",
    )  # fmt: skip
    X = np.array([[1.0, -1.0], [-1.0, 1.0]])  # Z1 = [5, 5] > 0, Z2 = [0, 0]; W1[0, 0] + t: +-t
    assert np.all(forward(params, X).Z1 > 0) and not np.any(forward(params, X).Z2)
    with pytest.raises(KinkError):
        numerical_gradients(params, X, np.array([[1.0, 0.0]]))


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
def test_smooth_networks_have_no_masks_and_keep_their_activation(activation):
    params, X, Y = deep_case(5, (2, 3, 3, 1), activation)
    assert relu_masks(forward(params, X), activation) == ()
    relu_twin = Params(**params.as_dict(), activation="relu")
    ours = numerical_gradients(params, X, Y)["W1"]
    assert relative_error(ours, numerical_gradients(relu_twin, X, Y)["W1"]) > 1e-2
