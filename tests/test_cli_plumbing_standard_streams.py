"""run_cli's standard streams: a reader that goes away, other standard output errors and the exit
status they give, closed standard streams that never receive an output file."""

from __future__ import annotations

import errno
import subprocess
import sys
from pathlib import Path

import pytest

from nn_numpy.cli._errors import UsageError, fail, run_cli, stdout_failed

ROOT = Path(__file__).resolve().parent.parent


class FailingStream:
    """A standard output whose writes fail with ``error`` (no descriptor behind it)."""

    def __init__(self, error: OSError) -> None:
        self.error = error
        self.written: list[str] = []

    def write(self, text: str) -> int:
        raise self.error

    def flush(self) -> None:
        pass


def test_a_reader_that_goes_away_leaves_the_status_0(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdout", FailingStream(BrokenPipeError(errno.EPIPE, "gone")))
    done = []

    def work():
        print("a line")
        print("another")  # discarded, never raised
        done.append(stdout_failed())
        return 0

    assert run_cli("prog", work, ()) == 0
    assert done == [False]
    assert capsys.readouterr().err == ""


def test_any_other_standard_output_error_fails_the_run_once_it_is_over(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdout", FailingStream(OSError(errno.ENOSPC, "No space left")))
    done = []

    def work():
        print("a line")
        done.append(stdout_failed())
        return 0

    assert run_cli("prog", work, ()) == 1
    assert done == [True]
    assert capsys.readouterr().err == "prog: error: cannot write standard output: No space left\n"


def test_a_failing_run_keeps_its_own_status_and_message_when_stdout_failed(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdout", FailingStream(OSError(errno.ENOSPC, "No space left")))

    def work():
        print("a line")
        raise UsageError("bad input")

    assert run_cli("prog", work, ()) == 2
    assert capsys.readouterr().err == "prog: error: bad input\n"


def test_a_status_of_2_stays_2_when_stdout_failed(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdout", FailingStream(OSError(errno.ENOSPC, "No space left")))

    def work():
        print("a line")
        return fail("prog", "their code raised", 2)

    assert run_cli("prog", work, ()) == 2
    assert capsys.readouterr().err == "prog: error: their code raised\n"


CLOSED = """
import os, sys
for fd in {fds}:
    os.close(fd)
    setattr(sys, ["stdin", "stdout", "stderr"][fd], None)
from nn_numpy.cli._errors import run_cli

def work():
    with open(sys.argv[1], "w") as f:   # must not get a closed standard descriptor
        f.write("file")
    print("to stdout")
    sys.stderr.write("to stderr\\n")
    return 0

status = run_cli("prog", work, ())
sys.exit(status)
"""


@pytest.mark.parametrize("fds", [(0,), (1,), (2,), (1, 2)])
def test_a_closed_standard_stream_never_receives_an_output_file(tmp_path, fds):
    out_file = tmp_path / "out.txt"
    code = CLOSED.format(fds=fds)
    proc = subprocess.run(
        [sys.executable, "-c", code, str(out_file)], cwd=ROOT, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert out_file.read_text(encoding="utf-8") == "file"  # nothing printed into the file
    if fds == (1, 2):  # stdout closed: exit 1, though the message is lost with stderr
        assert (proc.returncode, proc.stdout, proc.stderr) == (1, "", "")
    elif fds == (1,):
        assert proc.returncode == 1
        assert proc.stderr.endswith("to stderr\nprog: error: cannot write standard output: "
                                    "it was closed\n")  # fmt: skip
    elif fds == (2,):
        assert (proc.returncode, proc.stdout, proc.stderr) == (0, "to stdout\n", "")
    else:
        assert (proc.returncode, proc.stdout) == (0, "to stdout\n")


def test_standard_output_keeps_its_attributes_during_the_run(capsys):
    seen = []
    run_cli("prog", lambda: seen.append((sys.stdout.encoding, sys.stdout.isatty())) or 0, ())
    assert seen == [(sys.stdout.encoding, sys.stdout.isatty())]
