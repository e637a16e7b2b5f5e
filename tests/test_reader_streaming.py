"""The data reader streams: a file read in many blocks gives the same table and the same error
lines as one read whole; its peak memory stays near the parsed values whatever the header holds;
predict checks the header against the model before any row is parsed; a regular file is refused
before its body is read when its values cannot fit in memory."""

from __future__ import annotations

import io
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nn_numpy.cli import predict as predict_cli
from nn_numpy.io import reader, resources
from nn_numpy.io.columns import Columns
from nn_numpy.io.data import Standardizer
from nn_numpy.io.model_io import save_model
from nn_numpy.io.reader import DataError, read_table
from nn_numpy.network import init_params


def _brute_lines(text: str) -> list[int]:
    """The file line of every data row, counted directly from the text."""
    lines = text.replace("\r\n", "\n").split("\n")
    return [n for n, line in enumerate(lines, start=1) if n > 1 and line.strip(" \t")]


ROW = st.sampled_from(["1,0", "2.5,1", " 3 ,0", "-1e3,1", "", "  ", "\t", "4,1\r"])


@settings(max_examples=100, deadline=None)
@given(st.lists(ROW, min_size=1, max_size=60), st.sampled_from([7, 16, 64, 1 << 20]))
def test_a_file_read_in_blocks_gives_the_table_and_lines_of_one_read_whole(
    tmp_path_factory, rows, chunk
):
    text = "x,label\n" + "\n".join(rows)
    path = tmp_path_factory.mktemp("blocks") / "d.csv"
    path.write_bytes(text.encode())
    whole = _outcome(path)  # a file this small is one read
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(reader, "_CHUNK", chunk)
        blocks = _outcome(path)
    if isinstance(whole, str):
        assert blocks == whole
        return
    assert not isinstance(blocks, str), blocks
    assert np.array_equal(blocks.values, whole.values)
    lines = _brute_lines(text)
    assert [blocks.line(i) for i in range(len(blocks.values))] == lines
    assert [whole.line(i) for i in range(len(whole.values))] == lines


def _outcome(path: Path) -> reader.Table | str:
    try:
        return read_table(path)
    except DataError as e:
        return str(e)


def test_table_line_is_the_file_line_with_blank_lines_before_and_after(tmp_path):
    text = "a,b\n\n1,2\n \n\n3,4\n5,6\n\t\n7,8\n"
    path = tmp_path / "d.csv"
    path.write_text(text)
    table = read_table(path)
    assert [table.line(i) for i in range(4)] == [3, 6, 7, 9] == _brute_lines(text)
    with pytest.raises(IndexError):
        table.line(4)


BAD_ROWS = {
    "not a number": ("7,x\n", "line {n}, column 2: 'x' is not a number"),
    "short row": ("7\n", "line {n}: expected 2 comma-separated values (as in the header), found 1"),
    "not finite": ("7,inf\n", "line {n}, column 2: value inf is not finite"),
    "control character": ("7,\x0c1\n", "line {n}: control character U+000C inside a line"),
    "NUL": ("7,\x001\n", "line {n}: NUL byte; this is not a text file"),
}


@pytest.mark.parametrize("bad", list(BAD_ROWS.values()), ids=list(BAD_ROWS))
def test_a_bad_row_in_a_later_block_is_named_by_its_file_line(bad, tmp_path, monkeypatch):
    monkeypatch.setattr(reader, "_CHUNK", 64)
    row, message = bad
    good = "1,0\n\n" * 40  # blank lines between: they count as file lines
    path = tmp_path / "d.csv"
    path.write_bytes(("x,label\n" + good + row + good).encode())
    with pytest.raises(DataError) as exc:
        read_table(path)
    assert str(exc.value) == f"{path}, " + message.format(n=82) + (
        "; rows must be separated by newlines only" if "control" in message else ""
    ) + (" (NaN and infinity are not allowed)" if "finite" in message else "")  # fmt: skip


def _peak(read: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        read()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("header", ["x1,x2,label", "温度 °C,x2,label"], ids=["ascii", "non-ascii"])
def test_reading_peaks_at_about_three_times_the_values_whatever_the_header(header, tmp_path):
    rows = 300_000
    path = tmp_path / "d.csv"
    rng = np.random.default_rng(0)
    with path.open("w", encoding="utf-8") as f:
        f.write(header + "\n")
        np.savetxt(f, np.c_[rng.standard_normal((rows, 2)), rng.integers(0, 2, rows)],
                   fmt=["%.6f", "%.6f", "%d"], delimiter=",")  # fmt: skip
    nbytes = rows * 3 * 8
    peak = _peak(lambda: read_table(path))
    assert peak <= 3 * nbytes + 8 * reader._CHUNK * 4, (peak, nbytes)  # + a block's text, UCS-4


def test_the_peak_measure_sees_a_reader_that_holds_the_whole_text(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("温,label\n" + "1.000000,0\n" * 200_000, encoding="utf-8")
    size = path.stat().st_size
    assert _peak(lambda: np.loadtxt(io.StringIO(path.read_text()), delimiter=",",
                                    skiprows=1)) > 3 * size  # fmt: skip


@pytest.fixture
def model_path(tmp_path: Path) -> Path:
    path = tmp_path / "m.npz"
    save_model(path, init_params(2, 3, 1), Standardizer.identity(2), np.float64,
               Columns(("x1", "x2"), "label"))  # fmt: skip
    return path


def test_predict_refuses_a_header_that_does_not_match_before_parsing_the_body(
    model_path, tmp_path, monkeypatch, capsys
):
    path = tmp_path / "d.csv"
    path.write_text("x1,x3\n" + "1,2\n" * 200_000 + "oops,1\n")
    parsed = []
    monkeypatch.setattr(reader, "_loadtxt", lambda *a: parsed.append(a) or None)
    assert predict_cli.main(["--model", str(model_path), "--data-path", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "line 1: missing feature column(s) 'x2'; unexpected column(s) 'x3'" in err
    assert parsed == []


def test_predict_without_names_refuses_a_wrong_column_count_from_the_header(
    tmp_path, monkeypatch, capsys
):
    path = tmp_path / "m.npz"
    save_model(path, init_params(2, 3, 1), Standardizer.identity(2), np.float64)
    data = tmp_path / "d.csv"
    data.write_text("a,b,c,d\n" + "1,2,3,4\n" * 10)
    parsed = []
    monkeypatch.setattr(reader, "_loadtxt", lambda *a: parsed.append(a) or None)
    assert predict_cli.main(["--model", str(path), "--data-path", str(data)]) == 2
    assert "the model takes 2 features" in capsys.readouterr().err
    assert parsed == []


def test_a_file_whose_values_cannot_fit_in_memory_is_refused_before_its_body(tmp_path, monkeypatch):
    path = tmp_path / "d.csv"
    path.write_text("x,label\n" + "1,0\n" * 1_000_000)  # 4 MB: 16 MB of values
    parsed = []
    loadtxt = reader._loadtxt
    monkeypatch.setattr(reader, "_loadtxt", lambda *a: parsed.append(1) or loadtxt(*a))
    monkeypatch.setattr(resources, "available_memory", lambda: 20 * 10**6)
    with pytest.raises(resources.ResourceError, match=r"d\.csv: reading 4000008 bytes of data "
                       r"needs about 32 MB of memory, but only 20 MB is available"):  # fmt: skip
        read_table(path)
    assert parsed == []
    monkeypatch.setattr(resources, "available_memory", lambda: 40 * 10**6)
    assert read_table(path).values.shape == (1_000_000, 2)


def test_a_line_without_end_is_refused_at_the_cap_not_held_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(reader, "MAX_DATA_BYTES", 3 * 2**20)
    monkeypatch.setattr(reader, "_CHUNK", 2**20)
    path = tmp_path / "d.csv"
    path.write_bytes(b"x,label\n1,0\n" + b"1" * (5 * 2**20))  # a regular file: no size cap
    with pytest.raises(DataError, match=r"d\.csv, line 3: a line of more than 3 MiB"):
        read_table(path)
