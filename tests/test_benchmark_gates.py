"""benchmarks/gates.py: ratio gates on one pytest-benchmark run fail the run when a claim breaks.

The end-to-end tests run pytest-benchmark in a subprocess on a synthetic module whose contender
sleeps (time.sleep guarantees a lower bound on each round, so the verdicts do not depend on the
machine's load), and on the real step benchmarks with Trainer.step slowed down by a plugin.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.gates import STRICT_ENV, Gate, evaluate

pytest.importorskip("pytest_benchmark", reason="pytest-benchmark not installed (extra `bench`)")

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent.parent
GATE = Gate("test_work[baseline]", "test_work[contender]", 2.0, "synthetic")
FAST = ["--benchmark-min-rounds=3", "--benchmark-max-time=0.02", "--benchmark-warmup=off"]

CONFTEST = """
from benchmarks.gates import Gate, GatePlugin

def pytest_configure(config):
    gate = Gate("test_work[baseline]", "test_work[contender]", 2.0, "contender must be 2x faster")
    config.pluginmanager.register(GatePlugin([gate]), "gates")
"""

# The baseline sleeps 1 ms a round; the slowed contender 20 ms (the gate could pass only if load
# stretched every baseline round to 40 ms); the fast one returns at once.
MODULE = """
import time
import pytest

@pytest.mark.parametrize("impl", ["baseline", "contender"])
def test_work(benchmark, impl):
    if impl == "contender" and {contender!r} == "skip":
        pytest.skip("contender not installed")
    benchmark(time.sleep, 0.001 if impl == "baseline" else {contender!r})
"""

# A benchmark no gate names (as the deep group's JAX rows), skipped for want of its package.
UNGATED = """

def test_ungated(benchmark):
    pytest.skip("optional contender not installed")
"""


def run_synthetic(
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    contender: object,
    *args: str,
    strict: bool = False,
    ungated: bool = False,
) -> pytest.RunResult:
    """pytest-benchmark in this process on a two-benchmark module gated by one GatePlugin."""
    if strict:
        monkeypatch.setenv(STRICT_ENV, "1")
    else:
        monkeypatch.delenv(STRICT_ENV, raising=False)
    pytester.makeini("[pytest]\n")
    pytester.makeconftest(CONFTEST)
    module = MODULE.format(contender=contender) + (UNGATED if ungated else "")
    pytester.makepyfile(test_synthetic=module)
    return pytester.runpytest_inprocess("-p", "no:cacheprovider", *args)


def gate_lines(output: list[str]) -> list[str]:
    prefixes = ("gate passed: ", "GATE FAILED: ", "gate not evaluated: ", "BENCHMARK SKIPPED: ")
    return [line for line in output if line.startswith(prefixes)]


# the verdict on one gate ----------------------------------------------------------------------


def test_gate_passes_at_or_above_its_threshold_and_names_both_times() -> None:
    names = [GATE.slower, GATE.faster]
    verdict = evaluate(GATE, {GATE.slower: 8e-6, GATE.faster: 4e-6}, names, {})
    assert verdict is not None and verdict.status == "pass"
    assert "2.00x >= 2.00x (min 8.0 us / 4.0 us)" in verdict.line


def test_gate_fails_below_its_threshold_with_ratio_threshold_and_both_times() -> None:
    names = [GATE.slower, GATE.faster]
    verdict = evaluate(GATE, {GATE.slower: 7.9e-6, GATE.faster: 4e-6}, names, {})
    assert verdict is not None and verdict.status == "FAIL"
    assert verdict.line == (
        "GATE FAILED: test_work[baseline] / test_work[contender] = 1.98x < 2.00x "
        "(min 7.9 us / 4.0 us): synthetic"
    )


def test_gate_is_not_evaluated_when_a_benchmark_was_deselected_or_skipped() -> None:
    assert evaluate(GATE, {GATE.faster: 1.0}, [GATE.faster], {}) is None
    verdict = evaluate(GATE, {GATE.slower: 1.0}, [GATE.slower, GATE.faster], {GATE.faster: "no"})
    assert verdict is not None and verdict.status == "not evaluated"
    assert verdict.line.endswith("test_work[contender] skipped: no")


# a whole pytest-benchmark run -----------------------------------------------------------------


def test_slowed_contender_fails_the_benchmark_run_naming_ratio_threshold_and_times(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = run_synthetic(pytester, monkeypatch, 0.02, "--benchmark-only", *FAST)
    assert result.ret == 1, result.outlines
    result.assert_outcomes(passed=2)
    [line] = gate_lines(result.outlines)
    assert line.startswith("GATE FAILED: test_work[baseline] / test_work[contender] = 0.")
    assert "x < 2.00x (min " in line and line.endswith(" us): contender must be 2x faster")


def test_fast_contender_passes_the_gate_and_the_run(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = run_synthetic(pytester, monkeypatch, 0, "--benchmark-only", *FAST)
    assert result.ret == 0, result.outlines
    [line] = gate_lines(result.outlines)
    assert line.startswith("gate passed: test_work[baseline] / test_work[contender] = ")


def test_gates_are_not_evaluated_when_benchmarks_are_disabled(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = run_synthetic(pytester, monkeypatch, 0.02, "--benchmark-disable")
    assert result.ret == 0, result.outlines
    result.assert_outcomes(passed=2)
    assert gate_lines(result.outlines) == []


@pytest.mark.parametrize("strict", [False, True])
def test_skipped_contender_fails_the_gate_only_when_gates_are_required(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, strict: bool
) -> None:
    result = run_synthetic(pytester, monkeypatch, "skip", "--benchmark-only", *FAST, strict=strict)
    assert result.ret == (1 if strict else 0), result.outlines
    [line] = gate_lines(result.outlines)
    expected = "test_work[baseline] / test_work[contender]: test_work[contender] skipped: "
    if strict:
        assert line.startswith("GATE FAILED: " + expected)
        assert line.endswith(f"contender not installed ({STRICT_ENV}=1)")
    else:
        assert line == "gate not evaluated: " + expected + "contender not installed"


@pytest.mark.parametrize("strict", [False, True])
def test_skipped_ungated_benchmark_fails_the_run_only_when_every_contender_is_required(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, strict: bool
) -> None:
    result = run_synthetic(
        pytester, monkeypatch, 0.0, "--benchmark-only", *FAST, strict=strict, ungated=True
    )
    assert result.ret == (1 if strict else 0), result.outlines
    skipped = [line for line in gate_lines(result.outlines) if "test_ungated" in line]
    expected = (
        "BENCHMARK SKIPPED: test_ungated: optional contender not installed "
        f"({STRICT_ENV}=1: every contender must run)"
    )
    assert skipped == ([expected] if strict else [])


def test_strict_run_with_every_benchmark_present_passes(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = run_synthetic(pytester, monkeypatch, 0.0, "--benchmark-only", *FAST, strict=True)
    assert result.ret == 0, result.outlines
    assert not [line for line in result.outlines if line.startswith("BENCHMARK SKIPPED")]


# the real gate table --------------------------------------------------------------------------


def test_every_gate_names_a_collected_benchmark(pytester: pytest.Pytester) -> None:
    from benchmarks.conftest import GATES

    items, _ = pytester.inline_genitems(
        str(ROOT / "benchmarks"), f"--rootdir={ROOT}", "--no-header", "-p", "no:cacheprovider"
    )
    names = {item.name for item in items}
    for gate in GATES:
        assert {gate.slower, gate.faster} <= names, gate


SLOW_TRAINER = """
import time
import nn_numpy

_step = nn_numpy.Trainer.step

def step(self):
    time.sleep(0.002)  # the deliberate slowdown: the fused step now loses to the readable one
    _step(self)

nn_numpy.Trainer.step = step
"""


def test_slowed_trainer_step_fails_the_real_float64_step_gate(tmp_path: Path) -> None:
    """The real benchmarks and GATES in a subprocess, Trainer.step slowed by a `-p` plugin."""
    (tmp_path / "slow_trainer.py").write_text(SLOW_TRAINER)
    env = {k: v for k, v in os.environ.items() if k != STRICT_ENV}
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), str(ROOT)])
    select = "test_step and float64 and (readable or trainer)"
    args = [
        "benchmarks",
        "--benchmark-only",
        "-k",
        select,
        "-p",
        "slow_trainer",
        "--no-header",
        *FAST,
    ]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 1, result.stdout + result.stderr
    failed = [line for line in result.stdout.splitlines() if line.startswith("GATE FAILED")]
    assert len(failed) == 1, result.stdout
    assert failed[0].startswith(
        "GATE FAILED: test_step[float64-readable] / test_step[float64-trainer] = 0."
    )


SLOW_LAYERED = """
import time
from nn_numpy.training import LayeredTrainer

_step = LayeredTrainer.step

def step(self):
    time.sleep(0.005)  # the deliberate slowdown: twice the readable step's time at 2-64-64-1
    _step(self)

LayeredTrainer.step = step
"""


def test_slowed_layered_step_fails_the_real_deep_gate(tmp_path: Path) -> None:
    """The deep group's readable/layered gate, LayeredTrainer.step slowed by a `-p` plugin."""
    (tmp_path / "slow_layered.py").write_text(SLOW_LAYERED)
    env = {k: v for k, v in os.environ.items() if k != STRICT_ENV}
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), str(ROOT)])
    select = "float64-2-64-64-1-readable or float64-2-64-64-1-layered"
    args = ["benchmarks", "--benchmark-only", "-k", select, "-p", "slow_layered", "--no-header"]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 1, result.stdout + result.stderr
    failed = [line for line in result.stdout.splitlines() if line.startswith("GATE FAILED")]
    assert len(failed) == 1, result.stdout
    assert failed[0].startswith(
        "GATE FAILED: test_deep_shape_step[float64-2-64-64-1-readable]"
        " / test_deep_shape_step[float64-2-64-64-1-layered] = 0."
    )
