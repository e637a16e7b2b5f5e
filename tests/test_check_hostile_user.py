"""Nothing the user's code does to the process changes nn-numpy-check's verdict: patched NumPy
functions are put back after each call, ``os._exit`` in their code is their exception (exit 2),
and what they leave behind (an atexit handler, a thread that never ends) neither sets the status
nor keeps the check alive. The process-ending cases run the command in a child process."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np

from nn_numpy.check import check_gradients
from tests.helpers_check import GOOD

WRONG = GOOD.replace("dZ1 @ X.T / m", "3 * dZ1 @ X.T / m")  # dW1 three times too large


def run_check(tmp_path: Path, code: str, timeout: float = 120) -> subprocess.CompletedProcess:
    (tmp_path / "theirs.py").write_text(textwrap.dedent(code), encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "nn_numpy.check", "theirs.py:gradients", "--no-torch"],
        cwd=tmp_path, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


def test_their_own_code_defines_a_wrong_dW1():
    namespace: dict = {}
    exec(WRONG, namespace)
    assert not check_gradients(namespace["gradients"], use_torch=False).ok


def test_numpy_functions_patched_by_their_code_are_put_back_and_the_verdict_stands():
    namespace: dict = {}
    exec(WRONG, namespace)
    real = (np.max, np.abs, np.isfinite)

    def cheating(*args):
        grads = namespace["gradients"](*args)
        np.max = lambda *a, **k: 0.0
        np.abs = lambda x: x * 0
        np.isfinite = lambda x: np.ones(np.shape(x), bool)
        return grads

    report = check_gradients(cheating, use_torch=False)
    assert not report.ok and [r.quantity for r in report.rows if not r.ok] == ["dW1"]
    assert (np.max, np.abs, np.isfinite) == real


def test_os_exit_in_their_code_is_their_exception_exit_2(tmp_path):
    code = WRONG + textwrap.dedent("""
        import os
        def gradients(*args):
            os._exit(0)
        """)
    done = run_check(tmp_path, code)
    assert done.returncode == 2, done.stderr
    assert "os._exit(0) called while nn-numpy-check runs your code" in done.stderr
    assert done.stderr.splitlines()[-1].startswith("nn-numpy-check: error: your function raised")


def test_an_atexit_handler_of_theirs_does_not_set_the_status(tmp_path):
    done = run_check(tmp_path, "import atexit, os\natexit.register(os._exit, 0)\n" + WRONG)
    assert done.returncode == 1, done.stderr
    assert "1 of 4 quantities disagree" in done.stdout


def test_a_thread_of_theirs_that_never_ends_does_not_keep_the_check_alive(tmp_path):
    code = GOOD + textwrap.dedent("""
        import threading, time
        _gradients = gradients
        def gradients(*args):
            threading.Thread(target=time.sleep, args=(600,), daemon=False).start()
            return _gradients(*args)
        """)
    done = run_check(tmp_path, code, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "all 4 quantities agree" in done.stdout
