"""Measure what a signal does in the first milliseconds of each program (not a test).

    python -m tests.startup_signals [--signal INT] [--repeats 5] [--delays 0,2,5,10,...]

Each program is started with valid arguments on ``data/basic_dataset.csv`` in a temporary
directory, sent the signal ``d`` ms after it was started (``Popen`` returns once the child has
exec'd), and classified by its exit status and standard error:

- ``line``: exit 128 + n with one line (what the programs promise);
- ``killed``: ended by the signal itself, nothing printed (it came before Python set its
  handlers, or the signal's default disposition was still in place);
- ``site``: Python's own fatal error while ``site`` runs the ``.pth`` files of site-packages
  (a traceback, exit 1), before any of the programs' code runs;
- ``python``: another traceback before the package's first import (runpy's imports, the
  console script's ``import re``);
- ``ours``: a traceback that names the package: it came before its handling was set;
- ``done``: the run had finished (exit 0) before the signal came.

``--timeline`` sends no signal: a ``sitecustomize`` notes when ``site`` is done, when the
package is first imported and when the first import after the program set its handling is
made (medians, in ms after the start).
It also times the interpreter alone (``python -c pass``, and with ``-S -I``) and each
program's ``--help``, to compare the window with the parts of a start it cannot cover.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from tests.helpers_check import GOOD

ROOT = Path(__file__).parents[1]
DELAYS_MS = (0, 2, 5, 10, 15, 20, 30, 45, 60, 100)
TRAIN = ["--data-path", "data.csv", "--epochs", "3"]
PREDICT = ["--model", "model.npz", "--data-path", "data.csv"]
CHECK = ["good.py:gradients", "--no-torch"]


def commands(py: str) -> dict[str, list[str]]:
    """Each program, as a console script (beside ``py``) and as ``py -m``."""
    BIN = Path(py).parent
    return {
        "nn-numpy-train": [str(BIN / "nn-numpy-train"), *TRAIN],
        "nn-numpy-predict": [str(BIN / "nn-numpy-predict"), *PREDICT],
        "nn-numpy-check": [str(BIN / "nn-numpy-check"), *CHECK],
        "-m nn_numpy.train": [py, "-m", "nn_numpy.train", *TRAIN],
        "-m nn_numpy.predict": [py, "-m", "nn_numpy.predict", *PREDICT],
        "-m nn_numpy.check": [py, "-m", "nn_numpy.check", *CHECK],
    }


def _defaults() -> None:
    """In the child: every signal at its default, as a program started from a terminal."""
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, signal.SIG_DFL)


def prepare(workdir: Path, py: str) -> None:
    """The data, a model trained on it, and a correct gradients file for the checker."""
    shutil.copy(ROOT / "data" / "basic_dataset.csv", workdir / "data.csv")
    (workdir / "good.py").write_text(GOOD)
    subprocess.run(
        [str(Path(py).parent / "nn-numpy-train"), *TRAIN, "--save-model", "model.npz"],
        cwd=workdir,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def classify(status: int, stderr: str, signum: int) -> str:
    lines = stderr.splitlines()
    if "init_import_site" in stderr or "Error processing line" in stderr:  # site, a .pth
        return "site"
    if len(lines) > 1:  # a traceback: in the package's code, or before it (runpy, `import re`)
        return "ours" if "nn_numpy" in stderr else "python"
    if status == -signum and not lines:
        return "killed"
    if status == 128 + signum and len(lines) == 1:
        return "line"
    if status == 0:
        return "done"
    return f"other({status},{len(lines)})"


def trial(argv: list[str], delay_ms: float, signum: int, workdir: Path) -> tuple[str, str]:
    child = subprocess.Popen(
        argv,
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_defaults,
    )
    if delay_ms:
        time.sleep(delay_ms / 1000)
    child.send_signal(signum)
    _, err = child.communicate(timeout=120)
    return classify(child.returncode, err, signum), err


def wall_ms(argv: list[str], workdir: Path, repeats: int) -> float:
    """The median wall time of a run, in ms."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(argv, cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


# A sitecustomize that says when site is done (it runs last in site) and when the first import
# after the program replaced Python's SIGINT handler is made, in CLOCK_MONOTONIC ms.
TIMELINE = r"""
import _signal as signal, sys, time  # not signal: it would load enum, the programs' cost
sys.stderr.write(f"SITE {time.monotonic() * 1000}\n")

class Watch:
    def find_spec(self, name, path=None, target=None):
        if name == "nn_numpy":
            sys.stderr.write(f"OURS {time.monotonic() * 1000}\n")
        if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
            sys.stderr.write(f"HANDLED {time.monotonic() * 1000} {name}\n")
            sys.meta_path.remove(self)
        return None

sys.meta_path.insert(0, Watch())
"""


def timeline(argv: list[str], workdir: Path, repeats: int) -> str:
    """Medians over ``repeats`` runs, in ms from the exec: site done, the package's first
    import (after runpy's imports, or the console script's ``import re``), and the first import
    after the program set its signal handling; the least and the median time between the last
    two (the part of the window that is the package's own)."""
    (workdir / "site").mkdir(exist_ok=True)
    (workdir / "site" / "sitecustomize.py").write_text(TIMELINE)
    env = {**os.environ, "PYTHONPATH": str(workdir / "site")}
    marks: dict[str, list[float]] = {"SITE": [], "OURS": [], "HANDLED": []}
    for _ in range(repeats):
        child = subprocess.Popen(
            argv, cwd=workdir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        start = time.monotonic() * 1000
        _, err = child.communicate(timeout=120)
        seen = {line.split()[0]: float(line.split()[1]) for line in err.splitlines()[:3]}
        for mark, times in marks.items():
            times.append(seen[mark] - start)
    site, ours, handled = (statistics.median(t) for t in marks.values())
    gaps = [h - o for h, o in zip(marks["HANDLED"], marks["OURS"], strict=True)]
    return (
        f"site done {site:5.1f}, package imported from {ours:5.1f}, handling set by "
        f"{handled:5.1f} ms (medians of {repeats}); ours {min(gaps):4.1f} ms at least, "
        f"{statistics.median(gaps):4.1f} median"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--signal", default="INT", help="INT, TERM, HUP, ... (default INT)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--delays", default=",".join(map(str, DELAYS_MS)), help="ms, comma-separated"
    )
    parser.add_argument("--only", default="", help="comma-separated command names")
    parser.add_argument(
        "--show", action="store_true", help="print each command's first traceback of a kind"
    )
    parser.add_argument("--python", default=sys.executable, help="the programs' interpreter")
    parser.add_argument(
        "--timeline", action="store_true", help="time site and the handling instead of signalling"
    )
    args = parser.parse_args()
    signum = getattr(signal, f"SIG{args.signal.upper().removeprefix('SIG')}")
    delays = [float(d) for d in args.delays.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        py = args.python
        prepare(workdir, py)
        version = subprocess.run([py, "-c", "import sys; print(sys.version.split()[0])"],
                                 capture_output=True, text=True).stdout.strip()  # fmt: skip
        print(f"{py}: python {version}, {os.cpu_count()} CPUs, {signal.Signals(signum).name}")
        bare = {
            "python -c pass": [py, "-c", "pass"],
            "python -S -I -c pass": [py, "-S", "-I", "-c", "pass"],
        }
        for name, argv in bare.items():
            print(f"{name:24} {wall_ms(argv, workdir, 5):6.1f} ms (median of 5)")
        shown: set[tuple[str, str]] = set()
        for name, argv in commands(py).items():
            if args.only and name not in args.only.split(","):
                continue
            if args.timeline:
                print(f"{name:22} {timeline(argv, workdir, args.repeats)}")
                continue
            head = argv[:3] if argv[0] == py else argv[:1]
            help_ms = wall_ms([*head, "--help"], workdir, 3)
            row = []
            for d in delays:
                seen: Counter[str] = Counter()
                for _ in range(args.repeats):
                    kind, err = trial(argv, d, signum, workdir)
                    seen[kind] += 1
                    unexpected = not kind.startswith(("line", "killed", "site", "done"))
                    if args.show and unexpected and (name, kind) not in shown:
                        print(f"{name}, {d:g} ms: {kind}\n{err}")
                        shown.add((name, kind))
                row.append(f"{d:g}ms:" + "/".join(f"{k}{n}" for k, n in sorted(seen.items())))
            print(f"{name} (--help {help_ms:.0f} ms)")
            print("   " + "  ".join(row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
