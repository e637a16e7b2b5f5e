"""The output-path policy (nn_numpy.io.atomic, nn_numpy.cli._outputs) for symbolic links, devices,
FIFOs and a full standard output, through every writer.

Device nodes are created only inside pytest's temporary directories (os.mknod needs root):
(1, 7) behaves like a full disk (writes fail with ENOSPC), (1, 3) like a null device. No test
ever names a real /dev node.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from nn_numpy.io.atomic import atomic_write
from tests.helpers_outputs import NAMES, WRITERS, check_written, needs_root, no_temp_files, run

# --- symbolic links, devices, FIFOs ------------------------------------------------------------


@pytest.mark.parametrize("writer", WRITERS)
def test_output_follows_a_symlink_instead_of_replacing_it(writer, data, tmp_path, capsys):
    target = tmp_path / "real" / NAMES[writer]
    target.parent.mkdir()
    target.write_text("old")
    link = tmp_path / NAMES[writer]
    link.symlink_to(target)
    assert run(writer, link, data, capsys)[0] == 0
    assert link.is_symlink() and os.readlink(link) == str(target)
    check_written(writer, target)
    assert no_temp_files(tmp_path) and no_temp_files(target.parent)


def test_dangling_symlink_output_creates_its_target(data, tmp_path, capsys):
    link = tmp_path / "m.json"
    link.symlink_to(tmp_path / "target.json")
    assert run("metrics", link, data, capsys)[0] == 0
    assert link.is_symlink()
    check_written("metrics", tmp_path / "target.json")


def _device(tmp_path: Path, minor: int) -> Path:
    path = tmp_path / f"dev-1-{minor}"
    os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, minor))
    return path


@needs_root
@pytest.mark.parametrize("writer", WRITERS)
def test_output_to_a_device_writes_the_device_and_leaves_the_node(writer, data, tmp_path, capsys):
    null = _device(tmp_path, 3)
    assert run(writer, null, data, capsys)[0] == 0
    st = null.lstat()
    assert stat.S_ISCHR(st.st_mode) and st.st_rdev == os.makedev(1, 3)
    assert no_temp_files(tmp_path)


@needs_root
@pytest.mark.parametrize("writer", WRITERS)
def test_write_error_on_a_full_device_is_one_line_naming_the_path_exit_1(
    writer, data, tmp_path, capsys
):
    full = _device(tmp_path, 7)
    code, _, err = run(writer, full, data, capsys)
    assert code == 1
    prog = "nn-numpy-predict" if writer == "predictions" else "nn-numpy-train"
    assert err == f"{prog}: error: cannot write {str(full)!r}: No space left on device\n"
    assert stat.S_ISCHR(full.lstat().st_mode)
    assert no_temp_files(tmp_path)


def test_output_to_a_fifo_is_written_in_place(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    with atomic_write(fifo, "wb") as f:
        f.write(b"through the pipe")
    reader.join(timeout=10)
    assert received == [b"through the pipe"]
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


# --- standard output ---------------------------------------------------------------------------


@needs_root
def test_predict_to_a_full_stdout_is_one_line_exit_1(data, model, tmp_path):
    full = _device(tmp_path, 7)
    argv = ["--model", str(model), "--data-path", str(data)]
    with open(full, "w") as stdout:
        result = subprocess.run(
            [sys.executable, "-m", "nn_numpy.predict", *argv],
            stdout=stdout,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[-1] == "nn-numpy-predict: error: cannot write standard output: " + (
        "No space left on device"
    )
    # Only the error: an accuracy for predictions that were never written would mislead.
    assert "Traceback" not in result.stderr and len(lines) == 1
