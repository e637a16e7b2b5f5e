"""Hostile surroundings of the commands: bad flags, closed and full standard streams, special files
and the target's own file as outputs, memory beyond what is available, huge costs.

Special files are made inside tmp_path only (os.mknod as root, else skipped); never /dev/*.
"""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from nn_numpy.cli import check as check_cli
from nn_numpy.cli import predict as predict_cli
from nn_numpy.cli import train as train_cli
from nn_numpy.cli._outputs import format_cost
from nn_numpy.io.resources import ResourceError, require_memory
from tests.helpers_check import GOOD

ROOT = Path(__file__).parents[1]
BASIC = str(ROOT / "data" / "basic_dataset.csv")
QUICK = ["--data-path", BASIC, "--epochs", "3", "--print-every", "0"]


def _script(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def _run(argv: list[str], cwd: Path, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=120, **kwargs)


def _full_device(tmp_path: Path) -> Path:
    if os.geteuid() != 0:
        pytest.skip("os.mknod of a character device needs root")
    path = tmp_path / "full"
    os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
    return path


@pytest.mark.parametrize(
    "argv",
    [["--epochs", "0"], ["--learning-rate", "nan"], ["--hidden-size", "1.5"], ["--bogus", "1"],
     ["--dtype", "float16"], ["--save-model"]],
)  # fmt: skip
def test_a_bad_flag_is_one_line_pointing_at_help_not_the_usage_block(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        train_cli.main([*QUICK, *argv])
    out, err = capsys.readouterr()
    assert exc.value.code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("nn-numpy-train: error: ")
    assert err.endswith("(see nn-numpy-train --help)\n")


def test_predict_and_check_bad_flags_are_one_line_too(capsys):
    for main, prog in ((predict_cli.main, "nn-numpy-predict"), (check_cli.main, "nn-numpy-check")):
        with pytest.raises(SystemExit) as exc:
            main(["--bogus"])
        out, err = capsys.readouterr()
        assert (exc.value.code, out, err.count("\n")) == (2, "", 1)
        assert err.startswith(f"{prog}: error: ")


def test_a_closed_stderr_never_sends_the_error_to_stdout(tmp_path):
    r = subprocess.run(
        [_script("nn-numpy-train"), "--data-path", "nope.csv"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        pass_fds=(), close_fds=True, preexec_fn=lambda: os.close(2),
    )  # fmt: skip
    assert (r.returncode, r.stdout) == (2, "")


def test_a_closed_stderr_never_sends_a_bad_flag_message_to_stdout(tmp_path):
    r = subprocess.run(
        [_script("nn-numpy-predict"), "--bogus"],
        cwd=tmp_path, stdout=subprocess.PIPE, text=True, preexec_fn=lambda: os.close(2),
    )  # fmt: skip
    assert (r.returncode, r.stdout) == (2, "")


def test_memory_beyond_what_is_available_is_refused_and_what_fits_is_not():
    require_memory(1000, "fits", available=1000)
    with pytest.raises(ResourceError, match="needs about 1 KB of memory, but only 999 bytes"):
        require_memory(1000, "too much", available=999)


def test_a_closed_stdout_still_saves_the_model_then_reports_it_once_with_status_1(tmp_path):
    model = tmp_path / "m.npz"
    r = subprocess.run(
        [_script("nn-numpy-train"), *QUICK, "--save-model", str(model)],
        cwd=tmp_path, stderr=subprocess.PIPE, text=True, preexec_fn=lambda: os.close(1),
    )  # fmt: skip
    assert r.returncode == 1
    assert r.stderr == "nn-numpy-train: error: cannot write standard output: it was closed\n"
    assert model.read_bytes()[:2] == b"PK"  # the model, not the printed report, is in the file


def test_predict_to_a_full_stdout_prints_only_the_write_error_not_the_accuracy(tmp_path):
    full = _full_device(tmp_path)
    model = tmp_path / "m.npz"
    assert train_cli.main([*QUICK, "--save-model", str(model)]) == 0
    with open(full, "w") as out:
        r = subprocess.run(
            [_script("nn-numpy-predict"), "--model", str(model), "--data-path", BASIC],
            cwd=tmp_path, stdout=out, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
    assert r.returncode == 1
    assert (
        r.stderr
        == "nn-numpy-predict: error: cannot write standard output: No space left on device\n"
    )
    assert stat.S_ISCHR(full.stat().st_mode)


def test_a_socket_as_output_is_refused_before_training(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind("so")
        assert train_cli.main([*QUICK, "--metrics-json", "so"]) == 2
    finally:
        sock.close()
    out, err = capsys.readouterr()
    assert out == ""  # refused before training printed anything
    assert (
        err == "nn-numpy-train: error: --metrics-json: so is a socket; open() cannot write to it, "
        "give a file name\n"
    )


@pytest.mark.parametrize("json_path", ["my_nn.py", "./my_nn.py", "link.py", "hard.py"])
def test_check_json_never_overwrites_the_targets_own_file(json_path, user_dir, capsys):
    os.symlink("my_nn.py", user_dir / "link.py")
    os.link(user_dir / "my_nn.py", user_dir / "hard.py")
    assert check_cli.main(["my_nn.py:gradients", "--no-torch", "--json", json_path]) == 2
    assert (user_dir / "my_nn.py").read_text(encoding="utf-8") == GOOD
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is the TARGET input" in err


@pytest.mark.parametrize(
    ("json_path", "problem"),
    [("", "the path is empty"), ("new/", "names a directory"), (".", "is a directory")],
)
def test_check_json_path_that_cannot_be_a_file_is_refused_with_status_2(
    json_path, problem, user_dir, capsys
):
    assert check_cli.main(["my_nn.py:gradients", "--no-torch", "--json", json_path]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and problem in err
    assert sorted(os.listdir(user_dir)) == ["my_nn.py"]


def test_check_json_write_failure_is_one_line_with_status_1_and_the_device_stays(user_dir, capsys):
    full = _full_device(user_dir)
    assert check_cli.main(["my_nn.py:gradients", "--no-torch", "--json", str(full)]) == 1
    err = capsys.readouterr().err
    assert err == f"nn-numpy-check: error: cannot write {str(full)!r}: No space left on device\n"
    assert stat.S_ISCHR(full.stat().st_mode)


def test_check_report_to_a_full_stdout_is_one_line_not_a_traceback(user_dir):
    full = _full_device(user_dir)
    with open(full, "w") as out:
        r = subprocess.run(
            [_script("nn-numpy-check"), "my_nn.py:gradients", "--no-torch"],
            cwd=user_dir, stdout=out, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
    assert r.returncode == 1
    assert (
        r.stderr == "nn-numpy-check: error: cannot write standard output: No space left on device\n"
    )


@pytest.mark.parametrize(
    ("cost", "text"),
    [(0.040450, "0.040450"), (0.6931471805599453, "0.693147"), (999999.0, "999999.000000"),
     (4.842607e149, "4.842607e+149"), (1.7e308, "1.700000e+308")],
)  # fmt: skip
def test_a_huge_finite_cost_prints_in_exponent_form_and_a_normal_one_as_before(cost, text):
    assert format_cost(cost) == text


def test_an_epoch_line_with_a_huge_cost_stays_short(tmp_path, capsys):
    data = tmp_path / "huge.csv"
    rows = ["1e150,0", "-1e150,1", "2e150,0", "-2e150,1", "1e150,0", "-1e150,1"]
    data.write_text("x,label\n" + "\n".join(rows) + "\n", encoding="utf-8")
    argv = ["--data-path", str(data), "--no-standardize", "--epochs", "2", "--print-every", "1"]
    train_cli.main(argv)
    epoch_lines = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("epoch")]
    assert epoch_lines and all(len(ln) < 40 for ln in epoch_lines)


def test_predictions_to_the_file_stdout_goes_to_are_not_overwritten_by_the_next_line(tmp_path):
    model = tmp_path / "m.npz"
    assert train_cli.main([*QUICK, "--save-model", str(model)]) == 0
    log = tmp_path / "log"
    argv = ["--model", str(model), "--data-path", BASIC, "--output", str(log)]
    with open(log, "w") as out:  # as a shell's `> log`: no O_APPEND
        r = subprocess.run([_script("nn-numpy-predict"), *argv], stdout=out, text=True)
    assert r.returncode == 0
    text = log.read_text(encoding="utf-8")
    assert text.startswith("probability,prediction\n")
    assert f"wrote 12 predictions to {log}\n" in text
