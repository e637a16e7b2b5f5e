"""How the Trainer's cost per example and its memory grow with m and n_h, chunked vs unchunked.

    python -m benchmarks.scaling [--quick] [--repeat N] [--plot scaling.png]

Prints two markdown tables (n_h = 5 with m from 2,000 to 2,000,000; n_h up to 512 at fixed m),
then, where numba is installed, a third: the compiled step on 1 and 2 threads beside the floor
(benchmarks/floor.py) and the Trainer, over the same sizes, with its compile time on its own line.
Time is CPU time of the whole process (all threads, ``time.process_time``), the best of
``--repeat`` runs of at least 5 ms each, per step and per example (ns): on a shared machine, wall
time also counts the other processes' turns on the CPU; CPU time does not. Peak memory is what
tracemalloc sees while the Trainer is built and takes one step, as a multiple of the data it was
given (X and Y in float64). "unchunked" is ``chunk_size=m``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from benchmarks.conftest import blas_info, cpu_model
from nn_numpy import Trainer, init_params
from nn_numpy.io.atomic import atomic_write
from nn_numpy.training.trainer import default_chunk_size


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
    best = best_seconds(trainer.step, repeat)
    return Row(m, n_h, trainer.chunk_size, best / m * 1e9, peak, X.nbytes + Y.nbytes)


def best_seconds(
    run: Callable[[], object], repeat: int, clock: Callable[[], float] = time.process_time
) -> float:
    """Best time of one ``run()`` over ``repeat`` runs of at least 5 ms on ``clock``."""
    calls = 1
    while True:
        t0 = clock()
        for _ in range(calls):
            run()
        if clock() - t0 >= 0.005:
            break
        calls *= 2
    best = float("inf")
    for _ in range(repeat):
        t0 = clock()
        for _ in range(calls):
            run()
        best = min(best, (clock() - t0) / calls)
    return best


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


def compiled_section(ms: list[int], n_hs: list[int], m_for_h: int, repeat: int) -> None:
    """The numba backend next to the floor and the Trainer: ns per example, one run.

    Process CPU time like the tables above, except the 2-thread column: wall time there, as CPU
    time adds up both threads (on a busy machine wall time also counts other jobs' turns, so
    that column is an upper bound). The compile time (or the load from numba's on-disk cache)
    is reported on its own line and paid before any timing.
    """
    try:
        from benchmarks.floor import Floor
        from nn_numpy.training.fast_trainer import NumbaTrainer, compile_kernels, load_kernels
    except ImportError as exc:
        print(f"\nnumba backend: not measured ({exc})")
        return
    k = load_kernels()
    first = [compile_kernels(np.float64, threads=t) for t in (1, 2)]
    loaded = sum(k.step_serial.stats.cache_hits.values()) > 0
    env = {v: os.environ.get(v, "unset") for v in ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS")}
    print(
        f"\nnumba {k.numba.__version__} ({k.numba.threading_layer()} threading layer, "
        f"{k.numba.get_num_threads()} threads; {', '.join(f'{a}={b}' for a, b in env.items())}); "
        f"first call {first[0]:.2f} s (1 thread), {first[1]:.2f} s (2 threads), "
        + ("loaded from numba's cache" if loaded else "compiled (now cached on disk)")
    )
    print(f"ns per example, best of {repeat} runs; floor = benchmarks/floor.py:\n")
    print(
        "| m | n_h | floor | numba 1 thread | x floor | 2 threads, wall | Trainer | numba/Trainer |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for m, n_h in [(m, 5) for m in ms] + [(m_for_h, h) for h in n_hs if h != 5]:
        X, Y = problem(m)
        p = init_params(X.shape[0], n_h, seed=0)
        ns = {}
        for name, run in (
            ("floor", Floor(X.shape[0], n_h, m)),
            ("numba1", NumbaTrainer(X, Y, p, 0.01, threads=1).step),
            ("numba2", (two := NumbaTrainer(X, Y, p, 0.01, threads=2)).step),
            ("trainer", Trainer(X, Y, p, 0.01).step),
        ):
            run()
            clock = time.perf_counter if name == "numba2" else time.process_time
            ns[name] = best_seconds(run, repeat, clock) / m * 1e9
        used = "" if two.threads == 2 else f" ({two.threads} used)"
        print(
            f"| {m:,} | {n_h} | {ns['floor']:.2f} | {ns['numba1']:.2f} "
            f"| {ns['numba1'] / ns['floor']:.2f} | {ns['numba2']:.2f}{used} | {ns['trainer']:.2f} "
            f"| {ns['numba1'] / ns['trainer']:.2f} |",
            flush=True,
        )


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
    parser.add_argument(
        "--no-numba", action="store_true", help="skip the numba backend's table (extra `fast`)"
    )
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
    if not args.no_numba:
        compiled_section(ms, n_hs, m_for_h, args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
