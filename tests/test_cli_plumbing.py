"""run_cli's plumbing: signal dispositions while a program runs and after it returns, closed
standard streams, standard output errors, the exit status of every way out, one-line warnings,
and outputs recognised as one file through symlinked directories."""

from __future__ import annotations

import errno
import signal
import subprocess
import sys
import threading
import warnings
from pathlib import Path

import pytest

from nn_numpy.cli._errors import (
    ArgumentParser,
    RunError,
    Terminated,
    UsageError,
    fail,
    run_cli,
    stdout_failed,
)
from nn_numpy.cli._outputs import check_outputs, same_file
from nn_numpy.io.atomic import WriteError

ROOT = Path(__file__).resolve().parent.parent
SIGNALS = (signal.SIGINT, signal.SIGTERM)


@pytest.fixture
def own_handlers():
    """A handler of the caller's own on SIGINT and SIGTERM, restored after the test."""
    saved = {s: signal.getsignal(s) for s in SIGNALS}
    seen: list[int] = []

    def mine(signum, frame):
        seen.append(signum)

    for s in SIGNALS:
        signal.signal(s, mine)
    yield mine, seen
    for s, handler in saved.items():
        signal.signal(s, handler)


def test_the_callers_signal_handlers_are_restored_after_the_run(own_handlers, capsys):
    mine, seen = own_handlers
    inside = {}

    def work():
        inside.update({s: signal.getsignal(s) for s in SIGNALS})
        return 0

    assert run_cli("prog", work, ()) == 0
    assert all(h is not mine for h in inside.values())  # ours while the program runs
    assert [signal.getsignal(s) for s in SIGNALS] == [mine, mine]
    signal.raise_signal(signal.SIGINT)
    assert seen == [signal.SIGINT]


def test_after_an_in_process_run_ctrl_c_still_raises_keyboard_interrupt(capsys):
    saved = signal.signal(signal.SIGINT, signal.default_int_handler)  # Python's own
    try:
        assert run_cli("prog", lambda: 0, ()) == 0
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
        with pytest.raises(KeyboardInterrupt):
            signal.raise_signal(signal.SIGINT)
    finally:
        signal.signal(signal.SIGINT, saved)


def test_an_ignored_signal_stays_ignored_while_the_program_runs(capsys):
    saved = signal.signal(signal.SIGTERM, signal.SIG_IGN)
    try:
        inside = []
        run_cli("prog", lambda: inside.append(signal.getsignal(signal.SIGTERM)) or 0, ())
        assert inside == [signal.SIG_IGN]
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGTERM, saved)


@pytest.mark.parametrize(
    "signum, status, word",
    [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")],
)
def test_a_signal_during_the_run_is_one_line_and_its_status(own_handlers, capsys, signum, status,
                                                            word):  # fmt: skip
    mine, seen = own_handlers
    cleanup = []

    def work():
        try:
            signal.raise_signal(signum)
        finally:  # a second signal while unwinding is ignored: the cleanup finishes
            signal.raise_signal(signal.SIGINT)
            signal.raise_signal(signal.SIGTERM)
            cleanup.append("done")
        return 0

    assert run_cli("prog", work, ()) == status
    assert capsys.readouterr().err == f"prog: error: {word}\n"
    assert cleanup == ["done"] and seen == []
    assert [signal.getsignal(s) for s in SIGNALS] == [mine, mine]


def test_terminated_is_not_an_exception_that_except_exception_swallows():
    assert issubclass(Terminated, BaseException) and not issubclass(Terminated, Exception)


def test_a_run_in_another_thread_leaves_the_handlers_alone(capsys):
    results = []
    thread = threading.Thread(target=lambda: results.append(run_cli("prog", lambda: 3, ())))
    thread.start()
    thread.join()
    assert results == [3]


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


@pytest.fixture
def linked(tmp_path: Path) -> tuple[Path, Path]:
    """real/deep/ and link -> real/deep (a symlinked directory)."""
    deep = tmp_path / "real" / "deep"
    deep.mkdir(parents=True)
    (tmp_path / "link").symlink_to(deep, target_is_directory=True)
    return deep, tmp_path / "link"


def test_a_path_through_a_symlinked_directory_is_the_same_file(linked):
    deep, link = linked
    assert same_file(str(link / "new.json"), str(deep / "new.json"))  # neither exists yet
    (deep / "old.json").write_text("{}", encoding="utf-8")
    assert same_file(str(link / "old.json"), str(deep / "old.json"))
    assert not same_file(str(link / "a.json"), str(deep / "b.json"))


def test_dot_dot_after_a_symlinked_directory_is_resolved_physically(linked):
    deep, link = linked
    # link/.. is real/, not the directory holding link
    assert same_file(str(link / ".." / "x.json"), str(deep.parent / "x.json"))
    assert not same_file(str(link / ".." / "x.json"), str(link.parent / "x.json"))


def test_two_outputs_through_a_symlinked_directory_are_refused(linked):
    deep, link = linked
    with pytest.raises(UsageError, match="--a and --b name the same file"):
        check_outputs({"--a": str(deep / "o.json"), "--b": str(link / "o.json")}, {})
    (deep / "in.csv").write_text("a,b\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"--a: .* is the DATA input"):
        check_outputs({"--a": str(link / "in.csv")}, {"DATA": str(deep / "in.csv")})
    check_outputs({"--a": str(link / "o.json"), "--b": str(link / "p.json")}, {"DATA": None})


def test_pythons_warning_display_is_restored_after_the_run(capsys):
    before = warnings.showwarning
    run_cli("prog", lambda: 0, ())
    assert warnings.showwarning is before


def test_standard_output_keeps_its_attributes_during_the_run(capsys):
    seen = []
    run_cli("prog", lambda: seen.append((sys.stdout.encoding, sys.stdout.isatty())) or 0, ())
    assert seen == [(sys.stdout.encoding, sys.stdout.isatty())]
