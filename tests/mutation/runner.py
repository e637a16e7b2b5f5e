"""Apply each catalogued mutant to a copy of the repository and run the tests that should notice.

Per mutant: write the mutated file into the copy, run its ``TESTS`` (``-x``: the first failure
kills it), restore the file. A mutant whose tests all pass is run once more against the whole
of ``tests/`` before it is reported as survived. Before any mutant, the same test runs must pass
on the unmutated copy (else a "kill" would mean nothing).

Verdicts: killed (a test failed or errored), timeout (the run took far longer than the clean
one: counted as killed), survived, equivalent (survived and listed in ``equivalents.py``).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from tests.mutation import sandbox
from tests.mutation.catalogue import CATALOGUE, TESTS, Mutant
from tests.mutation.equivalents import CATALOGUE_EQUIVALENTS

ROOT = Path(__file__).resolve().parents[2]
PYTEST_ARGS = ["-x", "-q", "-p", "no:cacheprovider"]
# Not behaviour: where a README link points (a line number; a multi-line mutant shifts lines),
# and whether the catalogue's snippets are in the code (a mutant removes one).
NOT_BEHAVIOUR = [
    "--deselect",
    "tests/test_readme.py::test_readme_code_links_point_at_the_formula_they_name",
    "--ignore=tests/test_mutation_catalogue.py",
]
THREADS_ONE = {k: "1" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}


class CatalogueError(Exception):
    """A catalogue entry that does not apply to the code as it is (or breaks its syntax)."""


def mutated_text(text: str, mutant: Mutant) -> str:
    """``text`` with the mutant's one edit; CatalogueError unless ``original`` occurs once."""
    count = text.count(mutant.original)
    if count != 1:
        found = "not found" if count == 0 else f"found {count} times"
        raise CatalogueError(
            f"{mutant.id}: snippet {mutant.original!r} {found} in {mutant.path}; "
            "update the entry in tests/mutation/catalogue/ to the code as it is now"
        )
    if mutant.original == mutant.replacement:
        raise CatalogueError(f"{mutant.id}: the replacement equals the original")
    return text.replace(mutant.original, mutant.replacement)


def check_catalogue(root: Path, mutants: Iterable[Mutant]) -> list[str]:
    """Every problem with ``mutants`` against the tree at ``root`` (empty list: all apply)."""
    problems, seen = [], set()
    for mutant in mutants:
        if mutant.id in seen:
            problems.append(f"{mutant.id}: duplicate id")
        seen.add(mutant.id)
        if mutant.path not in TESTS:
            problems.append(f"{mutant.id}: no tests mapped for {mutant.path} in TESTS")
        path = root / mutant.path
        if not path.is_file():
            problems.append(f"{mutant.id}: {mutant.path} does not exist")
            continue
        try:
            text = mutated_text(path.read_text(encoding="utf-8"), mutant)
            compile(text, str(path), "exec")
        except CatalogueError as exc:
            problems.append(str(exc))
        except SyntaxError as exc:
            problems.append(f"{mutant.id}: the mutated {mutant.path} is not valid Python ({exc})")
    known = {m.id for m in CATALOGUE}
    problems += [
        f"{mid}: listed in equivalents.py but not in the catalogue"
        for mid in CATALOGUE_EQUIVALENTS
        if mid not in known
    ]
    return problems


@dataclass
class Outcome:
    mutant: Mutant
    verdict: str  # killed, timeout, survived, equivalent
    seconds: float
    detail: str = ""  # the first failing test, or the equivalence reason


class Worker:
    """One repository copy, its sandbox Python and a fork server running pytest in it."""

    def __init__(
        self, base: Path, index: int, root: Path, env: dict[str, str] | None = None
    ) -> None:
        self.root = sandbox.copy_repo(root, base / f"repo{index}")
        scripts = sandbox.console_scripts(self.root / "pyproject.toml")
        self.python = sandbox.make_python(base / f"venv{index}", self.root, scripts)
        self.logs = base / f"logs{index}"
        self.logs.mkdir()
        env = {**os.environ, **THREADS_ONE, "PYTHONDONTWRITEBYTECODE": "1", **(env or {})}
        env.pop("PYTHONPATH", None)
        self.proc = subprocess.Popen(
            [str(self.python), "-m", "tests.mutation.worker"],
            cwd=self.root, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        self.lock = threading.Lock()

    def pytest(self, args: Sequence[str], name: str, timeout: float) -> tuple[int | None, float]:
        """Exit status of ``pytest args`` in the copy (None on timeout), and its seconds."""
        log = self.logs / f"{name}.log"
        request = {"args": list(args), "log": str(log), "timeout": timeout}
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the pytest fork server in {self.root} died")
        answer = json.loads(line)
        return answer["code"], float(answer["seconds"])

    def first_failure(self, name: str) -> str:
        """The first FAILED/ERROR line of a run's log."""
        log = self.logs / f"{name}.log"
        for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith(("FAILED ", "ERROR ")):
                return line.split(" - ")[0]
        return "(no test named: see the log)"

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait(timeout=30)
        if self.proc.stdout:
            self.proc.stdout.close()


def stages(path: str) -> list[list[str]]:
    """The test runs for a mutant of ``path``: its most specific test file, the rest of its
    ``TESTS``, then the whole suite (only reached by a mutant that survives the first two)."""
    tests = TESTS[path]
    return [s for s in (tests[:1], tests[1:], ["tests"]) if s]


def run_catalogue(
    mutants: Sequence[Mutant],
    jobs: int = 1,
    root: Path = ROOT,
    report: Callable[[str], object] = print,
    env: dict[str, str] | None = None,
) -> list[Outcome]:
    """Run every mutant; raise CatalogueError first if any entry does not apply."""
    problems = check_catalogue(root, mutants)
    if problems:
        raise CatalogueError("stale catalogue entries:\n  " + "\n  ".join(problems))
    with tempfile.TemporaryDirectory(prefix="nn-numpy-mutation-") as tmp:
        workers = [Worker(Path(tmp), i, root, env) for i in range(max(1, jobs))]
        try:
            pool = _Pool(workers, report)
            with ThreadPoolExecutor(len(workers)) as ex:
                futures = [ex.submit(pool.run, m) for m in mutants]
                return [f.result() for f in futures]
        finally:
            for w in workers:
                w.close()


class _Pool:
    """Hands each mutant to a free worker; runs each test stage clean once, before its first use."""

    def __init__(self, workers: list[Worker], report: Callable[[str], object]) -> None:
        self.free = list(workers)
        self.cond = threading.Condition()
        self.report = report
        self.baseline: dict[tuple[str, ...], float] = {}
        self.baseline_lock = threading.Lock()

    def clean_seconds(self, worker: Worker, stage: list[str]) -> float:
        """Seconds of the stage on the unmutated copy; raises if it fails without a mutant."""
        with self.baseline_lock:
            key = tuple(stage)
            if key not in self.baseline:
                args = [*PYTEST_ARGS, *NOT_BEHAVIOUR, *stage]
                code, secs = worker.pytest(args, "baseline", 7200)
                note = ""
                if code != 0:
                    # A test that fails once on a loaded machine (a signal's moment missed) is
                    # named and given one more try; failing twice stops the run. The log lives
                    # in a temporary directory, so the failing test is named here.
                    first = worker.first_failure("baseline")
                    code, secs = worker.pytest(args, "baseline", 7200)
                    if code != 0:
                        raise RuntimeError(
                            f"the tests fail without any mutant, twice (exit {code}: "
                            f"{' '.join(stage)}): {worker.first_failure('baseline')}"
                        )
                    note = f" (on a second try: the first failed at {first})"
                self.baseline[key] = secs
                self.report(f"clean run   {' '.join(stage)}: passed in {secs:.1f} s{note}")
            return self.baseline[key]

    def run(self, mutant: Mutant) -> Outcome:
        with self.cond:
            self.cond.wait_for(lambda: bool(self.free))
            worker = self.free.pop()
        try:
            outcome = _run_one(worker, mutant, self.clean_seconds)
        finally:
            with self.cond:
                self.free.append(worker)
                self.cond.notify()
        self.report(
            f"{outcome.verdict:<10}  {mutant.id:<40} {outcome.seconds:6.1f} s  {outcome.detail}"
        )
        return outcome


def _run_one(
    worker: Worker, mutant: Mutant, clean_seconds: Callable[[Worker, list[str]], float]
) -> Outcome:
    path = worker.root / mutant.path
    original = path.read_text(encoding="utf-8")
    log = re.sub(r"[^\w.-]", "_", mutant.id)
    total = 0.0
    for stage in stages(mutant.path):
        timeout = 10 * clean_seconds(worker, stage) + 60
        path.write_text(mutated_text(original, mutant), encoding="utf-8")
        try:
            code, secs = worker.pytest([*PYTEST_ARGS, *NOT_BEHAVIOUR, *stage], log, timeout)
        finally:
            path.write_text(original, encoding="utf-8")
        total += secs
        if code is None:
            return Outcome(mutant, "timeout", total, f"> {timeout:.0f} s")
        if code in (1, 2):  # tests failed / a test module failed to import
            return Outcome(mutant, "killed", total, worker.first_failure(log))
        if code != 0:
            raise RuntimeError(f"{mutant.id}: pytest exit status {code}, see {worker.logs}")
    if mutant.id in CATALOGUE_EQUIVALENTS:
        return Outcome(mutant, "equivalent", total, CATALOGUE_EQUIVALENTS[mutant.id])
    return Outcome(mutant, "survived", total, mutant.description)
