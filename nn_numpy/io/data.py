"""Loading a CSV dataset, splitting it, and standardizing its features.

A dataset file has a header line (column names), then one example per line: the feature
values first and the 0/1 label last. In memory it follows the derivation's layout:
X is (n_x, m), one example per column, and Y is (1, m).

Every problem with the input is raised as a ``DataError`` whose message is one line a
person can act on; the command-line tools print it and exit with status 2. Reading itself
(bounded, line by line) is ``nn_numpy.io.reader``.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np

from nn_numpy.io.reader import DataError, Table, read_table
from nn_numpy.network import Array


def load_table(path: str | os.PathLike[str]) -> Array:
    """The (m, c) float64 values of a headed CSV file (``nn_numpy.io.reader.read_table``)."""
    return read_table(path).values


def split_xy(table: Array | Table) -> tuple[Array, Array]:
    """Features and labels in the derivation's layout: X (n_x, m), Y (1, m).

    The last column is the label; it must hold only 0 and 1, and both must occur. Given a
    ``Table``, a bad label is reported by its line in the file.
    """
    where = table.where if isinstance(table, Table) else _data_row
    values = np.asarray(table.values if isinstance(table, Table) else table, dtype=np.float64)
    if values.ndim != 2 or values.shape[1] < 2:
        n = values.shape[1] if values.ndim == 2 else values.ndim
        raise DataError(
            f"need at least 2 columns (one or more features, then the label), found {n}"
        )
    labels = check_labels(values[:, -1], where)
    Y = labels.reshape(1, -1).copy()
    check_both_classes(Y, "labels")
    return np.ascontiguousarray(values[:, :-1].T), Y


def _data_row(i: int) -> str:
    return f"data row {i + 1}"


def check_labels(
    labels: Array, where: Callable[[int], str] = _data_row, column: str = "the last column"
) -> Array:
    """Return ``labels`` if every value is 0 or 1, else raise DataError.

    ``where(i)`` names row i in the message (a file line when the rows came from a file).
    """
    bad = np.flatnonzero((labels != 0) & (labels != 1))
    if bad.size:
        raise DataError(
            f"{where(int(bad[0]))}: labels ({column}) must be 0 or 1, found {labels[bad[0]]:g}"
        )
    return labels


def check_both_classes(Y: Array, what: str) -> None:
    """Raise DataError unless the 0/1 labels ``Y`` hold both classes (gradient descent on one
    class only learns to say that class)."""
    for cls in (0, 1):
        if not np.any(Y == cls):
            raise DataError(
                f"{what} are all {1 - cls}; both classes (0 and 1) must be present to train"
            )


@dataclass(frozen=True)
class Standardizer:
    """x' = (x - mean) / std per feature; mean and std are (n_x, 1) columns."""

    mean: Array
    std: Array

    @classmethod
    def fit(cls, X: Array) -> Standardizer:
        """mean_j and std_j of each feature row of X (n_x, m), computed scale-robustly.

        Each row is first divided by a power of two s_j ~ max_i |x_ji| (exact), so the sums
        of x and of (x - mean)^2 neither overflow (1e200) nor underflow (1e-200, subnormals);
        then mean_j = s_j mean(x_j / s_j) and std_j = s_j std(x_j / s_j), exact rescalings.
        A zero-variance feature (all values equal, tested exactly) gets mean_j = its value and
        std_j = |mean_j| (1 if that is 0): it standardizes to 0 on the training data, and new
        values are measured on the feature's own scale.
        """
        X = np.asarray(X, dtype=np.float64)
        _, e = np.frexp(np.max(np.abs(X), axis=1, keepdims=True))
        scaled = np.ldexp(X, 1 - e)  # x / s with s = 2^(e - 1): |x / s| < 2
        mean = np.ldexp(scaled.mean(axis=1, keepdims=True), e - 1)
        std = np.ldexp(scaled.std(axis=1, keepdims=True), e - 1)
        # Exactly constant rows, found by comparison: their computed std is rounding noise.
        constant = np.all(X == X[:, :1], axis=1, keepdims=True) | (std == 0)
        mean = np.where(constant, X[:, :1], mean)
        std = np.where(constant, np.where(mean != 0, np.abs(mean), 1.0), std)
        return cls(mean=mean, std=std)

    @classmethod
    def identity(cls, n_x: int) -> Standardizer:
        """The transform that changes nothing: mean 0, std 1."""
        return cls(mean=np.zeros((n_x, 1)), std=np.ones((n_x, 1)))

    def transform(self, X: Any) -> Array:
        """(X - mean) / std, column by column.

        Computed as (x 2^-k - mean 2^-k) / (std 2^-k) with 2^k ~ std (exact power-of-two
        scalings), so x - mean does not overflow for huge features and tiny std does not
        overflow 1/std. A value too far from the training data for a float64 gives +-inf
        (no warning); callers check the result.
        """
        _, k = np.frexp(self.std)
        with np.errstate(over="ignore", invalid="ignore"):
            return (np.ldexp(np.asarray(X, dtype=np.float64), -k) - np.ldexp(self.mean, -k)) / (
                np.ldexp(self.std, -k)
            )


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
