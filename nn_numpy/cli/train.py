"""Train the network on a CSV dataset from the command line.

    python -m nn_numpy.train --data-path data/basic_dataset.csv --hidden-size 5 \\
        --learning-rate 0.01 --epochs 5000 --test-size 0.2 --seed 42

Reads the data (``nn_numpy.io.data``), holds out a test split, standardizes the features with
statistics of the train split only, runs full-batch gradient descent (``nn_numpy.Trainer``),
and reports the cost and the train and test accuracy. The same arguments print the same bytes.

Exit status: 0 on success, 2 for bad arguments, bad data or unusable output paths (one message
on stderr, nothing written), 1 if training diverges (the cost stops being finite) or an output
cannot be written, 130 on Ctrl-C, 143 on SIGTERM, 128 + n on another signal n
(``nn_numpy.cli._errors``).
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from nn_numpy import plot
from nn_numpy.cli import _inputs
from nn_numpy.cli._errors import ArgumentParser, UsageError, fail, printable, run_cli
from nn_numpy.cli._outputs import check_outputs, format_cost, write_metrics
from nn_numpy.cli._readable_trainer import ReadableTrainer, trains_readably
from nn_numpy.errors import Diverged
from nn_numpy.io import model_io
from nn_numpy.io.data import DataError
from nn_numpy.io.datasets import resolve_data_path
from nn_numpy.io.model_io import MAX_HIDDEN_LAYERS
from nn_numpy.network import ACTIVATIONS, Params, init_params
from nn_numpy.records import architecture
from nn_numpy.training.fast_trainer import BACKENDS, TrainerLike, backend_problem, make_trainer
from nn_numpy.training.loop import History, fit

PROG = "nn-numpy-train"


def _checked(convert: Callable[[str], Any], ok: Callable[[Any], bool], expected: str) -> Any:
    """An argparse ``type=`` that converts, then rejects values outside the flag's domain."""

    def parse(text: str) -> Any:
        try:
            # int() and float() also take "5_0" (50) and other scripts' digits (U+0665); numbers are
            # ASCII digits here, as in the data files the reader accepts
            if not text.isascii() or "_" in text:
                raise ValueError(text)
            value = convert(text)
        except ValueError:
            value = None
        if value is None or not ok(value):
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
        return value

    return parse


_positive_int = _checked(int, lambda v: v >= 1, "a positive integer")
_nonnegative_int = _checked(int, lambda v: v >= 0, "an integer >= 0")
_positive_float = _checked(float, lambda v: math.isfinite(v) and v > 0, "a positive number")
_fraction = _checked(float, lambda v: 0 < v < 1, "a number strictly between 0 and 1")


def build_parser() -> argparse.ArgumentParser:
    """The command line: the seed's six flags with their defaults, then the extras."""
    p = ArgumentParser(
        prog=PROG,
        description="Train a NumPy network (hidden layers of ReLU, tanh or sigmoid units, a "
        "sigmoid output) on a CSV dataset: header line, features first, 0/1 label last.",
    )
    dflt = " (default: %(default)s)"
    p.add_argument(
        "--data-path",
        default="data/basic_dataset.csv",
        help="CSV dataset, or basic / large for the shipped ones (used when no such file "
        "exists, as for the default outside a checkout)" + dflt,
    )
    p.add_argument(
        "--hidden-size",
        type=_positive_int,
        nargs="+",
        default=[5],
        metavar="N",
        help="units of each hidden layer, input side first: 8 4 is two layers (default: 5)",
    )
    p.add_argument(
        "--activation", choices=ACTIVATIONS, default="relu", help="hidden units' g" + dflt
    )
    p.add_argument("--learning-rate", type=_positive_float, default=0.01, help="step size" + dflt)
    p.add_argument("--epochs", type=_positive_int, default=5000, help="full-batch steps" + dflt)
    p.add_argument(
        "--test-size", type=_fraction, default=0.2, help="held-out share, in (0, 1)" + dflt
    )
    p.add_argument(
        "--seed", type=_nonnegative_int, default=42, help="seed of the split and the init" + dflt
    )
    p.add_argument(
        "--print-every",
        type=_nonnegative_int,
        default=1000,
        metavar="N",
        help="print the cost every N epochs, 0 for never" + dflt,
    )
    p.add_argument(
        "--dtype",
        choices=["float64", "float32"],
        default="float64",
        help="floating-point type of the training arithmetic" + dflt,
    )
    p.add_argument(
        "--no-standardize",
        dest="standardize",
        action="store_false",
        help="train on the raw features instead of scaling each to mean 0, std 1 "
        "with statistics of the train split",
    )
    p.add_argument("--backend", choices=BACKENDS, default="numpy", help="step: NumPy Trainer, or "
                   "compiled (numba, extra `fast`; threads: NUMBA_NUM_THREADS)" + dflt)  # fmt: skip
    p.add_argument("--metrics-json", metavar="PATH", help="write the results as JSON")
    p.add_argument("--save-model", metavar="PATH", help="save the trained model (.npz)")
    p.add_argument("--plot", metavar="PATH", help="draw the data, boundary and cost curve (PNG)")
    return p


class _Progress:
    """A ``\\r``-updated percentage on stderr, only when stderr is a terminal."""

    def __init__(self, total: int) -> None:
        self.enabled = sys.stderr.isatty()
        self.total = total
        self.every = max(1, total // 100)
        self.shown = False

    def update(self, done: int) -> None:
        if self.enabled and (done % self.every == 0 or done == self.total):
            sys.stderr.write(f"\rtraining: {100 * done // self.total:3d}%")
            sys.stderr.flush()
            self.shown = True

    def clear(self) -> None:
        if self.shown:
            sys.stderr.write("\r" + " " * 16 + "\r")
            sys.stderr.flush()
            self.shown = False


def fit_and_print(trainer: TrainerLike, epochs: int, print_every: int, out: Any = None) -> History:
    """``training.fit``, printing J every ``print_every`` epochs and a progress display."""
    out = sys.stdout if out is None else out
    width = len(str(epochs))
    progress = _Progress(epochs)

    def report(epoch: int, cost: float) -> None:
        progress.clear()
        print(f"epoch {epoch:>{width}}  cost {format_cost(cost)}", file=out)

    try:
        return fit(trainer, epochs, print_every, report, progress.update)
    finally:
        progress.clear()


def _accuracy(params: Params, X: np.ndarray, Y: np.ndarray, split: str) -> tuple[float, int]:
    correct = int(np.sum(_inputs.predictions(params, X, split) == Y))
    return correct / Y.shape[1], correct


def _fail(message: str, status: int) -> int:
    return fail(PROG, message, status)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``nn-numpy-train`` and ``python -m nn_numpy.train``."""
    parser = build_parser()
    args = parser.parse_args(argv)

    def work() -> int:
        try:
            return _run(args)
        except Diverged as exc:
            return _fail(
                f"training diverged: {exc}; try a smaller --learning-rate"
                + ("" if args.standardize else " or drop --no-standardize"),
                1,
            )

    return run_cli(PROG, work, (DataError,))


def _check_architecture(hidden: tuple[int, ...], args: argparse.Namespace) -> None:
    """Refuse, before anything is read or allocated, a network this command cannot train."""
    if len(hidden) > MAX_HIDDEN_LAYERS:
        raise UsageError(
            f"--hidden-size: {len(hidden)} hidden layers given, at most {MAX_HIDDEN_LAYERS} allowed"
        )
    if args.backend == "numba" and trains_readably(hidden, args.activation):
        raise UsageError(
            f"--backend numba trains one ReLU hidden layer only, not {len(hidden)} "
            f"{args.activation} layer(s); use --backend numpy"
        )


def _run(args: argparse.Namespace) -> int:
    # Everything that can be checked is checked before training starts.
    outputs = {
        "--metrics-json": args.metrics_json,
        "--save-model": args.save_model,
        "--plot": args.plot,
    }
    hidden = tuple(args.hidden_size)
    _check_architecture(hidden, args)
    data_path = resolve_data_path(args.data_path)  # `large` etc.: nn_numpy.io.datasets
    check_outputs(outputs, {"--data-path": data_path})
    if args.plot is not None:
        try:
            plot.require_matplotlib()
        except plot.PlotUnavailableError as exc:
            raise UsageError(f"--plot: {exc}") from None

    if problem := backend_problem(args.backend):
        raise UsageError(f"--backend {args.backend}: {problem}")
    data = _inputs.prepare(args, data_path)
    X_train, Y_train, X_test, Y_test = data.X_train, data.Y_train, data.X_test, data.Y_test
    n_x, scaler = data.n_x, data.scaler
    n_train, n_test = Y_train.shape[1], Y_test.shape[1]
    print(
        f"data: {printable(args.data_path)} ({n_train + n_test} examples, {n_x} features), "
        f"{n_train} train / {n_test} test"
    )
    print(
        f"model: {architecture((n_x, *hidden, 1), args.activation)}, learning rate "
        f"{args.learning_rate:g}, {args.epochs} epochs, {args.dtype}, "
        f"{'standardized' if args.standardize else 'raw'} features"
    )

    initial = init_params(n_x, hidden, args.seed, activation=args.activation)
    trainer: TrainerLike
    if trains_readably(hidden, args.activation):  # the fast Trainer fuses one ReLU layer only
        trainer = ReadableTrainer(data.inputs, Y_train, initial, args.learning_rate, args.dtype)
    else:
        trainer = make_trainer(
            data.inputs,
            Y_train,
            initial,
            args.learning_rate,
            dtype=args.dtype,
            backend=args.backend,
        )
    _inputs.check_initial_cost(trainer, data, args)
    cost_epochs, costs = fit_and_print(trainer, args.epochs, args.print_every)
    params = trainer.params
    bad = [name for name, value in params.as_dict().items() if not np.all(np.isfinite(value))]
    if bad:
        raise Diverged(f"parameters {', '.join(bad)} are not finite after {args.epochs} epochs")
    inputs = data.inputs.astype(args.dtype, copy=False)  # a float64 run's inputs, not a copy
    train_acc, train_ok = _accuracy(params, inputs, Y_train, "train")
    with np.errstate(over="ignore"):  # a test value beyond the dtype is reported just below
        X_test_in = scaler.transform(X_test).astype(args.dtype)
    test_acc, test_ok = _accuracy(params, X_test_in, Y_test, "test")
    print(f"final cost: {format_cost(costs[-1])}")
    print(f"train accuracy: {100 * train_acc:.2f}% ({train_ok}/{n_train})")
    print(f"test accuracy: {100 * test_acc:.2f}% ({test_ok}/{n_test})")

    if args.save_model is not None:
        model_io.save_model(args.save_model, params, scaler, args.dtype, data.columns)
    if args.plot is not None:
        plot.plot_training(
            args.plot, params, scaler, X_train, Y_train, X_test, Y_test, cost_epochs, costs
        )
    if args.metrics_json is not None:
        metrics = {
            "data_path": str(args.data_path),
            "n_features": n_x,
            "n_train": n_train,
            "n_test": n_test,
            "hidden_sizes": list(hidden),
            "activation": args.activation,
            "learning_rate": args.learning_rate,
            "epochs": args.epochs,
            "test_size": args.test_size,
            "seed": args.seed,
            "standardize": args.standardize,
            "dtype": args.dtype,
            "final_cost": costs[-1],
            "train_accuracy": train_acc,
            "test_accuracy": test_acc,
            "cost_curve": {"epochs": cost_epochs, "costs": costs},
        }
        write_metrics(args.metrics_json, metrics)
    return 0


if __name__ == "__main__":
    sys.exit(main())
