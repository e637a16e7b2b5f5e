"""One training step of a deep network, hidden layers (32, 16, 8), on data/large_dataset.csv.

Groups (one per activation and dtype) put the two contenders side by side:

* readable: nn_numpy.forward / backward / update_params, as the README teaches, at depth.
* layered:  what ``make_trainer`` returns for these parameters (``LayeredTrainer``): the same
            step with preallocated buffers, chunked, allocation-free.

The ratio gates in benchmarks/conftest.py (``DEEP_NOT_SLOWER``) hold the trainer to be no slower
than the readable step at depth (issue 20). Before timing, the trainer's first step is checked
against the readable one, so a fast wrong step cannot appear in the table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from benchmarks.conftest import load_data
from nn_numpy import Params, backward, forward, init_params, update_params
from nn_numpy.records import ACTIVATIONS
from nn_numpy.training import LayeredTrainer, make_trainer

HIDDEN = (32, 16, 8)
LEARNING_RATE = 0.01
SEED = 0
DTYPES = ["float64", "float32"]
TOL = {"float64": 1e-12, "float32": 1e-5}  # agreement asked before timing


class DeepProblem:
    """The data and deep initial weights in one dtype, and the readable step from them."""

    def __init__(self, dtype: str, activation: str) -> None:
        X, Y, _ = load_data()
        self.dtype, self.X, self.Y = dtype, X.astype(dtype), Y.astype(dtype)
        self.params = init_params(X.shape[0], HIDDEN, SEED, dtype=dtype, activation=activation)
        grads = backward(self.params, forward(self.params, self.X), self.X, self.Y)
        self.stepped = update_params(self.params, grads, LEARNING_RATE)


@pytest.fixture(scope="module", params=DTYPES)
def dtype(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("impl", ["readable", "layered"])
def test_deep_step(benchmark: Any, dtype: str, activation: str, impl: str) -> None:
    problem = DeepProblem(dtype, activation)
    benchmark.group = f"deep step {HIDDEN} {activation}, {dtype}"
    X, Y = problem.X, problem.Y
    run: Callable[[], Any]
    if impl == "readable":
        state = {"p": problem.params}

        def run() -> None:
            p = state["p"]
            state["p"] = update_params(p, backward(p, forward(p, X), X, Y), LEARNING_RATE)

        def current() -> Params:
            return state["p"]

    else:
        trainer = make_trainer(X, Y, problem.params, LEARNING_RATE, dtype=dtype)
        assert isinstance(trainer, LayeredTrainer)
        run = trainer.step

        def current() -> Params:
            return trainer.params

    run()  # the first step must land where the readable step lands
    for name, expected in problem.stepped.items():
        tol = TOL[dtype]
        atol = tol * float(np.max(np.abs(expected)))
        np.testing.assert_allclose(current()[name], expected, rtol=tol, atol=atol)
    benchmark(run)
