"""How close the training CLI's defaults come to what 5 hidden ReLU units can reach.

    python -m benchmarks.accuracy_ceiling [--seeds 10] [--epochs 30000] [--fresh 200000]

Everything is measured on the CLI's split of data/large_dataset.csv (``train_test_split(X, Y,
0.2, 42)``, features standardized with the train split's mean and std), and printed as one
markdown table of train and test accuracy:

1. The CLI's defaults: gradient descent, learning rate 0.01, 5000 epochs, init seed 42 (the same
   ``Trainer`` steps as ``python -m nn_numpy.train --data-path data/large_dataset.csv``).
2. The same 5-unit network trained to convergence: learning rate 0.3, 30000 epochs, init seeds
   0 .. seeds-1; the median and the maximum over seeds, each column taken separately.
3. scikit-learn's ``MLPClassifier((5,), relu)`` for random states 0 .. seeds-1, if scikit-learn
   is installed: independent code and optimizer on the same architecture. The default solver is
   L-BFGS (full batch; here it stops after 56 to 307 iterations, ~2 s for 10 runs);
   ``--sklearn-solver adam`` (mini-batches of 200, up to 5000 epochs, ~1.5 min) is the other
   choice. sklearn's default L2 penalty (alpha 1e-4) is kept.
4. The Bayes-optimal rule for the generator (``nn_numpy.io.datasets.make_circles``): no classifier
   does better in expectation. A class-k point is R_k (cos t, sin t) + noise with t uniform and
   noise ~ N(0, s^2 I), so its density is the Gaussian convolved with the circle,

       p(x | k) = 1/(2 pi) int_0^{2 pi} N(x; R_k (cos t, sin t), s^2 I) dt,

   which depends on r = |x| only. The integral is the trapezoid rule on ``N_ANGLES`` equally spaced
   angles (spectrally accurate for a smooth periodic integrand), in log space so that no density
   underflows far from the circles. The classes are balanced, so the rule predicts the class
   with the larger density; it is |x| < r* for one radius r*, printed below the table. Its
   expected accuracy is estimated on ``--fresh`` new points from the generator (seed 12345).
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from nn_numpy.io.data import DataError, Standardizer, load_table, split_xy, train_test_split
from nn_numpy.io.datasets import INNER_RADIUS, NOISE, make_circles
from nn_numpy.network import Params, init_params, predict
from nn_numpy.training.trainer import Trainer

Array = NDArray[np.float64]

DATA = Path(__file__).resolve().parent.parent / "data" / "large_dataset.csv"
N_ANGLES = 720
RADII = (1.0, INNER_RADIUS)  # (class 0, class 1): label 0 on the unit circle, 1 on the inner one
FRESH_SEED = 12345


def circle_log_density(r: Array, radius: float, noise: float = NOISE) -> Array:
    """log p(x | circle) at |x| = r: log of the mean over angles t of N(x; radius (cos t, sin t)).

    With x = (r, 0): |x - radius (cos t, sin t)|^2 = r^2 + radius^2 - 2 r radius cos t.
    """
    t = np.linspace(0.0, 2.0 * np.pi, N_ANGLES, endpoint=False)
    r = np.asarray(r, dtype=np.float64).reshape(-1, 1)
    e = -(r**2 + radius**2 - 2.0 * r * radius * np.cos(t)) / (2.0 * noise**2)
    peak = e.max(axis=1)
    log_mean = peak + np.log(np.mean(np.exp(e - peak[:, None]), axis=1))
    return log_mean - np.log(2.0 * np.pi * noise**2)


def bayes_predict(X: Array, noise: float = NOISE, chunk: int = 4096) -> NDArray[np.int64]:
    """Bayes-optimal labels (1, m) for X (2, m) in raw units: 1 where p(x | 1) > p(x | 0)."""
    r = np.hypot(X[0], X[1])
    labels = np.empty(r.size, dtype=np.int64)
    for start in range(0, r.size, chunk):  # bounds the (chunk, N_ANGLES) temporaries
        rc = r[start : start + chunk]
        log_p0, log_p1 = (circle_log_density(rc, radius, noise) for radius in RADII)
        labels[start : start + chunk] = log_p1 > log_p0
    return labels.reshape(1, -1)


def bayes_radius(noise: float = NOISE) -> float:
    """r* in (INNER_RADIUS, 1) where the two class densities are equal (bisection)."""
    lo, hi = INNER_RADIUS, 1.0
    for _ in range(60):
        mid = (lo + hi) / 2
        outer, inner = (circle_log_density(np.array([mid]), radius, noise)[0] for radius in RADII)
        lo, hi = (mid, hi) if inner > outer else (lo, mid)
    return (lo + hi) / 2


def accuracy(labels: NDArray[np.int64], Y: NDArray[np.generic]) -> float:
    """Share of the m columns where the (1, m) labels equal Y."""
    return float(np.mean(labels == Y))


def gradient_descent(
    X: Array, Y: Array, seed: int, learning_rate: float, epochs: int, n_h: int = 5
) -> Params:
    """The CLI's training: ``epochs`` full-batch steps from ``init_params(n_x, n_h, seed)``."""
    trainer = Trainer(X, Y, init_params(X.shape[0], n_h, seed), learning_rate)
    for _ in range(epochs):
        trainer.step()
    return trainer.params


def sklearn_runs(
    X_tr: Array, Y_tr: Array, X_te: Array, Y_te: Array, seeds: int, solver: str = "lbfgs"
) -> list[tuple[float, float]] | None:
    """(train, test) accuracy of MLPClassifier((5,), relu) per random state; None if absent."""
    try:
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.neural_network import MLPClassifier
    except ImportError:
        return None
    runs = []
    for state in range(seeds):
        clf = MLPClassifier(
            hidden_layer_sizes=(5,),
            activation="relu",
            solver=solver,
            max_iter=5000,
            tol=1e-7,
            n_iter_no_change=200,
            random_state=state,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.fit(X_tr.T, Y_tr[0])
        runs.append((clf.score(X_tr.T, Y_tr[0]), clf.score(X_te.T, Y_te[0])))
    return runs


def row(label: str, train: float, test: float) -> str:
    return f"| {label} | {100 * train:.2f}% | {100 * test:.2f}% |"


def summary_rows(label: str, runs: list[tuple[float, float]]) -> list[str]:
    """Median and maximum over runs, each column separately."""
    train, test = np.array(runs).T
    return [
        row(f"{label}: median", float(np.median(train)), float(np.median(test))),
        row(f"{label}: max", float(train.max()), float(test.max())),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """Print the table (markdown) and the Bayes rule's accuracy on fresh points."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.accuracy_ceiling",
        description="Accuracy of the CLI's defaults vs converged 5-unit networks and Bayes.",
    )
    parser.add_argument("--data-path", type=Path, default=DATA, help="default: %(default)s")
    parser.add_argument("--seeds", type=int, default=10, help="init seeds / random states")
    parser.add_argument("--epochs", type=int, default=30000, help="epochs at learning rate 0.3")
    parser.add_argument("--fresh", type=int, default=200_000, help="fresh points (Bayes rule)")
    parser.add_argument("--sklearn-solver", choices=("lbfgs", "adam"), default="lbfgs")
    args = parser.parse_args(argv)
    for flag, least in (("seeds", 1), ("epochs", 1), ("fresh", 2)):
        if getattr(args, flag) < least:
            parser.error(f"--{flag} must be at least {least}")
    try:
        X, Y = split_xy(load_table(args.data_path))
    except DataError as exc:
        parser.error(str(exc))
    X_tr, Y_tr, X_te, Y_te = train_test_split(X, Y, 0.2, 42)  # the CLI's split and scaling
    scaler = Standardizer.fit(X_tr)
    S_tr, S_te = scaler.transform(X_tr), scaler.transform(X_te)

    def scores(params: Params) -> tuple[float, float]:
        return accuracy(predict(params, S_tr), Y_tr), accuracy(predict(params, S_te), Y_te)

    span = f"0-{args.seeds - 1}" if args.seeds > 1 else "0"
    lines = [
        f"| 5 hidden ReLU units unless stated | train ({Y_tr.shape[1]}) | test ({Y_te.shape[1]}) |",
        "|---|---:|---:|",
        row(
            "CLI defaults: GD lr 0.01 x 5000 epochs, init seed 42",
            *scores(gradient_descent(S_tr, Y_tr, 42, 0.01, 5000)),
        ),
    ]
    gd = [scores(gradient_descent(S_tr, Y_tr, s, 0.3, args.epochs)) for s in range(args.seeds)]
    lines += summary_rows(f"GD lr 0.3 x {args.epochs} epochs, init seeds {span}", gd)
    sk = sklearn_runs(S_tr, Y_tr, S_te, Y_te, args.seeds, args.sklearn_solver)
    sk_label = f"scikit-learn MLPClassifier((5,), relu, {args.sklearn_solver}), random_state {span}"
    if sk is None:
        lines.append(f"| {sk_label} | not installed | not installed |")
    else:
        lines += summary_rows(sk_label, sk)
    bayes_train = accuracy(bayes_predict(X_tr), Y_tr)
    bayes_test = accuracy(bayes_predict(X_te), Y_te)
    lines.append(
        row("Bayes-optimal rule (no classifier does better on average)", bayes_train, bayes_test)
    )

    X_new, y_new = make_circles(n=args.fresh - args.fresh % 2, seed=FRESH_SEED)
    p = accuracy(bayes_predict(X_new.T), y_new.reshape(1, -1))
    n_te = Y_te.shape[1]
    lines += [
        "",
        f"Bayes-optimal accuracy on {y_new.size} fresh points from the generator: {100 * p:.2f}% "
        f"(standard error {100 * np.sqrt(p * (1 - p) / y_new.size):.2f} points); "
        f"the rule is |x| < r* = {bayes_radius():.4f}.",
        f"At that accuracy, a test accuracy on {n_te} points has a standard error of "
        f"{100 * np.sqrt(p * (1 - p) / n_te):.2f} points.",
    ]
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
