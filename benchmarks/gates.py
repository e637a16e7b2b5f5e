"""Ratio gates: speed claims checked on the timings of the benchmark run that just finished.

A gate says "benchmark `slower` takes at least `at_least` times as long as benchmark `faster`",
both measured in the same pytest-benchmark run. Absolute times are useless as gates on a shared
machine (the same code's minimum moved 1.03-1.73x between runs here); ratios inside one run hold.

The statistic is each benchmark's **minimum** round time: load from other processes only ever
adds time to a round, so the minimum is the round least disturbed by them, and it is the figure
the README and `benchmarks/report.py` quote. (The median of a 2-core machine shared with other
jobs moved by 200x in one run; the minimum did not.)

`GatePlugin` reads the timings from pytest-benchmark's documented `pytest_benchmark_group_stats`
hook (the flat per-benchmark stats it is about to print), evaluates the gates once the session
finishes, prints one line per gate after the tables and turns a broken gate into exit status 1.

A gate is *not evaluated* when its benchmarks were deselected (`-k`, a single file) or benchmarks
are disabled; when a selected benchmark produced no timing (e.g. skipped: torch not installed),
the gate is reported as not evaluated, and fails the run if NN_NUMPY_REQUIRE_GATES=1 (set by the
`bench` tox environment and CI, where every contender must be present); there, a skipped benchmark
that no gate names (JAX jit without jax) fails the run too.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pytest

STRICT_ENV = "NN_NUMPY_REQUIRE_GATES"


@dataclass(frozen=True)
class Gate:
    """min(slower) / min(faster) >= at_least, both benchmark names as pytest prints them."""

    slower: str  # numerator, e.g. "test_step[float64-readable]"
    faster: str  # denominator, e.g. "test_step[float64-trainer]"
    at_least: float
    reason: str  # why the claim matters, and where the threshold comes from


@dataclass(frozen=True)
class Verdict:
    gate: Gate
    status: str  # "pass", "FAIL", "not evaluated"
    line: str


def fmt_time(seconds: float) -> str:
    return f"{seconds * 1e6:,.1f} us"


def evaluate(
    gate: Gate,
    minima: Mapping[str, float],
    selected: Iterable[str],
    skipped: Mapping[str, str],
) -> Verdict | None:
    """The verdict on one gate, or None unless both of its benchmarks were selected."""
    selected = set(selected)
    title = f"{gate.slower} / {gate.faster}"
    if gate.slower not in selected or gate.faster not in selected:
        return None  # deselected (-k, one file): the user asked for less than the gate needs
    missing = [n for n in (gate.slower, gate.faster) if n not in minima]
    if missing:
        why = "; ".join(
            f"{n} {'skipped: ' + skipped[n] if n in skipped else 'has no timing'}" for n in missing
        )
        return Verdict(gate, "not evaluated", f"gate not evaluated: {title}: {why}")
    slow, fast = minima[gate.slower], minima[gate.faster]
    ratio = slow / fast if fast > 0 else float("inf")
    ok = ratio >= gate.at_least
    line = (
        f"{title} = {ratio:.2f}x {'>=' if ok else '<'} {gate.at_least:.2f}x "
        f"(min {fmt_time(slow)} / {fmt_time(fast)}): {gate.reason}"
    )
    return Verdict(
        gate, "pass" if ok else "FAIL", ("gate passed: " if ok else "GATE FAILED: ") + line
    )


class GatePlugin:
    """pytest plugin: evaluate `gates` on this run's pytest-benchmark stats; fail if one breaks."""

    def __init__(self, gates: Iterable[Gate]) -> None:
        self.gates = list(gates)
        self.minima: dict[str, float] = {}
        self.counts: dict[str, int] = {}
        self.skipped: dict[str, str] = {}
        self.verdicts: list[Verdict] = []
        self.absent: list[str] = []  # strict runs: skipped benchmarks that no gate names

    @pytest.hookimpl(hookwrapper=True, optionalhook=True)
    def pytest_benchmark_group_stats(
        self, config: pytest.Config, benchmarks: list[dict[str, Any]], group_by: str
    ) -> Any:
        for bench in benchmarks:  # this run's (runs loaded by --benchmark-compare have a path)
            if bench.get("path") is None:
                self.minima[bench["name"]] = bench["min"]
                self.counts[bench["name"]] = self.counts.get(bench["name"], 0) + 1
        yield

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.skipped and isinstance(report.longrepr, tuple):
            reason = str(report.longrepr[2]).removeprefix("Skipped: ")
            self.skipped[report.nodeid.rsplit("::", 1)[-1]] = reason

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        # Runs after pytest-benchmark's own pytest_sessionfinish wrapper has computed the stats.
        config = session.config
        if config.getoption("benchmark_disable") and not config.getoption("benchmark_enable"):
            return  # no timings (plain `pytest`, `--benchmark-disable`): nothing to gate
        strict = os.environ.get(STRICT_ENV) == "1"
        selected = [item.name for item in session.items]
        for gate in self.gates:
            verdict = self.check_unique(gate) or evaluate(gate, self.minima, selected, self.skipped)
            if verdict is not None:
                self.verdicts.append(verdict)
        if strict:  # every contender must be present: a gate that could not be evaluated fails
            self.verdicts = [
                Verdict(v.gate, "FAIL", f"GATE FAILED: {v.line.split(': ', 1)[1]} ({STRICT_ENV}=1)")
                if v.status == "not evaluated"
                else v
                for v in self.verdicts
            ]
            self.absent = self.ungated_skips()
        failed = any(v.status == "FAIL" for v in self.verdicts) or self.absent
        if failed and session.exitstatus == 0:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def ungated_skips(self) -> list[str]:
        """One line per skipped benchmark no gate names (the deep group's JAX rows): with every
        contender required, a missing one fails the run even where no ratio is claimed."""
        gated = {name for gate in self.gates for name in (gate.slower, gate.faster)}
        return [
            f"BENCHMARK SKIPPED: {name}: {reason} ({STRICT_ENV}=1: every contender must run)"
            for name, reason in sorted(self.skipped.items())
            if name not in gated and not reason.startswith("Skipping non-benchmark")
        ]

    def check_unique(self, gate: Gate) -> Verdict | None:
        dup = [n for n in (gate.slower, gate.faster) if self.counts.get(n, 0) > 1]
        if dup:
            return Verdict(gate, "FAIL", f"GATE FAILED: {', '.join(dup)}: name is not unique")
        return None

    @pytest.hookimpl(trylast=True)  # after pytest-benchmark's tables
    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not self.verdicts and not self.absent:
            return
        terminalreporter.section("benchmark gates (ratios of minimum times, this run)")
        for v in self.verdicts:
            failed = v.status == "FAIL"
            terminalreporter.write_line(v.line, red=failed, bold=failed, green=v.status == "pass")
        for line in self.absent:
            terminalreporter.write_line(line, red=True, bold=True)
