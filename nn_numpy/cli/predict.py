"""Command line: apply a saved model to a CSV file.

    python -m nn_numpy.predict --model model.npz --data-path data.csv [--output predictions.csv]

The CSV has a header line, then one example per line. Its columns are matched to the model's
training columns by name, in any order (``nn_numpy.io.columns``): every feature column, and
optionally the label column. The result is a CSV with one line per example,
``probability,prediction`` (P(y = 1 | x) and the class, 1 where P >= 0.5). It goes to standard
output, or with ``--output`` to that file (written by ``nn_numpy.io.atomic``'s output policy). For
labelled data the accuracy is reported too: on standard error when the predictions go to standard
output (so that output stays a clean CSV), on standard output when they go to a file.

Exit status: 0 on success, 2 for bad arguments, data, model file or output path, 1 if writing
fails, 130 on Ctrl-C, 143 on SIGTERM, 128 + n on another signal n (``nn_numpy.cli._errors``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence

import numpy as np

from nn_numpy.cli._errors import ArgumentParser, printable, run_cli, stdout_failed
from nn_numpy.cli._outputs import check_outputs
from nn_numpy.io.atomic import atomic_write
from nn_numpy.io.columns import check_count, check_names, match_by_position, match_columns
from nn_numpy.io.data import DataError
from nn_numpy.io.datasets import resolve_data_path
from nn_numpy.io.model_io import Model, ModelFileError, PredictionError, load_model
from nn_numpy.io.reader import Table, read_table
from nn_numpy.io.resources import require_memory

PROG = "nn-numpy-predict"
BLOCK = 65536  # prediction lines formatted and written at a time


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(
        prog=PROG,
        description="Predict P(y = 1 | x) and the class for each row of a CSV with a saved model.",
        epilog="Output: a CSV 'probability,prediction', one line per row. For labelled data the "
        "accuracy goes to standard error (to standard output when --output is given).",
    )
    parser.add_argument(
        "--model", required=True, metavar="PATH", help="model file written by --save-model"
    )
    parser.add_argument(
        "--data-path",
        required=True,
        metavar="CSV",
        help="CSV with a header line; n_features columns, or n_features + 1 with 0/1 labels last"
        " (basic / large: the shipped datasets, when no such file exists)",
    )
    parser.add_argument(
        "--output",
        metavar="PATH",
        help="write the predictions CSV here (atomically) instead of to standard output",
    )
    return parser


def split_features(table: Table, model: Model) -> tuple[np.ndarray, np.ndarray | None]:
    """X (n_x, m) and labels (m,) or None: columns matched by name (``nn_numpy.io.columns``)."""
    if model.columns is not None:
        return match_columns(table, model.columns)
    matched = match_by_position(table, model.n_features)
    print(
        f"{PROG}: note: the model file has no column names (an older format, or saved without "
        "them); columns are taken by position",
        file=sys.stderr,
    )
    return matched


def check_header(header: Table, model: Model) -> None:
    """Refuse, from the header alone, a data file whose columns the model cannot take."""
    if model.columns is not None:
        check_names(header, model.columns)
    else:
        check_count(header, model.n_features)


def probabilities(model: Model, X: np.ndarray, table: Table) -> np.ndarray:
    """P(y = 1 | x) for each row, after checking the forward pass fits in memory; a row whose
    output cannot be computed is an error naming its line in the file."""
    hidden = model.params.hidden_sizes  # the forward pass keeps Z[l] and A[l] of every layer
    need = 4 * model.dtype.itemsize * sum(hidden) * X.shape[1]
    shown = f"hidden_size {hidden[0]}" if len(hidden) == 1 else f"hidden sizes {list(hidden)}"
    require_memory(need, f"a model with {shown} on {X.shape[1]} rows")
    try:
        return model.predict_proba(X).ravel()
    except PredictionError as e:
        more = f" ({e.columns.size - 1} more rows like it)" if e.columns.size > 1 else ""
        raise DataError(f"{table.where(int(e.columns[0]))}: {e}{more}") from None


def format_predictions(proba: np.ndarray, classes: np.ndarray) -> Iterator[str]:
    """``probability,prediction`` lines, with a header, in blocks of ``BLOCK`` lines (the text
    of a million rows is never held whole).

    ``str`` of a NumPy scalar is the shortest text that reads back to the same value in its own
    dtype, so the file holds the model's probabilities exactly, float32 or float64.
    """
    yield "probability,prediction\n"
    for start in range(0, proba.size, BLOCK):
        end = start + BLOCK
        pairs = zip(proba[start:end], classes[start:end].tolist(), strict=True)
        yield "".join(f"{p!s},{c}\n" for p, c in pairs)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run_cli(PROG, lambda: _run(args), (ModelFileError, DataError))


def _run(args: argparse.Namespace) -> int:
    data_path = resolve_data_path(args.data_path)  # `large` etc.: nn_numpy.io.datasets
    check_outputs({"--output": args.output}, {"--model": args.model, "--data-path": data_path})
    model = load_model(args.model)
    table = read_table(data_path, lambda header: check_header(header, model))
    X, labels = split_features(table, model)
    table = table.without_values()  # X and labels are copies: the file's values can go
    proba = probabilities(model, X, table)
    del X

    classes = (proba >= 0.5).astype(np.int64)
    summary = ""
    if labels is not None:
        correct = int(np.count_nonzero(classes == labels))
        m = labels.size
        summary = f"accuracy: {correct / m:.4f} ({correct}/{m} rows correct)\n"

    if args.output is None:
        # Best effort (cli._errors): a reader that goes away (`| head`) ends the run quietly,
        # a full disk is reported with exit status 1.
        for text in format_predictions(proba, classes):
            sys.stdout.write(text)
        sys.stdout.flush()
        if not stdout_failed():  # else the one line is the write error (cli._errors)
            sys.stderr.write(summary)
        return 0
    with atomic_write(args.output, "w") as f:
        f.writelines(format_predictions(proba, classes))
    print(f"wrote {classes.size} predictions to {printable(args.output)}")
    sys.stdout.write(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
