"""5000 epochs of full-batch gradient descent on deep networks end where torch.optim.SGD ends,
from the same weights, step by step: every cost and every final parameter to 1e-9 relative.

data/large_dataset.csv standardized (``load_dataset``), init_params with seed 42, learning rate
0.1, float64 on both sides: two hidden tanh layers (8, 4) and three hidden ReLU layers
(8, 6, 4). A trajectory whose gradient has a wrong tanh derivative in layer 2 leaves torch's
after far fewer steps, so the bound is not vacuous.
"""

from __future__ import annotations

from types import ModuleType

import numpy as np
import pytest

import nn_numpy.network
from nn_numpy import Params, init_params, predict, train
from nn_numpy.check.cases import DATA_DIR, load_dataset
from nn_numpy.check.measures import relative_error
from tests.deep_mistakes import backward_with

EPOCHS = 5000
LEARNING_RATE = 0.1
BOUND_TRAJECTORY = 1e-9
NETWORKS = {"tanh (8, 4)": ((8, 4), "tanh"), "relu (8, 6, 4)": ((8, 6, 4), "relu")}


@pytest.fixture(scope="module", params=NETWORKS)
def trained(request: pytest.FixtureRequest, torch_ref: ModuleType) -> dict[str, object]:
    hidden, activation = NETWORKS[request.param]
    X, Y = load_dataset(DATA_DIR / "large_dataset.csv")
    initial = init_params(X.shape[0], hidden, seed=42, activation=activation)
    ours, costs = train(X, Y, initial, LEARNING_RATE, EPOCHS)
    theirs, torch_costs = torch_ref.train_sgd_trajectory(initial, X, Y, LEARNING_RATE, EPOCHS)
    final = Params(**theirs, activation=activation)
    return {"X": X, "Y": Y, "initial": initial, "ours": ours, "costs": costs,
            "torch": final, "torch_costs": torch_costs}  # fmt: skip


def test_5000_deep_steps_end_at_torch_sgd_parameters(trained):
    ours, theirs, initial = trained["ours"], trained["torch"], trained["initial"]
    assert ours.L == initial.L >= 3 and ours.activation == initial.activation
    for name in initial:
        assert relative_error(ours[name], initial[name]) > 0.1, f"{name} barely moved"
        assert relative_error(ours[name], theirs[name]) <= BOUND_TRAJECTORY, name


def test_every_one_of_the_5000_deep_costs_equals_torch_sgd_cost(trained):
    ours, theirs = np.array(trained["costs"]), np.array(trained["torch_costs"])
    assert ours.shape == theirs.shape == (EPOCHS,)
    assert ours[-1] < 0.5 * ours[0]  # it learned
    assert np.max(np.abs(ours - theirs) / theirs) <= BOUND_TRAJECTORY


def test_5000_deep_steps_give_torch_identical_predictions(trained, torch_ref):
    X, Y = trained["X"], trained["Y"]
    ours = predict(trained["ours"], X)
    np.testing.assert_array_equal(ours, torch_ref.predict(trained["torch"], X))
    assert np.mean(ours == Y) > 0.9


def test_a_wrong_tanh_derivative_in_layer_2_leaves_the_torch_trajectory(torch_ref, monkeypatch):
    X, Y = load_dataset(DATA_DIR / "large_dataset.csv")
    initial = init_params(X.shape[0], (6, 5, 4), seed=1, activation="tanh")
    theirs, torch_costs = torch_ref.train_sgd_trajectory(initial, X, Y, LEARNING_RATE, 100)
    wrong_backward = backward_with("tanh derivative 1 - A in layer 2")
    monkeypatch.setattr(nn_numpy.network, "backward", wrong_backward)
    wrong, costs = train(X, Y, initial, LEARNING_RATE, 100)
    assert max(relative_error(wrong[n], theirs[n]) for n in initial) > 1e3 * BOUND_TRAJECTORY
    assert abs(costs[-1] - torch_costs[-1]) / torch_costs[-1] > 1e3 * BOUND_TRAJECTORY
