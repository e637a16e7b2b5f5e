"""Command line: apply a saved model to a CSV file.

    python -m nn_numpy.predict --model model.npz --data-path data.csv [--output predictions.csv]

The CSV has a header line, then one example per line: either the model's n_features feature
columns, or those plus a last 0/1 label column. The result is a CSV with one line per example,
``probability,prediction`` (P(y = 1 | x) and the class, 1 where P >= 0.5). It goes to standard
output, or with ``--output`` to that file (written by ``nn_numpy._io``'s output policy). For
labelled data the accuracy is reported too: on standard error when the predictions go to standard
output (so that output stays a clean CSV), on standard output when they go to a file.

Exit status: 0 on success, 2 for bad arguments, data, model file or output path, 1 if writing
fails, 130 on Ctrl-C, 143 on SIGTERM (``nn_numpy.cli._errors``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import numpy as np

from nn_numpy._io import atomic_write
from nn_numpy.cli._errors import run_cli
from nn_numpy.cli._outputs import check_outputs
from nn_numpy.data import DataError, check_labels, load_table
from nn_numpy.datasets import resolve_data_path
from nn_numpy.model_io import Model, ModelFileError, load_model

PROG = "nn-numpy-predict"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
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


def split_features(
    table: np.ndarray, model: Model, source: str
) -> tuple[np.ndarray, np.ndarray | None]:
    """X (n_x, m) and labels (m,) or None, telling them apart by the number of columns."""
    n_x = model.n_features
    n_cols = table.shape[1]
    if n_cols == n_x:
        return np.ascontiguousarray(table.T), None
    if n_cols == n_x + 1:
        try:
            labels = check_labels(table[:, -1])
        except DataError as e:
            raise DataError(f"{source}: {e}") from None
        return np.ascontiguousarray(table[:, :-1].T), labels
    raise DataError(
        f"{source}: the model takes {n_x} features, so the CSV needs {n_x} columns "
        f"(features only) or {n_x + 1} (features, then the 0/1 label); it has {n_cols}"
    )


def format_predictions(proba: np.ndarray, classes: np.ndarray) -> str:
    """``probability,prediction`` lines, with a header.

    ``str`` of a NumPy scalar is the shortest text that reads back to the same value in its own
    dtype, so the file holds the model's probabilities exactly, float32 or float64.
    """
    lines = [f"{p!s},{c}" for p, c in zip(proba, classes.tolist(), strict=True)]
    return "probability,prediction\n" + "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run_cli(PROG, lambda: _run(args), (ModelFileError, DataError))


def _run(args: argparse.Namespace) -> int:
    data_path = resolve_data_path(args.data_path)  # `large` etc.: nn_numpy.datasets
    check_outputs({"--output": args.output}, {"--model": args.model, "--data-path": data_path})
    model = load_model(args.model)
    table = load_table(data_path)
    X, labels = split_features(table, model, args.data_path)

    proba = model.predict_proba(X).ravel()
    classes = (proba >= 0.5).astype(np.int64)
    text = format_predictions(proba, classes)
    summary = ""
    if labels is not None:
        correct = int(np.count_nonzero(classes == labels))
        m = labels.size
        summary = f"accuracy: {correct / m:.4f} ({correct}/{m} rows correct)\n"

    if args.output is None:
        # Best effort (cli._errors): a reader that goes away (`| head`) ends the run quietly,
        # a full disk is reported with exit status 1.
        sys.stdout.write(text)
        sys.stdout.flush()
        sys.stderr.write(summary)
        return 0
    with atomic_write(args.output, "w") as f:
        f.write(text)
    print(f"wrote {classes.size} predictions to {args.output}")
    sys.stdout.write(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
