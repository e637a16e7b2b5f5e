"""One whole training step (forward + backward + update) on data/large_dataset.csv (n_x = 2,
m = 2000, n_h = 5), every contender and the machine's arithmetic floor; the benchmark gates
(benchmarks/conftest.py) compare these. The stages alone are in test_training_step_stages.py.

Contenders, groups and the correctness check before timing: benchmarks/step_contenders.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from benchmarks.deep_contenders import full_batch_mlp
from benchmarks.machine import record_vector_bits
from benchmarks.step_contenders import (
    DTYPES,
    HAVE_NUMBA,
    HAVE_SKLEARN,
    LEARNING_RATE,
    N_H,
    Problem,
    close,
    numba_trainer,
    torch_net,
    use_group,
)
from nn_numpy import Params, Trainer, backward, forward, update_params


@pytest.fixture(scope="module", params=DTYPES)
def problem(request: pytest.FixtureRequest) -> Problem:
    return Problem(request.param)


# one full training step -------------------------------------------------------------------------


def sklearn_model(problem: Problem) -> tuple[Any, Callable[[], Any], Callable[[], Params]]:
    """MLPClassifier doing exactly one full-batch gradient-descent step per partial_fit call."""
    if not HAVE_SKLEARN:
        pytest.skip("scikit-learn not installed")
    X, y = problem.X.T.copy(), problem.Y.ravel().astype(int)
    model = full_batch_mlp((N_H,), X, y, LEARNING_RATE)  # its weights are replaced below
    p = problem.params
    model.coefs_ = [p.W1.T.copy(), p.W2.T.copy()]
    model.intercepts_ = [p.b1.ravel().copy(), p.b2.ravel().copy()]

    def weights() -> Params:
        (W1t, W2t), (b1, b2) = model.coefs_, model.intercepts_
        return Params(W1=W1t.T, b1=b1[:, None], W2=W2t.T, b2=b2[:, None])

    return model, lambda: model.partial_fit(X, y), weights


@pytest.mark.parametrize("impl", ["floor", "numba", "readable", "trainer", "torch", "sklearn"])
def test_step(benchmark: Any, problem: Problem, impl: str) -> None:
    use_group(benchmark, "step (forward + backward + update)", problem)
    X, Y = problem.X, problem.Y
    run: Callable[[], Any]
    if impl == "floor":
        if not HAVE_NUMBA:
            pytest.skip("the floor is measured with numba (extra `fast`)")
        from benchmarks.floor import Floor

        floor = Floor(X.shape[0], N_H, X.shape[1])
        benchmark.extra_info["ops_per_example"] = floor.ops
        record_vector_bits(benchmark, "floor")
        floor()  # compiled before timing
        benchmark(floor)
        return
    if impl == "readable":
        state = {"p": problem.params}

        def run() -> None:
            p = state["p"]
            state["p"] = update_params(p, backward(p, forward(p, X), X, Y), LEARNING_RATE)

        def current() -> Params:
            return state["p"]

    elif impl == "trainer":
        trainer = Trainer(X, Y, problem.params, LEARNING_RATE, dtype=problem.dtype)
        run = trainer.step

        def current() -> Params:
            return trainer.params

    elif impl == "numba":
        fast = numba_trainer(benchmark, problem)
        run = fast.step

        def current() -> Params:
            return fast.params

    elif impl == "torch":
        net = torch_net(problem)
        run = net.step

        def current() -> Params:
            W1, b1, W2, b2 = (q.detach().numpy() for q in net.params)
            return Params(W1=W1, b1=b1, W2=W2, b2=b2)

    else:
        _, run, current = sklearn_model(problem)

    run()  # the first step must land where the readable step lands
    for name in ("W1", "b1", "W2", "b2"):
        close(current()[name], problem.stepped[name], problem.dtype)
    benchmark(run)
