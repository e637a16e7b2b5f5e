"""Every boxed formula of the derivation, evaluated by nn_numpy, equals PyTorch autograd.

Same initial weights, same data, float64 on both sides. Error = max|ours - ref| / max|ref| per
quantity (``relative_error``), bound 1e-10: both sides are float64 evaluations of the same
function, whose rounding errors here are ~1e-15 (measured; README "How it is verified").
Cases: data/basic_dataset.csv and data/large_dataset.csv (standardized, He initialization)
and random networks with N(0, 1) weights and biases (n_x 1..10, n_h 1..32, m 1..256).
"""

from __future__ import annotations

from types import ModuleType

import numpy as np
import pytest

from nn_numpy import backward, compute_cost, forward, sigmoid
from nn_numpy.check.cases import Case
from nn_numpy.check.measures import relative_error
from nn_numpy.check.oracles import BOUND_AUTOGRAD
from reference.cases import dataset_cases, random_cases
from reference.rows import LABELS, loss_derivative_error, sigma_prime_error

CASES = dataset_cases() + random_cases(6, seed=2024)


@pytest.fixture(params=CASES, ids=[case.name.split(" ")[0] for case in CASES])
def case(request: pytest.FixtureRequest) -> Case:
    return request.param


@pytest.fixture
def both(case: Case, torch_ref: ModuleType) -> tuple[Case, dict, object]:
    """The case, our forward/backward values, and autograd's result on the same weights."""
    cache = forward(case.params, case.X)
    grads = backward(case.params, cache, case.X, case.Y)
    ours = {"cost": compute_cost(cache, case.Y), "cache": cache, "grads": grads}
    return case, ours, torch_ref.autograd_gradients(case.params, case.X, case.Y)


def test_cost_J_equals_binary_cross_entropy_with_logits(both):
    _, ours, ref = both
    assert relative_error(ours["cost"], ref.cost) <= BOUND_AUTOGRAD


def test_box1_output_layer_dZ2_equals_A2_minus_Y(both):
    case, ours, ref = both
    m = case.X.shape[1]
    formula = ours["cache"].A2 - case.Y  # the box, written out
    assert relative_error(formula, m * ref.dJ_dZ2) <= BOUND_AUTOGRAD
    assert relative_error(ours["grads"].dZ2, m * ref.dJ_dZ2) <= BOUND_AUTOGRAD


def test_box2_hidden_layer_dZ1_equals_W2T_dZ2_masked_by_Z1_positive(both):
    case, ours, ref = both
    m = case.X.shape[1]
    cache = ours["cache"]
    formula = (case.params.W2.T @ (cache.A2 - case.Y)) * (cache.Z1 > 0)
    assert relative_error(formula, m * ref.dJ_dZ1) <= BOUND_AUTOGRAD
    assert relative_error(ours["grads"].dZ1, m * ref.dJ_dZ1) <= BOUND_AUTOGRAD


@pytest.mark.parametrize("layer", [1, 2])
def test_box3_bias_gradient_is_mean_of_dZ_over_examples(both, layer):
    case, ours, ref = both
    m = case.X.shape[1]
    dZ_autograd = m * getattr(ref, f"dJ_dZ{layer}")
    formula = dZ_autograd.sum(axis=1, keepdims=True) / m  # the box, on autograd's dZ
    assert relative_error(formula, getattr(ref, f"db{layer}")) <= BOUND_AUTOGRAD
    assert relative_error(ours["grads"][f"db{layer}"], getattr(ref, f"db{layer}")) <= BOUND_AUTOGRAD


@pytest.mark.parametrize("layer", [1, 2])
def test_weight_gradient_is_dZ_times_previous_activation_transposed_over_m(both, layer):
    case, ours, ref = both
    m = case.X.shape[1]
    A_prev = case.X if layer == 1 else ours["cache"].A1
    formula = (m * getattr(ref, f"dJ_dZ{layer}")) @ A_prev.T / m  # on autograd's dZ
    assert relative_error(formula, getattr(ref, f"dW{layer}")) <= BOUND_AUTOGRAD
    assert relative_error(ours["grads"][f"dW{layer}"], getattr(ref, f"dW{layer}")) <= BOUND_AUTOGRAD


def test_gradients_have_the_shapes_of_their_parameters(both):
    case, ours, ref = both
    for name in ("W1", "b1", "W2", "b2"):
        shape = case.params[name].shape
        assert ours["grads"][f"d{name}"].shape == shape and getattr(ref, f"d{name}").shape == shape


def test_sigmoid_derivative_is_sigma_times_one_minus_sigma(torch_ref):
    # the report's sigma' row, on its grid (reference/rows.py: Z_GRID, both tails and z = 0)
    assert sigma_prime_error() <= BOUND_AUTOGRAD


@pytest.mark.parametrize("y", LABELS)
def test_loss_derivative_wrt_output_is_a_minus_y_over_a_one_minus_a(torch_ref, y):
    # the report's dL/da row: a from ~1e-13 to 1 - ~1e-13 (A_GRID), error per entry
    assert loss_derivative_error(y) <= BOUND_AUTOGRAD


def test_box1_chain_dL_da_times_sigma_prime_is_a_minus_y(torch_ref):
    """The box's algebra: (a - y) / (a (1 - a)) * a (1 - a) = a - y, through autograd's factors."""
    # |z| <= 10: there 1 - sigma(z) >= 4.5e-5 keeps ~11 digits, so the product can meet the bound.
    z = np.linspace(-10.0, 10.0, 401)
    a = sigmoid(z)
    for y in (0.0, 1.0):
        Y = np.full_like(a, y)
        chain = torch_ref.loss_derivative_wrt_output(a, Y) * torch_ref.sigmoid_derivative(z)
        assert relative_error(chain, a - Y) <= BOUND_AUTOGRAD
