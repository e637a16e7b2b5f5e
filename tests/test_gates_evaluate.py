"""benchmarks/gates.py without pytest-benchmark: the verdict on one gate (minimum times, the ratio's
direction, both sides of the threshold) and the plugin's hooks fed the stats the plugin would
receive. The end-to-end runs under pytest-benchmark are in tests/test_benchmark_gates.py."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from benchmarks.gates import STRICT_ENV, Gate, GatePlugin, evaluate, fmt_time

GATE = Gate("slow", "fast", 2.0, "why")
BOTH = ["slow", "fast", "other"]


def test_a_ratio_exactly_at_the_threshold_passes_and_just_below_fails():
    v = evaluate(GATE, {"slow": 2.0e-3, "fast": 1.0e-3}, BOTH, {})
    assert v is not None and v.status == "pass"
    assert v.line == ("gate passed: slow / fast = 2.00x >= 2.00x "
                      "(min 2,000.0 us / 1,000.0 us): why")  # fmt: skip
    v = evaluate(GATE, {"slow": 1.999e-3, "fast": 1.0e-3}, BOTH, {})
    assert v is not None and v.status == "FAIL"
    assert v.line.startswith("GATE FAILED: slow / fast = 2.00x < 2.00x (min 1,999.0 us")


def test_the_ratio_is_slower_over_faster_not_the_reverse():
    v = evaluate(GATE, {"slow": 1.0e-3, "fast": 4.0e-3}, BOTH, {})
    assert v is not None and v.status == "FAIL" and "= 0.25x" in v.line
    v = evaluate(GATE, {"slow": 4.0e-3, "fast": 1.0e-3}, BOTH, {})
    assert v is not None and v.status == "pass" and "= 4.00x" in v.line


def test_a_zero_time_for_the_faster_is_an_infinite_ratio():
    v = evaluate(GATE, {"slow": 1.0e-3, "fast": 0.0}, BOTH, {})
    assert v is not None and v.status == "pass" and "= infx" in v.line


def test_a_gate_with_a_deselected_benchmark_is_not_judged():
    assert evaluate(GATE, {"slow": 1.0, "fast": 1.0}, ["slow"], {}) is None
    assert evaluate(GATE, {"slow": 1.0, "fast": 1.0}, ["fast"], {}) is None


def test_a_selected_benchmark_without_timing_is_not_evaluated_with_the_reason():
    v = evaluate(GATE, {"slow": 1.0}, BOTH, {"fast": "torch not installed"})
    assert v is not None and v.status == "not evaluated"
    assert v.line == "gate not evaluated: slow / fast: fast skipped: torch not installed"
    v = evaluate(GATE, {}, BOTH, {})
    assert v is not None
    assert v.line.endswith("slow has no timing; fast has no timing")


def test_times_are_printed_in_microseconds():
    assert fmt_time(1.23456e-3) == "1,234.6 us"


def _stats(plugin: GatePlugin, benchmarks: list[dict]) -> None:
    hook = plugin.pytest_benchmark_group_stats(None, benchmarks, "group")
    next(hook)  # the hookwrapper reads the stats before yielding to pytest-benchmark
    with pytest.raises(StopIteration):
        next(hook)


def _bench(name: str, low: float, median: float, path: str | None = None) -> dict:
    return {"name": name, "min": low, "median": median, "mean": median, "max": 10 * median,
            "path": path}  # fmt: skip


def test_the_plugin_gates_on_minima_not_medians():
    plugin = GatePlugin([GATE])
    # minima 3 ms / 1 ms pass; medians 3 ms / 2 ms would fail
    _stats(plugin, [_bench("slow", 3e-3, 3e-3), _bench("fast", 1e-3, 2e-3)])
    assert plugin.minima == {"slow": 3e-3, "fast": 1e-3}
    v = evaluate(GATE, plugin.minima, BOTH, {})
    assert v is not None and v.status == "pass"
    plugin = GatePlugin([GATE])
    # minima 3 ms / 2 ms fail, though medians 30 ms / 2 ms would pass
    _stats(plugin, [_bench("slow", 3e-3, 30e-3), _bench("fast", 2e-3, 2e-3)])
    v = evaluate(GATE, plugin.minima, BOTH, {})
    assert v is not None and v.status == "FAIL"


def test_runs_loaded_for_comparison_are_not_this_runs_timings():
    plugin = GatePlugin([GATE])
    _stats(plugin, [_bench("slow", 3e-3, 3e-3), _bench("slow", 1e-9, 1e-9, path="old.json")])
    assert plugin.minima == {"slow": 3e-3} and plugin.counts == {"slow": 1}


def test_a_benchmark_name_seen_twice_fails_its_gate():
    plugin = GatePlugin([GATE])
    _stats(plugin, [_bench("slow", 3e-3, 3e-3), _bench("slow", 3e-3, 3e-3),
                    _bench("fast", 1e-3, 1e-3)])  # fmt: skip
    v = plugin.check_unique(GATE)
    assert v is not None and v.status == "FAIL" and "slow: name is not unique" in v.line
    assert plugin.check_unique(Gate("fast", "other", 1.0, "")) is None


def test_a_skipped_benchmark_is_remembered_with_its_reason():
    plugin = GatePlugin([GATE])
    longrepr = ("b/test_x.py", 3, "Skipped: torch not installed")
    report = SimpleNamespace(skipped=True, nodeid="b/test_x.py::fast", longrepr=longrepr)
    plugin.pytest_runtest_logreport(report)
    plugin.pytest_runtest_logreport(SimpleNamespace(skipped=False, nodeid="x::slow", longrepr=None))
    assert plugin.skipped == {"fast": "torch not installed"}


class Config:
    def __init__(self, disabled: bool, enabled: bool = False) -> None:
        self.options = {"benchmark_disable": disabled, "benchmark_enable": enabled}

    def getoption(self, name: str) -> bool:
        return self.options[name]


def _finish(plugin: GatePlugin, selected: list[str], disabled: bool = False, status: int = 0,
            enabled: bool = False) -> SimpleNamespace:  # fmt: skip
    session = SimpleNamespace(config=Config(disabled, enabled), exitstatus=status,
                              items=[SimpleNamespace(name=n) for n in selected])  # fmt: skip
    plugin.pytest_sessionfinish(session)
    return session


def test_a_broken_gate_fails_the_session(monkeypatch):
    monkeypatch.delenv(STRICT_ENV, raising=False)
    plugin = GatePlugin([GATE])
    _stats(plugin, [_bench("slow", 1e-3, 1e-3), _bench("fast", 1e-3, 1e-3)])
    session = _finish(plugin, BOTH)
    assert [v.status for v in plugin.verdicts] == ["FAIL"]
    assert session.exitstatus == pytest.ExitCode.TESTS_FAILED


def test_a_passing_gate_leaves_the_session_status_alone(monkeypatch):
    monkeypatch.delenv(STRICT_ENV, raising=False)
    plugin = GatePlugin([GATE])
    _stats(plugin, [_bench("slow", 5e-3, 5e-3), _bench("fast", 1e-3, 1e-3)])
    assert _finish(plugin, BOTH).exitstatus == 0
    assert [v.status for v in plugin.verdicts] == ["pass"]


def test_disabled_benchmarks_are_not_gated_unless_enabled_again(monkeypatch):
    monkeypatch.delenv(STRICT_ENV, raising=False)
    plugin = GatePlugin([GATE])
    _stats(plugin, [_bench("slow", 1e-3, 1e-3), _bench("fast", 1e-3, 1e-3)])
    assert _finish(plugin, BOTH, disabled=True).exitstatus == 0 and plugin.verdicts == []
    assert _finish(plugin, BOTH, disabled=True, enabled=True).exitstatus == 1


def test_a_gate_not_evaluated_fails_only_when_gates_are_required(monkeypatch):
    monkeypatch.delenv(STRICT_ENV, raising=False)
    plugin = GatePlugin([GATE])
    _stats(plugin, [_bench("slow", 5e-3, 5e-3)])
    assert _finish(plugin, BOTH).exitstatus == 0
    assert [v.status for v in plugin.verdicts] == ["not evaluated"]
    monkeypatch.setenv(STRICT_ENV, "1")
    plugin = GatePlugin([GATE])
    _stats(plugin, [_bench("slow", 5e-3, 5e-3)])
    assert _finish(plugin, BOTH).exitstatus == 1
    assert plugin.verdicts[0].line == (
        f"GATE FAILED: slow / fast: fast has no timing ({STRICT_ENV}=1)"
    )


def test_an_already_failed_session_keeps_its_status(monkeypatch):
    monkeypatch.delenv(STRICT_ENV, raising=False)
    plugin = GatePlugin([GATE])
    _stats(plugin, [_bench("slow", 1e-3, 1e-3), _bench("fast", 1e-3, 1e-3)])
    assert _finish(plugin, BOTH, status=pytest.ExitCode.INTERRUPTED).exitstatus == (
        pytest.ExitCode.INTERRUPTED
    )


def test_the_summary_prints_one_line_per_verdict():
    plugin = GatePlugin([GATE])
    lines: list[tuple[str, dict]] = []
    reporter = SimpleNamespace(section=lambda title: lines.append((title, {})),
                               write_line=lambda text, **kw: lines.append((text, kw)))  # fmt: skip
    plugin.pytest_terminal_summary(reporter)
    assert lines == []
    plugin.verdicts = [evaluate(GATE, {"slow": 1.0, "fast": 1.0}, BOTH, {})]
    plugin.pytest_terminal_summary(reporter)
    assert lines[0][0] == "benchmark gates (ratios of minimum times, this run)"
    assert lines[1][0].startswith("GATE FAILED: slow / fast = 1.00x") and lines[1][1]["red"]


def test_a_passing_gate_is_printed_green():
    plugin = GatePlugin([GATE])
    lines: list[tuple[str, dict]] = []
    reporter = SimpleNamespace(section=lambda title: None,
                               write_line=lambda text, **kw: lines.append((text, kw)))  # fmt: skip
    plugin.verdicts = [evaluate(GATE, {"slow": 3.0, "fast": 1.0}, BOTH, {})]
    plugin.pytest_terminal_summary(reporter)
    assert lines == [(plugin.verdicts[0].line, {"red": False, "bold": False, "green": True})]


def test_one_second_is_a_million_microseconds():
    assert fmt_time(1.0) == "1,000,000.0 us"


def test_each_verdict_names_its_gate():
    for minima in ({"slow": 3.0, "fast": 1.0}, {"slow": 1.0, "fast": 1.0}, {"slow": 1.0}):
        v = evaluate(GATE, minima, BOTH, {})
        assert v is not None and v.gate is GATE


def test_only_skipped_reports_with_a_reason_are_remembered():
    plugin = GatePlugin([GATE])
    longrepr = ("x.py", 1, "Skipped: no")
    plugin.pytest_runtest_logreport(SimpleNamespace(skipped=False, nodeid="x.py::slow",
                                                    longrepr=longrepr))  # fmt: skip
    plugin.pytest_runtest_logreport(SimpleNamespace(skipped=True, nodeid="x.py::fast",
                                                    longrepr="xfail text"))  # fmt: skip
    assert plugin.skipped == {}


def test_a_skipped_benchmark_in_a_class_is_remembered_by_its_own_name():
    plugin = GatePlugin([GATE])
    report = SimpleNamespace(skipped=True, nodeid="b/test_x.py::TestSteps::fast",
                             longrepr=("b/test_x.py", 3, "Skipped: no torch"))  # fmt: skip
    plugin.pytest_runtest_logreport(report)
    assert plugin.skipped == {"fast": "no torch"}


def test_strict_mode_fails_only_the_gates_not_evaluated_and_keeps_their_gate(monkeypatch):
    monkeypatch.setenv(STRICT_ENV, "1")
    other = Gate("other", "fast", 2.0, "why")
    plugin = GatePlugin([GATE, other])
    _stats(plugin, [_bench("slow", 5e-3, 5e-3), _bench("fast", 1e-3, 1e-3)])
    assert _finish(plugin, BOTH).exitstatus == 1  # one failed gate of two fails the run
    assert [(v.gate, v.status) for v in plugin.verdicts] == [(GATE, "pass"), (other, "FAIL")]


@pytest.mark.parametrize("value", ["0", "", "yes"])
def test_gates_are_required_only_when_the_variable_is_1(monkeypatch, value):
    monkeypatch.setenv(STRICT_ENV, value)
    plugin = GatePlugin([GATE])
    _stats(plugin, [_bench("slow", 5e-3, 5e-3)])
    assert _finish(plugin, BOTH).exitstatus == 0
    assert [v.status for v in plugin.verdicts] == ["not evaluated"]


def test_both_names_of_a_gate_seen_twice_are_listed():
    plugin = GatePlugin([GATE])
    _stats(plugin, [_bench(n, 1e-3, 1e-3) for n in ("slow", "slow", "fast", "fast")])
    v = plugin.check_unique(GATE)
    assert v is not None and v.gate is GATE
    assert v.line == "GATE FAILED: slow, fast: name is not unique"
