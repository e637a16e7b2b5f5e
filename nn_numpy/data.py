"""Loading a CSV dataset, splitting it, and standardizing its features.

A dataset file has a header line (column names), then one example per line: the feature
values first and the 0/1 label last. In memory it follows the derivation's layout:
X is (n_x, m), one example per column, and Y is (1, m).

Every problem with the input is raised as a ``DataError`` whose message is one line a
person can act on; the command-line tools print it and exit with status 2.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


class DataError(ValueError):
    """A problem with the input data, described in one human-readable line."""


def load_table(path: str | os.PathLike[str]) -> Array:
    """Read a headed, comma-separated file of numbers into an (m, c) float64 array.

    Blank lines are ignored. The first line is the header; every other line is one row
    and must have as many cells as the header, each a finite number.
    """
    p = Path(path)
    lines = _read_lines(p)
    if not any(line.strip() for line in lines):
        raise DataError(f"{p}: the file is empty")
    header = lines[0]
    if not header.strip():
        raise DataError(
            f"{p}, line 1: expected a header line with column names, found a blank line"
        )
    n_cols = len(header.split(","))
    if all(_is_number(cell) for cell in header.split(",")):
        raise DataError(
            f"{p}, line 1: expected a header line with column names, "
            f"found numbers {header.strip()!r}"
        )
    # (line number, text) of every data row, so that messages can point at the file's lines.
    rows = [(n, line) for n, line in enumerate(lines[1:], start=2) if line.strip()]
    if not rows:
        raise DataError(f"{p}: the file has a header line but no data rows")
    try:
        table = np.loadtxt(
            [header] + [line for _, line in rows],
            dtype=np.float64,
            delimiter=",",
            skiprows=1,
            ndmin=2,
            comments=None,
        )
    except ValueError as exc:
        raise _diagnose(p, rows, n_cols, exc) from None
    if table.shape[1] != n_cols:
        raise _diagnose(p, rows, n_cols, None)
    bad = np.argwhere(~np.isfinite(table))
    if bad.size:
        i, j = (int(k) for k in bad[0])
        raise DataError(
            f"{p}, line {rows[i][0]}, column {j + 1}: value {table[i, j]} is not finite "
            "(NaN and infinity are not allowed)"
        )
    return table


def _read_lines(p: Path) -> list[str]:
    try:
        return p.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise DataError(f"{p}: no such file") from None
    except IsADirectoryError:
        raise DataError(f"{p}: is a directory, not a data file") from None
    except UnicodeDecodeError:
        raise DataError(f"{p}: not a UTF-8 text file") from None
    except OSError as exc:
        raise DataError(f"{p}: cannot read the file ({exc.strerror})") from None


def _is_number(cell: str) -> bool:
    """True if ``cell`` is a decimal number as np.loadtxt reads it ('1_0' is not)."""
    if "_" in cell:
        return False
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _diagnose(
    p: Path, rows: list[tuple[int, str]], n_cols: int, exc: Exception | None
) -> DataError:
    """Find the first malformed row and describe it by its line and column in the file."""
    for n, line in rows:
        cells = line.split(",")
        if len(cells) != n_cols:
            return DataError(
                f"{p}, line {n}: expected {n_cols} comma-separated values (as in the header), "
                f"found {len(cells)}"
            )
        for j, cell in enumerate(cells, start=1):
            if not _is_number(cell):
                return DataError(f"{p}, line {n}, column {j}: {cell.strip()!r} is not a number")
    return DataError(f"{p}: cannot parse the file ({exc})")


def split_xy(table: Array) -> tuple[Array, Array]:
    """Features and labels in the derivation's layout: X (n_x, m), Y (1, m).

    The last column is the label; it must hold only 0 and 1, and both must occur.
    """
    table = np.asarray(table, dtype=np.float64)
    if table.ndim != 2 or table.shape[1] < 2:
        n = table.shape[1] if table.ndim == 2 else table.ndim
        raise DataError(
            f"need at least 2 columns (one or more features, then the label), found {n}"
        )
    labels = check_labels(table[:, -1])
    for cls in (0, 1):
        if not np.any(labels == cls):
            raise DataError(
                f"labels are all {1 - cls}; both classes (0 and 1) must be present to train"
            )
    X = np.ascontiguousarray(table[:, :-1].T)
    Y = labels.reshape(1, -1).copy()
    return X, Y


def check_labels(labels: Array) -> Array:
    """Return ``labels`` (the last column) if every value is 0 or 1, else raise DataError."""
    bad = np.flatnonzero((labels != 0) & (labels != 1))
    if bad.size:
        raise DataError(
            f"labels (the last column) must be 0 or 1; data row {bad[0] + 1} has {labels[bad[0]]:g}"
        )
    return labels


@dataclass(frozen=True)
class Standardizer:
    """x' = (x - mean) / std per feature; mean and std are (n_x, 1) columns."""

    mean: Array
    std: Array

    @classmethod
    def fit(cls, X: Array) -> Standardizer:
        """mean_j and std_j of each feature row of X (n_x, m); a constant feature keeps std 1."""
        X = np.asarray(X, dtype=np.float64)
        mean = X.mean(axis=1, keepdims=True)
        std = X.std(axis=1, keepdims=True)
        return cls(mean=mean, std=np.where(std > 0, std, 1.0))

    @classmethod
    def identity(cls, n_x: int) -> Standardizer:
        """The transform that changes nothing: mean 0, std 1."""
        return cls(mean=np.zeros((n_x, 1)), std=np.ones((n_x, 1)))

    def transform(self, X: Any) -> Array:
        """(X - mean) / std, column by column."""
        return (np.asarray(X, dtype=np.float64) - self.mean) / self.std


def train_test_split(
    X: Array, Y: Array, test_size: float, seed: int
) -> tuple[Array, Array, Array, Array]:
    """Shuffle the m columns with ``np.random.default_rng(seed)`` and hold out a test share.

    The test set has ceil(test_size * m) examples, computed on the decimal the user wrote
    (0.2 of 10 is 2, not 3 as the binary float 0.2000000000000000111 would give).
    Returns X_train, Y_train, X_test, Y_test.
    """
    if not 0 < test_size < 1:
        raise DataError(f"test size must be between 0 and 1 (exclusive), got {test_size}")
    m = X.shape[1]
    n_test = math.ceil(Decimal(repr(float(test_size))) * m)
    n_train = m - n_test
    if n_train < 1:
        raise DataError(
            f"test size {test_size} of {m} examples leaves the train set empty "
            f"({n_test} test, {n_train} train)"
        )
    perm = np.random.default_rng(seed).permutation(m)
    test, train = perm[:n_test], perm[n_test:]
    return X[:, train], Y[:, train], X[:, test], Y[:, test]
