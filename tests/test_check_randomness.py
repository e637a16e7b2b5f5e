"""Random numbers inside the user's backward pass are refused, however rarely they change a value.

The second call is made on the case with the most hidden-unit entries: a dropout mask that keeps
almost every unit repeats by chance on a 5 x 7 case (about 70 % of the time at keep 0.99), and
essentially never on the widest case. Every seed below is fixed, so these tests cannot flake.
"""

from __future__ import annotations

import numpy as np
import pytest

from nn_numpy.check import check_gradients
from nn_numpy.check.api import widest
from nn_numpy.check.cases import checker_cases
from nn_numpy.check.deep import check_network
from nn_numpy.check.deep_cases import deep_cases
from nn_numpy.errors import UsageError
from tests import deep_users as users


@pytest.mark.parametrize(
    ("cases", "name"),
    [
        (checker_cases(), "large_dataset (m=1990 of 2000)"),
        (deep_cases(), "random (7-4-6-5-3-1, m=9)"),
    ],
    ids=["one-layer", "deep"],
)
def test_the_repeat_call_is_made_on_the_case_with_the_most_hidden_entries(cases, name):
    # By hand: 5 x 1990 hidden entries beat every other one-layer case (8 x 13 is next);
    # (4 + 6 + 5 + 3) x 9 beat every other deep case. The first case is not the widest.
    assert cases[widest(cases)].name == name != cases[0].name


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
