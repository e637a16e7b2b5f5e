"""The deep and wide shapes of benchmarks/test_deep_shapes.py, their data and every contender.

Each contender is built from a ``DeepProblem`` and returned as ``(run, current)``: ``run()`` does
one full-batch gradient-descent step in place, ``current()`` gives the parameters as ``Params``
(so the first step can be checked against the readable one before any timing).

``GemmFloor`` is the step's matrix multiplies alone: per layer l the forward product
Z[l] = W[l] A[l-1] (n_l x n_{l-1} by n_{l-1} x m), the weight gradient dZ[l] A[l-1]^T and, for
l > 1, dA[l-1] = W[l]^T dZ[l], as bare ``np.dot(..., out=)`` calls on preallocated arrays of
those shapes (the transposes are views: BLAS reads them in place). Its time is what the step
would cost if everything but the products (biases, activations, the cost, the update) were free,
at the BLAS NumPy uses in this run.

Threads: every contender of the group runs on one thread (``one_thread``: the BLAS pools of NumPy
and torch through threadpoolctl, torch's intra-op pool, XLA's through ``XLA_FLAGS`` set before
jax is first imported). On a 2-core machine shared with other jobs a two-thread BLAS call waits
for its descheduled second thread: the same product took 1.2 to 27 ms from one call to the next.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import os
import sys
from collections.abc import Callable, Iterator
from itertools import pairwise
from typing import Any

import numpy as np
import pytest

from nn_numpy import Params, backward, forward, init_params, update_params

# name: (layer sizes n_0, ..., n_L, m), issue 22's four shapes
SHAPES = {
    "2-64-64-1": ((2, 64, 64, 1), 2000),
    "2-16-16-16-16-1": ((2, 16, 16, 16, 16, 1), 2000),
    "64-256-256-1": ((64, 256, 256, 1), 10000),
    "784-128-64-1": ((784, 128, 64, 1), 10000),
}
WIDE = ("64-256-256-1", "784-128-64-1")  # matrix-multiply bound: most of the step is GEMM
LEARNING_RATE = 0.01
SEED = 0
HAVE_TORCH = importlib.util.find_spec("torch") is not None
HAVE_JAX = importlib.util.find_spec("jax") is not None
HAVE_SKLEARN = importlib.util.find_spec("sklearn") is not None
Step = tuple[Callable[[], Any], Callable[[], Params]]


# XLA's CPU backend on one thread (read when jax is first imported: set here, before any import)
XLA_ONE_THREAD = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"


@contextlib.contextmanager
def one_thread() -> Iterator[None]:
    """Every BLAS pool, torch's intra-op pool and (if not yet imported) XLA on one thread."""
    from threadpoolctl import threadpool_limits

    if "jax" not in sys.modules:
        os.environ["XLA_FLAGS"] = f"{os.environ.get('XLA_FLAGS', '')} {XLA_ONE_THREAD}".strip()
    if HAVE_TORCH:  # imported first, so that threadpoolctl sees the BLAS it brings
        import torch

        torch_threads = torch.get_num_threads()
        torch.set_num_threads(1)
    try:
        with threadpool_limits(limits=1):
            yield
    finally:
        if HAVE_TORCH:
            torch.set_num_threads(torch_threads)


def gemm_flops(sizes: tuple[int, ...], m: int) -> int:
    """Floating-point operations of the step's products: 2 n_l n_{l-1} m per product, three
    products per layer (forward, dW, dA) except two for the first (no dA[0])."""
    return sum(
        2 * n * n_prev * m * (2 if l == 1 else 3)
        for l, (n_prev, n) in enumerate(pairwise(sizes), 1)
    )


def synthetic_data(sizes: tuple[int, ...], m: int) -> tuple[np.ndarray, np.ndarray]:
    """X (n_x, m) standard normal and 0/1 labels Y (1, m) from a fixed linear rule with noise."""
    rng = np.random.default_rng(SEED)
    X = rng.standard_normal((sizes[0], m))
    w = rng.standard_normal(sizes[0])
    Y = (w @ X + 0.5 * rng.standard_normal(m) > 0).astype(np.float64)[None, :]
    return X, Y


class DeepProblem:
    """One shape's data and ReLU initial weights in one dtype, and the readable step from them;
    ``shape`` is a name of SHAPES or (layer sizes, m)."""

    def __init__(self, shape: str | tuple[tuple[int, ...], int], dtype: str) -> None:
        self.sizes, self.m = SHAPES[shape] if isinstance(shape, str) else shape
        X, Y = synthetic_data(self.sizes, self.m)
        self.dtype, self.X, self.Y = dtype, X.astype(dtype), Y.astype(dtype)
        hidden = self.sizes[1:-1]
        self.params = init_params(self.sizes[0], hidden, SEED, dtype=dtype, activation="relu")
        grads = backward(self.params, forward(self.params, self.X), self.X, self.Y)
        self.stepped = update_params(self.params, grads, LEARNING_RATE)


@functools.lru_cache(maxsize=2)  # the tests of one shape and dtype run one after another
def deep_problem(shape: str, dtype: str) -> DeepProblem:
    return DeepProblem(shape, dtype)


class GemmFloor:
    """A callable doing the step's matrix multiplies, full batch, on preallocated arrays."""

    def __init__(self, sizes: tuple[int, ...], m: int, dtype: str) -> None:
        rng = np.random.default_rng(SEED)
        self.A = [rng.standard_normal((n, m)).astype(dtype) for n in sizes]  # A[0] = X .. A[L]
        self.dZ = [np.empty((0, 0), dtype)] + [np.ones((n, m), dtype) for n in sizes[1:]]
        self.dA = [np.empty((n, m), dtype) for n in sizes]
        self.W = [np.empty((0, 0), dtype)] + [
            (rng.standard_normal((n, n_prev)) / np.sqrt(n_prev)).astype(dtype)
            for n_prev, n in pairwise(sizes)
        ]
        self.dW = [np.empty_like(W) for W in self.W]
        self.Z = [np.empty((n, m), dtype) for n in sizes]
        self.L = len(sizes) - 1

    def __call__(self) -> None:
        A, Z, dZ, dA, W, dW = self.A, self.Z, self.dZ, self.dA, self.W, self.dW
        for l in range(1, self.L + 1):
            np.dot(W[l], A[l - 1], out=Z[l])
        for l in range(self.L, 0, -1):
            np.dot(dZ[l], A[l - 1].T, out=dW[l])
            if l > 1:
                np.dot(W[l].T, dZ[l], out=dA[l - 1])


def readable(problem: DeepProblem) -> Step:
    X, Y, state = problem.X, problem.Y, {"p": problem.params}

    def run() -> None:
        p = state["p"]
        state["p"] = update_params(p, backward(p, forward(p, X), X, Y), LEARNING_RATE)

    return run, lambda: state["p"]


def torch_step(problem: DeepProblem) -> Step:
    """Eager PyTorch with autograd, same weights and data, (n_features, m) layout."""
    if not HAVE_TORCH:
        pytest.skip("torch not installed (extra `reference`)")
    import torch

    F, L = torch.nn.functional, problem.params.L
    X, Y = torch.from_numpy(problem.X), torch.from_numpy(problem.Y)
    names = [f"{k}{l}" for l in range(1, L + 1) for k in ("W", "b")]
    params = [torch.tensor(problem.params[n], requires_grad=True) for n in names]

    def run() -> None:
        A = X
        for l in range(L):
            Z = params[2 * l] @ A + params[2 * l + 1]
            A = torch.relu(Z) if l < L - 1 else Z
        grads = torch.autograd.grad(F.binary_cross_entropy_with_logits(A, Y), params)
        with torch.no_grad():
            for q, g in zip(params, grads, strict=True):
                q.add_(g, alpha=-LEARNING_RATE)

    def current() -> Params:
        return Params(**{n: q.detach().numpy() for n, q in zip(names, params, strict=True)})

    return run, current


def jax_step(problem: DeepProblem) -> Step:
    """``jax.jit`` of value-free ``jax.grad`` and the update; each call waits for its result."""
    if not HAVE_JAX:
        pytest.skip("jax not installed (`pip install jax[cpu]`; required in tox -e bench)")
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)  # float64 arrays stay float64 (float32 too)
    L = problem.params.L

    def cost(params: list[Any], X: Any, Y: Any) -> Any:
        A = X
        for l in range(L):
            Z = params[l][0] @ A + params[l][1]
            A = jax.nn.relu(Z) if l < L - 1 else Z
        return jnp.mean(jnp.maximum(A, 0) - Y * A + jnp.log1p(jnp.exp(-jnp.abs(A))))

    @jax.jit
    def step(params: list[Any], X: Any, Y: Any) -> Any:
        grads = jax.grad(cost)(params, X, Y)
        return jax.tree_util.tree_map(lambda q, g: q - LEARNING_RATE * g, params, grads)

    p = problem.params
    X, Y = jnp.asarray(problem.X), jnp.asarray(problem.Y)
    state = {"p": [(jnp.asarray(p[f"W{l}"]), jnp.asarray(p[f"b{l}"])) for l in range(1, L + 1)]}

    def run() -> None:
        state["p"] = jax.block_until_ready(step(state["p"], X, Y))

    def current() -> Params:
        arrays = {}
        for l, (W, b) in enumerate(state["p"], 1):
            arrays[f"W{l}"], arrays[f"b{l}"] = np.asarray(W), np.asarray(b)
        return Params(**arrays)

    return run, current


def full_batch_mlp(
    hidden_sizes: tuple[int, ...], X: np.ndarray, y: np.ndarray, learning_rate: float
) -> Any:
    """An MLPClassifier whose partial_fit(X, y) is one plain full-batch gradient-descent step:
    ReLU, SGD at ``learning_rate`` with no momentum, no L2 term, one batch of every example, in
    order. Built by one partial_fit call; the caller replaces its weights with the problem's."""
    from sklearn.neural_network import MLPClassifier

    model = MLPClassifier(
        hidden_layer_sizes=hidden_sizes,
        activation="relu",
        solver="sgd",
        learning_rate="constant",
        learning_rate_init=learning_rate,
        momentum=0.0,
        nesterovs_momentum=False,
        alpha=0.0,
        batch_size=X.shape[0],
        shuffle=False,
    )
    model.partial_fit(X, y, classes=[0, 1])
    return model


def sklearn_step(problem: DeepProblem) -> Step:
    """MLPClassifier doing exactly one full-batch gradient-descent step per partial_fit call."""
    if not HAVE_SKLEARN:
        pytest.skip("scikit-learn not installed")
    X, y, L = problem.X.T.copy(), problem.Y.ravel().astype(int), problem.params.L
    model = full_batch_mlp(problem.sizes[1:-1], X, y, LEARNING_RATE)
    p = problem.params
    model.coefs_ = [p[f"W{l}"].T.copy() for l in range(1, L + 1)]
    model.intercepts_ = [p[f"b{l}"].ravel().copy() for l in range(1, L + 1)]

    def current() -> Params:
        arrays = {}
        for l, (Wt, b) in enumerate(zip(model.coefs_, model.intercepts_, strict=True), 1):
            arrays[f"W{l}"], arrays[f"b{l}"] = Wt.T, b[:, None]
        return Params(**arrays)

    return lambda: model.partial_fit(X, y), current
