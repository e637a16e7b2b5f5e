"""How a deep step's time grows with depth and width, on one and two threads, beside the GEMM floor.

    python -m benchmarks.scaling_deep [--quick] [--m 2000] [--repeat 10] [--rounds 3]
        [--threads 1 2] [--json scaling_deep.json] [--plot scaling_deep.png]

ReLU networks on synthetic data (``benchmarks/deep_contenders.py``: fixed seeds, n_x = 2, float64)
in two sweeps: depth, 1 to 6 hidden layers of 16 and of 64 units; width, 2 hidden layers of 16 to
512 units. Per network and thread count: the GEMM floor (``GemmFloor``, the step's products alone
as bare ``np.dot`` calls), ``LayeredTrainer.step``, the readable step, and where installed eager
torch and JAX jit. Before any timing, each contender's first step is checked against the readable
step (1e-12 relative, as the benchmarks do), so a wrong step cannot be timed.

Times are wall time (``time.perf_counter``; with two threads, CPU time would add both up): per
network, ``--repeat`` rounds in which every contender runs once (a batch of at least 5 ms), and
``--rounds`` worker processes per thread count, taken in turn (1, 2, 1, 2, ...); the best is
kept. On a shared machine wall time also counts other jobs' turns, so the JSON records the load
average before and after each worker. Each thread count runs in a process of its own (XLA reads
its thread count when jax is first imported), where threadpoolctl limits every BLAS and
``torch.set_num_threads`` torch's pool. The JSON holds the command, the machine (CPU model and
avx2 / fma / avx512f flags, logical cores, load average, each worker's BLAS and its threads as
threadpoolctl saw them, library versions) and one row per (network, threads, contender);
``benchmarks/scaling_plot.py`` draws it. ``--quick``: 1-2 layers of 16 units, widths 16 and 32.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DEPTHS, DEPTH_WIDTHS = [1, 2, 3, 4, 5, 6], [16, 64]
WIDTHS, WIDTH_DEPTH = [16, 32, 64, 128, 256, 512], 2
QUICK = {"depths": [1, 2], "depth_widths": [16], "widths": [16, 32]}
TOL = 1e-12  # float64: each contender's first step against the readable one
# XLA's CPU backend on t threads, read when jax is first imported (the worker's environment).
XLA_THREADS = {
    1: "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1",
    2: "--xla_cpu_multi_thread_eigen=true intra_op_parallelism_threads=2",
}


def config(quick: bool, m: int, repeat: int, threads: list[int], rounds: int = 1) -> dict[str, Any]:
    """The sweeps: which networks, at which m and thread counts."""
    q = QUICK if quick else {"depths": DEPTHS, "depth_widths": DEPTH_WIDTHS, "widths": WIDTHS}
    return {
        "dtype": "float64", "m": m, "n_x": 2, "repeat": repeat, "threads": threads,
        "rounds": rounds,
        "depth": {"widths": q["depth_widths"], "depths": q["depths"]},
        "width": {"depth": WIDTH_DEPTH, "widths": q["widths"]},
    }  # fmt: skip


def networks(cfg: dict[str, Any]) -> list[tuple[int, ...]]:
    """Every hidden-layer tuple of both sweeps, each once, in sweep order."""
    depth, width = cfg["depth"], cfg["width"]
    nets = [(w,) * d for w in depth["widths"] for d in depth["depths"]]
    nets += [(w,) * width["depth"] for w in width["widths"]]
    return list(dict.fromkeys(nets))


def check_first_step(name: str, current: Any, expected: Any, tol: float = TOL) -> None:
    """AssertionError unless every parameter after a contender's first step equals the readable
    step's, to ``tol`` relative to its largest entry (benchmarks/test_deep_shapes.py's check)."""
    for key, want in expected.items():
        atol = tol * float(np.max(np.abs(want)))
        np.testing.assert_allclose(current[key], want, rtol=tol, atol=atol, err_msg=f"{name} {key}")


def contenders(problem: Any) -> dict[str, Any]:
    """name: (run, current or None), built from a DeepProblem; torch and jax where installed."""
    from benchmarks import deep_contenders as dc
    from nn_numpy.training import LayeredTrainer

    p = problem
    trainer = LayeredTrainer(p.X, p.Y, p.params, dc.LEARNING_RATE, dtype=p.dtype)
    found = {
        "gemm": (dc.GemmFloor(p.sizes, p.m, p.dtype), None),
        "layered": (trainer.step, lambda: trainer.params),
        "readable": dc.readable(p),
    }
    if dc.HAVE_TORCH:
        found["torch"] = dc.torch_step(p)
    if dc.HAVE_JAX:
        found["jax"] = dc.jax_step(p)  # compiled by its first run, before timing
    return found


def blas_threads() -> list[dict[str, Any]]:
    """Every BLAS in this process as threadpoolctl sees it: library, version, kernels, threads."""
    from threadpoolctl import threadpool_info

    keys = ("internal_api", "version", "architecture", "num_threads")
    return [{k: i.get(k) for k in keys} for i in threadpool_info() if i["user_api"] == "blas"]


def interleaved_best(runs: dict[str, Any], repeat: int) -> dict[str, float]:
    """Best wall time of one call of each ``runs[name]()``: ``repeat`` rounds, every contender
    once per round (a batch of at least 5 ms), so a change of load hits all of them alike."""
    calls = {}
    for name, run in runs.items():
        calls[name] = 1
        while True:
            t0 = time.perf_counter()
            for _ in range(calls[name]):
                run()
            if time.perf_counter() - t0 >= 0.005:
                break
            calls[name] *= 2
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(repeat):
        for name, run in runs.items():
            t0 = time.perf_counter()
            for _ in range(calls[name]):
                run()
            best[name] = min(best[name], (time.perf_counter() - t0) / calls[name])
    return best


def worker(cfg: dict[str, Any], threads: int) -> dict[str, Any]:
    """Every network of ``cfg`` on ``threads`` threads: one row per contender, first steps
    checked; with the threads each library was given."""
    from threadpoolctl import threadpool_limits

    from benchmarks.deep_contenders import HAVE_TORCH, DeepProblem

    if HAVE_TORCH:  # imported first, so that threadpoolctl also limits the BLAS it brings
        import torch

        torch.set_num_threads(threads)
    rows = []
    with threadpool_limits(limits=threads):
        seen = {"blas": blas_threads(), "torch": torch.get_num_threads() if HAVE_TORCH else None}
        for hidden in networks(cfg):
            sizes = (cfg["n_x"], *hidden, 1)
            problem = DeepProblem((sizes, cfg["m"]), cfg["dtype"])
            runs = {}
            for name, (run, current) in contenders(problem).items():
                run()  # warm-up; the first step, checked against the readable one
                if current is not None:
                    check_first_step(name, current(), problem.stepped)
                runs[name] = run
            for name, seconds in interleaved_best(runs, cfg["repeat"]).items():
                rows.append({"hidden": list(hidden), "threads": threads, "contender": name,
                             "seconds": seconds})  # fmt: skip
                print(f"threads={threads} {'-'.join(map(str, sizes))} {name}: "
                      f"{seconds * 1e6:,.1f} µs", file=sys.stderr, flush=True)  # fmt: skip
    return {"threads": threads, "seen": seen, "rows": rows}


def run_worker(cfg: dict[str, Any], threads: int) -> dict[str, Any]:
    """``worker`` in a fresh process whose XLA_FLAGS give XLA ``threads`` threads."""
    flags = f"{os.environ.get('XLA_FLAGS', '')} {XLA_THREADS.get(threads, '')}".strip()
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.scaling_deep", "--worker", str(threads)],
        input=json.dumps(cfg), env={**os.environ, "XLA_FLAGS": flags}, cwd=ROOT,
        stdout=subprocess.PIPE, text=True, check=True,
    )  # fmt: skip
    return dict(json.loads(done.stdout))


def machine() -> dict[str, Any]:
    """CPU model and vector flags, cores, Python, library versions (load average added later)."""
    from benchmarks.conftest import versions
    from benchmarks.machine import cpu_info

    return {
        "cpu": cpu_info(), "logical_cores": os.cpu_count(),
        "python": platform.python_version(), "versions": versions(),
    }  # fmt: skip


def measure(cfg: dict[str, Any], command: str) -> dict[str, Any]:
    """``cfg["rounds"]`` rounds of every thread count's worker in turn, the best time of each
    (network, threads, contender) kept; with the machine and the load average around them."""
    info, load, best = machine(), [os.getloadavg()[0]], {}
    info["threads_seen"] = {}
    for _ in range(cfg["rounds"]):
        for threads in cfg["threads"]:
            done = run_worker(cfg, threads)
            load.append(os.getloadavg()[0])
            info["threads_seen"][str(threads)] = done["seen"]
            for row in done["rows"]:
                key = (tuple(row["hidden"]), row["threads"], row["contender"])
                if key not in best or row["seconds"] < best[key]["seconds"]:
                    best[key] = row
    info["load_average"] = load  # 1-minute, before the first worker and after each
    return {"command": command, "machine": info, "config": cfg, "results": list(best.values())}


NAMES = {"gemm": "GEMM floor", "layered": "LayeredTrainer", "readable": "readable",
         "torch": "torch", "jax": "JAX jit"}  # fmt: skip


def table(results: dict[str, Any]) -> str:
    """Markdown: one line per network (layer sizes), per thread count one column per contender,
    µs per step and, in parentheses, the ratio to the GEMM floor at the same thread count."""
    cfg = results["config"]
    names = [n for n in NAMES if any(r["contender"] == n for r in results["results"])]
    cells = {(tuple(r["hidden"]), r["threads"], r["contender"]): r["seconds"] * 1e6
             for r in results["results"]}  # fmt: skip
    columns = [(t, n) for t in cfg["threads"] for n in names]
    head = " | ".join(f"{NAMES[n]}, {t} thread{'s' if t > 1 else ''}" for t, n in columns)
    lines = [f"| layers | {head} |", "|---|" + "---:|" * len(columns)]
    for hidden in networks(cfg):
        values = []
        for t, n in columns:
            us, floor = cells.get((hidden, t, n)), cells.get((hidden, t, "gemm"))
            if us is None or floor is None:
                values.append("n/a")
            else:
                values.append(f"{us:,.0f}" if n == "gemm" else f"{us:,.0f} ({us / floor:.2f}x)")
        sizes = "-".join(map(str, (cfg["n_x"], *hidden, 1)))
        lines.append(f"| {sizes} | " + " | ".join(values) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1-2 layers of 16, widths 16, 32")
    parser.add_argument("--m", type=int, default=2000, help="examples (default 2000)")
    parser.add_argument("--repeat", type=int, default=10, help="timed runs per point (best kept)")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2], help="default: 1 2")
    parser.add_argument("--rounds", type=int, default=3, help="workers per thread count, in turn")
    parser.add_argument("--json", metavar="PATH", help="write the results as JSON")
    parser.add_argument("--plot", metavar="PNG", help="also draw them (needs matplotlib)")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)  # config on stdin
    args = parser.parse_args(argv)
    if args.worker is not None:
        print(json.dumps(worker(json.load(sys.stdin), args.worker)))
        return 0
    if min(args.repeat, args.m, args.rounds, *args.threads) < 1:
        parser.error("--repeat, --m, --rounds and --threads must be at least 1")
    command = "python -m benchmarks.scaling_deep " + " ".join(argv or sys.argv[1:])
    cfg = config(args.quick, args.m, args.repeat, args.threads, args.rounds)
    results = measure(cfg, command.strip())
    print(table(results))
    if args.json:
        from nn_numpy.io.atomic import atomic_write

        with atomic_write(args.json, "w") as f:
            json.dump(results, f, indent=1)
        print(f"wrote {args.json}")
    if args.plot:
        from benchmarks.scaling_plot import figure
        from nn_numpy.io.atomic import atomic_write

        with atomic_write(args.plot, "wb") as f:
            figure(results).savefig(f, format="png", dpi=110)
        print(f"wrote {args.plot}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
