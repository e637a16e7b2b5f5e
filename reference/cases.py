"""The report's case families: the two datasets (He init) and random networks, plain or saturated,
with one hidden layer, and the same families with three hidden layers of each activation (deep).

Built from the checker's shared pieces (``nn_numpy.check.cases``); unlike the checker's cases
these do not avoid ReLU kinks or cap the logits, since they test our own network at any point.
"""

from __future__ import annotations

import io

import numpy as np

from nn_numpy.check.cases import (
    DATASETS,
    Case,
    dataset_text,
    load_dataset,
    random_batch,
    random_params,
)
from nn_numpy.network import Params, init_params


def dataset_cases(n_h: int = 5, seed: int = 42) -> list[Case]:
    """The two shipped datasets with He-initialized parameters (``init_params``)."""
    cases = []
    for filename in DATASETS:
        X, Y = load_dataset(io.StringIO(dataset_text(filename)))
        params = init_params(X.shape[0], n_h, seed=seed)
        cases.append(Case(filename.removesuffix(".csv"), params, X, Y, family="dataset"))
    return cases


def random_cases(count: int, seed: int, saturated: bool = False) -> list[Case]:
    """Random shapes (n_x 1..10, n_h 1..32, m 1..256), weights ~ N(0, 1) (1e1..1e3 if saturated)."""
    rng = np.random.default_rng(seed)
    cases = []
    family = "saturated" if saturated else "random"
    for k in range(count):
        n_x, n_h, m = int(rng.integers(1, 11)), int(rng.integers(1, 33)), int(rng.integers(1, 257))
        scale = float(10.0 ** rng.uniform(1, 3)) if saturated else 1.0
        X, Y = random_batch(rng, n_x, m)
        name = f"{family}-{k} (n_x={n_x}, n_h={n_h}, m={m})"
        cases.append(Case(name, random_params(rng, n_x, n_h, scale), X, Y, saturated, family))
    return cases


def random_layers(
    rng: np.random.Generator, sizes: tuple[int, ...], scale: float, activation: str
) -> Params:
    """An L-layer network of layer sizes ``sizes`` (n_x, n_1, ..., 1), every parameter entry
    (biases included, so ReLU masks are mixed) ~ N(0, scale^2)."""
    arrays = {}
    for l in range(1, len(sizes)):
        arrays[f"W{l}"] = scale * rng.standard_normal((sizes[l], sizes[l - 1]))
        arrays[f"b{l}"] = scale * rng.standard_normal((sizes[l], 1))
    return Params(**arrays, activation=activation)


DEEP_HIDDEN = (8, 6, 4)  # the report's deep case: three hidden layers, L = 4


def deep_cases(count: int, seed: int, saturated: bool = False) -> list[Case]:
    """Networks of three hidden layers, each activation in turn: the two datasets with
    ``init_params(n_x, DEEP_HIDDEN, 42, activation)`` (unless ``saturated``), then ``count``
    random ones (n_x 1..10, widths 1..16, m 1..256, weights N(0, 1), x 1e1..1e3 if saturated)."""
    activations = ("relu", "tanh", "sigmoid")
    cases = []
    if not saturated:
        for filename in DATASETS:
            X, Y = load_dataset(io.StringIO(dataset_text(filename)))
            for g in activations:
                params = init_params(X.shape[0], DEEP_HIDDEN, seed=42, activation=g)
                name = f"{filename.removesuffix('.csv')} {g}"
                cases.append(Case(name, params, X, Y, family="deep dataset"))
    rng = np.random.default_rng(seed)
    family = "deep saturated" if saturated else "deep random"
    for k in range(count):
        g = activations[k % 3]
        sizes = (int(rng.integers(1, 11)), *rng.integers(1, 17, size=3).tolist(), 1)
        m = int(rng.integers(1, 257))
        scale = float(10.0 ** rng.uniform(1, 3)) if saturated else 1.0
        X, Y = random_batch(rng, sizes[0], m)
        name = f"{family}-{k} ({g}, sizes={sizes}, m={m})"
        cases.append(Case(name, random_layers(rng, sizes, scale, g), X, Y, saturated, family))
    return cases
