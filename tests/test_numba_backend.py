"""The numba backend computes what the readable network computes (its exp: tests/test_numba_exp.py).

Every check compares against ``network.py`` (itself checked against torch autograd), like
tests/test_trainer.py does for the NumPy Trainer; the claims both backends make are tested for
both in tests/test_training_backends.py. Without numba these tests skip with the reason, except
where ``NN_NUMPY_REQUIRE_NUMBA=1`` (the tox environment that installs the `fast` extra): there a
missing numba stops the run instead (tests/helpers.py). The "numba is missing" behaviour is tested
everywhere, by hiding numba.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from nn_numpy import Params, Trainer, compute_cost, forward
from nn_numpy.check.cases import random_batch
from nn_numpy.check.cases import random_params as scaled_params
from nn_numpy.check.measures import error_scales, term_scaled_error
from nn_numpy.network import Array
from nn_numpy.training import fast_trainer
from nn_numpy.training.fast_trainer import NumbaTrainer, NumbaUnavailableError, make_trainer
from tests.helpers import (
    SEED_COMMAND,
    assert_gradients_and_cost_equal_readable,
    blobs,
    needs_numba,
    random_params,
    readable_grads,
    run_cli,
)

ROOT = Path(__file__).parents[1]


# --------------------------------------------------------------------------- gradients, steps


@needs_numba
@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    n_x=st.integers(1, 6),
    n_h=st.integers(1, 80),
    m=st.integers(1, 1500),
    threads=st.integers(1, 3),
    seed=st.integers(0, 2**16),
)
@example(n_x=3, n_h=4, m=1, threads=1, seed=0)  # m = 1
@example(n_x=2, n_h=3, m=1100, threads=2, seed=1)  # 3 blocks over 2 threads: one takes two
def test_gradients_equal_readable_for_any_shape_block_split_and_thread_count(
    split_small_batches: None, n_x: int, n_h: int, m: int, threads: int, seed: int
) -> None:
    X, Y = blobs(m, n_x, seed)
    p = random_params(n_x, n_h, seed)
    t = NumbaTrainer(X, Y, p, 0.1, threads=threads)
    assert t.threads == min(threads, m)
    assert_gradients_and_cost_equal_readable(t, p, X, Y)


@needs_numba
def test_threads_default_to_1_or_to_numba_num_threads(
    split_small_batches: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    X, Y = blobs(100)
    p = random_params(2, 3, 0)
    monkeypatch.delenv("NUMBA_NUM_THREADS", raising=False)
    assert NumbaTrainer(X, Y, p, 0.1).threads == 1
    monkeypatch.setenv("NUMBA_NUM_THREADS", "2")
    assert NumbaTrainer(X, Y, p, 0.1).threads == 2
    monkeypatch.setattr(fast_trainer, "MIN_EXAMPLES_PER_THREAD", 8192)
    assert NumbaTrainer(X, Y, p, 0.1).threads == 1  # 100 examples: one part


@needs_numba
def test_kinks_at_z1_equal_0_use_subgradient_0_like_readable() -> None:
    """Integer inputs on the line x0 = x1 make Z1 = x0 - x1 exactly 0: the mask 1{0 > 0} = 0."""
    g = np.arange(-3.0, 4.0)
    X = np.array(np.meshgrid(g, g)).reshape(2, -1)
    Y = (X[:1] > 0).astype(np.float64)
    W1, W2 = np.array([[1.0, -1.0], [0.5, 0.5]]), np.array([[1.0, -2.0]])
    p = Params(W1=W1, b1=np.zeros((2, 1)), W2=W2, b2=np.array([[0.1]]))
    assert np.sum(forward(p, X).Z1 == 0.0) >= 7
    assert_gradients_and_cost_equal_readable(NumbaTrainer(X, Y, p, 0.1, threads=1), p, X, Y)


@st.composite
def saturated_networks(draw: st.DrawFn) -> tuple[Params, Array, Array]:
    """Weights ~ N(0, s^2), s in 1e-3 .. 1e3 (logits up to ~1e9: outputs exactly 0 or 1)."""
    n_x, n_h, m = draw(st.integers(1, 6)), draw(st.integers(1, 32)), draw(st.integers(1, 600))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    params = scaled_params(rng, n_x, n_h, 10.0 ** draw(st.floats(-3.0, 3.0)))
    X, Y = random_batch(rng, n_x, m)
    label = draw(st.sampled_from([None, 0.0, 1.0]))
    return params, X, Y if label is None else np.full_like(Y, label)


@needs_numba
@settings(max_examples=60)
@given(saturated_networks())
def test_saturated_outputs_match_readable_to_1e12_of_the_terms(
    network: tuple[Params, Array, Array],
) -> None:
    """Measured term-scaled (reference.report.error_scales): with logits ~1e9, db2 sums +-1
    entries to nearly 0, so max|db2| says nothing about rounding; the terms' size does."""
    p, X, Y = network
    t = NumbaTrainer(X, Y, p, 0.1, threads=1)
    fast, scales = t.gradients(), error_scales(p, X, Y)
    for name, expected in readable_grads(p, X, Y).items():
        err = term_scaled_error(getattr(fast, name), expected, scales[name])
        assert err <= 1e-12, f"{name}: {err:.2e}"
    err = term_scaled_error(t.cost(), compute_cost(forward(p, X), Y), scales["J"])
    assert np.isfinite(t.cost()) and err <= 1e-12, err


@needs_numba
def test_nan_parameters_give_nan_cost_and_nan_steps_never_a_finite_answer() -> None:
    X, Y = blobs(50)
    p = random_params(2, 3, 0)
    W1 = p.W1.copy()
    W1[0, 0] = np.nan
    t = NumbaTrainer(X, Y, Params(W1=W1, b1=p.b1, W2=p.W2, b2=p.b2), 0.1, threads=1)
    assert np.isnan(t.cost())
    t.step()
    assert np.isnan(t.params.b2).all()


@needs_numba
def test_bad_arguments_are_rejected_like_the_trainer() -> None:
    X, Y = blobs(10)
    p = random_params(2, 4, 0)
    with pytest.raises(ValueError, match="Y must have shape"):
        NumbaTrainer(X, Y[:, :5], p, 0.1)
    with pytest.raises(ValueError, match="dtype must be float32 or float64"):
        NumbaTrainer(X, Y, p, 0.1, dtype=np.int64)
    with pytest.raises(ValueError, match="threads must be >= 1"):
        NumbaTrainer(X, Y, p, 0.1, threads=0)


@needs_numba
def test_make_trainer_picks_the_backend_and_rejects_unknown_names() -> None:
    X, Y = blobs(10)
    p = random_params(2, 4, 0)
    assert type(make_trainer(X, Y, p, 0.1)) is Trainer
    assert type(make_trainer(X, Y, p, 0.1, backend="numba")) is NumbaTrainer
    with pytest.raises(ValueError, match="backend must be one of numpy, numba, not 'jax'"):
        make_trainer(X, Y, p, 0.1, backend="jax")


def test_without_numba_asking_for_it_is_one_clear_import_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "numba", None)  # `import numba` now raises ImportError
    monkeypatch.delitem(sys.modules, "nn_numpy.training._numba_kernels", raising=False)
    X, Y = blobs(10)
    with pytest.raises(NumbaUnavailableError) as info:
        make_trainer(X, Y, random_params(2, 3, 0), 0.1, backend="numba")
    message = str(info.value)
    assert isinstance(info.value, ImportError)
    assert "\n" not in message and "pip install 'nn-numpy[fast]'" in message
    assert type(make_trainer(X, Y, random_params(2, 3, 0), 0.1)) is Trainer  # numpy still works


# --------------------------------------------------------------------------- the floor


@needs_numba
@pytest.mark.parametrize(("n_x", "n_h", "m"), [(2, 5, 2000), (3, 12, 700), (2, 512, 40)])
def test_floor_does_the_arithmetic_it_counts(n_x: int, n_h: int, m: int) -> None:
    """benchmarks/floor.py: 8 FMAs per group, exp and a division per example, every block of
    m through the scratch; the same arithmetic in NumPy gives the same numbers, so nothing is
    skipped or folded away by the compiler."""
    from benchmarks.floor import FMA_GROUP, A, B, Floor, ops_per_example

    assert ops_per_example(2, 5) == 56  # 5 (2 * 2 + 6) + 6
    floor = Floor(n_x, n_h, m)
    assert abs(FMA_GROUP * floor.groups - ops_per_example(n_x, n_h)) <= FMA_GROUP / 2

    def in_numpy(fmas: int) -> tuple[float, Array]:
        v = floor.v.copy()
        total = 0.0
        for start in range(0, m, v.size):
            block = v[: min(v.size, m - start)]
            for _ in range(fmas):
                block[...] = block * A + B
            block /= 1.0 + np.exp(-np.abs(block))
            total += v[0]
        return total, v

    total, v = in_numpy(FMA_GROUP * floor.groups)
    assert floor() == pytest.approx(total, rel=1e-14)
    np.testing.assert_allclose(floor.v, v, rtol=1e-14)
    assert in_numpy(FMA_GROUP * floor.groups - 1)[0] != pytest.approx(total, rel=1e-12)


# --------------------------------------------------------------------------- the on-disk cache


@needs_numba
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("data", ["data/basic_dataset.csv", "data/large_dataset.csv"])
def test_cli_5000_epochs_with_backend_numba_print_what_the_numpy_backend_prints(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data: str, dtype: str
) -> None:
    """The seed's command (5000 epochs): the same accuracies; float64 prints the same bytes,
    float32 the same costs to 1e-5 (its Trainer rounds every intermediate to float32; the
    compiled step does its arithmetic in float64)."""
    monkeypatch.chdir(ROOT)
    argv = [*SEED_COMMAND, "--data-path", data, "--dtype", dtype]
    code, numpy_out, err = run_cli(argv, capsys)
    assert code == 0, err
    code, numba_out, err = run_cli([*argv, "--backend", "numba"], capsys)
    assert (code, err) == (0, "")
    assert "test accuracy" in numba_out
    if dtype == "float64":
        assert numba_out == numpy_out
    costs = re.compile(r"cost (\d+\.\d+)")
    assert costs.sub("", numba_out) == costs.sub("", numpy_out)  # accuracies, every other line
    numba_costs, numpy_costs = (list(map(float, costs.findall(o))) for o in (numba_out, numpy_out))
    assert numba_costs == pytest.approx(numpy_costs, rel=1e-5, abs=1e-6)  # 6 decimals printed


def test_cli_backend_numba_without_numba_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "numba", None)
    monkeypatch.delitem(sys.modules, "nn_numpy.training._numba_kernels", raising=False)
    monkeypatch.chdir(ROOT)
    code, out, err = run_cli([*SEED_COMMAND, "--backend", "numba"], capsys)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and err.startswith("nn-numpy-train: error: --backend numba: ")
    assert "pip install 'nn-numpy[fast]'" in err


SLOW_COMPILED_STEP = """
import time
from nn_numpy.training import fast_trainer

_step = fast_trainer.NumbaTrainer.step

def step(self):
    time.sleep(0.0003)  # the deliberate slowdown: now slower than the Trainer, far from the floor
    _step(self)

fast_trainer.NumbaTrainer.step = step
"""


@needs_numba
def test_slowed_compiled_step_fails_its_two_float64_gates(tmp_path: Path) -> None:
    """The real benchmarks and GATES (benchmarks/conftest.py) in a subprocess."""
    pytest.importorskip("pytest_benchmark")
    (tmp_path / "slow_compiled.py").write_text(SLOW_COMPILED_STEP)
    env = {k: v for k, v in os.environ.items() if k != "NN_NUMPY_REQUIRE_GATES"}
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), str(ROOT)])
    args = ["benchmarks", "--benchmark-only", "-k", "test_step and float64 and (floor or numba "
            "or trainer)", "-p", "slow_compiled", "--benchmark-min-rounds=3",
            "--benchmark-max-time=0.02", "--benchmark-warmup=off"]  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 1, result.stdout + result.stderr
    failed = [line for line in result.stdout.splitlines() if line.startswith("GATE FAILED")]
    assert [line.split(" = ")[0] for line in failed] == [
        "GATE FAILED: test_step[float64-trainer] / test_step[float64-numba]",
        "GATE FAILED: test_step[float64-floor] / test_step[float64-numba]",
    ], result.stdout
