"""A markdown table of ratios from one pytest-benchmark run.

    pytest --benchmark-only --benchmark-json=bench.json
    python -m benchmarks.report bench.json

Each cell is the best (minimum) time of one contender and, in parentheses, its ratio to the
fastest contender of the same stage and dtype. All cells come from the same run. Rows and columns
come from each benchmark's `params` (`problem`: the dtype, `impl`: the contender) and its `group`
("<stage>, <dtype>"); a benchmark without them cannot be placed, and the report fails (exit 2)
instead of leaving it out. Exit status: 0 table printed; 2 unreadable or untabulable JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

ORDER = ["floor", "numba", "trainer", "readable", "torch", "sklearn"]  # known first, others after
EXIT_SIGPIPE = 128 + 13  # what a shell reports for a writer killed by SIGPIPE (`cat | head`)


class ReportError(ValueError):
    """The JSON cannot be turned into the table (the message says which benchmark and why)."""


def cell(bench: Any) -> tuple[str, str, str, float]:
    """(stage, dtype, contender, min seconds) of one benchmark, from its params and group."""
    if not isinstance(bench, dict):
        raise ReportError(f"a benchmark entry is {type(bench).__name__}, not an object")
    name = bench.get("fullname") or bench.get("name") or "<unnamed>"
    params, group = bench.get("params"), bench.get("group")
    if not isinstance(params, dict) or not {"problem", "impl"} <= params.keys():
        raise ReportError(f"cannot tabulate {name}: its params {params!r} lack 'problem', 'impl'")
    dtype, impl = str(params["problem"]), str(params["impl"])
    if not isinstance(group, str) or not group.endswith(f", {dtype}"):
        raise ReportError(f"cannot tabulate {name}: group {group!r} is not '<stage>, {dtype}'")
    try:
        best = float(bench["stats"]["min"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ReportError(f"cannot tabulate {name}: no stats.min ({exc!r})") from None
    return group.rsplit(",", 1)[0], dtype, impl, best


def markdown(run: Any) -> str:
    if not isinstance(run, dict) or not isinstance(run.get("benchmarks"), list):
        raise ReportError("no 'benchmarks' list")
    if not run["benchmarks"]:
        raise ReportError("the run has no benchmarks (were they all deselected or disabled?)")
    groups: dict[tuple[str, str], dict[str, float]] = {}
    for bench in run["benchmarks"]:
        stage, dtype, impl, best = cell(bench)
        row = groups.setdefault((stage, dtype), {})
        if impl in row:
            raise ReportError(f"two benchmarks for {stage!r}, {dtype}, {impl}")
        row[impl] = best
    seen = [i for g in groups.values() for i in g]
    impls = [i for i in ORDER if i in seen] + sorted(set(seen) - set(ORDER))
    lines = [
        "| stage | dtype | " + " | ".join(impls) + " |",
        "|---|---|" + "---:|" * len(impls),
    ]
    for (stage, dtype), times in groups.items():
        fastest = min(times.values())
        cells = [
            f"{times[i] * 1e6:,.1f} µs ({times[i] / fastest:.2f}x)" if i in times else "n/a"
            for i in impls
        ]
        lines.append(f"| {stage} | {dtype} | " + " | ".join(cells) + " |")
    info = run.get("machine_info", {})
    lines += [
        "",
        f"CPU: {info.get('cpu_model', '?')}; BLAS: {info.get('blas', '?')}; "
        + ", ".join(f"{k} {v}" for k, v in info.get("versions", {}).items()),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("json_file", help="output of pytest --benchmark-json")
    args = parser.parse_args(argv)
    try:
        with open(args.json_file, encoding="utf-8") as f:
            table = markdown(json.load(f))
    except (OSError, ValueError) as exc:  # ReportError and JSONDecodeError are ValueErrors
        print(f"error: {args.json_file}: cannot make the table: {exc}", file=sys.stderr)
        return 2
    try:
        print(table, flush=True)
    except BrokenPipeError:
        # The reader has gone (`... | head`): stop quietly as `cat` would. Point stdout at devnull
        # so that the interpreter's final flush does not raise again (Python docs, "Note on
        # SIGPIPE").
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_SIGPIPE
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
