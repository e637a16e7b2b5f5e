"""The contenders of one training step on data/large_dataset.csv (n_x = 2, m = 2000, n_h = 5),
shared by benchmarks/test_training_step_stages.py and benchmarks/test_training_step_whole.py.

The contenders, side by side in each group (one per stage and dtype); pytest-benchmark prints
each time with its ratio to the fastest in parentheses, so every comparison comes from one run.
Before timing, each contender's result is checked against the readable one, so a fast wrong
implementation cannot appear in the table.

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

``Problem`` holds the data and initial weights in one dtype and the readable results; ``close``
is the agreement (``TOL``) asked of every contender before timing.
"""

from __future__ import annotations

import importlib.util
from typing import Any

import numpy as np
import pytest

from benchmarks.conftest import load_data
from benchmarks.machine import record_vector_bits
from nn_numpy import backward, compute_cost, forward, init_params, update_params

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
