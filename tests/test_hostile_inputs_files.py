"""Hostile data files and lines: devices, endless streams, empty and directory paths, line
separators inside a row, bad cells and labels, any bytes. Every one gives one clear line and
exit 2, never a hang, never a traceback, never a warning.

Device nodes and FIFOs are created inside tmp_path; the real /dev/* nodes are never touched.
"""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nn_numpy.io import reader
from nn_numpy.io.data import load_table
from nn_numpy.io.reader import DataError, read_table
from tests.helpers import train_fails as _fails

pytestmark = pytest.mark.filterwarnings("error")  # a warning is a failure here


needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="creating device nodes needs root")


def _device(tmp_path: Path, name: str, minor: int) -> Path:
    """A character device like /dev/zero (1, 5) or /dev/urandom (1, 9), inside tmp_path."""
    path = tmp_path / name
    os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, minor))
    return path


@needs_root
def test_a_zero_device_as_data_path_is_refused_at_its_first_nul_byte(tmp_path, capsys):
    zero = _device(tmp_path, "zero", 5)
    assert "zero, line 1: NUL byte; this is not a text file" in _fails(
        ["--data-path", str(zero), "--epochs", "1"], capsys
    )


@needs_root
def test_a_random_device_as_data_path_is_refused_without_reading_forever(tmp_path, capsys):
    err = _fails(["--data-path", str(_device(tmp_path, "urandom", 9)), "--epochs", "1"], capsys)
    assert "NUL byte" in err or "not a UTF-8 text file" in err


@pytest.fixture
def endless_fifo(tmp_path: Path) -> Iterator[Path]:
    """A FIFO whose writer sends valid CSV rows until the reader closes it (or 16 MiB, so that
    a reader without a cap fails the test instead of exhausting memory)."""
    path = tmp_path / "fifo.csv"
    os.mkfifo(path)

    def write() -> None:
        with open(path, "wb") as f:  # blocks until the reader opens the FIFO
            try:
                f.write(b"x1,label\n")
                for _ in range(16 * 2**20 // 60000):
                    f.write(b"1.5,0\n" * 10000)
            except BrokenPipeError:
                pass

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    yield path
    writer.join(timeout=10)
    assert not writer.is_alive()


def test_an_endless_stream_is_refused_at_the_size_cap(endless_fifo, monkeypatch, capsys):
    monkeypatch.setattr(reader, "MAX_DATA_BYTES", 2 * 2**20)
    err = _fails(["--data-path", str(endless_fifo), "--epochs", "1"], capsys)
    assert "fifo.csv: larger than the 2 MiB limit for data files" in err


def test_a_regular_file_over_the_stream_cap_is_read(tmp_path, monkeypatch):
    """The cap is for streams (no size known); a regular file is checked against memory
    instead (tests/test_reader_streaming.py)."""
    monkeypatch.setattr(reader, "MAX_DATA_BYTES", 1000)
    path = tmp_path / "d.csv"
    path.write_bytes(b"x1,label\n" + b"1,0\n" * 247 + b"1,1\n")  # 1001 bytes
    assert read_table(path).values.shape == (248, 2)


def test_an_empty_data_path_is_named_as_empty_not_as_the_current_directory(capsys):
    err = _fails(["--data-path", "", "--epochs", "1"], capsys)
    assert err == "nn-numpy-train: error: the data path is empty; give the path of a CSV file\n"


def test_a_directory_as_data_path_says_so(tmp_path, capsys):
    assert f"{tmp_path}: is a directory, not a data file" in _fails(
        ["--data-path", str(tmp_path), "--epochs", "1"], capsys
    )


SEPARATORS = ["\f", "\v", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029", "\r", "\x00"]


@pytest.mark.parametrize("sep", SEPARATORS, ids=[f"U+{ord(c):04X}" for c in SEPARATORS])
def test_a_line_separator_other_than_newline_inside_a_row_is_an_error_naming_the_line(
    tmp_path, sep
):
    """str.splitlines would split '1,0<sep>2,1' into two examples; the reader must not."""
    path = tmp_path / "d.csv"
    path.write_bytes(f"x1,label\n3,1\n\n1,0{sep}2,1\n".encode())
    with pytest.raises(DataError) as info:
        read_table(path)
    message = str(info.value)
    assert message.startswith(f"{path}, line 4: ")
    assert "\n" not in message
    named = "NUL byte" if sep == "\x00" else f"control character U+{ord(sep):04X} inside a line"
    assert named in message


def test_crlf_line_ends_are_line_ends(tmp_path):
    path = tmp_path / "d.csv"
    path.write_bytes(b"x1,label\r\n1,0\r\n2,1\r\n")
    np.testing.assert_array_equal(load_table(path), [[1, 0], [2, 1]])


def test_a_fullwidth_digit_is_reported_by_its_1_based_file_line(tmp_path, capsys):
    path = tmp_path / "d.csv"
    path.write_text("x1,label\n1,0\n\n\uff11,1\n", encoding="utf-8")
    err = _fails(["--data-path", str(path), "--epochs", "1"], capsys)
    assert err == f"nn-numpy-train: error: {path}, line 4, column 1: '\uff11' is not a number\n"


def test_a_bad_label_is_reported_by_its_file_line_not_its_row_index(tmp_path, capsys):
    path = tmp_path / "d.csv"
    path.write_text("x1,label\n\n1,0\n\n2,7\n3,1\n", encoding="utf-8")
    assert f"{path}, line 5: labels (the last column) must be 0 or 1, found 7" in _fails(
        ["--data-path", str(path), "--epochs", "1"], capsys
    )


@settings(max_examples=300)
@given(
    st.binary(max_size=200)
    | st.text(alphabet=st.sampled_from("01.,-e\n\r\t x\f\u2028\x00"), max_size=80)
)
def test_any_bytes_give_a_table_or_one_line_data_error(tmp_path_factory, content):
    path = tmp_path_factory.mktemp("fuzz") / "d.csv"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    try:
        table = read_table(path)
    except DataError as e:
        assert "\n" not in str(e) and str(e).startswith(str(path))
    else:
        assert np.all(np.isfinite(table.values))
        assert table.values.shape[1] == len(table.columns)
