"""The stages of one training step on data/large_dataset.csv (n_x = 2, m = 2000, n_h = 5), every
contender: the forward pass and cost, the backward pass alone, the gradients (forward +
backward). The whole step is in test_training_step_whole.py.

The contenders and how a group compares them (in one run, each result checked against the
readable one before timing): benchmarks/step_contenders.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from benchmarks.step_contenders import (
    DTYPES,
    LEARNING_RATE,
    Problem,
    close,
    numba_trainer,
    torch_net,
    use_group,
)
from nn_numpy import Trainer, backward, compute_cost, forward


@pytest.fixture(scope="module", params=DTYPES)
def problem(request: pytest.FixtureRequest) -> Problem:
    return Problem(request.param)


# forward pass and cost --------------------------------------------------------------------------


@pytest.mark.parametrize("impl", ["readable", "trainer", "torch"])
def test_forward_and_cost(benchmark: Any, problem: Problem, impl: str) -> None:
    use_group(benchmark, "forward + cost", problem)
    p, X, Y = problem.params, problem.X, problem.Y
    run: Callable[[], Any]
    if impl == "readable":

        def run() -> float:
            return compute_cost(forward(p, X), Y)

    elif impl == "trainer":
        run = Trainer(X, Y, p, LEARNING_RATE, dtype=problem.dtype).cost
    else:
        net = torch_net(problem)

        def run() -> float:
            with net.torch.no_grad():
                return float(net.loss())

    close(run(), problem.cost, problem.dtype)
    benchmark(run)


# backward pass alone ----------------------------------------------------------------------------


@pytest.mark.parametrize("impl", ["readable", "torch"])
def test_backward(benchmark: Any, problem: Problem, impl: str) -> None:
    """Backward only: the forward pass (readable Cache, torch graph) is built outside the timing."""
    use_group(benchmark, "backward", problem)
    p, X, Y = problem.params, problem.X, problem.Y
    if impl == "readable":
        cache = forward(p, X)
        close(backward(p, cache, X, Y).dW1, problem.grads.dW1, problem.dtype)
        benchmark(backward, p, cache, X, Y)
        return
    net = torch_net(problem)
    for got, name in zip(net.gradients(), ("dW1", "db1", "dW2", "db2"), strict=True):
        close(got.numpy(), problem.grads[name], problem.dtype)

    def fresh_graph() -> tuple[tuple[Any], dict[str, Any]]:
        for q in net.params:
            q.grad = None
        return (net.loss(),), {}

    benchmark.pedantic(lambda loss: loss.backward(), setup=fresh_graph, rounds=300, iterations=1)


# gradients: forward + backward ------------------------------------------------------------------


@pytest.mark.parametrize("impl", ["readable", "trainer", "numba", "torch"])
def test_gradients(benchmark: Any, problem: Problem, impl: str) -> None:
    use_group(benchmark, "gradients (forward + backward)", problem)
    p, X, Y = problem.params, problem.X, problem.Y
    names = ("dW1", "db1", "dW2", "db2")
    if impl == "readable":

        def run() -> list[Any]:
            g = backward(p, forward(p, X), X, Y)
            return [g[name] for name in names]

    elif impl == "trainer":
        trainer = Trainer(X, Y, p, LEARNING_RATE, dtype=problem.dtype)

        def run() -> list[Any]:
            g = trainer.gradients()
            return [g[name] for name in names]

    elif impl == "numba":
        fast = numba_trainer(benchmark, problem)

        def run() -> list[Any]:
            g = fast.gradients()
            return [g[name] for name in names]

    else:
        net = torch_net(problem)

        def run() -> list[Any]:
            return [g.numpy() for g in net.gradients()]

    for got, name in zip(run(), names, strict=True):
        close(got, problem.grads[name], problem.dtype)
    benchmark(run)
