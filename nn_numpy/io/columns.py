"""The one column-matching rule: a model remembers its training header, predict matches by name.

Training takes the features in file order and the label from the last column, and the model
file stores those names (``Columns``). Prediction data must have a header too (every data file
does: see ``nn_numpy.io.reader``); its columns are matched by name, in any order:

* every feature name of the model must be present, else an error names the missing ones;
* the label column, if present (by its training name), gives labels and an accuracy;
* any other column is an error naming it (a silently ignored column is usually a mistake,
  such as a renamed feature).

A model file without names (format 1, or saved from Python without ``columns``) takes columns
by position: n_x features, or n_x + 1 with the 0/1 label last; predict prints a note saying so.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np

from nn_numpy.errors import CLIP, clipped
from nn_numpy.io.data import check_labels
from nn_numpy.io.reader import DataError, Table

MAX_NAME = 4096  # characters in one column name (the model loader refuses longer ones)
SHOWN = 12  # column names listed in a message; the rest are counted


class Columns(NamedTuple):
    """The training file's column names: the features in order, then the label."""

    features: tuple[str, ...]
    label: str


def training_columns(table: Table) -> Columns:
    """The names a model trained on ``table`` will match: unique and non-empty."""
    seen: set[str] = set()
    for j, name in enumerate(table.columns, start=1):
        if not name:
            raise DataError(f"{table.path}, line 1, column {j}: the column name is empty")
        if len(name) > MAX_NAME:
            raise DataError(
                f"{table.path}, line 1, column {j}: the column name is longer than {MAX_NAME} "
                "characters"
            )
        if name in seen:
            raise DataError(
                f"{table.path}, line 1: column name {name!r} appears twice; names must be "
                "distinct so that predict can match columns by name"
            )
        seen.add(name)
    return Columns(table.columns[:-1], table.columns[-1])


def match_columns(table: Table, columns: Columns) -> tuple[np.ndarray, np.ndarray | None]:
    """X (n_x, m) in the model's feature order, and the labels (m,) if the label column is there."""
    index = check_names(table, columns)
    X = np.ascontiguousarray(table.values[:, [index[name] for name in columns.features]].T)
    if columns.label not in index:
        return X, None
    return X, _labels(table, table.values[:, index[columns.label]], repr(columns.label))


def check_names(table: Table, columns: Columns) -> dict[str, int]:
    """The column index of each name of ``table``'s header, if it matches ``columns`` (the rule
    above), else raise DataError; the header alone is enough (no row is read)."""
    index = {name: j for j, name in enumerate(table.columns)}
    missing = [name for name in columns.features if name not in index]
    known = {*columns.features, columns.label}
    unexpected = [name for name in table.columns if name not in known]
    if missing or unexpected or len(index) != len(table.columns):
        expected = _listed(columns.features, str)
        problems = []
        if missing:
            problems.append(f"missing feature column(s) {_listed(missing, _named)}")
        if unexpected:
            problems.append(f"unexpected column(s) {_listed(unexpected, _named)}")
        if len(index) != len(table.columns):
            problems.append("a column name appears twice")
        raise DataError(
            f"{table.path}, line 1: {'; '.join(problems)} (the model takes {expected}, "
            f"optionally with the label {clipped(columns.label)})"
        )
    return index


def _listed(names: Sequence[str], show: Callable[[str], str]) -> str:
    """The first ``SHOWN`` names, each ``show``n, and how many more: a header of a hundred
    thousand columns is still a short message."""
    more = f" and {len(names) - SHOWN} more" if len(names) > SHOWN else ""
    return ", ".join(show(name) for name in names[:SHOWN]) + more


def _named(name: str) -> str:
    """A column name in a message (``clipped``); a name that is not ASCII also with its code
    points escaped, so that a look-alike (a Cyrillic letter for a Latin one) is seen, as in
    ``(\\u04451)``."""
    if name.isascii():
        return clipped(name)
    return f"{clipped(name)} ({ascii(name[:CLIP])[1:-1]})"


def match_by_position(table: Table, n_x: int) -> tuple[np.ndarray, np.ndarray | None]:
    """For a model without names: n_x feature columns, or those plus a last 0/1 label column."""
    n_cols = check_count(table, n_x)
    if n_cols == n_x:
        return np.ascontiguousarray(table.values.T), None
    return np.ascontiguousarray(table.values[:, :-1].T), _labels(
        table, table.values[:, -1], "the last column"
    )


def check_count(table: Table, n_x: int) -> int:
    """The number of columns of ``table``, if n_x or n_x + 1, else raise DataError."""
    n_cols = len(table.columns)
    if n_cols in (n_x, n_x + 1):
        return n_cols
    raise DataError(
        f"{table.path}: the model takes {n_x} features, so the CSV needs {n_x} columns "
        f"(features only) or {n_x + 1} (features, then the 0/1 label); it has {n_cols}"
    )


def _labels(table: Table, labels: np.ndarray, column: str) -> np.ndarray:
    """The checked labels, as a copy: a view would keep all of the table's values alive."""
    return check_labels(labels, table.where, column).copy()
