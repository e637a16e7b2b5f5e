"""benchmarks/report.py: the table comes from each benchmark's params; bad JSON fails loudly."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from benchmarks.report import EXIT_SIGPIPE, main

ROOT = Path(__file__).resolve().parent.parent


def bench(name: str, stage: str, dtype: str, impl: str, seconds: float) -> dict[str, Any]:
    return {
        "name": name,
        "fullname": f"benchmarks/test_x.py::{name}",
        "group": f"{stage}, {dtype}",
        "params": {"problem": dtype, "impl": impl},
        "stats": {"min": seconds, "median": 2 * seconds},
    }


def write_run(tmp_path: Path, benchmarks: Any, machine_info: Any = None) -> Path:
    path = tmp_path / "bench.json"
    run = {"machine_info": machine_info or {}, "benchmarks": benchmarks}
    path.write_text(json.dumps(run), encoding="utf-8")
    return path


def test_report_places_benchmarks_by_params_whatever_their_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_run(
        tmp_path,
        [  # names the old regex could not parse: a renamed test and an extra id part
            bench("test_renamed[float64-readable-x]", "step", "float64", "readable", 50e-6),
            bench("test_renamed[float64-trainer-x]", "step", "float64", "trainer", 20e-6),
            bench("test_renamed[float64-jax-x]", "step", "float64", "jax", 10e-6),
        ],
        {"cpu_model": "C", "blas": "B", "versions": {"numpy": "1.0"}},
    )
    assert main([str(path)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.splitlines() == [
        "| stage | dtype | trainer | readable | jax |",  # known contenders first
        "|---|---|---:|---:|---:|",
        "| step | float64 | 20.0 µs (2.00x) | 50.0 µs (5.00x) | 10.0 µs (1.00x) |",
        "",
        "CPU: C; BLAS: B; numpy 1.0",
    ]


@pytest.mark.parametrize(
    ("benchmarks", "message"),
    [
        ([{"name": "test_new[a]", "group": "g", "params": {"a": 1}, "stats": {"min": 1}}],
         "cannot tabulate test_new[a]: its params {'a': 1} lack 'problem', 'impl'"),
        ([bench("test_s[float32-t]", "s", "float64", "t", 1.0) | {"params": {
            "problem": "float32", "impl": "t"}}],
         "cannot tabulate benchmarks/test_x.py::test_s[float32-t]: group 's, float64' is not "
         "'<stage>, float32'"),
        ([bench("a", "s", "float64", "t", 1.0), bench("b", "s", "float64", "t", 2.0)],
         "two benchmarks for 's', float64, t"),
        ([], "the run has no benchmarks (were they all deselected or disabled?)"),
        ({"not": "a list"}, "no 'benchmarks' list"),
    ],
)  # fmt: skip
def test_report_exits_2_with_one_line_on_json_it_cannot_tabulate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], benchmarks: Any, message: str
) -> None:
    path = write_run(tmp_path, benchmarks)
    assert main([str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"error: {path}: cannot make the table: {message}\n"


def test_report_exits_2_with_one_line_on_a_file_that_is_not_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bench.json"
    path.write_text("{", encoding="utf-8")
    assert main([str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.splitlines()) == 1
    assert err.startswith(f"error: {path}: cannot make the table: Expecting property name")


def test_report_stops_silently_when_the_reader_closes_the_pipe(tmp_path: Path) -> None:
    """`report | head`: no traceback, no error message, the exit status of a SIGPIPE'd writer."""
    # More output than a pipe buffer holds (64 KiB), so the writer is still writing at the close.
    rows = [bench(f"t[{i}]", f"stage {i}", "float64", "trainer", 1e-5) for i in range(3000)]
    path = write_run(tmp_path, rows)
    proc = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.report", str(path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(100)  # like `head -c 100`: read a little, then close
    proc.stdout.close()
    err = proc.stderr.read()
    proc.stderr.close()
    assert proc.wait(timeout=60) == EXIT_SIGPIPE
    assert err == b""
