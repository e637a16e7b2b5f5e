"""run_cli's ways out: every way a run ends is one line on stderr and a documented exit status,
warnings are one line each, bad arguments one line pointing at --help."""

from __future__ import annotations

import errno
import sys
import warnings

import pytest

from nn_numpy.cli._errors import ArgumentParser, RunError, Terminated, UsageError, fail, run_cli
from nn_numpy.io.atomic import WriteError


class InputProblem(Exception):
    pass


@pytest.mark.parametrize(
    "exc, status, message",
    [(UsageError("bad"), 2, "bad"), (InputProblem("their data"), 2, "their data"),
     (RunError("broke"), 1, "broke"),
     (WriteError(errno.ENOSPC, "disk full", "o.json"), 1, "cannot write 'o.json': disk full"),
     (MemoryError(), 1, "out of memory"),
     (OSError(errno.EIO, "I/O error", "f.bin"), 1, "f.bin: I/O error"),
     (OSError(errno.EIO, "I/O error"), 1, "I/O error"),
     (ValueError("oops"), 1, "internal error: ValueError: oops"),
     (KeyboardInterrupt(), 130, "interrupted"), (Terminated(), 143, "terminated")],
)  # fmt: skip
def test_every_way_a_run_ends_is_one_line_and_a_documented_status(capsys, exc, status, message):
    def work():
        print("partial")
        raise exc

    before = sys.stdout
    assert run_cli("prog", work, (InputProblem,)) == status
    assert capsys.readouterr().err == f"prog: error: {message}\n"
    assert sys.stdout is before


def test_the_works_status_is_returned(capsys):
    assert run_cli("prog", lambda: 0, ()) == 0
    assert run_cli("prog", lambda: 1, ()) == 1


# The warning must be shown (as the CLI shows it), not raised by the suite's filterwarnings = error.
@pytest.mark.filterwarnings("default::RuntimeWarning")
def test_warnings_are_one_line_each(capsys):
    def work():
        warnings.warn("careful", RuntimeWarning, stacklevel=1)
        return 0

    assert run_cli("prog", work, ()) == 0
    assert capsys.readouterr().err == "prog: warning: careful\n"


def test_a_closed_standard_error_loses_messages_and_never_writes_them_to_stdout(monkeypatch,
                                                                               capsys):  # fmt: skip
    monkeypatch.setattr(sys, "stderr", None)
    assert fail("prog", "lost", 2) == 2
    assert capsys.readouterr().out == ""


def test_bad_arguments_are_one_line_pointing_at_help(capsys):
    parser = ArgumentParser(prog="prog")
    parser.add_argument("--n", type=int)
    with pytest.raises(SystemExit) as info:
        parser.parse_args(["--n", "x"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert (
        err.startswith("prog: error: argument --n: invalid int value")
        and "(see prog --help)" in err
    )


def test_pythons_warning_display_is_restored_after_the_run(capsys):
    before = warnings.showwarning
    run_cli("prog", lambda: 0, ())
    assert warnings.showwarning is before
