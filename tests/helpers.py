"""Helpers shared by several test files: import them as ``from tests.helpers import ...``.

Two topics have their own module beside this one: ``tests/helpers_models.py`` (saved model
files) and ``tests/helpers_check.py`` (nn-numpy-check's user implementations and runner).

``tests`` is found through pytest's ``pythonpath = ["."]``, so this works in both import modes
(``prepend`` and ``importlib``, the configured one); test files never import one another. Fixtures
built on these live in ``tests/conftest.py``.
"""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from nn_numpy import Params, backward, compute_cost, forward, init_params, predict, train
from nn_numpy.cli.train import main
from nn_numpy.io.columns import Columns
from nn_numpy.io.data import Standardizer, load_table, split_xy, train_test_split
from nn_numpy.records import grad_names

ROOT = Path(__file__).parents[1]

# The numba backend's tests skip without numba, except under NN_NUMPY_REQUIRE_NUMBA=1 (the tox
# environments that install the `fast` extra): there a missing numba stops the run (this module is
# imported by tests/conftest.py), so the compiled backend's checks cannot pass by not running.
REQUIRE_NUMBA = os.environ.get("NN_NUMPY_REQUIRE_NUMBA", "") not in ("", "0")
HAVE_NUMBA = importlib.util.find_spec("numba") is not None
if REQUIRE_NUMBA and not HAVE_NUMBA:
    raise ImportError("NN_NUMPY_REQUIRE_NUMBA=1 but numba is not installed (extra `fast`)")
needs_numba = pytest.mark.skipif(
    not HAVE_NUMBA, reason="numba not installed (extra `fast`); NN_NUMPY_REQUIRE_NUMBA=1 forbids"
)

# nn-numpy-train, in-process: the data files, the seed's command, and the same run written out
BASIC = str(ROOT / "data" / "basic_dataset.csv")
LARGE = str(ROOT / "data" / "large_dataset.csv")
SEED_COMMAND = [
    "--data-path",
    "data/basic_dataset.csv",
    "--hidden-size",
    "5",
    "--learning-rate",
    "0.01",
    "--epochs",
    "5000",
    "--test-size",
    "0.2",
    "--seed",
    "42",
]


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """main(argv) in-process: (exit status, stdout, stderr), argparse's SystemExit included."""
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def train_fails(argv: list[str], capsys: pytest.CaptureFixture[str], status: int = 2) -> str:
    """run_cli(argv) fails with ``status`` and one line on stderr; that line."""
    code, _, err = run_cli(argv, capsys)
    assert code == status
    assert err.count("\n") == 1 and err.startswith("nn-numpy-train: error: "), err
    return err


def readable_run(
    path: str,
    hidden: int | tuple[int, ...],
    lr: float,
    epochs: int,
    test_size: float = 0.2,
    seed: int = 42,
    standardize: str = "train",
    activation: str = "relu",
    dtype: type[np.floating] = np.float64,
) -> tuple[Params, list[float], tuple[np.ndarray, ...]]:
    """nn-numpy-train's run through the readable ``network.train`` loop, written out step by
    step: (final parameters, J before each step, (X_train, Y_train, X_test, Y_test)).

    ``standardize``: "train" (statistics of the train split), "all" (of all rows) or "none".
    The weights are drawn in float64 and cast to ``dtype``, as the command does.
    """
    X, Y = split_xy(load_table(path))
    Xtr, Ytr, Xte, Yte = train_test_split(X, Y, test_size, seed)
    if standardize == "none":
        scaler = Standardizer.identity(X.shape[0])
    else:
        scaler = Standardizer.fit(Xtr if standardize == "train" else X)
    Xtr, Xte = scaler.transform(Xtr).astype(dtype), scaler.transform(Xte).astype(dtype)
    start = init_params(X.shape[0], hidden, seed, activation=activation)
    start = Params(**{k: v.astype(dtype) for k, v in start.items()}, activation=activation)
    params, costs = train(Xtr, Ytr.astype(dtype), start, lr, epochs)
    return params, costs, (Xtr, Ytr, Xte, Yte)


def reference(
    path: str,
    hidden: int,
    lr: float,
    epochs: int,
    test_size: float = 0.2,
    seed: int = 42,
    standardize: str = "train",
) -> dict[str, float]:
    """The final cost and accuracies of ``readable_run``."""
    params, _, (Xtr, Ytr, Xte, Yte) = readable_run(
        path, hidden, lr, epochs, test_size, seed, standardize
    )
    return {
        "final_cost": compute_cost(forward(params, Xtr), Ytr),
        "train_accuracy": float(np.mean(predict(params, Xtr) == Ytr)),
        "test_accuracy": float(np.mean(predict(params, Xte) == Yte)),
    }


def read_metrics(path: Path) -> dict[str, Any]:
    """The metrics file nn-numpy-train wrote (--metrics-json)."""
    return json.loads(path.read_text(encoding="utf-8"))


# the fast Trainer's tests: data, parameters and the readable gradients

GRAD_NAMES = ("dW1", "db1", "dW2", "db2")
PARAM_NAMES = ("W1", "b1", "W2", "b2")


def close(actual: np.ndarray, expected: np.ndarray, tol: float) -> None:
    expected = np.asarray(expected, dtype=np.float64)
    scale = float(np.max(np.abs(expected))) if expected.size else 0.0
    np.testing.assert_allclose(actual, expected, rtol=tol, atol=tol * scale)


def blobs(m: int, n_x: int = 2, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two overlapping Gaussian classes, X (n_x, m), Y (1, m) in {0, 1}."""
    rng = np.random.default_rng(seed)
    Y = (rng.random((1, m)) < 0.5).astype(np.float64)
    X = rng.standard_normal((n_x, m)) + 1.5 * (2 * Y - 1)
    return X, Y


def random_params(n_x: int, n_h: int, seed: int) -> Params:
    """He-initialized weights with non-zero biases, so every bias path is exercised."""
    p = init_params(n_x, n_h, seed=seed)
    rng = np.random.default_rng(seed + 1)
    return Params(W1=p.W1, b1=0.3 * rng.standard_normal((n_h, 1)), W2=p.W2, b2=np.array([[0.2]]))


def readable_grads(p: Params, X: np.ndarray, Y: np.ndarray) -> dict[str, np.ndarray]:
    """dJ/dW[l], dJ/db[l] of the readable network, l = 1..L: the keys of a trainer's Grads."""
    g = backward(p, forward(p, X), X, Y)
    return {name: g[name] for name in grad_names(p.L)}


def deep_params(
    n_x: int, hidden: tuple[int, ...], activation: str, seed: int, bias: float = 0.3
) -> Params:
    """init_params' weights with non-zero biases in every layer, so every bias path is used."""
    p = init_params(n_x, hidden, seed=seed, activation=activation)
    rng = np.random.default_rng(seed + 1)
    arrays = {k: v if k[0] == "W" else bias * rng.standard_normal(v.shape) for k, v in p.items()}
    return Params(**arrays, activation=activation)


# --------------------------------------------------------------------------- signals

XY_LABEL = Columns(("x1", "x2"), "label")  # the header of data/*.csv

# A CLI run in a child process that pauses (PAUSED on stderr) at POINT: while the model's .npz
# is half written, at its fsync, or in a training step, so that a test can signal it there.
CHILD = r"""
import os, sys, time
import numpy as np

point, program, *argv = sys.argv[1:]

def pause(*args, **kwargs):
    sys.stderr.write("PAUSED\n")
    sys.stderr.flush()
    time.sleep(60)

if point == "savez":
    def half_written(f, **arrays):
        f.write(b"PK" + bytes(1 << 16))
        f.flush()
        pause()
    np.savez = half_written
elif point == "fsync":
    os.fsync = pause
elif point == "step":
    import nn_numpy.training.trainer
    nn_numpy.training.trainer.Trainer.step = pause

from nn_numpy.cli import predict, train
sys.exit((train if program == "train" else predict).main(argv))
"""


# --------------------------------------------------------------------------- backends


def assert_gradients_and_cost_equal_readable(
    t: Any, p: Params, X: np.ndarray, Y: np.ndarray
) -> None:
    """A trainer's gradients() and cost() equal the readable network's to 1e-12, shapes included;
    the gradients are one record with exactly the keys dW1, db1, ..., dWL, dbL, in order."""
    fast = t.gradients()
    assert tuple(fast) == grad_names(p.L)
    for name, expected in readable_grads(p, X, Y).items():
        assert getattr(fast, name).shape == expected.shape, name
        close(getattr(fast, name), expected, 1e-12)
    assert t.cost() == pytest.approx(compute_cost(forward(p, X), Y), rel=1e-12)


# The pages whose blocks of program output the tests check: the README and the documentation
# site's Markdown pages. A section moves between them; its check follows it.
DOC_PAGES = ("README.md", *sorted(f"docs/{p.name}" for p in (ROOT / "docs").glob("*.md")))


def pages_with(marker: str) -> list[tuple[str, str]]:
    """(name, text) of every page in DOC_PAGES that contains ``marker``."""
    pages = [(name, (ROOT / name).read_text(encoding="utf-8")) for name in DOC_PAGES]
    return [(name, text) for name, text in pages if marker in text]
