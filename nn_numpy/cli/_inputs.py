"""nn-numpy-train's input side: read, split, check and scale the data before anything trains.

Every check that can fail on the data or on the arguments' size runs here, before the first
large allocation, and raises ``DataError`` (exit status 2, one line):

* the file (bounded reader, ``nn_numpy.io.reader``) and its column names (``nn_numpy.io.columns``);
* both classes in the data and in the train split (one class only cannot be learned);
* the memory the run needs against the memory available (``nn_numpy.io.resources``);
* the inputs the Trainer will see must be finite in its dtype, and the cost at the initial
  parameters must be finite: if it is not, the data (raw features too large), not the
  learning rate, is the problem;
* after training, every example's output must be finite for the accuracy to count it.
"""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass

import numpy as np

from nn_numpy.cli._readable_trainer import readable_training_bytes, trains_readably
from nn_numpy.io.columns import Columns, training_columns
from nn_numpy.io.data import Standardizer, check_both_classes, split_xy, train_test_split
from nn_numpy.io.reader import DataError, read_table
from nn_numpy.io.resources import ResourceError, require_memory, training_bytes
from nn_numpy.network import Params, forward, predict
from nn_numpy.training.fast_trainer import TrainerLike

__all__ = [
    "DataError",
    "ResourceError",
    "TrainingData",
    "check_initial_cost",
    "predictions",
    "prepare",
]


@dataclass(frozen=True)
class TrainingData:
    """The split raw data, the scaler fitted on the train split, and the column names."""

    X_train: np.ndarray
    Y_train: np.ndarray
    X_test: np.ndarray
    Y_test: np.ndarray
    scaler: Standardizer
    columns: Columns
    inputs: np.ndarray  # scaler.transform(X_train): what the Trainer trains on

    @property
    def n_x(self) -> int:
        return int(self.X_train.shape[0])


def prepare(args: argparse.Namespace, data_path: str) -> TrainingData:
    """Read ``data_path`` (``args.data_path`` resolved), split it, check it and scale it."""
    table = read_table(data_path)
    columns = training_columns(table)
    X, Y = split_xy(table)
    del table  # each copy is dropped once the next is made: the peak is two, not four
    X_train, Y_train, X_test, Y_test = train_test_split(X, Y, args.test_size, args.seed)
    n_x = X.shape[0]
    del X, Y
    check_both_classes(Y_train, f"the train split's {Y_train.shape[1]} labels")
    hidden, m = tuple(args.hidden_size), Y_train.shape[1] + Y_test.shape[1]
    if trains_readably(hidden, args.activation):
        need = readable_training_bytes(
            (n_x, *hidden, 1), Y_train.shape[1], Y_test.shape[1], args.dtype
        )
    else:
        need = training_bytes(n_x, hidden[0], Y_train.shape[1], Y_test.shape[1], args.dtype)
    require_memory(
        need,
        f"--hidden-size {' '.join(map(str, hidden))} with {m} examples of {n_x} "
        f"features ({args.dtype})",
    )
    scaler = Standardizer.fit(X_train) if args.standardize else Standardizer.identity(n_x)
    inputs = scaler.transform(X_train)
    limit = np.finfo(args.dtype).max
    too_big = np.flatnonzero(np.max(np.abs(inputs), axis=1) > limit)
    if too_big.size:
        j = int(too_big[0])
        raise DataError(
            f"{args.data_path}: column {columns.features[j]!r} has values beyond the "
            f"{args.dtype} range ({limit:.3g}); use --dtype float64 or rescale the data"
        )
    return TrainingData(X_train, Y_train, X_test, Y_test, scaler, columns, inputs)


def check_initial_cost(trainer: TrainerLike, data: TrainingData, args: argparse.Namespace) -> None:
    """Refuse data whose cost is not finite before the first step: no step size fixes that."""
    with np.errstate(all="ignore"):
        cost = trainer.cost()
    if math.isfinite(cost):
        return
    j = int(np.argmax(np.max(np.abs(data.inputs), axis=1)))
    largest = float(np.max(np.abs(data.X_train[j])))
    advice = "drop --no-standardize or rescale the data" if not args.standardize else ""
    raise DataError(
        f"{args.data_path}: the cost cannot be computed at the initial parameters (it "
        f"overflows {args.dtype}): column {data.columns.features[j]!r} reaches {largest:.3g}"
        + (f"; {advice}" if advice else "; rescale the data")
    )


def predictions(params: Params, X: np.ndarray, split: str) -> np.ndarray:
    """``network.predict`` on a split, refusing examples whose output is not finite: an example
    far outside the training data (in the test split, say) would otherwise count as class 0."""
    with np.errstate(all="ignore"):
        bad = np.flatnonzero(~np.isfinite(forward(params, X)[f"Z{params.L}"][0]))
        if bad.size:
            raise DataError(
                f"{bad.size} example(s) of the {split} split are too far from the training data "
                f"for the trained network's output to be computed (it overflows {X.dtype}); "
                "remove or rescale them"
            )
        return predict(params, X)
