"""The readable network at any depth: records, initialization, the seed's boxes bit for bit,
forward as the layers composed by hand, the activations' derivatives against high precision,
and gradients against central differences (a torch-free oracle; autograd is in
tests/test_autograd_depth.py)."""

from __future__ import annotations

import re
from decimal import Decimal, localcontext

import numpy as np
import pytest

from nn_numpy.network import (
    ACTIVATIONS,
    Cache,
    Grads,
    Params,
    activation_derivative,
    backward,
    compute_cost,
    forward,
    init_params,
    predict,
    predict_proba,
    sigmoid,
    train,
    update_params,
)
from tests.helpers import blobs

# --------------------------------------------------------------------- the seed's boxes, L = 2


def _seed_boxes(p: Params, X: np.ndarray, Y: np.ndarray, lr: float) -> dict[str, np.ndarray]:
    """The one-hidden-layer ReLU network transcribed box by box, as the seed writes it."""
    m = X.shape[1]
    Z1 = p.W1 @ X + p.b1
    A1 = np.maximum(Z1, 0.0)
    Z2 = p.W2 @ A1 + p.b2
    e = np.exp(-np.abs(Z2))
    A2 = np.where(Z2 >= 0, 1.0, e) / (1.0 + e)
    dZ2 = A2 - Y  # Box 1
    dW2 = (dZ2 @ A1.T) / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m  # Box 3
    dZ1 = (p.W2.T @ dZ2) * (Z1 > 0)  # Box 2
    dW1 = (dZ1 @ X.T) / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m  # Box 3
    out = dict(Z1=Z1, A1=A1, Z2=Z2, A2=A2, dZ2=dZ2, dW2=dW2, db2=db2, dZ1=dZ1, dW1=dW1, db1=db1)
    for name in ("W1", "b1", "W2", "b2"):
        out[f"new_{name}"] = p[name] - lr * out[f"d{name}"]
    return out


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(("n_x", "n_h", "m"), [(2, 5, 40), (1, 1, 1), (3, 17, 9)])
def test_one_hidden_layer_gives_the_seed_boxes_bit_for_bit(dtype, n_x, n_h, m) -> None:
    X, Y = blobs(m, n_x=n_x, seed=n_h)
    X, Y = X.astype(dtype), Y.astype(dtype)
    p = init_params(n_x, n_h, seed=3, dtype=dtype)
    cache = forward(p, X)
    grads = backward(p, cache, X, Y)
    new = update_params(p, grads, 0.1)
    boxes = _seed_boxes(p, X, Y, 0.1)
    got = {**cache, **grads, **{f"new_{k}": v for k, v in new.items()}}
    for name, expected in boxes.items():
        assert got[name].dtype == expected.dtype, name
        assert np.array_equal(got[name], expected), name  # the same bits, not merely close


def test_an_int_hidden_size_and_a_one_element_list_are_the_same_network() -> None:
    a, b = init_params(4, 6, seed=9), init_params(4, [6], seed=9)
    assert list(a) == list(b) == ["W1", "b1", "W2", "b2"]
    assert all(np.array_equal(a[k], b[k]) for k in a)


# --------------------------------------------------------------------- initialization


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_init_draws_w1_to_wl_in_order_with_each_layers_variance(activation: str) -> None:
    sizes = (3, 4, 5, 2)
    p = init_params(sizes[0], sizes[1:], seed=11, activation=activation)
    rng = np.random.default_rng(11)  # the documented generator, drawn W1, W2, ..., WL
    widths = (*sizes, 1)
    for l in range(1, len(sizes) + 1):
        n_in, n_out = widths[l - 1], widths[l]
        hidden = l < len(sizes)
        gain = 2.0 if activation == "relu" and hidden else 1.0
        expected = rng.standard_normal((n_out, n_in)) * np.sqrt(gain / n_in)
        assert np.array_equal(p[f"W{l}"], expected), f"W{l}"
        assert np.array_equal(p[f"b{l}"], np.zeros((n_out, 1))), f"b{l}"
    assert p.activation == activation and p.L == 4
    assert p.layer_sizes == (3, 4, 5, 2, 1) and p.hidden_sizes == (4, 5, 2)


@pytest.mark.parametrize(("activation", "gain"), [("relu", 2.0), ("tanh", 1.0), ("sigmoid", 1.0)])
def test_init_variance_is_gain_over_fan_in_for_hidden_layers_and_one_for_the_logit(
    activation: str, gain: float
) -> None:
    # 400 x 300 draws per hidden layer: the sample variance is within 2 % of its mean (sd 0.26 %).
    p = init_params(300, (400, 500), seed=5, activation=activation)
    assert np.var(p.W1) * 300 == pytest.approx(gain, rel=0.02)
    assert np.var(p.W2) * 400 == pytest.approx(gain, rel=0.02)
    assert np.var(p.W3) * 500 == pytest.approx(1.0, rel=0.15)  # 500 draws: sd 6 %


def test_init_keeps_the_dtype_of_every_layer() -> None:
    p = init_params(2, (3, 4), seed=0, dtype=np.float32, activation="tanh")
    assert {v.dtype for v in p.values()} == {np.dtype(np.float32)}


@pytest.mark.parametrize(
    ("n_h", "activation"),
    [(0, "relu"), ((4, 0), "relu"), (-1, "relu"), ((3, 2.5), "relu"), (True, "relu"),
     (3, "softmax"), (3, "ReLU")],
)  # fmt: skip
def test_init_refuses_a_size_that_is_not_a_positive_int_or_an_unknown_activation(
    n_h, activation
) -> None:
    with pytest.raises(ValueError, match=r"layer sizes|activation"):
        init_params(2, n_h, seed=0, activation=activation)


# --------------------------------------------------------------------- the records


def test_records_read_by_key_and_attribute_in_layer_order_and_are_read_only() -> None:
    p = init_params(2, (3, 4), seed=0)
    assert p.W3 is p["W3"] and list(p) == ["W1", "b1", "W2", "b2", "W3", "b3"]
    assert dict(p) == p.as_dict() and len(p) == 6
    with pytest.raises(AttributeError):
        p.W1 = p.W2  # type: ignore[misc]
    with pytest.raises(AttributeError, match="W4"):
        _ = p.W4
    with pytest.raises(KeyError):
        _ = p["W4"]
    positional = Params(*p.values(), activation="tanh")
    assert list(positional) == list(p) and positional.activation == "tanh"


@pytest.mark.parametrize(
    "names",
    [("W1", "b1", "W2"), ("W1", "b1", "W3", "b3"), ("W1", "b1", "W2", "B2"), ("W0", "b0")],
)
def test_params_refuses_names_that_are_not_w1_b1_to_wl_bl(names) -> None:
    with pytest.raises(TypeError, match=re.escape("W1, b1, ..., WL, bL")):
        Params(**{n: np.zeros((1, 1)) for n in names})


def test_params_refuses_an_unknown_activation_and_mixing_positional_and_named() -> None:
    a = np.zeros((1, 1))
    with pytest.raises(ValueError, match="activation"):
        Params(a, a, activation="elu")
    with pytest.raises(TypeError, match="not both"):
        Params(a, a, W2=a, b2=a)


# --------------------------------------------------------------------- forward at depth


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_forward_at_depth_is_the_layers_composed_by_hand(activation: str) -> None:
    X, _ = blobs(7, n_x=3, seed=1)
    p = init_params(3, (4, 5, 2), seed=2, activation=activation)
    p = Params(**{k: v + 0.1 for k, v in p.items()}, activation=activation)  # nonzero biases
    g = {"relu": lambda z: np.maximum(z, 0.0), "tanh": np.tanh, "sigmoid": sigmoid}[activation]
    A1 = g(p.W1 @ X + p.b1)
    A2 = g(p.W2 @ A1 + p.b2)
    A3 = g(p.W3 @ A2 + p.b3)
    Z4 = p.W4 @ A3 + p.b4
    cache = forward(p, X)
    assert isinstance(cache, Cache) and cache.L == 4 and list(cache)[-2:] == ["Z4", "A4"]
    assert np.array_equal(cache.A3, A3) and np.array_equal(cache.Z4, Z4)
    assert np.array_equal(predict_proba(p, X), sigmoid(Z4))
    assert np.array_equal(predict(p, X), (sigmoid(Z4) >= 0.5).astype(np.int64))


def test_the_cost_of_a_deep_network_is_taken_from_its_last_logits() -> None:
    X, Y = blobs(9, seed=4)
    p = init_params(2, (3, 3), seed=4)
    cache = forward(p, X)
    z = cache.Z3.ravel()
    with localcontext() as ctx:
        ctx.prec = 50
        exact = [
            (1 + Decimal(v).exp()).ln() - int(y) * Decimal(v)
            for v, y in zip(z, Y.ravel(), strict=True)
        ]
        mean = float(sum(exact) / len(exact))
    assert compute_cost(cache, Y) == pytest.approx(mean, rel=1e-14)


# --------------------------------------------------------------------- the derivatives g'


def _exact_prime(activation: str, z: float) -> float:
    """g'(z) in 50-digit decimal arithmetic: sech(z)^2 = 4 / (e^z + e^-z)^2 for tanh,
    e^-z / (1 + e^-z)^2 for the sigmoid."""
    with localcontext() as ctx:
        ctx.prec = 50
        e = Decimal(-z).exp()
        if activation == "tanh":
            return float(4 / (1 / e + e) ** 2)
        return float(e / (1 + e) ** 2)


_Z = np.array([-30.0, -5.0, -1.0, -1e-3, 0.0, 1e-8, 0.5, 2.0, 8.0, 19.0])


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
def test_activation_derivatives_agree_with_50_digit_values_to_ulps_of_one(activation) -> None:
    # 1 - A^2 and A (1 - A) lose relative precision where g' is tiny (they subtract from 1, as
    # autograd's formulas do); their absolute error stays a few ulps of 1.
    g = {"tanh": np.tanh, "sigmoid": sigmoid}[activation]
    got = activation_derivative(activation, _Z, g(_Z))
    exact = np.array([_exact_prime(activation, float(z)) for z in _Z])
    assert np.max(np.abs(got - exact)) <= 4 * np.finfo(np.float64).eps


def test_the_relu_derivative_is_one_above_zero_and_zero_at_and_below_it() -> None:
    got = activation_derivative("relu", _Z, np.maximum(_Z, 0.0))
    assert got.tolist() == [False] * 5 + [True] * 5


# --------------------------------------------------------------------- gradients at depth


def _central_differences(p: Params, X: np.ndarray, Y: np.ndarray, h: float = 1e-6) -> dict:
    grads = {}
    for name, value in p.items():
        d = np.zeros_like(value)
        for i in np.ndindex(value.shape):
            costs = []
            for step in (h, -h):
                moved = {k: v.copy() for k, v in p.items()}
                moved[name][i] += step
                costs.append(compute_cost(forward(Params(**moved, activation=p.activation), X), Y))
            d[i] = (costs[0] - costs[1]) / (2 * h)
        grads[f"d{name}"] = d
    return grads


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
@pytest.mark.parametrize("hidden", [(3,), (4, 3), (3, 4, 2)])
def test_backward_at_depth_agrees_with_central_differences(activation, hidden) -> None:
    # Smooth activations: no kink to cross, so central differences are accurate to ~1e-9.
    X, Y = blobs(11, n_x=3, seed=len(hidden))
    p = init_params(3, hidden, seed=7, activation=activation)
    p = Params(**{k: v + 0.2 for k, v in p.items()}, activation=activation)
    grads = backward(p, forward(p, X), X, Y)
    assert isinstance(grads, Grads) and grads.L == len(hidden) + 1
    for name, expected in _central_differences(p, X, Y).items():
        scale = max(np.max(np.abs(expected)), 1e-3)
        assert np.max(np.abs(grads[name] - expected)) <= 1e-7 * scale, name


def test_da_is_the_next_layers_weights_transposed_times_its_dz() -> None:
    X, Y = blobs(6, seed=0)
    p = init_params(2, (3, 4), seed=1, activation="tanh")
    cache = forward(p, X)
    g = backward(p, cache, X, Y)
    assert np.array_equal(g.dA2, p.W3.T @ g.dZ3) and np.array_equal(g.dA1, p.W2.T @ g.dZ2)
    assert np.array_equal(g.dZ1, g.dA1 * (1.0 - cache.A1 * cache.A1))


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_training_a_deep_network_lowers_its_cost_and_keeps_its_activation(activation) -> None:
    X, Y = blobs(60, seed=2)
    p0 = init_params(2, (6, 4), seed=3, activation=activation)
    p, costs = train(X, Y, p0, learning_rate=0.5, epochs=300)
    assert p.activation == activation and p.layer_sizes == p0.layer_sizes
    assert costs[-1] < 0.8 * costs[0]
    assert update_params(p, backward(p, forward(p, X), X, Y), 0.1).activation == activation


@pytest.mark.parametrize("shape", [(4, 1), (4,), (1, 3), (2, 4)])
def test_labels_of_another_shape_than_the_output_are_refused_never_broadcast(
    shape: tuple[int, ...],
) -> None:
    """A column Y (m, 1) against the (1, m) output would broadcast to (m, m): a wrong J."""
    X = np.array([[0.0, 1, 0, 1], [0, 0, 1, 1]])
    p = init_params(2, (5, 3), seed=0, activation="tanh")
    cache = forward(p, X)
    Y = np.zeros(shape)
    with pytest.raises(ValueError, match=r"Y must have shape \(1, m\) = \(1, 4\)"):
        compute_cost(cache, Y)
    with pytest.raises(ValueError, match=r"Y must have shape \(1, m\) = \(1, 4\)"):
        backward(p, cache, X, Y)
