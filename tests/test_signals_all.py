"""Every signal that ends a process by default ends the programs with one line, status 128 + n
and no temporary file; Ctrl-C while the programs import NumPy gives no traceback.

The point of interruption is controlled as in ``tests/test_cli_signals.py``: the child pauses
half-way through the model file and says ``PAUSED``; for the imports, a ``sitecustomize`` in the
child makes the import of NumPy say ``IMPORTING`` and wait.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from nn_numpy._signals import FATAL
from nn_numpy.io.data import Standardizer
from nn_numpy.io.model_io import load_model, save_model
from nn_numpy.network import init_params
from tests.helpers import CHILD, XY_LABEL

ROOT = Path(__file__).parents[1]
BASIC = ROOT / "data" / "basic_dataset.csv"
OTHERS = [s for s in FATAL if s not in (signal.SIGINT, signal.SIGTERM)]
BIN = Path(sys.executable).parent

SLOW_NUMPY = r"""
import sys, time

class SlowNumpy:
    def find_spec(self, name, path=None, target=None):
        if name == "numpy":
            sys.meta_path.remove(self)
            sys.stderr.write("IMPORTING\n")
            sys.stderr.flush()
            time.sleep(float(__import__("os").environ.get("SLOW_NUMPY", "0")))
        return None

sys.meta_path.insert(0, SlowNumpy())
sys.stderr.write("STARTED\n")
sys.stderr.flush()
"""


def _default_dispositions() -> None:
    """Every signal of FATAL at its default in the child, as in a terminal."""
    for s in FATAL:
        signal.signal(s, signal.SIG_DFL)


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    shutil.copy(BASIC, tmp_path / "data.csv")
    return tmp_path


@pytest.mark.parametrize("signum", OTHERS, ids=[signal.Signals(s).name for s in OTHERS])
def test_every_fatal_signal_while_the_model_is_written_leaves_no_temp_file_and_one_line(
    signum, workdir
):
    old = workdir / "m.npz"
    save_model(old, init_params(2, 4, 1), Standardizer.identity(2), np.float64, XY_LABEL)
    before = old.read_bytes()
    argv = ["--data-path", "data.csv", "--epochs", "3", "--save-model", "m.npz"]
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, "savez", "train", *argv],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=workdir,
        preexec_fn=_default_dispositions,
    )  # fmt: skip
    try:
        assert child.stderr is not None
        while (line := child.stderr.readline()) not in ("PAUSED\n", ""):
            pass
        assert line == "PAUSED\n"
        assert [p.name for p in workdir.iterdir() if p.name.endswith(".tmp")]
        child.send_signal(signum)
        rest = child.stderr.read()
        assert child.wait(timeout=30) == 128 + signum
    finally:
        _reap(child)
    name = signal.Signals(signum).name
    assert rest == f"nn-numpy-train: error: terminated by {name}\n"
    assert not [p for p in workdir.iterdir() if p.name.endswith(".tmp")]
    assert old.read_bytes() == before
    load_model(old)


def _reap(child: subprocess.Popen[str]) -> None:
    """Kill the child if it still runs and close its pipe (an unclosed one fails the suite)."""
    if child.poll() is None:
        child.kill()
        child.wait()
    if child.stderr is not None:
        child.stderr.close()


def _start(command: list[str], workdir: Path, slow: float) -> subprocess.Popen[str]:
    (workdir / "site").mkdir(exist_ok=True)
    (workdir / "site" / "sitecustomize.py").write_text(SLOW_NUMPY, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(workdir / "site"), "SLOW_NUMPY": str(slow)}
    return subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=workdir,
        env=env, preexec_fn=_default_dispositions,
    )  # fmt: skip


def _wait_for(child: subprocess.Popen[str], marker: str) -> None:
    assert child.stderr is not None
    while (line := child.stderr.readline()) not in (marker, ""):
        pass
    assert line == marker, "the child ended before " + marker


COMMANDS = {
    "nn-numpy-train": [str(BIN / "nn-numpy-train"), "--data-path", "data.csv"],
    "nn-numpy-predict": [str(BIN / "nn-numpy-predict"), "--model", "m.npz"],
    "nn-numpy-check": [str(BIN / "nn-numpy-check"), "x.py:f"],
    "python -m nn_numpy.train": [sys.executable, "-m", "nn_numpy.train"],
    "python -m nn_numpy.predict": [sys.executable, "-m", "nn_numpy.predict"],
    "python -m nn_numpy.check": [sys.executable, "-m", "nn_numpy.check", "x.py:f"],
}


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP],
                         ids=["SIGINT", "SIGTERM", "SIGHUP"])  # fmt: skip
@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_signal_while_numpy_is_imported_is_one_line_and_128_plus_n(command, signum, workdir):
    child = _start(COMMANDS[command], workdir, slow=30)
    try:
        _wait_for(child, "IMPORTING\n")
        child.send_signal(signum)
        assert child.stderr is not None
        err = child.stderr.read()
        assert child.wait(timeout=30) == 128 + signum
    finally:
        _reap(child)
    prog = command.split()[-1].replace("nn_numpy.", "nn-numpy-")
    message = {signal.SIGINT: "interrupted", signal.SIGTERM: "terminated"}
    assert err == f"{prog}: error: {message.get(signum, 'terminated by SIGHUP')}\n"


@pytest.mark.parametrize("delay", [0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.8])
@pytest.mark.parametrize("command", ["nn-numpy-train", "python -m nn_numpy.train"])
def test_ctrl_c_at_any_moment_of_a_run_gives_no_traceback(command, delay, workdir):
    argv = [*COMMANDS[command][:1], *COMMANDS[command][1:]]
    if command.startswith("python"):
        argv = [*argv, "--data-path", "data.csv"]
    child = _start([*argv, "--epochs", "100000", "--print-every", "0"], workdir, slow=0)
    try:
        _wait_for(child, "STARTED\n")  # site (Python's own start) is almost done
        time.sleep(delay)
        child.send_signal(signal.SIGINT)
        assert child.stderr is not None
        err = child.stderr.read()
        status = child.wait(timeout=60)
    finally:
        _reap(child)
    assert "Traceback" not in err
    assert status == 130
    assert err.replace("IMPORTING\n", "").endswith(": error: interrupted\n")
    assert err.count("error") == 1


def _cpu_limit_of_one_second() -> None:
    import resource

    _default_dispositions()
    signal.signal(signal.SIGXCPU, signal.SIG_DFL)
    resource.setrlimit(resource.RLIMIT_CPU, (1, resource.RLIM_INFINITY))


def test_a_cpu_time_limit_ends_training_with_one_line_and_152_not_a_core_dump(workdir):
    """The kernel sends SIGXCPU at the soft limit (ulimit -t, a batch scheduler's limit)."""
    argv = ["--data-path", "data.csv", "--epochs", "100000000", "--print-every", "0"]
    child = subprocess.Popen(
        [str(BIN / "nn-numpy-train"), *argv], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        text=True, cwd=workdir, preexec_fn=_cpu_limit_of_one_second,
    )  # fmt: skip
    try:
        assert child.stderr is not None
        err = child.stderr.read()
        assert child.wait(timeout=120) == 128 + signal.SIGXCPU
    finally:
        _reap(child)
    assert err == "nn-numpy-train: error: terminated by SIGXCPU\n"
