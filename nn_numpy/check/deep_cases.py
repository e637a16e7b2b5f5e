"""Deterministic cases at any depth and hidden activation, for ``f(params, X, Y)``.

Per number of hidden layers, four cases with fixed seeds: ``shapes`` and ``random`` (every width
different from its neighbours, from n_x and from m, none 1: a transpose or a reshape changes
the shape), ``m=1``, and ``square`` (every width equal to n_x: there a missing transpose or a
layer off by one has the right shape and shows in the values). In ReLU networks every example
keeps every |Z[l]| of the hidden layers at least ``KINK_MARGIN`` (no ReLU kink); in every
network |Z[L]| <= ``MAX_LOGIT`` and Z[L] has both signs.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nn_numpy.check.cases import KINK_MARGIN, MAX_LOGIT, Case, random_batch
from nn_numpy.network import Array, Params, forward

DEPTHS = (1, 2, 4)  # hidden layers of a depth-generic function
WIDTHS = (5, 4, 6, 2)  # the hidden widths of "shapes", outermost first: neighbours differ
RANDOM_WIDTHS = (4, 6, 5, 3)


def hidden_widths(widths: Sequence[int], hidden: int) -> tuple[int, ...]:
    """``hidden`` widths taken cyclically from ``widths``."""
    return tuple(widths[i % len(widths)] for i in range(hidden))


def deep_random_params(rng: np.random.Generator, sizes: Sequence[int], activation: str) -> Params:
    """W[l] ~ N(0, 1.5^2 / n_{l-1}), b[l] ~ N(0, 0.5^2): activations neither vanish nor
    saturate over a few layers, and biases make ReLU masks mixed."""
    arrays = {}
    for l in range(1, len(sizes)):
        arrays[f"W{l}"] = (
            1.5 / np.sqrt(sizes[l - 1]) * rng.standard_normal((sizes[l], sizes[l - 1]))
        )
        arrays[f"b{l}"] = 0.5 * rng.standard_normal((sizes[l], 1))
    return Params(**arrays, activation=activation)


def clear_of_kinks(params: Params, X: Array) -> Array:
    """Per example: True if no hidden ReLU unit has |Z| below KINK_MARGIN (always for tanh,
    sigmoid)."""
    keep = np.ones(X.shape[1], dtype=bool)
    if params.activation != "relu":
        return keep
    cache = forward(params, X)
    for l in range(1, params.L):
        keep &= np.all(np.abs(cache[f"Z{l}"]) >= KINK_MARGIN, axis=0)
    return keep


def _centred(params: Params, X: Array) -> Params:
    """b[L] moved so that Z[L] has both signs (the median example at 0), then W[L], b[L]
    scaled down if needed so that max |Z[L]| <= MAX_LOGIT (earlier layers unchanged)."""
    L = params.L
    arrays = dict(params.items())
    z = np.sort(forward(params, X)[f"Z{L}"][0])
    m = z.size
    if m > 1:
        arrays[f"b{L}"] = arrays[f"b{L}"] - (z[m // 2 - 1] + z[m // 2]) / 2
    moved = Params(**arrays, activation=params.activation)
    top = float(np.max(np.abs(forward(moved, X)[f"Z{L}"])))
    if top > MAX_LOGIT:
        arrays[f"W{L}"] = arrays[f"W{L}"] * MAX_LOGIT / top
        arrays[f"b{L}"] = arrays[f"b{L}"] * MAX_LOGIT / top
    return Params(**arrays, activation=params.activation)


def deep_case(name: str, seed: int, sizes: Sequence[int], m: int, activation: str) -> Case:
    """A network of layer sizes ``sizes`` (n_x first, 1 last) and m examples clear of kinks."""
    rng = np.random.default_rng(seed)
    params = deep_random_params(rng, sizes, activation)
    X, Y = random_batch(rng, sizes[0], 4 * m + 10)
    keep = clear_of_kinks(params, X)
    X, Y = X[:, keep][:, :m], Y[:, keep][:, :m]
    if X.shape[1] != m:
        raise AssertionError(f"{name}: too many examples near a kink")  # fixed seeds: never
    if m > 1 and np.all(Y == Y[0, 0]):
        Y[0, 0] = 1.0 - Y[0, 0]  # both labels
    params = _centred(params, X)
    arch = "-".join(str(n) for n in sizes)
    return Case(f"{name} ({arch}, m={m})", params, X, Y, family=name)


def deep_cases(depths: Sequence[int] = DEPTHS, activation: str = "relu") -> list[Case]:
    """The cases of ``check_network``: for each number of hidden layers, square, shapes, random
    and m=1 (fixed seeds); the square ones first, so that code that fits only equal widths runs
    on one before it raises on another."""
    cases = []
    for hidden in sorted(depths):
        seed = 100 * hidden
        cases += [
            deep_case("square", seed + 4, (4, *(4,) * hidden, 1), 8, activation),
            deep_case("shapes", seed + 1, (3, *hidden_widths(WIDTHS, hidden), 1), 7, activation),
            deep_case(
                "random", seed + 2, (7, *hidden_widths(RANDOM_WIDTHS, hidden), 1), 9, activation
            ),
            deep_case("m=1", seed + 3, (3, *hidden_widths(WIDTHS, hidden), 1), 1, activation),
        ]
    return cases
