"""Random numbers inside the user's backward pass are refused, however rarely they change a value.

Every case is called twice: a dropout mask that keeps almost every unit repeats by chance on a
5 x 7 case (about 70 % of the time at keep 0.99), but not on every case of the check; noise on
one case only is caught on that case. Every seed below is fixed, so these tests cannot flake.
"""

from __future__ import annotations

import numpy as np
import pytest

from nn_numpy.check import check_gradients
from nn_numpy.check.deep import check_network
from nn_numpy.errors import UsageError
from tests import deep_users as users


@pytest.mark.parametrize("m", [1, 7])
def test_noise_on_one_small_case_only_is_refused(m):
    """Every case is called twice: noise at m = 1 only (or on the 7-example case only) makes the
    same code pass on one run and fail on the next unless that case is repeated too."""
    rng = np.random.default_rng(0)

    def noisy(W1, b1, W2, b2, X, Y):
        grads = correct(W1, b1, W2, b2, X, Y)
        if X.shape[1] == m:
            grads["dW2"] = grads["dW2"] * (1 + 1e-5 * rng.random())  # well inside the tolerance
        return grads

    with pytest.raises(UsageError, match="called twice with the same input"):
        check_gradients(noisy, use_torch=False)


def test_noise_on_one_deep_case_only_is_refused():
    rng = np.random.default_rng(0)
    honest = users.course()

    def noisy(params, X, Y):
        grads = honest(params, X, Y)
        if X.shape[1] == 1 and len(params) == 4:  # m = 1 at one hidden layer only
            grads["dW1"] = grads["dW1"] * (1 + 1e-5 * rng.random())
        return grads

    with pytest.raises(UsageError, match="called twice with the same input"):
        check_network(noisy, use_torch=False)


def correct(W1, b1, W2, b2, X, Y):
    m = X.shape[1]
    Z1 = W1 @ X + b1
    A1 = np.maximum(0, Z1)
    A2 = 1 / (1 + np.exp(-(W2 @ A1 + b2)))
    dZ2 = A2 - Y
    dZ1 = W2.T @ dZ2 * (Z1 > 0)
    return {"dW1": dZ1 @ X.T / m, "db1": dZ1.sum(1, keepdims=True) / m,
            "dW2": dZ2 @ A1.T / m, "db2": dZ2.sum(1, keepdims=True) / m}  # fmt: skip


@pytest.mark.parametrize("seed", range(12))
def test_rare_dropout_in_a_six_argument_pass_is_refused(seed):
    rng = np.random.default_rng(seed)

    def dropout(W1, b1, W2, b2, X, Y):
        m = X.shape[1]
        Z1 = W1 @ X + b1
        A1 = np.maximum(0, Z1) * (rng.random(Z1.shape) < 0.99) / 0.99
        A2 = 1 / (1 + np.exp(-(W2 @ A1 + b2)))
        dZ2 = A2 - Y
        dZ1 = W2.T @ dZ2 * (Z1 > 0)
        return {"dW1": dZ1 @ X.T / m, "db1": dZ1.sum(1, keepdims=True) / m,
                "dW2": dZ2 @ A1.T / m, "db2": dZ2.sum(1, keepdims=True) / m}  # fmt: skip

    with pytest.raises(UsageError, match="called twice with the same input"):
        check_gradients(dropout, use_torch=False)


@pytest.mark.parametrize("seed", range(12))
def test_rare_noise_in_a_deep_pass_is_refused(seed):
    rng = np.random.default_rng(seed)
    honest = users.course()

    def noisy(params, X, Y):
        grads = honest(params, X, Y)
        # One entry in twenty is doubled: the widest deep case has 103 gradient entries.
        return {k: v * (1 + (rng.random(v.shape) < 0.05)) for k, v in grads.items()}

    with pytest.raises(UsageError, match="called twice with the same input"):
        check_network(noisy, use_torch=False)
