"""The output-path policy (nn_numpy.io.atomic, nn_numpy.cli._outputs), through every writer.

Device nodes are created only inside pytest's temporary directories (os.mknod needs root):
(1, 7) behaves like a full disk (writes fail with ENOSPC), (1, 3) like a null device. No test
ever names a real /dev node.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from nn_numpy.cli import predict as cli_predict
from nn_numpy.cli import train as cli_train
from nn_numpy.cli._errors import RunError
from nn_numpy.cli._outputs import write_metrics
from nn_numpy.io.atomic import WriteError, atomic_write
from nn_numpy.io.columns import Columns
from nn_numpy.io.data import Standardizer
from nn_numpy.io.model_io import load_model, save_model
from nn_numpy.network import init_params

ROOT = Path(__file__).parents[1]
BASIC = ROOT / "data" / "basic_dataset.csv"
XY_LABEL = Columns(("x1", "x2"), "label")  # the header of data/*.csv
FLAGS = {"model": "--save-model", "metrics": "--metrics-json", "plot": "--plot"}
NAMES = {"model": "m.npz", "metrics": "m.json", "plot": "p.png", "predictions": "p.csv"}
WRITERS = ["model", "metrics", "plot", "predictions"]
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="os.mknod needs root")


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A private copy of the basic dataset, so a test can prove it was not overwritten."""
    return Path(shutil.copy(BASIC, tmp_path / "data.csv"))


@pytest.fixture
def model(tmp_path: Path) -> Path:
    path = tmp_path / "model.npz"
    save_model(path, init_params(2, 3, 0), Standardizer.identity(2), np.float64, XY_LABEL)
    return path


@pytest.fixture
def umask() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def run(
    writer: str, path: str | Path, data: Path, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, str, str]:
    """Write ``path`` with one writer: a train run's output flag, or predict's --output."""
    if writer == "plot":
        pytest.importorskip("matplotlib")
    if writer == "predictions":
        model = data.parent / "model.npz"
        if not model.exists():
            save_model(model, init_params(2, 3, 0), Standardizer.identity(2), np.float64, XY_LABEL)
        argv = ["--model", str(model), "--data-path", str(data), "--output", str(path), *extra]
        code = cli_predict.main(argv)
    else:
        argv = ["--data-path", str(data), "--epochs", "3", FLAGS[writer], str(path), *extra]
        code = cli_train.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def check_written(writer: str, path: Path) -> None:
    """The file holds what the writer writes."""
    if writer == "model":
        assert load_model(path).hidden_size == 5
    elif writer == "metrics":
        assert json.loads(path.read_text())["epochs"] == 3
    elif writer == "plot":
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    else:
        assert path.read_text().startswith("probability,prediction\n")


def no_temp_files(directory: Path) -> bool:
    return not [p for p in directory.iterdir() if p.name.endswith(".tmp")]


# --- regular files: atomic, modes like a plain open ------------------------------------------


@pytest.mark.parametrize(
    ("writer", "mask"),
    [*((w, 0o027) for w in WRITERS), ("metrics", 0o022), ("metrics", 0o002), ("metrics", 0o077)],
)
def test_new_output_file_mode_follows_the_umask(writer, mask, data, tmp_path, capsys):
    path = tmp_path / NAMES[writer]
    old = os.umask(mask)
    try:
        assert run(writer, path, data, capsys)[0] == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask
    check_written(writer, path)


@pytest.mark.parametrize("writer", WRITERS)
def test_replaced_output_file_keeps_its_mode(writer, data, tmp_path, capsys, umask):
    path = tmp_path / NAMES[writer]
    path.write_text("old")
    path.chmod(0o640)
    assert run(writer, path, data, capsys)[0] == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    check_written(writer, path)


@pytest.mark.parametrize("writer", WRITERS)
def test_output_replaces_the_file_by_rename_so_readers_never_see_it_half_written(
    writer, data, tmp_path, capsys
):
    """A rename puts a new inode at the path; an in-place write would reuse (and truncate) the
    old one, which a reader holding it open would see change."""
    path = tmp_path / NAMES[writer]
    path.write_text("old contents")
    with open(path) as reader:
        old_inode = os.fstat(reader.fileno()).st_ino
        assert run(writer, path, data, capsys)[0] == 0
        assert reader.read() == "old contents"
    assert path.stat().st_ino != old_inode
    check_written(writer, path)
    assert no_temp_files(tmp_path)


def test_failed_write_leaves_the_old_file_and_no_temp_file(tmp_path):
    path = tmp_path / "out.txt"
    path.write_text("old")
    with pytest.raises(ZeroDivisionError), atomic_write(path) as f:
        f.write("new, half")
        1 / 0  # noqa: B018
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


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


def test_write_error_names_the_path_as_given():
    error = WriteError(errno.ENOSPC, "No space left on device", "out/m.npz")
    assert str(error) == "cannot write 'out/m.npz': No space left on device"
    assert isinstance(error, OSError)


# --- refused before the run: one line, exit 2, nothing written -------------------------------


def _refused(code: int, out: str, err: str, expected: str) -> None:
    assert code == 2
    assert out == ""  # refused before the data is even read
    assert err.count("\n") == 1 and err.endswith(expected + "\n"), err


@pytest.mark.parametrize("writer", WRITERS)
def test_empty_output_path_is_refused_before_the_run(writer, data, tmp_path, capsys):
    flag = FLAGS.get(writer, "--output")
    _refused(*run(writer, "", data, capsys), f"{flag}: the path is empty; give a file name")


@pytest.mark.parametrize("writer", WRITERS)
def test_trailing_slash_output_is_refused_instead_of_writing_a_file(writer, data, tmp_path, capsys):
    path = f"{tmp_path}/newdir/"
    expected = f"{path} ends with '/', so it names a directory; give a file name"
    _refused(*run(writer, path, data, capsys), expected)
    assert not (tmp_path / "newdir").exists()


@pytest.mark.parametrize("writer", WRITERS)
def test_directory_output_is_refused_before_the_run(writer, data, tmp_path, capsys):
    (tmp_path / "d.png").mkdir()
    _refused(*run(writer, tmp_path / "d.png", data, capsys), f"{tmp_path / 'd.png'} is a directory")


@pytest.mark.parametrize("writer", WRITERS)
def test_output_in_a_missing_directory_is_refused_before_the_run(writer, data, tmp_path, capsys):
    path = tmp_path / "missing" / NAMES[writer]
    _refused(*run(writer, path, data, capsys), f"directory {path.parent} does not exist")


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write any file")
def test_read_only_output_file_is_refused_not_replaced(data, tmp_path, capsys):
    path = tmp_path / "m.json"
    path.write_text("keep")
    path.chmod(0o444)
    _refused(*run("metrics", path, data, capsys), f"{path} is not writable")
    assert path.read_text() == "keep"


@pytest.mark.parametrize("spelling", ["same", "dot-slash", "symlink", "hardlink"])
def test_two_outputs_naming_one_file_are_refused(spelling, data, tmp_path, capsys):
    first = tmp_path / "x"
    first.write_text("keep")
    second = {"same": str(first), "dot-slash": f"{tmp_path}/./x"}.get(spelling, tmp_path / "y")
    if spelling == "symlink":
        second.symlink_to(first)
    elif spelling == "hardlink":
        os.link(first, second)
    code, out, err = run("model", first, data, capsys, "--metrics-json", str(second))
    _refused(code, out, err, f"name the same file ({first}); give each output its own path")
    assert first.read_text() == "keep"


def test_two_new_outputs_naming_one_path_are_refused(data, tmp_path, capsys):
    path = tmp_path / "x"
    code, out, err = run("model", path, data, capsys, "--metrics-json", str(path))
    _refused(code, out, err, f"--metrics-json and --save-model name the same file ({path}); "
             "give each output its own path")  # fmt: skip
    assert list(tmp_path.iterdir()) == [data]


@pytest.mark.parametrize("writer", ["model", "metrics", "predictions"])
@pytest.mark.parametrize("spelling", ["same", "symlink"])
def test_output_naming_the_data_path_is_refused_and_the_data_kept(
    writer, spelling, data, tmp_path, capsys
):
    before = data.read_bytes()
    path = data
    if spelling == "symlink":
        path = tmp_path / "link"
        path.symlink_to(data)
    flag = FLAGS.get(writer, "--output")
    code, out, err = run(writer, path, data, capsys)
    _refused(code, out, err, f"{flag}: {path} is the --data-path input; writing it would "
             "overwrite the input, give another path")  # fmt: skip
    assert data.read_bytes() == before


def test_plot_naming_the_data_path_is_refused(data, tmp_path, capsys):
    png = tmp_path / "d.png"
    png.symlink_to(data)
    _refused(*run("plot", png, data, capsys), f"--plot: {png} is the --data-path input; writing "
             "it would overwrite the input, give another path")  # fmt: skip


def test_predictions_naming_the_model_are_refused_and_the_model_kept(data, model, capsys):
    before = model.read_bytes()
    argv = ["--model", str(model), "--data-path", str(data), "--output", str(model)]
    assert cli_predict.main(argv) == 2
    out, err = capsys.readouterr()
    _refused(2, out, err, f"--output: {model} is the --model input; writing it would "
             "overwrite the input, give another path")  # fmt: skip
    assert model.read_bytes() == before


@pytest.mark.parametrize("name", ["p.pdf", "p.svg", "plot", "p.png.txt"])
def test_plot_path_must_end_in_png_the_format_written(name, data, tmp_path, capsys):
    path = tmp_path / name
    expected = f"--plot: writes a PNG image, so the path must end in .png: {path}"
    _refused(*run("plot", path, data, capsys), expected)
    assert not path.exists()


def test_plot_suffix_is_case_insensitive(data, tmp_path, capsys):
    assert run("plot", tmp_path / "P.PNG", data, capsys)[0] == 0


# --- strict JSON -------------------------------------------------------------------------------


def _strict(text: str) -> object:
    def refuse(token: str) -> None:
        raise ValueError(f"not strict JSON: {token}")

    return json.loads(text, parse_constant=refuse)


def test_metrics_json_is_strict_json(data, tmp_path, capsys):
    path = tmp_path / "m.json"
    assert run("metrics", path, data, capsys)[0] == 0
    assert _strict(path.read_text())["epochs"] == 3  # type: ignore[index]


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan")])
def test_metrics_with_a_non_finite_number_are_refused_and_nothing_written(value, tmp_path):
    path = tmp_path / "m.json"
    with pytest.raises(RunError, match=r"--metrics-json: not writing .*Out of range float"):
        write_metrics(str(path), {"final_cost": value})
    assert list(tmp_path.iterdir()) == []


def test_strict_check_rejects_infinity():
    """The checker used above is itself able to fail."""
    with pytest.raises(ValueError, match="Infinity"):
        _strict('{"final_cost": Infinity}')


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


# --- an output that is this process's own standard output (/dev/stdout) ------------------------


def _train_with_metrics_to_own_stdout(tmp_path: Path, stdout: object) -> subprocess.Popen[bytes]:
    """Run train with --metrics-json a link to /proc/self/fd/1 (what /dev/stdout is), with
    stdout block-buffered (as it is by default for a pipe or file) so that order is tested."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    link = tmp_path / "stdout.json"
    link.symlink_to("/proc/self/fd/1")
    argv = ["--data-path", str(BASIC), "--epochs", "3", "--metrics-json", str(link)]
    return subprocess.Popen(
        [sys.executable, "-m", "nn_numpy.train", *argv],
        stdout=stdout,
        stderr=subprocess.PIPE,
        env={**env, "PYTHONPATH": str(ROOT)},
    )


@pytest.mark.skipif(not Path("/proc/self/fd/1").exists(), reason="needs /proc")
def test_metrics_to_own_stdout_pipe_follows_the_report(tmp_path):
    child = _train_with_metrics_to_own_stdout(tmp_path, subprocess.PIPE)
    out, err = child.communicate(timeout=60)
    assert (child.returncode, err) == (0, b"")
    report, _, metrics = out.decode().partition("test accuracy:")
    assert report.startswith("data: ")
    assert _strict(metrics[metrics.index("\n") + 1 :])["epochs"] == 3  # type: ignore[index]
    assert (tmp_path / "stdout.json").is_symlink()


@pytest.mark.skipif(not Path("/proc/self/fd/1").exists(), reason="needs /proc")
def test_metrics_to_own_stdout_file_is_appended_not_replaced(tmp_path):
    log = tmp_path / "log.txt"
    with open(log, "wb") as stdout:
        child = _train_with_metrics_to_own_stdout(tmp_path, stdout)
        _, err = child.communicate(timeout=60)
        inode = os.fstat(stdout.fileno()).st_ino
    assert (child.returncode, err) == (0, b"")
    assert log.stat().st_ino == inode
    report, _, metrics = log.read_text().partition("test accuracy:")
    assert report.startswith("data: ")
    assert _strict(metrics[metrics.index("\n") + 1 :])["epochs"] == 3  # type: ignore[index]


def test_output_through_a_symlink_loop_is_refused(data, tmp_path, capsys):
    loop = tmp_path / "loop.json"
    loop.symlink_to(loop)
    expected = f"--metrics-json: {loop} cannot be used: Too many levels of symbolic links"
    _refused(*run("metrics", loop, data, capsys), expected)


def test_output_under_a_file_is_refused(data, tmp_path, capsys):
    path = data / "m.json"
    _refused(*run("metrics", path, data, capsys), f"{path} cannot be used: Not a directory")


def test_failed_rename_is_a_write_error_naming_the_path_and_leaves_no_temp_file(
    tmp_path, monkeypatch
):
    def cross_device(src: str, dst: str) -> None:
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(os, "replace", cross_device)
    path = tmp_path / "out.txt"
    with pytest.raises(WriteError) as info, atomic_write(path) as f:
        f.write("data")
    assert str(info.value) == f"cannot write {str(path)!r}: Invalid cross-device link"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("char", ["m", "é"])
def test_output_name_at_the_file_name_limit_is_written(char, tmp_path):
    """254 bytes (é is two in UTF-8): the temporary file's name must still fit in 255."""
    path = tmp_path / (char * (250 // len(char.encode())) + ".csv")
    with atomic_write(path) as f:
        f.write("ok")
    assert path.read_text() == "ok"
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_plot_naming_the_data_path_says_so_rather_than_asking_for_png(data, capsys):
    _refused(*run("plot", data, data, capsys), f"--plot: {data} is the --data-path input; "
             "writing it would overwrite the input, give another path")  # fmt: skip
