"""The reader's and the column rules' documented limits, each exactly at the limit (accepted) and
one past it (refused), and column names kept exactly as written (a byte-order mark is not part
of the first name). The size cap is read at call time, so it is lowered here to a few bytes; its
value is tested against the README separately."""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import numpy as np
import pytest

from nn_numpy.io import reader
from nn_numpy.io.columns import (
    MAX_NAME,
    Columns,
    match_by_position,
    match_columns,
    training_columns,
)
from nn_numpy.io.reader import DataError, read_table
from tests.helpers import pages_with

ROOT = Path(__file__).resolve().parent.parent


def write(tmp_path: Path, data: bytes | str, name: str = "d.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def sized(n: int) -> bytes:
    """A valid data file of exactly ``n`` bytes (n >= 8): a header, one row, padding spaces."""
    body = b"a,b\n1,2"
    assert n >= len(body) + 1
    return body + b" " * (n - len(body) - 1) + b"\n"


def test_the_stream_cap_is_the_readmes_256_mib():
    assert reader.MAX_DATA_BYTES == 256 * 2**20
    assert pages_with("it passes 256 MiB (`reader.MAX_DATA_BYTES`)")


def _fifo(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "stream"
    os.mkfifo(path)

    def writer() -> None:
        try:
            with open(path, "wb") as f:
                f.write(data)
        except BrokenPipeError:
            pass  # the reader stopped at the cap

    threading.Thread(target=writer, daemon=True).start()
    return path


@pytest.mark.parametrize("chunk", [1024 * 1024, 5])
def test_a_stream_of_exactly_the_cap_is_read_and_one_byte_more_is_refused(
    tmp_path, monkeypatch, chunk
):
    monkeypatch.setattr(reader, "MAX_DATA_BYTES", 64)
    monkeypatch.setattr(reader, "_CHUNK", chunk)
    assert read_table(_fifo(tmp_path, sized(64))).values.shape == (1, 2)
    os.remove(tmp_path / "stream")
    with pytest.raises(DataError, match=r"limit for data files \(is it a device"):
        read_table(_fifo(tmp_path, sized(65)))


def test_a_byte_order_mark_is_not_part_of_the_first_column_name(tmp_path):
    table = read_table(write(tmp_path, b"\xef\xbb\xbfAge,label\n30,1\n"))
    assert table.columns == ("Age", "label")
    plain = read_table(write(tmp_path, b"Age,label\n30,1\n", "plain.csv"))
    assert training_columns(table) == training_columns(plain)


def test_a_model_trained_with_a_bom_matches_data_without_one(tmp_path):
    bom = read_table(write(tmp_path, b"\xef\xbb\xbfAge,Height,label\n30,2,1\n"))
    plain = read_table(write(tmp_path, b"Height,Age\n3,40\n", "plain.csv"))
    X, labels = match_columns(plain, training_columns(bom))
    assert X.tolist() == [[40.0], [3.0]] and labels is None


@pytest.mark.parametrize(
    "header, names",
    [("Age,label", ("Age", "label")), ("  Age \t,\tlabel  ", ("Age", "label")),
     ("my age,Label", ("my age", "Label")), ("âge,naïve", ("âge", "naïve")),
     ("e\u0301,x", ("e\u0301", "x")), ("AGE,age", ("AGE", "age")),
     ("\u00a0Age,\u3000x ", ("\u00a0Age", "\u3000x"))],  # other spaces are part of a name
)  # fmt: skip
def test_column_names_are_kept_as_written_but_for_surrounding_spaces_and_tabs(
    tmp_path, header, names
):
    for newline in ("\n", "\r\n"):
        table = read_table(write(tmp_path, f"{header}{newline}1,0{newline}"))
        assert table.columns == names


def test_a_column_name_of_exactly_max_name_characters_is_accepted_and_one_more_refused(tmp_path):
    assert MAX_NAME == 4096
    ok = read_table(write(tmp_path, "x" * MAX_NAME + ",label\n1,0\n"))
    assert training_columns(ok) == Columns(("x" * MAX_NAME,), "label")
    long = read_table(write(tmp_path, "a,label," + "x" * (MAX_NAME + 1) + "\n1,0,2\n"))
    with pytest.raises(DataError, match="line 1, column 3: the column name is longer than 4096"):
        training_columns(long)


def test_an_empty_or_repeated_column_name_is_refused_naming_it(tmp_path):
    with pytest.raises(DataError, match="line 1, column 2: the column name is empty"):
        training_columns(read_table(write(tmp_path, "a, ,label\n1,2,0\n")))
    with pytest.raises(DataError, match="column name 'a' appears twice"):
        training_columns(read_table(write(tmp_path, "a,b,a\n1,2,0\n")))


def test_training_columns_are_the_features_in_order_then_the_last_as_label(tmp_path):
    table = read_table(write(tmp_path, "z,a,m,y\n1,2,3,0\n"))
    assert training_columns(table) == Columns(("z", "a", "m"), "y")


def test_prediction_columns_are_matched_by_name_in_any_order(tmp_path):
    cols = Columns(("a", "b"), "y")
    X, labels = match_columns(read_table(write(tmp_path, "y,b,a\n1,2,3\n0,4,5\n")), cols)
    assert X.tolist() == [[3.0, 5.0], [2.0, 4.0]] and labels.tolist() == [1.0, 0.0]
    X, labels = match_columns(read_table(write(tmp_path, "b,a\n2,3\n")), cols)
    assert X.tolist() == [[3.0], [2.0]] and labels is None


@pytest.mark.parametrize(
    "header, problem",
    [("a,y", "missing feature column(s) 'b'"), ("a,b,c", "unexpected column(s) 'c'"),
     ("a,b,B", "unexpected column(s) 'B'"), ("a,b,a", "a column name appears twice")],
)  # fmt: skip
def test_a_prediction_header_not_matching_the_model_is_refused_naming_why(
    tmp_path, header, problem
):
    table = read_table(write(tmp_path, f"{header}\n1,0,1\n" if header.count(",") == 2
                            else f"{header}\n1,0\n"))  # fmt: skip
    with pytest.raises(DataError, match=re.escape(problem)):
        match_columns(table, Columns(("a", "b"), "y"))


def test_a_label_column_that_is_not_0_or_1_is_refused_naming_its_line(tmp_path):
    table = read_table(write(tmp_path, "a,b,y\n1,2,0\n\n3,4,0.5\n"))
    with pytest.raises(DataError, match=r"line 4: labels \('y'\) must be 0 or 1, found 0.5"):
        match_columns(table, Columns(("a", "b"), "y"))


def test_by_position_n_x_or_n_x_plus_one_columns_and_nothing_else(tmp_path):
    table = read_table(write(tmp_path, "p,q,r\n1,2,1\n"))
    X, labels = match_by_position(table, 3)
    assert X.shape == (3, 1) and labels is None
    X, labels = match_by_position(table, 2)
    assert X.tolist() == [[1.0], [2.0]] and labels.tolist() == [1.0]
    for n_x in (1, 4):
        with pytest.raises(DataError, match=f"takes {n_x} features.*it has 3$"):
            match_by_position(table, n_x)


@pytest.mark.parametrize("char", ["\x0b", "\x0c", "\x1c", "\x7f", "\x85", "\u2028", "\u2029", "\r",
                                  "\x01", "\x9f"])  # fmt: skip
def test_a_control_character_inside_a_row_is_refused_naming_its_line(tmp_path, char):
    path = write(tmp_path, f"a,b\n1,2\n\n3{char},4\n")
    with pytest.raises(DataError, match=f"line 4: control character U\\+{ord(char):04X}"):
        read_table(path)


@pytest.mark.parametrize("char", ["\t", " "])
def test_tabs_and_spaces_inside_a_row_are_allowed(tmp_path, char):
    assert read_table(write(tmp_path, f"a,b\n1{char},{char}2\n")).values.tolist() == [[1.0, 2.0]]


def test_blank_lines_are_skipped_but_counted(tmp_path):
    table = read_table(write(tmp_path, "a,b\n \t\n1,2\n\n\n3,4\n"))
    assert table.values.tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert [table.line(0), table.line(1)] == [3, 6]
    with pytest.raises(DataError, match=r"line 6, column 2: 'x' is not a number"):
        read_table(write(tmp_path, "a,b\n \t\n1,2\n\n\n3,x\n"))


@pytest.mark.parametrize(
    "text, message",
    [("", "the file is empty"), (" \n\n", "the file is empty"),
     ("\n1,2\n", "line 1: expected a header line with column names, found a blank line"),
     ("1,2\n3,4\n", "line 1: expected a header line with column names, found numbers '1,2'"),
     ("a,b\n", "the file has a header line but no data rows"),
     ("a,b\n1,2\n3\n", "line 3: expected 2 comma-separated values (as in the header), found 1"),
     ("a,b\n1,2,3\n", "line 2: expected 2 comma-separated values (as in the header), found 3"),
     ("a,b\n1,1_0\n", "line 2, column 2: '1_0' is not a number"),
     ("a,b\n\uff11,2\n", "line 2, column 1: '\uff11' is not a number"),
     ("a,b\n1,2\n3,inf\n", "line 3, column 2: value inf is not finite"),
     ("a,b\n1,nan\n", "line 2, column 2: value nan is not finite")],
)  # fmt: skip
def test_each_malformed_file_is_one_line_naming_where(tmp_path, text, message):
    with pytest.raises(DataError, match=re.escape(message)) as info:
        read_table(write(tmp_path, text))
    assert "\n" not in str(info.value)


def test_a_header_mixing_names_and_numbers_is_a_header(tmp_path):
    assert read_table(write(tmp_path, "1,b\n1,2\n")).columns == ("1", "b")


def test_nul_and_invalid_utf8_are_refused(tmp_path):
    with pytest.raises(DataError, match=r"line 3: NUL byte"):
        read_table(write(tmp_path, b"a,b\n1,2\n3\x00,4\n"))
    with pytest.raises(DataError, match="not a UTF-8 text file"):
        read_table(write(tmp_path, b"a,b\n1,2\n\xff,4\n"))


def test_a_utf8_character_split_across_read_chunks_is_decoded(tmp_path, monkeypatch):
    monkeypatch.setattr(reader, "_CHUNK", 1)
    table = read_table(write(tmp_path, "\ufeffâge,é\n1,0\n"))
    assert table.columns == ("âge", "é")


def test_an_empty_path_and_a_directory_are_named_as_such(tmp_path):
    with pytest.raises(DataError, match="the data path is empty"):
        read_table("")
    with pytest.raises(DataError, match="is a directory"):
        read_table(tmp_path)
    with pytest.raises(DataError, match="no such file"):
        read_table(tmp_path / "absent.csv")


def test_values_are_float64_rows_by_columns(tmp_path):
    table = read_table(write(tmp_path, "a,b,c\n1,2,3\n4,5,6\n"))
    assert table.values.dtype == np.float64 and table.values.shape == (2, 3)


@pytest.mark.parametrize("char", ["\x08", "\x1f", "\x80"])
def test_control_characters_at_the_edges_of_the_ranges_are_refused(tmp_path, char):
    with pytest.raises(DataError, match=f"line 2: control character U\\+{ord(char):04X}"):
        read_table(write(tmp_path, f"a,b\n1{char},2\n"))


def test_a_file_ending_inside_a_utf8_character_is_refused(tmp_path):
    with pytest.raises(DataError, match="not a UTF-8 text file"):
        read_table(write(tmp_path, b"a,b\n1,2\xc3"))


def test_a_hash_is_not_a_comment(tmp_path):
    with pytest.raises(DataError, match=r"line 2, column 2: '2#c' is not a number"):
        read_table(write(tmp_path, "a,b\n1,2#c\n"))


def test_a_path_through_a_file_cannot_be_read_and_says_why(tmp_path):
    write(tmp_path, "a,b\n1,2\n")
    with pytest.raises(DataError, match=r"cannot read the file \(Not a directory\)$"):
        read_table(tmp_path / "d.csv" / "x.csv")
