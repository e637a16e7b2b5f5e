"""The top-level rule shared by both programs (nn_numpy.cli._errors.run_cli): whatever happens,
one line on stderr and a documented exit status, never a traceback."""

from __future__ import annotations

import io
import os
import signal
import stat
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from nn_numpy.cli._errors import RunError, Terminated, UsageError, run_cli
from nn_numpy.io.atomic import WriteError

ROOT = Path(__file__).parents[1]
BASIC = ROOT / "data" / "basic_dataset.csv"


class InputProblem(Exception):
    pass


def _raise(error: BaseException):
    def work() -> int:
        raise error

    return work


@pytest.mark.parametrize(
    ("error", "status", "line"),
    [
        (UsageError("--x: bad"), 2, "prog: error: --x: bad"),
        (InputProblem("data.csv: line 3: bad"), 2, "prog: error: data.csv: line 3: bad"),
        (RunError("went wrong"), 1, "prog: error: went wrong"),
        (WriteError(28, "No space left on device", "m.npz"), 1,
         "prog: error: cannot write 'm.npz': No space left on device"),
        (KeyboardInterrupt(), 130, "prog: error: interrupted"),
        (Terminated(), 143, "prog: error: terminated"),
        (MemoryError(), 1, "prog: error: out of memory"),
        (PermissionError(13, "Permission denied", "x.csv"), 1,
         "prog: error: x.csv: Permission denied"),
        (ZeroDivisionError("division by zero"), 1,
         "prog: error: internal error: ZeroDivisionError: division by zero"),
    ],
)  # fmt: skip
def test_every_ending_is_one_line_and_its_documented_status(error, status, line, capsys):
    assert run_cli("prog", _raise(error), (InputProblem,)) == status
    out, err = capsys.readouterr()
    assert (out, err) == ("", line + "\n")


# Python's default for a RuntimeWarning: shown (here through the CLI's one-line display), where
# the suite's filterwarnings = error would raise it inside the run instead.
@pytest.mark.filterwarnings("default::RuntimeWarning")
def test_warnings_are_shown_as_one_line_without_a_source_path(capsys):
    def work() -> int:
        warnings.warn("overflow encountered in multiply", RuntimeWarning, stacklevel=1)
        return 0

    assert run_cli("prog", work, ()) == 0
    assert capsys.readouterr().err == "prog: warning: overflow encountered in multiply\n"
    assert warnings.showwarning.__module__ == "warnings"  # restored afterwards


def test_write_error_on_stdout_is_reported_after_the_run_with_status_1(capsys):
    """The run is not cut short (its files are still written); the lost output is reported."""

    class FullStdout(io.StringIO):
        def write(self, text: str) -> int:
            raise OSError(28, "No space left on device")

    done = []

    def work() -> int:
        print("report")
        done.append(True)
        return 0

    real = sys.stdout
    sys.stdout = FullStdout()
    try:
        status = run_cli("prog", work, ())
    finally:
        sys.stdout = real
    assert (status, done) == (1, [True])
    assert capsys.readouterr().err == (
        "prog: error: cannot write standard output: No space left on device\n"
    )


def test_stdout_is_restored_after_the_run(capsys):
    before = sys.stdout
    run_cli("prog", lambda: 0, ())
    assert sys.stdout is before


@pytest.mark.skipif(os.geteuid() != 0, reason="os.mknod needs root")
def test_train_with_stdout_on_a_full_device_still_saves_the_model_and_exits_1(tmp_path):
    full = tmp_path / "full"
    os.mknod(full, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    argv = ["--data-path", str(BASIC), "--epochs", "3", "--save-model", str(tmp_path / "m.npz")]
    with open(full, "w") as stdout:
        result = subprocess.run(
            [sys.executable, "-m", "nn_numpy.train", *argv],
            stdout=stdout,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
    assert result.returncode == 1
    assert result.stderr == (
        "nn-numpy-train: error: cannot write standard output: No space left on device\n"
    )
    assert (tmp_path / "m.npz").stat().st_size > 0


def test_after_the_first_signal_further_ones_are_ignored_until_the_run_ends():
    """A second Ctrl-C or SIGTERM cannot interrupt the cleanup the first one started."""
    from nn_numpy.cli._errors import _signals_as_exceptions

    before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    with _signals_as_exceptions():
        with pytest.raises(Terminated):
            os.kill(os.getpid(), signal.SIGTERM)
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_IGN
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
        os.kill(os.getpid(), signal.SIGINT)  # ignored: no KeyboardInterrupt
    assert {s: signal.getsignal(s) for s in before} == before
