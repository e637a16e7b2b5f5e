"""The metrics file (--metrics-json) is strict JSON, and written after the report when it names
the run's own standard output (/dev/stdout, a link to /proc/self/fd/1).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from nn_numpy.cli._errors import RunError
from nn_numpy.cli._outputs import write_metrics
from tests.helpers import BASIC, ROOT
from tests.helpers_outputs import run

# --- strict JSON -------------------------------------------------------------------------------


def _strict(text: str) -> object:
    def refuse(token: str) -> None:
        raise ValueError(f"not strict JSON: {token}")

    return json.loads(text, parse_constant=refuse)


def test_metrics_json_is_strict_json(data, tmp_path, capsys):
    path = tmp_path / "m.json"
    assert run("metrics", path, data, capsys)[0] == 0
    assert _strict(path.read_text())["epochs"] == 3  # type: ignore[index]


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan")])
def test_metrics_with_a_non_finite_number_are_refused_and_nothing_written(value, tmp_path):
    path = tmp_path / "m.json"
    with pytest.raises(RunError, match=r"--metrics-json: not writing .*Out of range float"):
        write_metrics(str(path), {"final_cost": value})
    assert list(tmp_path.iterdir()) == []


def test_strict_check_rejects_infinity():
    """The checker used above is itself able to fail."""
    with pytest.raises(ValueError, match="Infinity"):
        _strict('{"final_cost": Infinity}')


# --- an output that is this process's own standard output (/dev/stdout) ------------------------


def _train_with_metrics_to_own_stdout(tmp_path: Path, stdout: object) -> subprocess.Popen[bytes]:
    """Run train with --metrics-json a link to /proc/self/fd/1 (what /dev/stdout is), with
    stdout block-buffered (as it is by default for a pipe or file) so that order is tested."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    link = tmp_path / "stdout.json"
    link.symlink_to("/proc/self/fd/1")
    argv = ["--data-path", str(BASIC), "--epochs", "3", "--metrics-json", str(link)]
    return subprocess.Popen(
        [sys.executable, "-m", "nn_numpy.train", *argv],
        stdout=stdout,
        stderr=subprocess.PIPE,
        env={**env, "PYTHONPATH": str(ROOT)},
    )


@pytest.mark.skipif(not Path("/proc/self/fd/1").exists(), reason="needs /proc")
def test_metrics_to_own_stdout_pipe_follows_the_report(tmp_path):
    child = _train_with_metrics_to_own_stdout(tmp_path, subprocess.PIPE)
    out, err = child.communicate(timeout=60)
    assert (child.returncode, err) == (0, b"")
    report, _, metrics = out.decode().partition("test accuracy:")
    assert report.startswith("data: ")
    assert _strict(metrics[metrics.index("\n") + 1 :])["epochs"] == 3  # type: ignore[index]
    assert (tmp_path / "stdout.json").is_symlink()


@pytest.mark.skipif(not Path("/proc/self/fd/1").exists(), reason="needs /proc")
def test_metrics_to_own_stdout_file_is_appended_not_replaced(tmp_path):
    log = tmp_path / "log.txt"
    with open(log, "wb") as stdout:
        child = _train_with_metrics_to_own_stdout(tmp_path, stdout)
        _, err = child.communicate(timeout=60)
        inode = os.fstat(stdout.fileno()).st_ino
    assert (child.returncode, err) == (0, b"")
    assert log.stat().st_ino == inode
    report, _, metrics = log.read_text().partition("test accuracy:")
    assert report.startswith("data: ")
    assert _strict(metrics[metrics.index("\n") + 1 :])["epochs"] == 3  # type: ignore[index]
