"""The memory a training run needs is estimated before anything large is allocated, and a run
that cannot fit is refused with one line (exit 2): never a traceback, never a 10 GB allocation."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from nn_numpy import Trainer, forward, init_params
from nn_numpy.io import resources
from nn_numpy.io.resources import ResourceError, require_memory, training_bytes
from tests.helpers import BASIC, run_cli

pytestmark = pytest.mark.filterwarnings("error")


@pytest.mark.parametrize("hidden", [str(10**20), str(2**63 - 1), "1000000000"])
def test_an_impossible_hidden_size_is_refused_in_one_line(capsys, monkeypatch, hidden):
    monkeypatch.setattr(resources, "available_memory", lambda: 16 * 10**9)  # a 16 GB machine
    tracemalloc.start()
    try:
        code, out, err = run_cli(["--data-path", BASIC, "--hidden-size", hidden], capsys)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert err.startswith(
        f"nn-numpy-train: error: --hidden-size {hidden} with 12 examples of 2 features (float64) "
        "needs about "
    )
    assert err.endswith("of memory, but only 16 GB is available\n")
    assert peak < 50 * 2**20  # refused before allocating anything of that size


def test_the_real_available_memory_is_positive_and_below_the_physical_memory():
    import os

    physical = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    assert 0 < resources.available_memory() <= physical


def test_require_memory_compares_need_with_what_is_available():
    require_memory(10, "ten bytes", available=10)
    with pytest.raises(ResourceError, match="needs about 11 bytes of memory, but only 10 bytes"):
        require_memory(11, "eleven bytes", available=10)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(("n_x", "n_h", "m"), [(2, 2000, 300), (30, 200, 3000), (2, 20000, 12)])
def test_the_estimate_covers_the_measured_peak_within_a_small_factor(dtype, n_x, n_h, m):
    """NumPy reports its allocations to tracemalloc: the estimate must bound the real peak of
    init, Trainer, a step, the cost and the accuracy forward pass, and not by a wide margin."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n_x, m))
    Y = (rng.random((1, m)) < 0.5).astype(np.float64)
    tracemalloc.start()
    try:
        trainer = Trainer(X, Y, init_params(n_x, n_h, seed=0), 0.1, dtype=dtype)
        trainer.step()
        trainer.cost()
        forward(trainer.params, X.astype(dtype))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    estimate = training_bytes(n_x, n_h, m, m // 4, dtype)
    assert peak <= estimate <= 4 * peak


def test_predict_refuses_a_forward_pass_that_does_not_fit(tmp_path, capsys, monkeypatch):
    from nn_numpy.cli.predict import main as predict_main

    model = tmp_path / "m.npz"
    assert (
        run_cli(["--data-path", BASIC, "--epochs", "5", "--save-model", str(model)], capsys)[0] == 0
    )
    monkeypatch.setattr(resources, "available_memory", lambda: 1000)
    assert predict_main(["--model", str(model), "--data-path", BASIC]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        "nn-numpy-predict: error: a model with hidden_size 5 on 12 rows needs about 1.92 KB of "
        "memory, but only 1 KB is available\n"
    )
