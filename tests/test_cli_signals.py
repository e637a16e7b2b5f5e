"""Signals, broken pipes and the no-traceback rule, with real subprocesses.

A signal is sent at a controlled point: the child runs the CLI with one function replaced by a
pause that first prints ``PAUSED`` on stderr (np.savez half-way through the model file, os.fsync
once an output's temporary file is complete, Trainer.step during training). The test waits for
that line, checks the state it meant to interrupt (a temporary file exists), then signals.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nn_numpy.io import atomic as _io
from nn_numpy.io.data import Standardizer
from nn_numpy.io.model_io import load_model, save_model
from nn_numpy.network import init_params
from tests.helpers import CHILD, XY_LABEL

ROOT = Path(__file__).parents[1]
BASIC = ROOT / "data" / "basic_dataset.csv"

STATUS = {signal.SIGTERM: 143, signal.SIGINT: 130}
MESSAGE = {signal.SIGTERM: "terminated", signal.SIGINT: "interrupted"}


def _default_dispositions() -> None:
    """In the child before exec: SIGINT and SIGTERM at their defaults, as in a terminal.

    These tests are about a program started normally. A suite run as a background job
    (``cmd &`` in a script, ``nohup``) hands SIGINT down ignored, and the CLI rightly keeps
    it ignored (``test_an_ignored_sigint_stays_ignored``)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def interrupt(point: str, program: str, argv: list[str], signum: int, workdir: Path) -> str:
    """Run the child until it pauses, send ``signum``; return its stderr after the pause.

    Asserts the exit status and that a write was under way when the signal came (a temporary
    file existed), unless the pause is in training.
    """
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, point, program, *argv],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=workdir,
        preexec_fn=_default_dispositions,
    )
    try:
        assert child.stderr is not None
        before = []  # anything the child printed before pausing (a slow start's notices)
        while (line := child.stderr.readline()) not in ("PAUSED\n", ""):
            before.append(line)
        assert line == "PAUSED\n", f"the child ended before pausing: {before}"
        temps = [p for p in workdir.iterdir() if p.name.endswith(".tmp")]
        assert (len(temps) == 1) == (point != "step"), temps
        child.send_signal(signum)
        rest = child.stderr.read()
        assert child.wait(timeout=30) == STATUS[signum]
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        if child.stderr is not None:
            child.stderr.close()
    return rest


def _no_temp_files(directory: Path) -> bool:
    return not [p for p in directory.iterdir() if p.name.endswith(".tmp")]


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    shutil.copy(BASIC, tmp_path / "data.csv")
    return tmp_path


TRAIN = ["--data-path", "data.csv", "--epochs", "3"]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_while_the_model_is_written_leaves_no_temp_file_and_the_old_model(signum, workdir):
    old = workdir / "m.npz"
    save_model(old, init_params(2, 4, 1), Standardizer.identity(2), np.float64, XY_LABEL)
    before = old.read_bytes()
    err = interrupt("savez", "train", [*TRAIN, "--save-model", "m.npz"], signum, workdir)
    assert err == f"nn-numpy-train: error: {MESSAGE[signum]}\n"
    assert _no_temp_files(workdir)
    assert old.read_bytes() == before


METRICS = ("train", [*TRAIN, "--metrics-json", "out.json"])
PLOT = ("train", [*TRAIN, "--plot", "out.png"])
PREDICT = ["--model", "model.npz", "--data-path", "data.csv", "--output", "out.csv"]
PREDICTIONS = ("predict", PREDICT)


@pytest.mark.parametrize(
    ("program", "argv", "signum"),
    [
        (*METRICS, signal.SIGTERM),
        (*METRICS, signal.SIGINT),
        (*PLOT, signal.SIGTERM),  # matplotlib makes the child slow to start: one signal only
        (*PREDICTIONS, signal.SIGTERM),
        (*PREDICTIONS, signal.SIGINT),
    ],
    ids=["metrics-TERM", "metrics-INT", "plot-TERM", "predictions-TERM", "predictions-INT"],
)
def test_signal_while_an_output_is_written_leaves_no_temp_file_and_no_output(
    program, argv, signum, workdir
):
    if "--plot" in argv:
        pytest.importorskip("matplotlib")
    save_model(
        workdir / "model.npz", init_params(2, 4, 1), Standardizer.identity(2), np.float64, XY_LABEL
    )
    err = interrupt("fsync", program, argv, signum, workdir)
    assert err == f"nn-numpy-{program}: error: {MESSAGE[signum]}\n"
    assert _no_temp_files(workdir)
    assert not [p for p in workdir.iterdir() if p.name.startswith("out")]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_during_training_is_one_line_and_writes_nothing(signum, workdir):
    err = interrupt("step", "train", [*TRAIN, "--save-model", "m.npz"], signum, workdir)
    assert err == f"nn-numpy-train: error: {MESSAGE[signum]}\n"
    assert sorted(p.name for p in workdir.iterdir()) == ["data.csv"]


def test_an_ignored_sigint_stays_ignored(workdir):
    """A parent that ignores SIGINT (a background job) keeps the child immune to it, as plain
    Python does; the run then finishes normally."""
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, "fsync", "train", *TRAIN, "--metrics-json", "out.json"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=workdir,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    try:
        assert child.stderr is not None
        before = []  # anything the child printed before pausing (a slow start's notices)
        while (line := child.stderr.readline()) not in ("PAUSED\n", ""):
            before.append(line)
        assert line == "PAUSED\n", f"the child ended before pausing: {before}"
        child.send_signal(signal.SIGINT)
        child.send_signal(signal.SIGTERM)  # still handled: proves the child was alive and paused
        assert child.stderr.read() == "nn-numpy-train: error: terminated\n"
        assert child.wait(timeout=30) == 143
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        if child.stderr is not None:
            child.stderr.close()


# --- broken pipe -------------------------------------------------------------------------------


def _console_script(name: str) -> str:
    script = Path(sys.executable).with_name(name)
    if not script.exists():
        pytest.skip(f"{name} is not installed beside {sys.executable}")
    return str(script)


BUFFERING = pytest.mark.parametrize("unbuffered", ["", "1"], ids=["buffered", "unbuffered"])


def _env(unbuffered: str) -> dict[str, str]:
    """Standard output block-buffered (the default for a pipe) or not (PYTHONUNBUFFERED=1)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    return {**env, "PYTHONPATH": str(ROOT), **({"PYTHONUNBUFFERED": "1"} if unbuffered else {})}


@BUFFERING
def test_train_piped_into_head_still_saves_the_model_and_exits_0(workdir, unbuffered):
    """`nn-numpy-train --print-every 1 --save-model m.npz | head -1`: 6000 epoch lines (150 kB)
    are more than a pipe holds (64 kB), so the reader is certainly gone before training ends."""
    train = _console_script("nn-numpy-train")
    command = (
        f"{train} --data-path data.csv --epochs 6000 --print-every 1 --save-model m.npz "
        "--metrics-json m.json | head -1; exit ${PIPESTATUS[0]}"
    )
    result = subprocess.run(
        ["bash", "-c", command],
        cwd=workdir,
        capture_output=True,
        text=True,
        check=False,
        env=_env(unbuffered),
    )
    assert result.returncode == 0
    assert result.stdout.startswith("data: data.csv (12 examples")
    assert result.stderr == ""
    assert load_model(workdir / "m.npz").hidden_size == 5
    assert (workdir / "m.json").read_text().endswith("}\n")


@BUFFERING
def test_train_with_stdout_closed_by_the_reader_before_the_first_line_exits_0(workdir, unbuffered):
    child = subprocess.Popen(
        [sys.executable, "-m", "nn_numpy.train", *TRAIN, "--save-model", "m.npz"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=workdir,
        env=_env(unbuffered),
    )
    assert child.stdout is not None
    child.stdout.close()  # the reader is gone before anything is written
    _, err = child.communicate(timeout=60)
    assert child.returncode == 0
    assert err == b""
    assert load_model(workdir / "m.npz").hidden_size == 5


@BUFFERING
def test_predict_piped_into_head_exits_0_without_a_traceback(workdir, unbuffered):
    predict = _console_script("nn-numpy-predict")
    save_model(
        workdir / "model.npz", init_params(2, 4, 1), Standardizer.identity(2), np.float64, XY_LABEL
    )
    big = np.tile(np.loadtxt(BASIC, delimiter=",", skiprows=1), (2000, 1))
    np.savetxt(workdir / "big.csv", big, delimiter=",", header="x1,x2,label", comments="", fmt="%g")
    command = f"{predict} --model model.npz --data-path big.csv | head -1; exit ${{PIPESTATUS[0]}}"
    result = subprocess.run(
        ["bash", "-c", command],
        cwd=workdir,
        capture_output=True,
        text=True,
        check=False,
        env=_env(unbuffered),
    )
    assert result.returncode == 0
    assert result.stdout == "probability,prediction\n"
    assert result.stderr.startswith("accuracy: ") and result.stderr.count("\n") == 1


# --- the moment the temporary file is created --------------------------------------------------


class Stop(BaseException):
    pass


def test_signal_arriving_as_the_temp_file_is_created_still_removes_it(tmp_path, monkeypatch):
    """The signal comes after the file exists but before ``os.open`` has returned its descriptor;
    the name was recorded first, so the file is still removed."""
    real_open = os.open

    def open_then_signal(path: str, flags: int, mode: int = 0o777) -> int:
        fd = real_open(path, flags, mode)
        if str(path).endswith(".tmp"):
            os.kill(os.getpid(), signal.SIGTERM)  # its handler raises before this returns
        return fd

    def stop(signum: int, frame: object) -> None:
        raise Stop

    old = signal.signal(signal.SIGTERM, stop)
    try:
        monkeypatch.setattr(os, "open", open_then_signal)
        with pytest.raises(Stop), _io.atomic_write(tmp_path / "out.txt") as f:
            f.write("never")
    finally:
        monkeypatch.undo()
        signal.signal(signal.SIGTERM, old)
    assert list(tmp_path.iterdir()) == []
