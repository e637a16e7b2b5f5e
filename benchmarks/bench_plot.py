"""The deep group's benchmark run as a small results file, and its figure (ratio to the GEMM floor).

    pytest benchmarks/test_deep_shapes.py --benchmark-only --benchmark-json=deep.json
    python -m benchmarks.bench_plot deep.json --summary deep_shapes.json [--plot deep.png]

``summary`` keeps, of pytest-benchmark's JSON, what the figure and a reader need: per benchmark
its shape, dtype, contender, minimum time and rounds; the machine (CPU model and avx2 / fma /
avx512f flags, BLAS, library versions, the load average as the run ended; benchmarks/conftest.py)
and the command. ``figure`` needs only matplotlib, so the documentation's gallery draws a recorded
summary without measuring anything.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from benchmarks.scaling_plot import STYLE

# the run the documentation's gallery shows (examples/plot_benchmarks.py)
RECORDED = Path(__file__).resolve().parent / "results" / "deep_shapes.json"
IMPLS = ["gemm", "layered", "readable", "torch", "jax", "sklearn"]
LABELS = {**{k: v[0] for k, v in STYLE.items()}, "sklearn": "sklearn partial_fit"}
MACHINE = ("cpu_model", "cpu_flags", "blas", "versions", "load_average")


def summary(run: dict[str, Any], command: str) -> dict[str, Any]:
    """The deep group's benchmarks of a pytest-benchmark run (others left out), and its machine."""
    rows = [
        {"shape": b["params"]["shape"], "dtype": b["params"]["dtype"], "impl": b["params"]["impl"],
         "min": b["stats"]["min"], "rounds": b["stats"]["rounds"]}
        for b in run["benchmarks"]
        if {"shape", "dtype", "impl"} <= set(b.get("params") or {})
    ]  # fmt: skip
    if not rows:
        raise ValueError("no benchmark of the deep group (params shape, dtype, impl) in the run")
    info = run["machine_info"]
    return {"command": command, "machine": {k: info.get(k) for k in MACHINE}, "rows": rows}


def ratios(results: dict[str, Any], dtype: str) -> dict[str, dict[str, float]]:
    """impl: {shape: min time / the GEMM floor's min time}, for one dtype."""
    best = {(r["shape"], r["impl"]): r["min"] for r in results["rows"] if r["dtype"] == dtype}
    found: dict[str, dict[str, float]] = {}
    for (shape, impl), seconds in best.items():
        if (shape, "gemm") in best:
            found.setdefault(impl, {})[shape] = seconds / best[shape, "gemm"]
    return found


def figure(results: dict[str, Any]) -> Figure:
    """One panel per dtype: per shape, a bar per contender, its time over the GEMM floor's."""
    dtypes = list(dict.fromkeys(r["dtype"] for r in results["rows"]))
    shapes = list(dict.fromkeys(r["shape"] for r in results["rows"]))
    fig = Figure(figsize=(6 * len(dtypes), 4.6), layout="constrained")
    axes = fig.subplots(1, len(dtypes), squeeze=False)[0]
    for ax, dtype in zip(axes, dtypes, strict=True):
        found = ratios(results, dtype)
        impls = [i for i in IMPLS if i in found]
        width = 0.8 / len(impls)
        for k, impl in enumerate(impls):
            xs = [i + (k - (len(impls) - 1) / 2) * width for i, s in enumerate(shapes)
                  if s in found[impl]]  # fmt: skip
            ys = [found[impl][s] for s in shapes if s in found[impl]]
            colour = STYLE[impl][2] if impl in STYLE else "tab:purple"
            ax.bar(xs, ys, width, label=LABELS.get(impl, impl), color=colour)
        ax.axhline(1.0, color="black", linewidth=0.8)
        ax.set_xticks(range(len(shapes)), shapes, rotation=15)
        ax.set_yscale("log")
        ax.set_ylabel("best time / GEMM floor's (log)")
        ax.set_title(f"{dtype}, one thread")
        ax.grid(True, axis="y", which="both", alpha=0.3)
    axes[0].legend(fontsize="small")
    machine = results["machine"]
    cpu = machine["cpu_model"].split(";")[0]  # the model and its flags, not numba's target
    load = machine["load_average"][0]
    fig.suptitle(f"One training step, the deep group\n{cpu}, load average {load:.1f} at the end")
    return fig


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("json_file", help="output of pytest --benchmark-json")
    parser.add_argument("--summary", metavar="PATH", required=True, help="results file to write")
    parser.add_argument("--command", default="pytest benchmarks/test_deep_shapes.py "
                        "--benchmark-only --benchmark-json=deep.json",
                        help="the command that made json_file (recorded)")  # fmt: skip
    parser.add_argument("--plot", metavar="PNG", help="also draw it")
    args = parser.parse_args(argv)
    from nn_numpy.io.atomic import atomic_write

    with open(args.json_file, encoding="utf-8") as f:
        results = summary(json.load(f), args.command)
    with atomic_write(args.summary, "w") as f:
        json.dump(results, f, indent=1)
    if args.plot:
        with atomic_write(args.plot, "wb") as f:
            figure(results).savefig(f, format="png", dpi=110)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
