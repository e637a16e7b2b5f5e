"""Deterministic cases (a network and a batch) that tell backprop mistakes apart.

Every family has a fixed seed, so the same implementation gets the same report on every run.
Shapes are chosen so that mistakes cannot hide: n_x != n_h, neither 1, and m different from
both (a transpose changes the shape), m = 1 alone in its own case, a saturated output layer
(sigma' small, so an extra sigma' factor shows), dead hidden units (so a missing ReLU mask
shows), and mixed signs of Z2 (so a mask on Z2 instead of Z1 shows). No case has an example
with |Z1| < ``KINK_MARGIN``: every case lies on one smooth piece of J, away from ReLU kinks, so
``1{Z1 > 0}``, ``1{Z1 >= 0}`` and a float32 Z1 give the same mask and the finite-difference
stencils (step 1e-6) never cross a kink.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nn_numpy.network import Array, Params, forward, init_params

# The copies the package ships: in a checkout, those of data/ byte for byte (test_datasets.py).
DATA_DIR = Path(__file__).resolve().parents[1] / "_data"
DATASETS = ("basic_dataset.csv", "large_dataset.csv")
KINK_MARGIN = 1e-3  # no |Z1| below this in any checker case
MAX_LOGIT = 8.0  # |Z2| <= 8: sigma(Z2) is at most 1 - 3e-4, so log(1 - A2) is finite in float32


@dataclass(frozen=True)
class Case:
    """One network and batch: X (n_x, m), Y (1, m). ``saturated`` cases use term-scaled errors."""

    name: str
    params: Params
    X: Array
    Y: Array
    saturated: bool = False
    family: str = ""


def dataset_text(filename: str) -> str:
    """The text of a shipped dataset: the package's copy (``DATA_DIR``), else regenerated.

    The only place the checker finds datasets. ``nn_numpy.io.datasets`` regenerates both files
    byte for byte from fixed seeds (tests/test_datasets.py), so an installed package without
    ``data/`` gets the same numbers.
    """
    path = DATA_DIR / filename
    if path.is_file():
        return path.read_text(encoding="utf-8")
    from nn_numpy.io.datasets import make_basic, make_circles, to_csv

    if filename == "basic_dataset.csv":
        return to_csv(*make_basic(), decimals=2)
    return to_csv(*make_circles(), decimals=6)


def load_dataset(source: str | Path | io.StringIO) -> tuple[Array, Array]:
    """CSV with a header, features then a 0/1 label per row -> X (n_x, m) standardized, Y (1, m).

    Features are standardized with the mean and standard deviation of the whole file (a
    constant feature is only centred), so the same X goes to every implementation compared.
    """
    table = np.loadtxt(source, delimiter=",", skiprows=1, ndmin=2)
    X, Y = table[:, :-1].T, table[:, -1:].T
    std = X.std(axis=1, keepdims=True)
    return (X - X.mean(axis=1, keepdims=True)) / np.where(std > 0, std, 1.0), Y


def random_params(rng: np.random.Generator, n_x: int, n_h: int, scale: float) -> Params:
    """Every parameter entry ~ N(0, scale^2), biases included (so ReLU masks are mixed)."""
    return Params(
        W1=scale * rng.standard_normal((n_h, n_x)),
        b1=scale * rng.standard_normal((n_h, 1)),
        W2=scale * rng.standard_normal((1, n_h)),
        b2=scale * rng.standard_normal((1, 1)),
    )


def random_batch(rng: np.random.Generator, n_x: int, m: int) -> tuple[Array, Array]:
    """X ~ N(0, 1) of shape (n_x, m) and labels Y in {0, 1} of shape (1, m)."""
    return rng.standard_normal((n_x, m)), rng.integers(0, 2, size=(1, m)).astype(np.float64)


def away_from_kinks(params: Params, X: Array, Y: Array) -> tuple[Array, Array]:
    """The examples (columns) whose every |Z1| is at least ``KINK_MARGIN``."""
    keep = np.all(np.abs(forward(params, X).Z1) >= KINK_MARGIN, axis=0)
    return X[:, keep], Y[:, keep]


def _capped(params: Params, X: Array) -> Params:
    """Scale W2 and b2 down, if needed, so that max |Z2| <= MAX_LOGIT (Z1 is unchanged)."""
    top = float(np.max(np.abs(forward(params, X).Z2)))
    if top <= MAX_LOGIT:
        return params
    k = MAX_LOGIT / top
    return Params(W1=params.W1, b1=params.b1, W2=k * params.W2, b2=k * params.b2)


def _random_case(name: str, family: str, seed: int, n_x: int, n_h: int, m: int) -> Case:
    """N(0, 1) network and batch; 2m examples drawn, the first m clear of kinks kept; b2 moved
    so that Z2 has both signs (the median example at 0), so a mask on Z2 cannot pass for one on Z1.
    """
    rng = np.random.default_rng(seed)
    params = random_params(rng, n_x, n_h, 1.0)
    X, Y = away_from_kinks(params, *random_batch(rng, n_x, 2 * m + 10))
    X, Y = X[:, :m], Y[:, :m]
    if X.shape[1] != m:
        raise AssertionError(f"{name}: too many examples near a kink")  # fixed seeds: never
    z = np.sort(forward(params, X).Z2[0])
    b2 = params.b2 - (z[m // 2 - 1] + z[m // 2]) / 2 if m > 1 else params.b2  # 0 between two
    params = _capped(Params(params.W1, params.b1, params.W2, b2), X)
    return Case(f"{name} (n_x={n_x}, n_h={n_h}, m={m})", params, X, Y, family=family)


def _dataset_case(filename: str, n_h: int = 5, seed: int = 42) -> Case:
    X, Y = load_dataset(io.StringIO(dataset_text(filename)))
    params = init_params(X.shape[0], n_h, seed=seed)
    kept_X, kept_Y = away_from_kinks(params, X, Y)
    name = f"{filename.removesuffix('.csv')} (m={kept_X.shape[1]} of {X.shape[1]})"
    return Case(name, params, kept_X, kept_Y, family="dataset")


def _saturated_case(seed: int = 5, n_x: int = 4, n_h: int = 6, m: int = 16) -> Case:
    """Every |Z2| in [4, 8], both signs, so sigma' <= 0.018. All labels are 0: the examples with
    Z2 > 0 are confidently wrong (dZ2 near 1), the others confidently right (dZ2 near 0), and no
    sum over the examples cancels (with mixed labels db2 = mean(A2 - Y) adds +-1 to nearly 0, and
    a relative error there measures rounding, not formulas)."""
    base = _random_case("saturated", "saturated", seed, n_x, n_h, 4 * m)
    Z2 = forward(base.params, base.X).Z2
    k = 0.75 * MAX_LOGIT / float(np.median(np.abs(Z2)))  # the median |Z2| becomes 6
    params = Params(base.params.W1, base.params.b1, k * base.params.W2, k * base.params.b2)
    size = np.abs(forward(params, base.X).Z2[0])
    keep = (size >= MAX_LOGIT / 2) & (size <= MAX_LOGIT)
    X = base.X[:, keep][:, :m]
    Y = np.zeros((1, X.shape[1]))
    name = f"saturated (n_x={n_x}, n_h={n_h}, m={X.shape[1]}, |Z2| in [4, 8])"
    return Case(name, params, X, Y, family="saturated")


def _dead_units_case(seed: int = 6, n_x: int = 4, n_h: int = 6, m: int = 10) -> Case:
    """Hidden units 0 and 3 are dead: b1 pushes their Z1 below 0 on every example."""
    base = _random_case("dead units", "dead units", seed, n_x, n_h, m)
    b1 = base.params.b1.copy()
    reach = np.abs(base.params.W1) @ np.abs(base.X)
    for unit in (0, 3):
        b1[unit, 0] = -float(np.max(reach[unit])) - 1.0
    params = Params(base.params.W1, b1, base.params.W2, base.params.b2)
    return Case(f"dead units (n_x={n_x}, n_h={n_h}, m={m}, units 0, 3 dead)", params, base.X,
                base.Y, family="dead units")  # fmt: skip


def checker_cases() -> list[Case]:
    """The cases ``nn-numpy-check`` runs, in report order (fixed seeds)."""
    return [
        _random_case("shapes", "shapes", 1, 3, 5, 7),
        *(_dataset_case(name) for name in DATASETS),
        _random_case("random-1", "random", 2, 6, 4, 9),
        _random_case("random-2", "random", 3, 2, 8, 13),
        _random_case("m=1", "m=1", 4, 3, 4, 1),
        _saturated_case(),
        _dead_units_case(),
    ]
