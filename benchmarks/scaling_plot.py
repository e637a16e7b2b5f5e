"""The figure of benchmarks/scaling_deep.py's results: time per step over depth and over width.

Needs only matplotlib (no pyplot, no benchmark dependencies), so the documentation's gallery draws
it from a recorded results file without measuring anything.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

# the run the documentation shows (docs/performance.md, examples/plot_scaling.py)
RECORDED = Path(__file__).resolve().parent / "results" / "scaling_deep.json"

STYLE = {  # contender: (label, marker, colour)
    "gemm": ("GEMM floor (np.dot alone)", "s", "black"),
    "layered": ("LayeredTrainer", "o", "tab:blue"),
    "readable": ("readable", "x", "tab:gray"),
    "torch": ("torch eager", "^", "tab:orange"),
    "jax": ("JAX jit", "v", "tab:green"),
}
LINES = {1: "-", 2: "--"}  # threads: line style


def times(results: dict[str, Any], contender: str, threads: int) -> dict[tuple[int, ...], float]:
    """Seconds per step of one contender at one thread count, by hidden layer sizes."""
    return {
        tuple(r["hidden"]): r["seconds"]
        for r in results["results"]
        if r["contender"] == contender and r["threads"] == threads
    }


def series(
    results: dict[str, Any], contender: str, threads: int, networks: list[tuple[int, ...]]
) -> tuple[list[int], list[float]]:
    """The points of ``networks`` measured for (contender, threads): x = index, y = µs."""
    found = times(results, contender, threads)
    xs = [i for i, h in enumerate(networks) if h in found]
    return xs, [found[networks[i]] * 1e6 for i in xs]


def machine_line(results: dict[str, Any]) -> str:
    """CPU model and flags, logical cores, load average: what the figure was measured on."""
    machine = results["machine"]
    flags = " ".join(f"{f}={'yes' if on else 'no'}" for f, on in machine["cpu"]["flags"].items())
    load = machine["load_average"]
    return (
        f"{machine['cpu']['model']} ({flags}), {machine['logical_cores']} logical cores, "
        f"load average (1 min) {min(load):.1f}-{max(load):.1f}"
    )


def figure(results: dict[str, Any]) -> Figure:
    """One panel per sweep of ``results`` (depth, then width), µs per step on a log scale."""
    config = results["config"]
    panels = [("depth", f"hidden layers of width {w}", w) for w in config["depth"]["widths"]]
    panels.append(("width", f"{config['width']['depth']} hidden layers", None))
    fig = Figure(figsize=(4.2 * len(panels), 4.4), layout="constrained")
    axes = fig.subplots(1, len(panels), squeeze=False)[0]
    for ax, (sweep, title, width) in zip(axes, panels, strict=True):
        if sweep == "depth":
            ticks = list(config["depth"]["depths"])
            networks = [(width,) * d for d in ticks]
            ax.set_xlabel("hidden layers")
        else:
            ticks = list(config["width"]["widths"])
            networks = [(w,) * config["width"]["depth"] for w in ticks]
            ax.set_xlabel("units per hidden layer")
        for contender, (label, marker, colour) in STYLE.items():
            for threads in config["threads"]:
                xs, ys = series(results, contender, threads, networks)
                if xs:
                    ax.plot(
                        xs, ys, LINES.get(threads, ":"), marker=marker, color=colour,
                        label=f"{label}, {threads} thread{'s' if threads > 1 else ''}",
                    )  # fmt: skip
        ax.set_xticks(range(len(ticks)), [str(t) for t in ticks])
        ax.set_yscale("log")
        ax.set_ylabel("µs per full-batch step (best)")
        ax.set_title(f"{title}, m = {config['m']:,}")
        ax.grid(True, which="both", alpha=0.3)
    axes[0].legend(fontsize="small")
    fig.suptitle(f"One training step, {config['dtype']}, ReLU\n{machine_line(results)}")
    return fig
