"""The machine's arithmetic floor for one training step, measured, not assumed (needs numba).

Model. Per example, the fused step (``nn_numpy.training._numba_kernels._block``) does

    forward, per hidden unit:  n_x + 1 FMA/add (z), 1 max (ReLU), 1 FMA (h += W2_j a_j)
    output:                    |h|, 2 for the select, 1 + e, sigma - y, the sum of u: 6 ops,
                               1 exp, 1 division
    backward, per hidden unit: 2 for g = u 1{z > 0}, 1 + 1 for sum g and sum g a, n_x FMA (sum g x)

that is ``ops_per_example(n_x, n_h) = n_h (2 n_x + 6) + 6`` vector operations (56 for n_x = 2,
n_h = 5) plus one exp and one division. ``floor_step`` performs exactly that arithmetic for m
examples, vectorized over examples as the kernel is, with nothing the step needs besides: every
operation is an FMA on a value that stays in a register (a load and a store per 8 FMAs, from a
block that stays in L1), then the same ``exp_nonpositive`` and one division per example. Its time
is the floor: what the step would cost if memory, loop structure and reductions were free and
every operation ran at the FMA units' throughput. (On a core with separate add pipes an ideal mix
of adds and FMAs could go somewhat below it; no real step comes close to that.)

    python -m benchmarks.floor [--m 2000] [--n-x 2] [--n-h 5]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from benchmarks.scaling import best_seconds
from nn_numpy.training._aligned import aligned_copy
from nn_numpy.training._numba_compile import compiled
from nn_numpy.training._numba_kernels import exp_nonpositive

FMA_GROUP = 8  # FMAs per load/store in floor_step
BLOCK = 512  # examples per block: 4 KiB, in L1
# x <- a x + b moves x towards b / (1 - a) = 0.5 by a factor a per step: slowly enough that every
# FMA changes the result (a test repeats the arithmetic in NumPy), with no overflow or subnormals.
A, B = 1 - 2**-10, 2**-11


def ops_per_example(n_x: int, n_h: int) -> int:
    """Vector operations per example of the fused step, besides one exp and one division."""
    return n_h * (2 * n_x + 6) + 6


@compiled(fastmath={"contract"})
def _floor_block(v: np.ndarray, groups: int) -> None:
    """8 * groups dependent FMAs per element (elements independent), then exp and a division."""
    w = v.shape[0]
    for _ in range(groups):
        for i in range(w):
            x = v[i]
            x = x * A + B
            x = x * A + B
            x = x * A + B
            x = x * A + B
            x = x * A + B
            x = x * A + B
            x = x * A + B
            x = x * A + B
            v[i] = x
    for i in range(w):
        e = exp_nonpositive(-abs(v[i]))
        v[i] = v[i] / (1.0 + e)


@compiled()
def floor_step(v: np.ndarray, m: int, groups: int) -> float:
    """The floor's work for m examples, block by block through the scratch ``v`` (BLOCK long)."""
    total = 0.0
    for start in range(0, m, v.shape[0]):
        w = min(v.shape[0], m - start)
        _floor_block(v[:w], groups)
        total += v[0]
    return total


class Floor:
    """A callable doing the floor's arithmetic for (n_x, n_h, m): time it like a step."""

    def __init__(self, n_x: int, n_h: int, m: int) -> None:
        self.m = m
        self.ops = ops_per_example(n_x, n_h)
        self.groups = max(1, round(self.ops / FMA_GROUP))  # FMAs done: FMA_GROUP * groups
        self.v = aligned_copy(np.linspace(0.1, 0.9, BLOCK), np.float64)  # as the step's arrays

    def __call__(self) -> float:
        return float(floor_step(self.v, self.m, self.groups))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--m", type=int, default=2000)
    parser.add_argument("--n-x", type=int, default=2)
    parser.add_argument("--n-h", type=int, default=5)
    args = parser.parse_args(argv)
    floor = Floor(args.n_x, args.n_h, args.m)
    floor()  # compiled (or loaded from the cache) before timing
    seconds = best_seconds(floor, 25, time.thread_time)
    print(
        f"floor: {floor.ops} ops + exp + division per example; m = {args.m}: "
        f"{seconds * 1e6:.2f} µs per step, {seconds / args.m * 1e9:.2f} ns per example"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
