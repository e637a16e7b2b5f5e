"""One training step of deep and wide ReLU networks (issue 22's four shapes), every contender.

Groups (one per shape and dtype, "deep <sizes> m=<m>, <dtype>") put side by side:

* gemm:     the step's matrix multiplies alone as bare ``np.dot`` calls (``GemmFloor``), the
            floor a NumPy step cannot go below at this BLAS and thread count (computes nothing
            to check; ``extra_info["gemm_flops"]`` gives its count of operations).
* readable: nn_numpy.forward / backward / update_params, as the README teaches.
* layered:  what ``make_trainer`` returns for these parameters (``LayeredTrainer``).
* torch:    eager PyTorch with autograd (skipped without torch).
* jax:      ``jax.jit`` of ``jax.grad`` and the update (skipped without jax; tox -e bench
            installs it, and its gates then fail the run if it is missing).
* sklearn:  MLPClassifier.partial_fit, full-batch SGD without momentum or L2 (skipped without
            scikit-learn).

Data: synthetic, fixed seeds (``benchmarks/deep_contenders.py``). Before timing, each
contender's first step is checked against the readable step, so a fast wrong step cannot appear
in the table. Every contender runs on one thread (``one_thread``: on a shared 2-core machine a
two-thread BLAS is noise). Rounds: at least 5 and about 0.3 s per benchmark (a wide shape's
step takes 30-200 ms), so the group stays within a minute or two.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from benchmarks.deep_contenders import (
    SHAPES,
    GemmFloor,
    Step,
    deep_problem,
    gemm_flops,
    jax_step,
    one_thread,
    readable,
    sklearn_step,
    torch_step,
)
from nn_numpy.training import LayeredTrainer, make_trainer

DTYPES = ["float64", "float32"]
TOL = {"float64": 1e-12, "float32": 1e-5}  # agreement asked of every contender before timing
IMPLS = ["gemm", "readable", "layered", "torch", "jax", "sklearn"]


@pytest.fixture(scope="module", params=DTYPES)
def dtype(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def single_thread() -> Iterator[None]:
    with one_thread():
        yield


@pytest.mark.benchmark(min_rounds=5, max_time=0.3)
@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.usefixtures("single_thread")
def test_deep_shape_step(benchmark: Any, dtype: str, shape: str, impl: str) -> None:
    problem = deep_problem(shape, dtype)
    benchmark.group = f"deep {shape} m={problem.m}, {dtype}"
    benchmark.extra_info["gemm_flops"] = gemm_flops(problem.sizes, problem.m)
    if impl == "gemm":
        floor = GemmFloor(problem.sizes, problem.m, dtype)
        floor()
        benchmark(floor)
        return
    contender: Step
    if impl == "readable":
        contender = readable(problem)
    elif impl == "layered":
        trainer = make_trainer(problem.X, problem.Y, problem.params, 0.01, dtype=dtype)
        assert isinstance(trainer, LayeredTrainer)
        contender = trainer.step, lambda: trainer.params
    elif impl == "torch":
        contender = torch_step(problem)
    elif impl == "jax":
        contender = jax_step(problem)  # the first run() below compiles, before timing
    else:
        contender = sklearn_step(problem)
    run, current = contender
    run()  # the first step must land where the readable step lands
    for name, expected in problem.stepped.items():
        tol = TOL[dtype]
        atol = tol * float(np.max(np.abs(expected)))
        np.testing.assert_allclose(current()[name], expected, rtol=tol, atol=atol, err_msg=name)
    benchmark(run)
