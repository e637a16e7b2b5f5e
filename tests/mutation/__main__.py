"""``python -m tests.mutation``: the mutation run (``tox -e mutation``), from the repository root.

    python -m tests.mutation --fast          # the domain catalogue only (a few minutes)
    python -m tests.mutation                 # the catalogue, then mutmut file by file
                                             # (tool.GROUPS; much longer)
    python -m tests.mutation --only net-dw2-no-1/m trainer-c-sign   # chosen catalogue entries
    python -m tests.mutation --check         # only check that every catalogue entry applies

Prints one line per mutant and a summary per part: killed / survived / equivalent and the score,
killed / (all - equivalent). Exit status 0 if every part reaches ``--fail-under`` percent
(default 97), 1 if one does not, 2 if a catalogue entry no longer applies to the code.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter

from tests.mutation import runner
from tests.mutation.catalogue import CATALOGUE


def summary(name: str, verdicts: list[str], seconds: float) -> tuple[str, float]:
    """One line: counts per verdict and the score (timeouts count as killed)."""
    c = Counter(verdicts)
    killed = c["killed"] + c["timeout"]
    scored = len(verdicts) - c["equivalent"]
    score = 100.0 * killed / scored if scored else 100.0
    line = (
        f"{name}: {len(verdicts)} mutants, killed {killed} (timeout {c['timeout']}), "
        f"survived {c['survived']}, equivalent {c['equivalent']}, no tests {c['no tests']}; "
        f"score {score:.1f}% of non-equivalent killed ({seconds / 60:.1f} min)"
    )
    return line, score


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.mutation", description=__doc__)
    parser.add_argument("--fast", action="store_true", help="the domain catalogue only")
    parser.add_argument("--tool-only", action="store_true", help="mutmut only, no catalogue")
    parser.add_argument("--only", nargs="+", metavar="ID", help="run these catalogue entries")
    parser.add_argument("--check", action="store_true", help="check the catalogue applies, exit")
    parser.add_argument(
        "--targets",
        nargs="+",
        metavar="FILE",
        help="files mutmut mutates (default: all of tool.GROUPS)",
    )
    parser.add_argument("--jobs", type=int, default=2, help="mutants run at once (default 2)")
    parser.add_argument("--fail-under", type=float, default=97.0, metavar="PERCENT")
    args = parser.parse_args(argv)

    problems = runner.check_catalogue(runner.ROOT, CATALOGUE)
    if problems:
        print("error: stale catalogue entries:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 2
    if args.check:
        print(f"all {len(CATALOGUE)} catalogue entries apply")
        return 0

    lines, ok = [], True
    if not args.tool_only:
        mutants = CATALOGUE
        if args.only:
            unknown = set(args.only) - {m.id for m in CATALOGUE}
            if unknown:
                parser.error(f"unknown catalogue ids: {', '.join(sorted(unknown))}")
            mutants = [m for m in CATALOGUE if m.id in args.only]
        start = time.monotonic()
        outcomes = runner.run_catalogue(mutants, jobs=args.jobs)
        line, score = summary("catalogue", [o.verdict for o in outcomes], time.monotonic() - start)
        lines.append(line)
        ok &= score >= args.fail_under
        for o in outcomes:
            if o.verdict == "survived":
                lines.append(f"  survived: {o.mutant.id} ({o.mutant.path}): {o.detail}")
    if not (args.fast or args.only):
        from tests.mutation import tool

        for target in args.targets or tool.TARGETS:
            start = time.monotonic()
            results = tool.run_mutmut(target, jobs=args.jobs)
            verdicts = list(results.values())
            line, score = summary(f"mutmut {target}", verdicts, time.monotonic() - start)
            lines.append(line)
            ok &= score >= args.fail_under
            lines += [f"  {v}: {n}" for n, v in results.items() if v in ("survived", "no tests")]
    print("\n".join(["", *lines]))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
