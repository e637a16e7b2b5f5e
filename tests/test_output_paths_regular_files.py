"""The output-path policy (nn_numpy.io.atomic) for regular files, through every writer: written
through a temporary file and a rename, modes as a plain open gives them, nothing left behind on
an error, names at the file-name limit.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator

import pytest

from nn_numpy.io.atomic import WriteError, atomic_write
from tests.helpers_outputs import NAMES, WRITERS, check_written, no_temp_files, run


@pytest.fixture
def umask() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


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


def test_write_error_names_the_path_as_given():
    error = WriteError(errno.ENOSPC, "No space left on device", "out/m.npz")
    assert str(error) == "cannot write 'out/m.npz': No space left on device"
    assert isinstance(error, OSError)


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
