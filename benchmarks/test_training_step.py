"""One training step on data/large_dataset.csv (n_x = 2, m = 2000, n_h = 5), every contender.

Groups (one per stage and dtype) put the contenders side by side; pytest-benchmark prints each
time with its ratio to the fastest in parentheses, so every comparison comes from one run:

* readable: nn_numpy.forward / compute_cost / backward / update_params, as the README teaches.
* trainer:  nn_numpy.Trainer, the allocation-free fused pass (it has no separate backward).
* torch:    the same network in eager PyTorch with autograd, same weights and data (skipped when
            torch is not installed).
* sklearn:  MLPClassifier.partial_fit with full-batch SGD and no momentum or L2 term, which is
            the same update (step group only; skipped when scikit-learn is not installed).
* numba:    nn_numpy.training.fast_trainer.NumbaTrainer, one thread, the compiled pass (skipped
            without the `fast` extra). Its compile time is measured before and saved with the
            run (``extra_info["compile_seconds"]``), never inside the timings.
* floor:    the machine's arithmetic floor for the step (benchmarks/floor.py, needs numba): the
            step's count of vector operations, exps and divisions per example, measured on this
            machine in this run (step group only; it computes nothing to check). The floor and
            the step record the vector width of their compiled code (``vector_bits``).

Before timing, each contender's result is checked against the readable one, so a fast wrong
implementation cannot appear in the table.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from benchmarks.conftest import load_data
from benchmarks.machine import record_vector_bits
from nn_numpy import (
    Params,
    Trainer,
    backward,
    compute_cost,
    forward,
    init_params,
    update_params,
)

N_H = 5
LEARNING_RATE = 0.01
SEED = 0
DTYPES = ["float64", "float32"]
TOL = {"float64": 1e-12, "float32": 1e-5}  # agreement asked of every contender before timing
HAVE_TORCH = importlib.util.find_spec("torch") is not None
HAVE_SKLEARN = importlib.util.find_spec("sklearn") is not None
HAVE_NUMBA = importlib.util.find_spec("numba") is not None


def close(actual: Any, expected: Any, dtype: str) -> None:
    expected = np.asarray(expected, dtype=np.float64)
    tol = TOL[dtype]
    atol = tol * float(np.max(np.abs(expected)))
    np.testing.assert_allclose(np.asarray(actual, dtype=np.float64), expected, rtol=tol, atol=atol)


class Problem:
    """The data and initial weights in one dtype, and the readable reference results."""

    def __init__(self, dtype: str) -> None:
        X, Y, _ = load_data()
        self.dtype = dtype
        self.X = X.astype(dtype)
        self.Y = Y.astype(dtype)
        self.params = init_params(self.X.shape[0], N_H, seed=SEED, dtype=dtype)
        cache = forward(self.params, self.X)
        self.cost = compute_cost(cache, self.Y)
        self.grads = backward(self.params, cache, self.X, self.Y)
        self.stepped = update_params(self.params, self.grads, LEARNING_RATE)


@pytest.fixture(scope="module", params=DTYPES)
def problem(request: pytest.FixtureRequest) -> Problem:
    return Problem(request.param)


class TorchNet:
    """The same network in eager PyTorch; tensors share the (n_features, m) layout."""

    def __init__(self, problem: Problem) -> None:
        import torch

        self.torch = torch
        self.F = torch.nn.functional
        self.X = torch.from_numpy(problem.X)
        self.Y = torch.from_numpy(problem.Y)
        names = ("W1", "b1", "W2", "b2")
        self.params = [torch.tensor(problem.params[n], requires_grad=True) for n in names]

    def loss(self) -> Any:
        W1, b1, W2, b2 = self.params
        Z2 = W2 @ self.torch.relu(W1 @ self.X + b1) + b2
        return self.F.binary_cross_entropy_with_logits(Z2, self.Y)

    def gradients(self) -> list[Any]:
        for p in self.params:
            p.grad = None
        self.loss().backward()
        return [p.grad for p in self.params]

    def step(self) -> None:
        grads = self.gradients()
        with self.torch.no_grad():
            for p, g in zip(self.params, grads, strict=True):
                p.add_(g, alpha=-LEARNING_RATE)


def torch_net(problem: Problem) -> TorchNet:
    if not HAVE_TORCH:
        pytest.skip("torch not installed (extra `reference`)")
    return TorchNet(problem)


def numba_trainer(benchmark: Any, problem: Problem) -> Any:
    """A one-thread NumbaTrainer, compiled (or loaded from numba's cache) before any timing."""
    if not HAVE_NUMBA:
        pytest.skip("numba not installed (extra `fast`)")
    from nn_numpy.training.fast_trainer import NumbaTrainer, compile_kernels

    benchmark.extra_info["compile_seconds"] = compile_kernels(problem.dtype)
    record_vector_bits(benchmark, f"step {problem.dtype}")
    return NumbaTrainer(problem.X, problem.Y, problem.params, LEARNING_RATE, problem.dtype, 1)


def use_group(benchmark: Any, stage: str, problem: Problem) -> None:
    benchmark.group = f"{stage}, {problem.dtype}"


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


# one full training step -------------------------------------------------------------------------


def sklearn_model(problem: Problem) -> tuple[Any, Callable[[], Any], Callable[[], Params]]:
    """MLPClassifier doing exactly one full-batch gradient-descent step per partial_fit call."""
    if not HAVE_SKLEARN:
        pytest.skip("scikit-learn not installed")
    from sklearn.neural_network import MLPClassifier

    X, y = problem.X.T.copy(), problem.Y.ravel().astype(int)
    model = MLPClassifier(
        hidden_layer_sizes=(N_H,),
        activation="relu",
        solver="sgd",
        learning_rate="constant",
        learning_rate_init=LEARNING_RATE,
        momentum=0.0,
        nesterovs_momentum=False,
        alpha=0.0,
        batch_size=X.shape[0],
        shuffle=False,
    )
    model.partial_fit(X, y, classes=[0, 1])  # builds the layers; the weights are replaced below
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
