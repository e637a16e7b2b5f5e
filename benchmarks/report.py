"""A markdown table of ratios from one pytest-benchmark run.

    pytest --benchmark-only --benchmark-json=bench.json
    python -m benchmarks.report bench.json

Each cell is the best (minimum) time of one contender and, in parentheses, its ratio to the
fastest contender of the same stage and dtype. All cells come from the same run.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict

ORDER = ["trainer", "readable", "torch", "sklearn"]
NAME = re.compile(r"^test_(?P<stage>\w+)\[(?P<dtype>float\d+)-(?P<impl>\w+)\]$")


def markdown(run: dict) -> str:
    groups: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    labels: dict[str, str] = {}
    for bench in run["benchmarks"]:
        match = NAME.match(bench["name"])
        if match is None:
            continue
        stage, dtype, impl = match["stage"], match["dtype"], match["impl"]
        labels[stage] = bench["group"].rsplit(",", 1)[0]
        groups[stage, dtype][impl] = bench["stats"]["min"]
    impls = [i for i in ORDER if any(i in g for g in groups.values())]
    lines = [
        "| stage | dtype | " + " | ".join(impls) + " |",
        "|---|---|" + "---:|" * len(impls),
    ]
    for (stage, dtype), times in groups.items():
        best = min(times.values())
        cells = [
            f"{times[i] * 1e6:,.1f} µs ({times[i] / best:.2f}x)" if i in times else "n/a"
            for i in impls
        ]
        lines.append(f"| {labels[stage]} | {dtype} | " + " | ".join(cells) + " |")
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
            run = json.load(f)
        print(markdown(run))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(
            f"error: {args.json_file}: not a readable pytest-benchmark JSON file ({exc})",
            file=sys.stderr,
        )
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
