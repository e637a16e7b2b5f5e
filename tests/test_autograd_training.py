"""5000 epochs of full-batch gradient descent end where torch.optim.SGD ends, from the same weights.

data/large_dataset.csv, features standardized with the whole file's mean and standard deviation
(``reference.report.load_dataset``), n_h = 5, He initialization with seed 42, learning rate 0.1
(ten times the seed's default, so the weights travel far: every parameter changes by more than
its own size). Both sides run in float64; measured: parameters agree to ~1e-15 relative.
"""

from __future__ import annotations

from types import ModuleType

import numpy as np
import pytest

from nn_numpy import Params, init_params, predict, train
from nn_numpy.check.cases import DATA_DIR, load_dataset
from nn_numpy.check.measures import relative_error

EPOCHS = 5000
LEARNING_RATE = 0.1
BOUND_TRAJECTORY = 1e-9


@pytest.fixture(scope="module")
def trained(torch_ref: ModuleType) -> dict[str, object]:
    X, Y = load_dataset(DATA_DIR / "large_dataset.csv")
    initial = init_params(X.shape[0], 5, seed=42)
    ours, _ = train(X, Y, initial, LEARNING_RATE, EPOCHS)
    theirs = torch_ref.train_sgd(initial, X, Y, LEARNING_RATE, EPOCHS)
    return {"X": X, "Y": Y, "initial": initial, "ours": ours, "torch": theirs, "ref": torch_ref}


def test_5000_epochs_of_gradient_descent_end_at_torch_sgd_parameters(trained):
    ours, theirs, initial = trained["ours"], trained["torch"], trained["initial"]
    for name in ("W1", "b1", "W2", "b2"):
        assert relative_error(ours[name], initial[name]) > 0.5, f"{name} barely moved"
        assert relative_error(ours[name], theirs[name]) <= BOUND_TRAJECTORY, name


def test_5000_epochs_give_torch_identical_predictions_and_accuracy(trained):
    X, Y = trained["X"], trained["Y"]
    ours = predict(trained["ours"], X)
    theirs = trained["ref"].predict(Params(**trained["torch"]), X)
    np.testing.assert_array_equal(ours, theirs)
    assert theirs.dtype == ours.dtype == np.int64  # labels, not probabilities rounded to floats
    assert np.mean(ours == Y) == np.mean(theirs == Y) > 0.9
