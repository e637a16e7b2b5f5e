"""The verdict on correct code does not change with what the code does to the process: buffers
it reuses, inputs it changes (said in a note), NumPy's error settings, the working directory,
torch's global modes, prints and threads."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from nn_numpy.check.deep import check_network
from nn_numpy.cli import check as cli
from tests import deep_misbehaving as misbehaving
from tests import deep_users as users
from tests.helpers_check import GOOD

USERS = Path(users.__file__).resolve()
MISBEHAVING = Path(misbehaving.__file__).resolve()


def test_results_in_reused_buffers_are_judged_as_they_were_returned():
    assert check_network(misbehaving.reuses_buffers, use_torch=False).ok


def test_inputs_changed_in_place_do_not_change_the_verdict_and_are_named():
    report = check_network(misbehaving.updates_in_place, use_torch=False)
    assert report.ok, report
    assert report.notes == [
        "note: your function changed its input X, W1, W2, W3, W4, W5 in place (each call got a "
        "fresh copy, so the check is unaffected; a training loop would be)"
    ]
    assert str(report).endswith(report.notes[0])


def test_numpy_error_settings_and_the_working_directory_are_put_back():
    errors, cwd = np.geterr(), os.getcwd()
    assert check_network(misbehaving.changes_global_state, use_torch=False).ok
    assert np.geterr() == errors and os.getcwd() == cwd


def test_torch_global_modes_are_put_back_and_autograd_still_confirms(torch_ref):
    import torch

    before = (torch.get_default_dtype(), torch.is_grad_enabled(), torch.get_num_threads())
    report = check_network(misbehaving.changes_torch_state, use_torch=True)
    assert report.ok and "autograd" in report.oracles[-1]
    assert (torch.get_default_dtype(), torch.is_grad_enabled(), torch.get_num_threads()) == before


def test_prints_go_to_stderr_and_threads_do_not_matter(capsys):
    code = cli.main(
        ["--no-torch", f"{MISBEHAVING}:prints_and_starts_threads", "--contract", "params"]
    )
    out, err = capsys.readouterr()
    assert code == 0 and out.startswith("nn-numpy-check ") and "debug: shapes" in err


def test_warnings_from_the_users_code_are_labelled_as_theirs_once_each(capsys):
    code = cli.main(["--no-torch", f"{MISBEHAVING}:warns", "--contract", "params"])
    err = capsys.readouterr().err.splitlines()
    assert code == 0
    assert len(err) == 2, err
    assert err[0].startswith("nn-numpy-check: warning: from your code (deep_misbehaving.py:")
    assert err[0].endswith("DeprecationWarning: this adapter is deprecated")
    assert err[1].endswith("RuntimeWarning: divide by zero encountered in log")


def test_the_time_limit_puts_back_the_alarm_handler_it_found():
    import signal

    import pytest

    from nn_numpy.errors import UsageError

    class Outside(Exception):
        pass

    def handler(signum, frame):
        raise Outside

    old = signal.signal(signal.SIGALRM, handler)
    try:
        with pytest.raises(UsageError, match=r"took more than 0\.2 s on case 'square"):
            check_network(misbehaving.endless, depths=(1,), use_torch=False, timeout=0.2)
        assert signal.getsignal(signal.SIGALRM) is handler
    finally:
        signal.signal(signal.SIGALRM, old)


def test_the_six_argument_contract_also_names_inputs_changed_in_place():
    """A one-hidden-layer backward pass that then takes its own gradient step on W1 and b2 in
    place: the verdict is unchanged (every call gets fresh copies) and the note names both."""
    from nn_numpy.check import check_gradients

    def gradients(W1, b1, W2, b2, X, Y):
        m = X.shape[1]
        Z1 = W1 @ X + b1
        A1 = np.maximum(Z1, 0)
        A2 = 1 / (1 + np.exp(-(W2 @ A1 + b2)))
        dZ2 = A2 - Y
        dZ1 = (W2.T @ dZ2) * (Z1 > 0)
        grads = {"dW1": dZ1 @ X.T / m, "db1": dZ1.mean(axis=1, keepdims=True),
                 "dW2": dZ2 @ A1.T / m, "db2": dZ2.mean(axis=1, keepdims=True)}  # fmt: skip
        W1 -= 0.1 * grads["dW1"]
        b2 -= 0.1 * grads["db2"]
        return grads

    report = check_gradients(gradients, use_torch=False)
    assert report.ok, report
    assert report.notes == [
        "note: your function changed its input W1, b2 in place (each call got a fresh copy, so "
        "the check is unaffected; a training loop would be)"
    ]
    namespace: dict[str, object] = {}
    exec(GOOD, namespace)  # the same backward pass, without the step: no note
    clean = check_gradients(namespace["gradients"], use_torch=False)
    assert clean.ok and clean.notes == []
