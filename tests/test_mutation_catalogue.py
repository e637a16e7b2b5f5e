"""The mutation run measures what it claims: every catalogued bug applies, stale ones stop it,
and the mutant is what the tests (subprocesses and console scripts included) actually run.

The run itself is ``python -m tests.mutation`` (``tox -e mutation``), not part of this suite.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import pages_with
from tests.mutation import runner, sandbox
from tests.mutation.catalogue import CATALOGUE, TESTS, Mutant
from tests.mutation.equivalents import CATALOGUE_EQUIVALENTS

ROOT = Path(__file__).resolve().parents[1]


def test_every_catalogue_entry_applies_exactly_once_to_the_code_as_it_is() -> None:
    assert runner.check_catalogue(ROOT, CATALOGUE) == []
    assert len(CATALOGUE) >= 100


def test_the_readme_states_the_catalogue_size_it_has() -> None:
    pages = pages_with("domain bugs")  # the README and the docs page that says it
    assert pages
    for name, text in pages:
        stated = re.findall(r"catalogue of (\d+) domain bugs", text.replace("\n  ", " "))
        assert stated and all(int(n) == len(CATALOGUE) for n in stated), (name, stated)


def test_every_mutated_file_maps_to_test_files_that_exist() -> None:
    for path, tests in TESTS.items():
        assert (ROOT / path).is_file(), path
        assert tests, path
        for test in tests:
            assert (ROOT / test).is_file(), f"{path}: {test} does not exist"


def test_every_listed_equivalent_is_a_catalogue_entry() -> None:
    assert set(CATALOGUE_EQUIVALENTS) <= {m.id for m in CATALOGUE}


def test_a_snippet_that_is_no_longer_in_the_code_is_an_error_naming_the_entry() -> None:
    stale = Mutant("net-stale", "nn_numpy/network.py", "dZ2 = A2 - Y  # renamed", "x", "stale")
    with pytest.raises(runner.CatalogueError, match=r"net-stale: .* not found in nn_numpy/network"):
        runner.mutated_text((ROOT / stale.path).read_text(encoding="utf-8"), stale)
    assert runner.check_catalogue(ROOT, [stale])[0].startswith("net-stale: snippet")
    with pytest.raises(runner.CatalogueError, match="net-stale"):  # before any test runs
        runner.run_catalogue([stale], root=ROOT)


def test_a_snippet_found_twice_or_a_replacement_that_breaks_syntax_is_an_error() -> None:
    twice = Mutant("twice", "nn_numpy/network.py", "return", "return None or", "ambiguous")
    broken = Mutant("broken", "nn_numpy/network.py", "dZ = A[L] - Y", "dZ = (A[L]", "")
    problems = runner.check_catalogue(ROOT, [twice, broken])
    assert "twice: snippet 'return' found" in problems[0]
    assert problems[1].startswith("broken: the mutated nn_numpy/network.py is not valid Python")


def test_check_command_fails_loudly_on_a_stale_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.mutation import __main__ as cli

    stale = Mutant("gone", "nn_numpy/training/trainer.py", "no such code", "x", "stale")
    monkeypatch.setattr(cli, "CATALOGUE", [*CATALOGUE, stale])
    assert cli.main(["--check"]) == 2


def _fake_repo(tmp_path: Path) -> Path:
    """A package with one function, a test that sees it only through a subprocess, and one
    that calls a console script; plus this runner, so the copy can start its worker."""
    repo = tmp_path / "repo"
    (repo / "nn_numpy").mkdir(parents=True)
    (repo / "nn_numpy" / "__init__.py").write_text("", encoding="utf-8")
    (repo / "nn_numpy" / "network.py").write_text(
        "def answer():\n    return 42\n\n\ndef main():\n    print(answer() + 1)\n", encoding="utf-8"
    )
    (repo / "pyproject.toml").write_text(
        '[project.scripts]\nfake-answer = "nn_numpy.network:main"\n\n'
        '[tool.pytest.ini_options]\npythonpath = ["."]\n',
        encoding="utf-8",
    )
    shutil.copytree(ROOT / "tests" / "mutation", repo / "tests" / "mutation")
    (repo / "tests" / "test_fake.py").write_text(
        "import os, shutil, subprocess, sys\n"
        "from pathlib import Path\n\n"
        "ENV = {k: v for k, v in os.environ.items() if k != 'PYTHONPATH'}\n\n"
        "def test_subprocess_sees_42(tmp_path):\n"
        "    code = 'import nn_numpy.network as n; print(n.answer())'\n"
        "    out = subprocess.run([sys.executable, '-c', code], cwd=tmp_path, env=ENV,\n"
        "                         capture_output=True, text=True).stdout\n"
        "    assert out == '42\\n'\n\n"
        "def test_console_script_prints_43(tmp_path):\n"
        "    script = shutil.which('fake-answer', path=str(Path(sys.executable).parent))\n"
        "    out = subprocess.run([script], cwd=tmp_path, env=ENV, capture_output=True,\n"
        "                         text=True).stdout\n"
        "    assert out == '43\\n'\n",
        encoding="utf-8",
    )
    return repo


def test_mutants_reach_subprocesses_and_console_scripts_and_survivors_are_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _fake_repo(tmp_path)
    path = "nn_numpy/network.py"
    monkeypatch.setattr(runner, "TESTS", {path: ["tests/test_fake.py"]})
    seen_by_subprocess = Mutant("answer-41", path, "return 42", "return 41", "off by one")
    seen_by_script = Mutant("script-plus-2", path, "answer() + 1", "answer() + 2", "wrong")
    unused = "def unused():\n    pass\n\n\ndef main():"
    invisible = Mutant("dead-code", path, "def main():", unused, "code no test reaches")
    outcomes = runner.run_catalogue(
        [seen_by_subprocess, seen_by_script, invisible],
        root=repo,
        report=lambda line: None,
        env={"NN_NUMPY_MUTATION_PRELOAD": "pytest"},
    )
    verdicts = {o.mutant.id: (o.verdict, o.detail) for o in outcomes}
    assert verdicts["answer-41"] == ("killed", "FAILED tests/test_fake.py::test_subprocess_sees_42")
    assert verdicts["script-plus-2"] == (
        "killed",
        "FAILED tests/test_fake.py::test_console_script_prints_43",
    )
    assert verdicts["dead-code"][0] == "survived"
    assert (repo / path).read_text(encoding="utf-8").count("return 42") == 1  # source untouched


def test_sandbox_python_imports_the_copy_before_the_installed_package(tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    (copy / "nn_numpy").mkdir(parents=True)
    (copy / "nn_numpy" / "__init__.py").write_text("WHERE = 'copy'\n", encoding="utf-8")
    python = sandbox.make_python(tmp_path / "venv", copy, {})
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    code = "import nn_numpy, numpy, pytest; print(nn_numpy.WHERE)"
    out = subprocess.run(
        [str(python), "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout == "copy\n"
    assert Path(sys.executable).resolve() != python  # a separate interpreter entry point


def test_sandbox_console_scripts_are_the_ones_pyproject_declares() -> None:
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+: a real TOML parser to compare with
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    scripts = sandbox.console_scripts(ROOT / "pyproject.toml")
    assert scripts == declared["project"]["scripts"]
    assert "nn-numpy-train" in scripts


def test_a_listed_equivalent_renumbered_onto_another_edit_is_an_error() -> None:
    from tests.mutation import tool
    from tests.mutation.equivalents import TOOL_EQUIVALENTS

    name = "nn_numpy.network.x_sigmoid__mutmut_12"
    line, _ = TOOL_EQUIVALENTS[name]
    tool._check_equivalent(name, f"--- a\n+++ b\n-    old\n+    {line}\n")  # the listed edit
    with pytest.raises(RuntimeError, match="re-check it by hand"):
        tool._check_equivalent(name, "--- a\n+++ b\n+    return np.where(z >= 1, 1.0, e)\n")


def test_score_counts_timeouts_as_killed_and_leaves_equivalents_out() -> None:
    from tests.mutation.__main__ import summary

    line, score = summary("x", ["killed", "timeout", "survived", "equivalent"], 60.0)
    assert score == pytest.approx(100 * 2 / 3)
    assert "killed 2 (timeout 1), survived 1, equivalent 1" in line


class _ScriptedWorker:
    """A stand-in for runner.Worker whose clean runs exit with the given statuses in turn."""

    def __init__(self, codes: list[int]) -> None:
        self.codes = codes
        self.calls = 0

    def pytest(self, args: list[str], name: str, timeout: float) -> tuple[int, float]:
        self.calls += 1
        return self.codes.pop(0), 1.5

    def first_failure(self, name: str) -> str:
        return f"FAILED tests/test_x.py::test_flaky (run {self.calls})"


def test_a_clean_run_that_fails_once_is_retried_and_the_failing_test_named() -> None:
    lines: list[str] = []
    pool = runner._Pool([], lines.append)
    worker = _ScriptedWorker([1, 0])
    assert pool.clean_seconds(worker, ["tests"]) == 1.5  # type: ignore[arg-type]
    assert worker.calls == 2
    assert "second try" in lines[0] and "test_flaky (run 1)" in lines[0]


def test_a_clean_run_that_fails_twice_stops_the_run_naming_the_failing_test() -> None:
    pool = runner._Pool([], print)
    with pytest.raises(RuntimeError, match=r"twice .*test_flaky \(run 2\)"):
        pool.clean_seconds(_ScriptedWorker([1, 1]), ["tests"])  # type: ignore[arg-type]
