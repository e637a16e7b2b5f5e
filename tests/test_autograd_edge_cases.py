"""Edge cases agree with autograd: one example, one feature, one class, dead ReLUs, repeat runs.

Error = max|ours - ref| / max|ref| per quantity (absolute error where ref is all zero), bound
1e-10, as in test_autograd_formulas.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from nn_numpy import Params, backward, compute_cost, forward, init_params, predict, train
from nn_numpy.check.cases import random_batch, random_params
from nn_numpy.check.measures import relative_error
from nn_numpy.check.oracles import BOUND_AUTOGRAD, QUANTITIES
from reference.rows import errors


def assert_matches_autograd(params: Params, X: np.ndarray, Y: np.ndarray) -> None:
    worst = errors(params, X, Y)
    assert set(worst) == set(QUANTITIES)
    for quantity, err in worst.items():
        assert err <= BOUND_AUTOGRAD, f"{quantity}: relative error {err:.2e}"


@pytest.mark.parametrize("seed", range(5))
def test_single_example_m_equals_1_matches_autograd(torch_ref, seed):
    rng = np.random.default_rng(seed)
    X, Y = random_batch(rng, 3, 1)
    assert_matches_autograd(random_params(rng, 3, 4, 1.0), X, Y)


def test_single_feature_n_x_equals_1_matches_autograd(torch_ref):
    rng = np.random.default_rng(1)
    X, Y = random_batch(rng, 1, 64)
    assert_matches_autograd(random_params(rng, 1, 6, 1.0), X, Y)


def test_single_hidden_unit_and_single_example_match_autograd(torch_ref):
    rng = np.random.default_rng(2)
    X, Y = random_batch(rng, 1, 1)
    assert_matches_autograd(random_params(rng, 1, 1, 1.0), X, Y)


@pytest.mark.parametrize("label", [0.0, 1.0])
def test_all_labels_one_class_matches_autograd(torch_ref, label):
    rng = np.random.default_rng(3)
    X, _ = random_batch(rng, 4, 50)
    assert_matches_autograd(random_params(rng, 4, 8, 1.0), X, np.full((1, 50), label))


def test_relu_dead_for_every_example_gives_zero_hidden_gradients_like_autograd(torch_ref):
    rng = np.random.default_rng(4)
    X, Y = random_batch(rng, 3, 40)
    params = random_params(rng, 3, 5, 1.0)
    params = Params(W1=params.W1, b1=np.full((5, 1), -100.0), W2=params.W2, b2=params.b2)
    cache = forward(params, X)
    assert np.all(cache.Z1 < 0), "the construction must kill every unit on every example"
    grads = backward(params, cache, X, Y)
    ref = torch_ref.autograd_gradients(params, X, Y)
    for ours, theirs in ((grads.dZ1, ref.dJ_dZ1), (grads.dW1, ref.dW1), (grads.db1, ref.db1)):
        assert not np.any(ours) and not np.any(theirs)
    assert not np.any(grads.dW2) and not np.any(ref.dW2)  # A1 = 0
    assert_matches_autograd(params, X, Y)


def test_relu_exactly_at_zero_uses_subgradient_0_like_autograd(torch_ref):
    """Z1 = 0 exactly (zero weights and bias): 1{Z1 > 0} = 0, which is torch's choice too."""
    rng = np.random.default_rng(5)
    X, Y = random_batch(rng, 2, 10)
    params = Params(
        W1=np.zeros((3, 2)), b1=np.zeros((3, 1)), W2=np.ones((1, 3)), b2=np.zeros((1, 1))
    )
    ref = torch_ref.autograd_gradients(params, X, Y)
    assert not np.any(backward(params, forward(params, X), X, Y).dW1) and not np.any(ref.dW1)
    assert_matches_autograd(params, X, Y)


def test_identical_initial_weights_give_identical_results_across_two_runs(torch_ref):
    rng = np.random.default_rng(6)
    X, Y = random_batch(rng, 2, 100)
    first, second = init_params(2, 5, seed=7), init_params(2, 5, seed=7)
    for name in ("W1", "b1", "W2", "b2"):
        np.testing.assert_array_equal(first[name], second[name])
    ours_1, costs_1 = train(X, Y, first, 0.1, 50)
    ours_2, costs_2 = train(X, Y, second, 0.1, 50)
    torch_1 = torch_ref.train_sgd(first, X, Y, 0.1, 50)
    torch_2 = torch_ref.train_sgd(second, X, Y, 0.1, 50)
    assert costs_1 == costs_2
    for name in ("W1", "b1", "W2", "b2"):
        np.testing.assert_array_equal(ours_1[name], ours_2[name])  # bit for bit
        np.testing.assert_array_equal(torch_1[name], torch_2[name])


def test_cost_keeps_full_relative_precision_for_a_confident_correct_prediction(torch_ref):
    # One example with logit z = 30 and label 1: J = log1p(exp(-30)) ~ 9.36e-14, which torch's
    # BCE-with-logits returns to full precision (its formula cancels only for y = 0, z << 0).
    # Forming softplus(z) first and subtracting y z afterwards loses ~1% here (error ~u z).
    params = Params(
        W1=np.ones((1, 1)), b1=np.zeros((1, 1)), W2=np.ones((1, 1)), b2=np.zeros((1, 1))
    )
    X, Y = np.array([[30.0]]), np.array([[1.0]])
    J = compute_cost(forward(params, X), Y)
    assert J == pytest.approx(np.log1p(np.exp(-30.0)), rel=BOUND_AUTOGRAD, abs=0.0)
    assert J == pytest.approx(
        torch_ref.autograd_gradients(params, X, Y).cost, rel=BOUND_AUTOGRAD, abs=0.0
    )


def test_torch_reference_predictions_are_our_int64_labels_on_random_networks(torch_ref):
    """Fast check of the torch reference's predict (the 5000-epoch test is the slow one)."""
    rng = np.random.default_rng(8)
    for _ in range(3):
        X, _ = random_batch(rng, 3, 60)
        drawn = random_params(rng, 3, 4, 1.0)
        # b2 centres the logits at their median, so both classes are predicted
        b2 = -np.median(forward(Params(drawn.W1, drawn.b1, drawn.W2, np.zeros((1, 1))), X).Z2)
        params = Params(drawn.W1, drawn.b1, drawn.W2, np.full((1, 1), b2))
        theirs = torch_ref.predict(params, X)
        assert theirs.shape == (1, 60) and theirs.dtype == np.int64
        assert set(np.unique(theirs)) == {0, 1}  # both classes: a constant answer cannot pass
        np.testing.assert_array_equal(theirs, predict(params, X))


def test_a_few_torch_sgd_steps_end_where_our_gradient_descent_ends(torch_ref):
    """Fast check of the torch reference's train_sgd: 3 steps of lr 0.5, far from the start."""
    rng = np.random.default_rng(9)
    X, Y = random_batch(rng, 3, 40)
    initial = random_params(rng, 3, 4, 1.0)
    ours, _ = train(X, Y, initial, 0.5, 3)
    theirs = torch_ref.train_sgd(initial, X, Y, 0.5, 3)
    for name in ("W1", "b1", "W2", "b2"):
        assert not np.array_equal(ours[name], initial[name]), f"{name} did not move"
        assert relative_error(theirs[name], ours[name]) <= BOUND_AUTOGRAD, name


def test_the_torch_oracle_restores_the_callers_thread_count_after_each_call(torch_ref):
    """Each oracle call runs torch on one thread (``one_thread``) and must hand back the
    caller's setting: 3 is set here (a count neither 1 nor a likely default), then restored."""
    import torch

    before = torch.get_num_threads()
    rng = np.random.default_rng(0)
    X, Y = random_batch(rng, 2, 4)
    params = random_params(rng, 2, 3, 1.0)
    try:
        torch.set_num_threads(3)
        torch_ref.autograd_gradients(params, X, Y)
        assert torch.get_num_threads() == 3
        torch_ref.train_sgd(params, X, Y, learning_rate=0.1, epochs=1)
        assert torch.get_num_threads() == 3
    finally:
        torch.set_num_threads(before)
