"""How the Trainer's cost per example and its memory grow with m and n_h, chunked vs unchunked.

    python -m benchmarks.scaling [--quick] [--repeat N] [--plot scaling.png]

Prints two markdown tables (n_h = 5 with m from 2,000 to 2,000,000; n_h up to 512 at fixed m).
Time is CPU time of the whole process (all threads, ``time.process_time``), the best of
``--repeat`` runs of at least 5 ms each, per step and per example (ns): on a shared machine, wall
time also counts the other processes' turns on the CPU; CPU time does not. Peak memory is what
tracemalloc sees while the Trainer is built and takes one step, as a multiple of the data it was
given (X and Y in float64). "unchunked" is ``chunk_size=m``.
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from dataclasses import dataclass

import numpy as np

from benchmarks.conftest import blas_info, cpu_model
from nn_numpy import Trainer, init_params
from nn_numpy._io import atomic_write
from nn_numpy.trainer import default_chunk_size


@dataclass
class Row:
    m: int
    n_h: int
    chunk: int
    ns_per_example: float
    peak_bytes: int
    data_bytes: int


def problem(m: int, n_x: int = 2, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    Y = (rng.random((1, m)) < 0.5).astype(np.float64)
    return rng.standard_normal((n_x, m)) + (2 * Y - 1), Y


def measure(m: int, n_h: int, chunked: bool, repeat: int) -> Row:
    X, Y = problem(m)
    params = init_params(X.shape[0], n_h, seed=0)
    chunk = default_chunk_size(X.shape[0], n_h) if chunked else m
    tracemalloc.start()
    trainer = Trainer(X, Y, params, learning_rate=0.01, chunk_size=chunk)
    trainer.step()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    steps = 1
    while True:  # runs of >= 5 ms of CPU time
        t0 = time.process_time()
        for _ in range(steps):
            trainer.step()
        if time.process_time() - t0 >= 0.005:
            break
        steps *= 2
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        for _ in range(steps):
            trainer.step()
        best = min(best, (time.process_time() - t0) / steps)
    return Row(m, n_h, trainer.chunk_size, best / m * 1e9, peak, X.nbytes + Y.nbytes)


def table(rows: list[tuple[Row, Row]], vary: str) -> str:
    """Chunked (default) vs unchunked; ``vary`` is "m" or "n_h"."""
    reference = rows[0][0].ns_per_example
    relative = "x m = 2,000" if vary == "m" else "ns/(example x n_h)"
    lines = [
        f"| {vary} | chunk | ns/example | {relative} | ns/example unchunked "
        "| peak memory | peak memory unchunked |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for c, u in rows:
        key = f"{c.m:,}" if vary == "m" else str(c.n_h)
        rel = c.ns_per_example / reference if vary == "m" else c.ns_per_example / c.n_h
        lines.append(
            f"| {key} | {c.chunk:,} | {c.ns_per_example:.1f} | {rel:.2f} | {u.ns_per_example:.1f} "
            f"| {c.peak_bytes / 2**20:.1f} MiB ({c.peak_bytes / c.data_bytes:.2f}x data) "
            f"| {u.peak_bytes / 2**20:.1f} MiB ({u.peak_bytes / u.data_bytes:.2f}x data) |"
        )
    return "\n".join(lines)


def plot(path: str, by_m: list[tuple[Row, Row]], by_h: list[tuple[Row, Row]]) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("--plot: matplotlib is not installed (extra `plot`)", file=sys.stderr)
        raise SystemExit(2) from None
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
    for ax, rows, key, label in ((ax1, by_m, "m", "m (n_h = 5)"), (ax2, by_h, "n_h", "n_h")):
        xs = [getattr(c, key) for c, _ in rows]
        ax.loglog(xs, [c.ns_per_example for c, _ in rows], "o-", label="chunked (default)")
        ax.loglog(xs, [u.ns_per_example for _, u in rows], "s--", label="unchunked")
        ax.set_xlabel(label)
        ax.set_ylabel("CPU ns per example per step")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
    fig.suptitle("Trainer.step(): time per example")
    with atomic_write(path, "wb") as f:
        fig.savefig(f, format="png", dpi=120)
    print(f"\nwrote {path}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="m up to 200,000 and n_h up to 128")
    parser.add_argument("--repeat", type=int, default=25, help="timed runs per point (best kept)")
    parser.add_argument("--plot", metavar="PNG", help="also write a plot (needs matplotlib)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    ms = [2_000, 20_000, 200_000] + ([] if args.quick else [2_000_000])
    n_hs = [5, 32, 128] + ([] if args.quick else [512])
    m_for_h = 20_000

    print(f"cpu: {cpu_model()}; blas: {blas_info()}; numpy {np.__version__}\n")
    by_m = [(measure(m, 5, True, args.repeat), measure(m, 5, False, args.repeat)) for m in ms]
    print("n_h = 5, float64; m = 2,000 is the in-cache reference:\n")
    print(table(by_m, "m"), flush=True)
    by_h = [(measure(m_for_h, h, True, args.repeat), measure(m_for_h, h, False, args.repeat))
            for h in n_hs]  # fmt: skip
    print(f"\nm = {m_for_h:,}, float64:\n")
    print(table(by_h, "n_h"))
    if args.plot:
        plot(args.plot, by_m, by_h)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
