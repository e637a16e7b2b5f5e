"""nn_numpy.io.data: every malformed file becomes a one-line DataError naming problem and place."""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pytest

from nn_numpy.io.data import DataError, Standardizer, load_table, split_xy, train_test_split


def write(tmp_path: Path, text: str, name: str = "d.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_load_table_reads_rows_as_float64_and_skips_blank_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "a,b,label\n1.5, -2 ,1\n\n   \n3e2,0.25,0\r\n")
    table = load_table(path)
    assert table.dtype == np.float64
    np.testing.assert_array_equal(table, [[1.5, -2.0, 1.0], [300.0, 0.25, 0.0]])


def test_load_table_keeps_a_single_row_two_dimensional(tmp_path: Path) -> None:
    assert load_table(write(tmp_path, "a,label\n1,0\n")).shape == (1, 2)


def test_load_table_accepts_a_path_given_as_str(tmp_path: Path) -> None:
    assert load_table(str(write(tmp_path, "a,label\n1,0\n"))).shape == (1, 2)


BAD_FILES = [
    # (file text, substrings the one-line message must contain)
    ("", ["empty"]),
    ("\n\n  \n", ["empty"]),
    ("x1,x2,label\n", ["no data rows"]),
    ("x1,x2,label\n\n\n", ["no data rows"]),
    ("\nx1,label\n1,0\n", ["line 1", "header"]),
    ("1,2,0\n3,4,1\n", ["line 1", "header", "numbers"]),
    ("x1,x2,label\n1,2,0\n3,4\n", ["line 3", "expected 3", "found 2"]),
    ("x1,x2,label\n1,2,0\n3,4,1,5\n", ["line 3", "expected 3", "found 4"]),
    ("x1,x2,label\n1,2,1\n1,2,0\n\n1,2,0,9\n", ["line 5", "found 4"]),
    ("x1,x2,label\n1,2,0\n3,abc,1\n", ["line 3", "column 2", "'abc' is not a number"]),
    ("x1,x2,label\n1,,0\n", ["line 2", "column 2", "'' is not a number"]),
    ("x1,x2,label\n1,1_0,0\n", ["line 2", "column 2", "'1_0'"]),
    ('x1,x2,label\n1,"2",0\n', ["line 2", "column 2"]),
    ("x1,x2,label\n1,2,0\n3,nan,1\n", ["line 3", "column 2", "not finite"]),
    ("x1,x2,label\n1,2,0\n\n-inf,4,1\n", ["line 4", "column 1", "not finite"]),
    ("x1,x2,label\n1,2,0\n3,4,1e999\n", ["line 3", "column 3", "not finite"]),
    ("a,b\n1,2,3\n", ["line 2", "expected 2", "found 3"]),
]


@pytest.mark.parametrize(("text", "expected"), BAD_FILES)
def test_load_table_rejects_malformed_file_with_one_line_message(
    tmp_path: Path, text: str, expected: list[str]
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(DataError) as info:
        load_table(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(str(path))
    for part in expected:
        assert part in message


def test_load_table_missing_file_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no such file") as info:
        load_table(tmp_path / "nope.csv")
    assert "nope.csv" in str(info.value)


def test_load_table_directory_is_a_data_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="directory"):
        load_table(tmp_path)


def test_load_table_binary_file_is_a_data_error(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_bytes(b"x,label\n\xff\xfe,1\n")
    with pytest.raises(DataError, match="not a UTF-8 text file"):
        load_table(path)


def test_load_table_unreadable_file_is_a_data_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # chmod 000 does not stop root, so the permission failure is injected at the read.
    path = write(tmp_path, "x,label\n1,0\n")

    real_open = os.open

    def deny(name: str, flags: int, *args: object) -> int:
        if name == str(path):
            raise PermissionError(13, "Permission denied", name)
        return real_open(name, flags, *args)

    monkeypatch.setattr(os, "open", deny)
    with pytest.raises(DataError, match="cannot read the file \\(Permission denied\\)"):
        load_table(path)


def test_split_xy_gives_the_derivation_layout() -> None:
    table = np.array([[1.0, 2.0, 0.0], [3.0, 4.0, 1.0], [5.0, 6.0, 1.0]])
    X, Y = split_xy(table)
    np.testing.assert_array_equal(X, [[1, 3, 5], [2, 4, 6]])  # (n_x, m): one example per column
    np.testing.assert_array_equal(Y, [[0, 1, 1]])  # (1, m)
    assert X.flags.c_contiguous


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        (np.array([[0.0], [1.0]]), "at least 2 columns"),
        (
            np.array([[1.0, 0.0], [2.0, 2.0]]),
            "data row 2: labels (the last column) must be 0 or 1, found 2",
        ),
        (
            np.array([[1.0, 0.5], [2.0, 1.0]]),
            "data row 1: labels (the last column) must be 0 or 1, found 0.5",
        ),
        (np.array([[1.0, -1.0], [2.0, 1.0]]), "must be 0 or 1"),
        (np.array([[1.0, 1.0], [2.0, 1.0]]), "all 1"),
        (np.array([[1.0, 0.0], [2.0, 0.0]]), "all 0"),
    ],
)
def test_split_xy_rejects_bad_columns_and_labels(table: np.ndarray, expected: str) -> None:
    with pytest.raises(DataError, match=re.escape(expected)):
        split_xy(table)


def test_standardizer_fit_gives_zero_mean_unit_std_per_feature() -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(loc=[[3.0], [-7.0]], scale=[[2.0], [0.1]], size=(2, 500))
    s = Standardizer.fit(X)
    assert s.mean.shape == s.std.shape == (2, 1)
    Z = s.transform(X)
    np.testing.assert_allclose(Z.mean(axis=1), 0.0, atol=1e-12)
    np.testing.assert_allclose(Z.std(axis=1), 1.0, rtol=1e-12)


def test_standardizer_measures_a_constant_feature_on_its_own_scale() -> None:
    X = np.array([[5.0, 5.0, 5.0], [1.0, 2.0, 3.0], [0.0, 0.0, 0.0], [-3e200, -3e200, -3e200]])
    s = Standardizer.fit(X)
    np.testing.assert_array_equal(s.std[[0, 2, 3], 0], [5.0, 1.0, 3e200])  # |mean|, or 1 for 0
    Z = s.transform(X)
    assert np.all(np.isfinite(Z))
    np.testing.assert_array_equal(Z[[0, 2, 3]], np.zeros((3, 3)))
    new = s.transform([[5.5], [2.0], [0.0], [-6e200]])
    np.testing.assert_array_equal(new[[0, 3], 0], [0.1, -1.0])


def test_standardizer_applies_train_statistics_to_new_data() -> None:
    s = Standardizer.fit(np.array([[0.0, 2.0]]))  # mean 1, std 1
    np.testing.assert_array_equal(s.transform(np.array([[3.0, -1.0]])), [[2.0, -2.0]])


def test_standardizer_identity_changes_nothing() -> None:
    X = np.array([[1.5, -2.0], [3.0, 4.0], [0.0, 7.0]])
    np.testing.assert_array_equal(Standardizer.identity(3).transform(X), X)


def test_train_test_split_is_a_seeded_partition() -> None:
    X = np.arange(20.0).reshape(2, 10)
    Y = (np.arange(10) % 2).reshape(1, 10).astype(float)
    Xtr, Ytr, Xte, Yte = train_test_split(X, Y, 0.2, seed=42)
    assert Xtr.shape == (2, 8) and Xte.shape == (2, 2)
    assert Ytr.shape == (1, 8) and Yte.shape == (1, 2)
    # Columns stay whole (feature 2 = feature 1 + 10; label = example index mod 2) ...
    for Xs, Ys in ((Xtr, Ytr), (Xte, Yte)):
        np.testing.assert_array_equal(Xs[1], Xs[0] + 10)
        np.testing.assert_array_equal(Ys[0], Xs[0] % 2)
    # ... every example lands on exactly one side ...
    assert sorted(np.concatenate([Xtr[0], Xte[0]])) == list(range(10))
    # ... in the order of default_rng(seed).permutation: test first, then train.
    perm = np.random.default_rng(42).permutation(10)
    np.testing.assert_array_equal(np.concatenate([Xte[0], Xtr[0]]), perm)
    again = train_test_split(X, Y, 0.2, seed=42)
    np.testing.assert_array_equal(again[0], Xtr)
    assert not np.array_equal(train_test_split(X, Y, 0.2, seed=7)[2], Xte)


@pytest.mark.parametrize(
    ("m", "test_size", "n_test"),
    [(12, 0.2, 3), (10, 0.2, 2), (10, 0.7, 7), (10, 0.3, 3), (2000, 0.2, 400), (3, 0.01, 1)],
)
def test_train_test_split_test_count_is_ceil_of_the_decimal_share(
    m: int, test_size: float, n_test: int
) -> None:
    X = np.zeros((1, m))
    _, _, Xte, _ = train_test_split(X, np.zeros((1, m)), test_size, seed=0)
    assert Xte.shape[1] == n_test


@pytest.mark.parametrize(("m", "test_size"), [(1, 0.5), (12, 0.95), (2, 0.6)])
def test_train_test_split_rejects_an_empty_train_set(m: int, test_size: float) -> None:
    with pytest.raises(DataError, match="leaves the train set empty"):
        train_test_split(np.zeros((1, m)), np.zeros((1, m)), test_size, seed=0)


@pytest.mark.parametrize("test_size", [0.0, 1.0, -0.1, 1.5, float("nan")])
def test_train_test_split_rejects_test_size_outside_unit_interval(test_size: float) -> None:
    with pytest.raises(DataError, match="between 0 and 1"):
        train_test_split(np.zeros((1, 5)), np.zeros((1, 5)), test_size, seed=0)


def test_a_nul_byte_past_the_first_read_chunk_is_reported_at_its_file_line(tmp_path):
    from nn_numpy.io.reader import _CHUNK

    rows = "1,0\n" * (_CHUNK // 4 + 1000)  # the NUL lands in the second chunk read
    text = "x,label\n" + rows + "2,\x001\n"
    path = tmp_path / "nul.csv"
    path.write_bytes(text.encode())
    line = text.count("\n", 0, text.index("\x00")) + 1  # 1-based line of the NUL
    assert text.index("\x00") > _CHUNK
    with pytest.raises(DataError, match=rf", line {line}: NUL byte"):
        load_table(path)
