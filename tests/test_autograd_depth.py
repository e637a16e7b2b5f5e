"""At every depth (1-6 hidden layers), width (1-32) and hidden activation, every quantity of the
readable network agrees with torch autograd on the same float64 weights: J, and per layer dZ[l],
db[l], dW[l], dA[l] and the activation's derivative g'(Z[l]) (``oracles.layer_quantities``).

Torch side: ``nn_numpy/check/autograd.py`` (nn.Linear + nn.ReLU/Tanh/Sigmoid, retain_grad on
every Z[l] and A[l]; g' by autograd of the activation module). The measure is term-scaled
(``error_scales`` propagated through every layer: max|ours - ref| / max M, M >= |ref| the size
of the terms): float64 rounding is a few u times M on any CPU, so the bound 1e-10 (~1e6 u) does
not depend on how a BLAS or SIMD unit orders its sums. For He/1/n-initialized networks the
plain relative error is held to the same bound too. Each measure rejects known-wrong backward
passes (``tests/deep_mistakes.py``).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn_numpy.check.oracles
from nn_numpy import Params, backward, compute_cost, forward, init_params
from nn_numpy.check.oracles import BOUND_AUTOGRAD, layer_quantities
from nn_numpy.network import ACTIVATIONS
from reference.cases import random_layers
from reference.rows import errors
from tests.deep_mistakes import MISTAKES, backward_with

DEPTHS = range(1, 7)


def batch(rng: np.random.Generator, n_x: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    return rng.standard_normal((n_x, m)), rng.integers(0, 2, size=(1, m)).astype(np.float64)


def assert_every_layer_matches(params: Params, X, Y, scaled: bool = True) -> dict[str, float]:
    worst = errors(params, X, Y, scaled=scaled, every_layer=True)
    assert tuple(worst) == layer_quantities(params.L)
    for quantity, err in worst.items():
        assert err <= BOUND_AUTOGRAD, f"{quantity}: error {err:.2e}"
    return worst


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("depth", DEPTHS)
def test_every_layer_matches_autograd_on_random_networks_of_each_depth(
    torch_ref, depth, activation
):
    rng = np.random.default_rng(100 * depth + ACTIVATIONS.index(activation))
    for _ in range(3):
        sizes = (int(rng.integers(1, 11)), *rng.integers(1, 33, size=depth).tolist(), 1)
        X, Y = batch(rng, sizes[0], int(rng.integers(1, 257)))
        assert_every_layer_matches(random_layers(rng, sizes, 1.0, activation), X, Y)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("depth", DEPTHS)
def test_initialized_networks_match_autograd_to_1e10_relative(torch_ref, depth, activation):
    rng = np.random.default_rng(depth)
    X, Y = batch(rng, 4, 64)
    params = init_params(4, [8] * depth, seed=depth, activation=activation)
    assert_every_layer_matches(params, X, Y, scaled=False)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("width", [1, 32])
def test_the_narrowest_and_widest_layers_at_six_hidden_layers_match_autograd(
    torch_ref, width, activation
):
    rng = np.random.default_rng(width)
    X, Y = batch(rng, 3, 50)
    params = random_layers(rng, (3, *[width] * 6, 1), 1.0, activation)
    assert_every_layer_matches(params, X, Y)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
@pytest.mark.parametrize("depth", [2, 4])
def test_saturated_units_and_output_match_autograd(torch_ref, depth, activation):
    """Weights x 300: nearly every hidden unit's g'(Z) is below 1e-10 and the output is 0 or 1
    to within 1e-10 for most examples; the term-scaled errors still hold."""
    rng = np.random.default_rng(depth)
    X, Y = batch(rng, 3, 80)
    params = random_layers(rng, (3, *[6] * depth, 1), 300.0, activation)
    cache = forward(params, X)
    for l in range(1, depth + 1):
        A = cache[f"A{l}"]
        slope = 1 - A * A if activation == "tanh" else A * (1 - A)
        assert np.mean(slope < 1e-10) > 0.9, f"layer {l} is not saturated"
    A_L = cache[f"A{depth + 1}"]
    assert np.mean(np.minimum(A_L, 1 - A_L) < 1e-10) > 0.8, "the output is not saturated"
    assert_every_layer_matches(params, X, Y)


@pytest.mark.parametrize("dead", [1, 2, 3])
def test_a_layer_of_dead_relu_units_zeroes_every_gradient_below_it_like_autograd(torch_ref, dead):
    """Layer ``dead`` of 3 hidden ReLU layers has bias -1e3: every unit is off on every example,
    so dZ, dW, db of layers 1..dead are exactly 0 on both sides and A[dead] = 0 feeds on."""
    rng = np.random.default_rng(dead)
    X, Y = batch(rng, 3, 40)
    drawn = random_layers(rng, (3, 5, 4, 6, 1), 1.0, "relu").as_dict()
    drawn[f"b{dead}"] = np.full_like(drawn[f"b{dead}"], -1e3)
    params = Params(**drawn, activation="relu")
    cache = forward(params, X)
    assert np.all(cache[f"Z{dead}"] < 0), "the construction must kill the whole layer"
    grads = backward(params, cache, X, Y)
    ref = torch_ref.autograd_gradients(params, X, Y)
    for l in range(1, dead + 1):
        for name in (f"dZ{l}", f"dW{l}", f"db{l}"):
            theirs = ref.arrays[name if name[1] != "Z" else f"dJ_{name}"]
            assert not np.any(grads[name]) and not np.any(theirs), name
    assert not np.any(grads[f"dW{dead + 1}"])  # A[dead] = 0
    assert_every_layer_matches(params, X, Y)
    assert_every_layer_matches(params, X, Y, scaled=False)


def test_sigmoid_hidden_units_below_the_normal_range_are_accepted_by_the_underflow_floors(
    torch_ref,
):
    """Z1 = -720: NumPy's sigma is 2e-313 (subnormal), torch's 0. The difference, in A1, g'1 and
    dW2, is an underflow, not an error: ``underflow_floors`` carries tiny through the layers."""
    params = Params(
        W1=np.full((2, 1), -720.0), b1=np.zeros((2, 1)), W2=np.ones((1, 2)), b2=np.zeros((1, 1)),
        activation="sigmoid",
    )  # fmt: skip
    X, Y = np.ones((1, 3)), np.array([[1.0, 0.0, 1.0]])
    assert 0 < forward(params, X).A1[0, 0] < np.finfo(np.float64).tiny
    assert_every_layer_matches(params, X, Y)


@pytest.mark.parametrize("mistake", MISTAKES)
@pytest.mark.parametrize("scaled", [False, True], ids=["relative", "term-scaled"])
def test_both_measures_reject_each_known_wrong_backward_at_depth(
    torch_ref, monkeypatch, mistake, scaled
):
    """3 hidden tanh layers of equal width (so an off-by-one layer still has the right shapes)."""
    rng = np.random.default_rng(7)
    X, Y = batch(rng, 4, 30)
    params = random_layers(rng, (4, 5, 5, 5, 1), 1.0, "tanh")
    assert max(errors(params, X, Y, scaled, every_layer=True).values()) <= BOUND_AUTOGRAD
    monkeypatch.setattr(nn_numpy.check.oracles, "backward", backward_with(mistake))
    worst = errors(params, X, Y, scaled, every_layer=True)
    assert max(worst.values()) > 1e3 * BOUND_AUTOGRAD, worst


def test_a_wrong_activation_derivative_is_rejected_in_its_own_row(torch_ref, monkeypatch):
    """g'(Z[l]) is compared on its own: ours computed as sigmoid's A where tanh's 1 - A^2 is due."""
    rng = np.random.default_rng(8)
    X, Y = batch(rng, 2, 20)
    params = random_layers(rng, (2, 4, 4, 1), 1.0, "tanh")

    def wrong_derivative(activation, Z, A):
        return A * (1.0 - A)

    monkeypatch.setattr(nn_numpy.check.oracles, "activation_derivative", wrong_derivative)
    worst = errors(params, X, Y, scaled=True, every_layer=True)
    assert worst["g'1"] > 1e-2 and worst["g'2"] > 1e-2
    assert worst["dW1"] <= BOUND_AUTOGRAD  # backward itself is untouched


@st.composite
def deep_networks(draw: st.DrawFn):
    depth = draw(st.integers(1, 6))
    sizes = (draw(st.integers(1, 10)), *draw(st.lists(st.integers(1, 32), min_size=depth,
             max_size=depth)), 1)  # fmt: skip
    activation = draw(st.sampled_from(ACTIVATIONS))
    scale = 10.0 ** draw(st.floats(-3.0, 3.0))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    X, Y = batch(rng, sizes[0], draw(st.integers(1, 128)))
    labels = draw(st.sampled_from(["random", "all 0", "all 1"]))
    if labels != "random":
        Y = np.full_like(Y, 0.0 if labels == "all 0" else 1.0)
    return random_layers(rng, sizes, scale, activation), X, Y


@settings(max_examples=300)
@given(deep_networks())
def test_every_layer_matches_autograd_for_any_depth_width_activation_and_scale(torch_ref, net):
    assert_every_layer_matches(*net)


@settings(max_examples=300)
@given(deep_networks())
def test_deep_cost_and_gradients_are_finite_with_no_floating_point_warning(net):
    params, X, Y = net
    with np.errstate(over="raise", divide="raise", invalid="raise"):  # underflow is harmless
        cache = forward(params, X)
        cost = compute_cost(cache, Y)
        grads = backward(params, cache, X, Y)
    assert np.isfinite(cost) and cost >= 0.0
    for name, value in grads.as_dict().items():
        assert np.all(np.isfinite(value)), name


def test_errors_of_a_deep_network_cover_every_layer_even_unasked(torch_ref):
    rng = np.random.default_rng(9)
    X, Y = batch(rng, 2, 10)
    params = random_layers(rng, (2, 3, 3, 3, 1), 1.0, "relu")
    assert tuple(errors(params, X, Y)) == layer_quantities(4)
