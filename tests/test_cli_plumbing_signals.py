"""run_cli's signal dispositions while a program runs and after it returns: the caller's handlers
restored, an ignored signal kept ignored, a signal during the run one line and 128 + n."""

from __future__ import annotations

import signal
import threading

import pytest

from nn_numpy.cli._errors import Terminated, run_cli

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
