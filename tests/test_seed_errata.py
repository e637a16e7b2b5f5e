"""The suite checks the derivation, not only the code: the seed's typos, read literally, are wrong.

The seed (the derivation this project follows) has three errata, fixed in the README:
1. X is (n_0, m) with one example per *column* (the text swaps "examples" and "features").
2. For one example dL/dW[l] = dZ[l](i) (A[l-1](i))^T is an outer product, not a product.
3. The second box is the hidden layer's: dZ[1] = (W[2])^T dZ[2] * 1{Z[1] > 0}; the seed prints
   dZ[L] and 1{Z[L] > 0}.
Each test below shows that the literal reading disagrees with autograd (or cannot be evaluated)
while the corrected formula agrees.
"""

from __future__ import annotations

import numpy as np
import pytest

from nn_numpy import Params, backward, forward
from nn_numpy.check.cases import random_batch, random_params
from nn_numpy.check.measures import relative_error
from nn_numpy.check.oracles import BOUND_AUTOGRAD


@pytest.fixture
def kink_case() -> tuple[Params, np.ndarray, np.ndarray]:
    """Z1 has negative entries while Z2 > 0 everywhere, so masks on Z1 and on Z2 differ.

    X = [[1, -1]], W1 = [[1], [-1]], b1 = 0: Z1 = [[1, -1], [-1, 1]] (one unit off per example);
    W2 = [[1, 2]], b2 = 0.5: Z2 = [[1.5, 2.5]] > 0.
    """
    params = Params(
        W1=np.array([[1.0], [-1.0]]),
        b1=np.zeros((2, 1)),
        W2=np.array([[1.0, 2.0]]),
        b2=np.array([[0.5]]),
    )
    return params, np.array([[1.0, -1.0]]), np.array([[0.0, 1.0]])


def test_seed_box2_as_printed_masks_on_Z2_and_disagrees_with_autograd(torch_ref, kink_case):
    params, X, Y = kink_case
    cache = forward(params, X)
    assert np.any(cache.Z1 < 0) and np.all(cache.Z2 > 0)
    autograd_dZ1 = X.shape[1] * torch_ref.autograd_gradients(params, X, Y).dJ_dZ1
    dZ2 = cache.A2 - Y
    as_printed = (params.W2.T @ dZ2) * (cache.Z2 > 0)  # (W[L])^T dZ[L] * 1{Z[L] > 0}
    corrected = (params.W2.T @ dZ2) * (cache.Z1 > 0)  # (W[2])^T dZ[2] * 1{Z[1] > 0}
    assert as_printed.shape == autograd_dZ1.shape  # broadcasting hides the typo from shapes...
    assert relative_error(as_printed, autograd_dZ1) > 0.1  # ...but not from autograd
    assert relative_error(corrected, autograd_dZ1) <= BOUND_AUTOGRAD
    assert relative_error(backward(params, cache, X, Y).dZ1, autograd_dZ1) <= BOUND_AUTOGRAD


def test_seed_box2_as_printed_also_disagrees_on_random_networks(torch_ref):
    """Not only on a constructed case: on generic networks the Z2 mask is wrong too."""
    rng = np.random.default_rng(11)
    for _ in range(5):
        X, Y = random_batch(rng, 3, 40)
        params = random_params(rng, 3, 6, 1.0)
        cache = forward(params, X)
        autograd_dZ1 = X.shape[1] * torch_ref.autograd_gradients(params, X, Y).dJ_dZ1
        as_printed = (params.W2.T @ (cache.A2 - Y)) * (cache.Z2 > 0)
        assert relative_error(as_printed, autograd_dZ1) > 0.1


def test_seed_box2_left_side_must_be_the_hidden_layer_by_shape(torch_ref, kink_case):
    """(W[2])^T dZ[2] is (n_h, m): it can be dZ[1] (n_h, m), never dZ[L] = dZ[2] (1, m)."""
    params, X, Y = kink_case
    cache = forward(params, X)
    right_side = params.W2.T @ (cache.A2 - Y)
    assert right_side.shape == cache.Z1.shape != cache.Z2.shape


def test_seed_per_example_weight_gradient_is_an_outer_product(torch_ref):
    """dL(i)/dW[l] = dZ[l](i) (A[l-1](i))^T for each example alone, against autograd per example."""
    rng = np.random.default_rng(12)
    n_x, n_h, m = 2, 3, 6  # n_h != n_x: the printed "dZ . A" has no meaning for l = 1
    X, Y = random_batch(rng, n_x, m)
    params = random_params(rng, n_x, n_h, 1.0)
    cache = forward(params, X)
    grads = backward(params, cache, X, Y)  # per-example dZ: column i is dZ[l](i)
    per_example = torch_ref.per_example_weight_gradients(params, X, Y)
    for i, ref in enumerate(per_example):
        dZ1_i, dZ2_i = grads.dZ1[:, i : i + 1], grads.dZ2[:, i : i + 1]
        x_i, a1_i = X[:, i : i + 1], cache.A1[:, i : i + 1]
        assert relative_error(dZ1_i @ x_i.T, ref["W1"]) <= BOUND_AUTOGRAD
        assert relative_error(dZ2_i @ a1_i.T, ref["W2"]) <= BOUND_AUTOGRAD
        with pytest.raises(ValueError):
            dZ1_i * x_i  # read as a product of the two column vectors: (3, 1) * (2, 1)
        assert (dZ2_i * a1_i).shape == (n_h, 1) != ref["W2"].shape  # W2 is (1, n_h)
    mean_of_outer_products = sum(grads.dZ1[:, [i]] @ X[:, [i]].T for i in range(m)) / m
    assert (
        relative_error(mean_of_outer_products, sum(r["W1"] for r in per_example) / m)
        <= BOUND_AUTOGRAD
    )


def test_seed_notation_X_has_one_example_per_column(torch_ref):
    """torch's nn.Linear sees X.T, one example per row; nn_numpy's X (n_x, m) must match it.

    With n_x != m the swapped reading (examples as rows) cannot even be multiplied by W1.
    """
    rng = np.random.default_rng(13)
    n_x, m = 3, 7
    X, Y = random_batch(rng, n_x, m)
    params = random_params(rng, n_x, 4, 1.0)
    ours = backward(params, forward(params, X), X, Y)
    ref = torch_ref.autograd_gradients(params, X, Y)  # batch-first inside torch
    for name in ("dW1", "db1", "dW2", "db2"):
        assert relative_error(ours[name], getattr(ref, name)) <= BOUND_AUTOGRAD
    with pytest.raises(ValueError):
        forward(params, X.T)  # (m, n_x): the swapped reading
