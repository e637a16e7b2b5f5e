"""A signal at any moment after the programs' first line ends them with one line and 128 + n.

The programs' first line is their entry point (``nn_numpy._scripts`` for the console scripts,
``nn_numpy._runner`` for ``python -m``), which sets the signal handling before it imports
anything heavy. Only Python's own start comes before it (the
interpreter, ``site`` and the ``.pth`` files of site-packages, the console script's ``import re,
sys``): that part cannot be covered, and ``python -m tests.startup_signals`` measures it.

The signal is sent at a chosen import, not after a delay: a ``sitecustomize`` in the child puts
a finder first on ``sys.meta_path``, which is asked about every module the process imports. It
says ``BEFORE name`` for each import while SIGINT still has Python's own handler, and sends the
signal to its own process (``signal.raise_signal``, delivered at once) at the ``SEND_AT``-th import
after that handler was replaced.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from nn_numpy._signals import FATAL, message

BIN = Path(sys.executable).parent

WATCH = r"""
import os, signal, sys

class Watch:
    after = 0  # imports since the program's own handler was set
    def find_spec(self, name, path=None, target=None):
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            sys.stderr.write(f"BEFORE {name}\n")
        else:
            if Watch.after == int(os.environ["SEND_AT"]):
                sys.stderr.write(f"SENT {name}\n")
                sys.stderr.flush()
                signal.raise_signal(int(os.environ["SEND_SIGNAL"]))
            Watch.after += 1
        return None

sys.meta_path.insert(0, Watch())
"""

# Each program, and what it imports of the package before its signal handling is set.
SCRIPT = ["nn_numpy", "nn_numpy._scripts", "nn_numpy._runner", "nn_numpy._signals"]
COMMANDS = {
    "nn-numpy-train": (
        [str(BIN / "nn-numpy-train"), "--data-path", "data.csv"],
        SCRIPT,
    ),
    "nn-numpy-predict": (
        [str(BIN / "nn-numpy-predict"), "--model", "m.npz", "--data-path", "data.csv"],
        SCRIPT,
    ),
    "nn-numpy-check": (
        [str(BIN / "nn-numpy-check"), "x.py:f"],
        SCRIPT,
    ),
    "python -m nn_numpy.train": (
        [sys.executable, "-m", "nn_numpy.train", "--data-path", "data.csv"],
        ["nn_numpy", "nn_numpy.train", "nn_numpy._runner", "nn_numpy._signals"],
    ),
    "python -m nn_numpy.predict": (
        [sys.executable, "-m", "nn_numpy.predict", "--model", "m.npz"],
        ["nn_numpy", "nn_numpy.predict", "nn_numpy._runner", "nn_numpy._signals"],
    ),
    "python -m nn_numpy.check": (
        [sys.executable, "-m", "nn_numpy.check", "x.py:f"],
        ["nn_numpy", "nn_numpy.check", "nn_numpy.check.__main__", "nn_numpy._runner",
         "nn_numpy._signals"],
    ),
}  # fmt: skip


def _default_dispositions() -> None:
    """Every signal of FATAL at its default in the child, as in a terminal."""
    for s in FATAL:
        signal.signal(s, signal.SIG_DFL)


def run_watched(command: str, signum: int, send_at: int, tmp: Path) -> tuple[int, list[str]]:
    """Run the program with the watching finder; return its status and its stderr lines."""
    (tmp / "site").mkdir(exist_ok=True)
    (tmp / "site" / "sitecustomize.py").write_text(WATCH, encoding="utf-8")
    # int(): on Python 3.10, str(signal.SIGINT) is "Signals.SIGINT", not "2".
    env = {**os.environ, "PYTHONPATH": str(tmp / "site"), "SEND_AT": str(send_at),
           "SEND_SIGNAL": str(int(signum))}  # fmt: skip
    done = subprocess.run(
        COMMANDS[command][0], capture_output=True, text=True, cwd=tmp, env=env, timeout=120,
        preexec_fn=_default_dispositions,
    )  # fmt: skip
    return done.returncode, done.stderr.splitlines()


def _program(command: str) -> str:
    return command.split()[-1].replace("nn_numpy.", "nn-numpy-")


@pytest.mark.parametrize("command", list(COMMANDS))
def test_the_programs_import_nothing_heavy_before_their_signal_handling(command, tmp_path):
    """No NumPy and nothing of the package but the entry point's own modules."""
    _, err = run_watched(command, signal.SIGINT, 0, tmp_path)
    before = [line.removeprefix("BEFORE ") for line in err if line.startswith("BEFORE ")]
    ours = dict.fromkeys(m for m in before if m.split(".")[0] == "nn_numpy")  # runpy asks twice
    assert list(ours) == COMMANDS[command][1]
    assert not [m for m in before if m.split(".")[0] == "numpy"]
    assert any(line.startswith("SENT ") for line in err), "the handling was never set"


SIGNALS = [signal.SIGINT, signal.SIGTERM, signal.SIGHUP]


@pytest.mark.parametrize("signum", SIGNALS, ids=[signal.Signals(s).name for s in SIGNALS])
@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_signal_at_the_first_import_after_the_first_line_is_one_line_and_128_plus_n(
    command, signum, tmp_path
):
    status, err = run_watched(command, signum, 0, tmp_path)
    shown = [line for line in err if not line.startswith(("BEFORE ", "SENT "))]
    assert status == 128 + signum
    assert shown == [f"{_program(command)}: error: {message(signum)}"]


@pytest.mark.parametrize("send_at", [1, 5, 20, 60])
@pytest.mark.parametrize("command", ["nn-numpy-train", "python -m nn_numpy.check"])
def test_ctrl_c_at_any_import_of_the_start_is_one_line_and_130(command, send_at, tmp_path):
    """Later imports: argparse, NumPy and its submodules, the program's modules."""
    status, err = run_watched(command, signal.SIGINT, send_at, tmp_path)
    assert [line for line in err if line.startswith("SENT ")], "fewer imports than that"
    shown = [line for line in err if not line.startswith(("BEFORE ", "SENT "))]
    assert status == 130
    assert shown == [f"{_program(command)}: error: interrupted"]


# What an installer's script does: import the entry point, do some work of its own, call it.
WRAPPER = """
import signal, sys
from nn_numpy._scripts import {function}
signal.raise_signal({signum})  # the script's own work before the call (pip's: a re.sub)
sys.exit({function}())
"""


@pytest.mark.parametrize("signum", SIGNALS[:2], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("function", ["train", "predict", "check"])
def test_a_signal_after_the_console_script_imported_its_entry_point_is_one_line(
    function, signum, tmp_path
):
    script = tmp_path / f"nn-numpy-{function}"
    script.write_text(WRAPPER.format(function=function, signum=int(signum)), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path,
        timeout=120, preexec_fn=_default_dispositions,
    )  # fmt: skip
    assert done.returncode == 128 + signum
    assert done.stderr == f"nn-numpy-{function}: error: {message(signum)}\n"
