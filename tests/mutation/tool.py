"""mutmut's generic mutants, file by file (GROUPS below), each run in a throwaway copy.

mutmut 3 rewrites every function of the mutated files into a trampoline that dispatches on the
environment variable MUTANT_UNDER_TEST, copies the tree to ``mutants/`` and runs pytest there,
each mutant against the tests that called its function (it records which, in a first clean run).
Its configuration is appended here to the copy's ``pyproject.toml``, so the repository's own
file carries none and ``mutants/`` never appears in the working tree.

Two adjustments to this code base:

* The trampolines move every line and repeat every snippet, so the README-link test (line
  numbers) and tests/test_mutation_catalogue.py (snippets occur once) are left out: neither
  tests behaviour. The trampoline also allocates on every call, so the Trainer's "a step
  allocates nothing" test is left out here (the catalogue run keeps it), and so are the tests
  that signal a CLI subprocess at a chosen moment (tests/test_cli_signals.py): a child that
  records mutmut's stats misses the moment.
* Subprocesses inherit MUTANT_UNDER_TEST; ``python -m`` runs from the copy see the mutated tree
  because the tests run them from the repository root. The console scripts run by
  ``tests/test_installed_package.py`` see it because mutmut runs under a sandbox Python
  (``sandbox.py``) whose path starts at ``mutants/`` and whose ``bin/`` holds the scripts.
  (mutmut picks tests by what ran in-process: a function only a subprocess calls has
  "no tests", and counts as survived here.)
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.mutation import sandbox
from tests.mutation.equivalents import TOOL_EQUIVALENTS
from tests.mutation.runner import ROOT, THREADS_ONE

# Each mutated file with the test files that exercise it (mutmut runs one group at a time,
# in its own copy). Per-file selection instead of the whole suite: mutmut's first clean run,
# under the trampolines, then only has to pass the tests that matter for the file, and it is
# several times faster. A test file left out here still runs in the catalogue stage.
GROUPS: dict[str, list[str]] = {
    "nn_numpy/network.py": [
        "tests/test_network.py",
        "tests/test_network_numerics.py",
        "tests/test_autograd_formulas.py",
        "tests/test_autograd_properties.py",
        "tests/test_autograd_edge_cases.py",
        "tests/test_check_measures_reject_wrong.py",
        "tests/test_check_measures_values.py",
        "tests/test_model_io.py",
        "tests/test_seed_errata.py",
        "tests/test_trainer.py",
        "tests/test_training_backends.py",
        "tests/test_accuracy_ceiling.py",
        "tests/test_reported_numbers.py",  # the float32 cost (mutmut's compute_cost_3/_5)
    ],
    "nn_numpy/training/trainer.py": [
        "tests/test_trainer.py",
        "tests/test_training_backends.py",
        "tests/test_numba_backend.py",
        "tests/test_reported_numbers.py",
        "tests/test_resource_limits.py",
        "tests/test_package_api.py",
    ],
    # the measuring code (moved here from reference/): relative_error, term_scaled_error, ...
    "nn_numpy/check/measures.py": [
        "tests/test_check_measures_reject_wrong.py",
        "tests/test_check_measures_values.py",
        "tests/test_check_gradients_correct.py",
        "tests/test_check_diagnosis.py",
        "tests/test_report_rows.py",
    ],
    "nn_numpy/check/finite_differences.py": [
        "tests/test_finite_difference_stencils.py",
        "tests/test_finite_differences.py",
        "tests/test_autograd_formulas.py",
        "tests/test_check_measures_reject_wrong.py",
        "tests/test_check_measures_values.py",
        "tests/test_check_gradients_correct.py",
    ],
    # reference/, file by file (__main__.py only calls main:
    # mutmut mutates functions, and they have none)
    "reference/report.py": [
        "tests/test_report_cli.py",
        "tests/test_autograd_report.py",
        "tests/test_check_readme.py",  # the README's report block: the layout, line by line
        "tests/test_check_measures_reject_wrong.py",  # render: a failing row
    ],
    "reference/rows.py": [
        "tests/test_report_rows.py",
        "tests/test_report_cli.py",
        "tests/test_autograd_report.py",
        "tests/test_autograd_formulas.py",  # the sigma' and dL/da pieces
        "tests/test_check_measures_reject_wrong.py",
        "tests/test_check_measures_values.py",
        "tests/test_autograd_properties.py",
        "tests/test_autograd_edge_cases.py",
        "tests/test_seed_errata.py",
    ],
    "reference/cases.py": [
        "tests/test_report_cases.py",
        "tests/test_report_cli.py",
        "tests/test_report_rows.py",
        "tests/test_autograd_report.py",
        "tests/test_autograd_formulas.py",
        "tests/test_check_measures_reject_wrong.py",
        "tests/test_check_measures_values.py",
    ],
    "reference/torch_reference.py": [
        "tests/test_autograd_formulas.py",
        "tests/test_autograd_edge_cases.py",
        "tests/test_autograd_training.py",
        "tests/test_report_rows.py",
        "tests/test_autograd_report.py",
        "tests/test_seed_errata.py",
        "tests/test_reported_numbers.py",
    ],
    # the checker's judging, contract and command, the reader, the memory estimate, the CLI
    # plumbing and the benchmark gates: each with the test files that reach it in-process
    "nn_numpy/check/api.py": [
        "tests/test_check_judging_tolerance.py",
        "tests/test_check_judging_shapes_and_values.py",
        "tests/test_check_judging_refusals.py",
        "tests/test_check_gradients_correct.py",
        "tests/test_check_diagnosis.py",
        "tests/test_check_contract_result.py",
        "tests/test_check_contract_target.py",
    ],
    "nn_numpy/check/contract.py": [
        "tests/test_check_contract_result.py",
        "tests/test_check_contract_target.py",
        "tests/test_check_judging_tolerance.py",
        "tests/test_check_judging_shapes_and_values.py",
        "tests/test_check_judging_refusals.py",
        "tests/test_check_cli.py",
    ],
    "nn_numpy/check/target.py": [
        "tests/test_check_contract_result.py",
        "tests/test_check_contract_target.py",
        "tests/test_check_cli.py",
    ],
    "nn_numpy/cli/check.py": [
        "tests/test_check_contract_result.py",
        "tests/test_check_contract_target.py",
        "tests/test_check_cli.py",
    ],
    "nn_numpy/io/reader.py": [
        "tests/test_reader_limits.py",
        "tests/test_data.py",
        "tests/test_hostile_inputs_files.py",
        "tests/test_hostile_inputs_values.py",
        "tests/test_column_matching.py",
    ],
    "nn_numpy/io/columns.py": [
        "tests/test_reader_limits.py",
        "tests/test_column_matching.py",
        "tests/test_predict_cli.py",
        "tests/test_model_io.py",
    ],
    "nn_numpy/io/resources.py": [
        "tests/test_resource_estimates.py",
        "tests/test_resource_limits.py",
    ],
    "nn_numpy/cli/_errors.py": [
        "tests/test_cli_plumbing_signals.py",
        "tests/test_cli_plumbing_exit_statuses.py",
        "tests/test_cli_plumbing_standard_streams.py",
        "tests/test_cli_plumbing_symlinked_dirs.py",
        "tests/test_cli_errors_policy.py",
        "tests/test_train_cli_errors.py",
    ],
    "benchmarks/gates.py": ["tests/test_gates_evaluate.py", "tests/test_benchmark_gates.py"],
}
TARGETS = list(GROUPS)
# Left out of every group, with the reason (see the module docstring):
EXCLUDED = [
    # line numbers move under the trampolines (tests the README, not behaviour)
    "--deselect", "tests/test_readme.py::test_readme_code_links_point_at_the_formula_they_name",
    # every snippet occurs twice in a trampolined file (tests the catalogue, not behaviour)
    "--ignore=tests/test_mutation_catalogue.py",
    # the trampoline allocates on every call (the catalogue stage keeps this test)
    "--deselect", "tests/test_trainer.py::test_step_allocates_no_memory",
    # a stats-recording child misses the signal's moment (the catalogue stage keeps them)
    "--ignore=tests/test_cli_signals.py",
]  # fmt: skip
CONFIG = """
[tool.mutmut]
source_paths = ["nn_numpy/", "reference/", "benchmarks/"]
only_mutate = {targets}
also_copy = {also_copy}
pytest_add_cli_args = {add_args}
pytest_add_cli_args_test_selection = {selection}
# torch's thread pools do not survive fork: fork each mutant from a server that ran no test.
process_isolation = "forkserver"
"""

KILLED = {"killed": "killed", "timeout": "timeout", "caught by type check": "killed",
          "segfault": "killed", "survived": "survived", "suspicious": "survived",
          "no tests": "no tests"}  # fmt: skip


def run_mutmut(target: str, jobs: int = 2, root: Path = ROOT) -> dict[str, str]:
    """Mutant name -> killed / timeout / survived / no tests / equivalent, for ``target``
    (a key of GROUPS), run against its own test files."""
    if target not in GROUPS:
        raise ValueError(f"{target}: not a mutmut target (choose from {', '.join(GROUPS)})")
    print(f"mutmut: {target} against {' '.join(GROUPS[target])}", flush=True)
    return _run_group(target, GROUPS[target], jobs, root)


def _run_group(target: str, tests: list[str], jobs: int, root: Path) -> dict[str, str]:
    """One mutmut run in a throwaway copy: ``target`` mutated, ``tests`` selected."""
    with tempfile.TemporaryDirectory(prefix="nn-numpy-mutmut-") as tmp:
        copy = sandbox.copy_repo(root, Path(tmp) / "repo")
        with (copy / "pyproject.toml").open("a", encoding="utf-8") as f:
            f.write(
                CONFIG.format(
                    targets=json.dumps([target]), also_copy=_also_copy(copy),
                    add_args=json.dumps(["-p", "no:cacheprovider", *EXCLUDED]),
                    selection=json.dumps(tests),
                )
            )  # fmt: skip
        scripts = sandbox.console_scripts(copy / "pyproject.toml")
        python = sandbox.make_python(Path(tmp) / "venv", copy / "mutants", scripts)
        env = {**os.environ, **THREADS_ONE, "PYTHONDONTWRITEBYTECODE": "1"}
        env.pop("PYTHONPATH", None)

        def mutmut(*args: str, capture: bool = False) -> str:
            proc = subprocess.run(
                [str(python), "-m", "mutmut", *args], cwd=copy, env=env, text=True,
                stdout=subprocess.PIPE if capture else None, check=True,
            )  # fmt: skip
            return proc.stdout or ""

        mutmut("run", "--max-children", str(jobs))
        listing = mutmut("results", "--all", "true", capture=True)
        statuses = dict(re.findall(r"^\s*(\S+): (.+?)\s*$", listing, re.M))
        results = {}
        for name, status in statuses.items():
            if status not in KILLED:
                raise RuntimeError(f"mutmut left {name} {status!r}")
            verdict = KILLED[status]
            if name in TOOL_EQUIVALENTS and verdict in ("survived", "no tests"):
                _check_equivalent(name, mutmut("show", name, capture=True))
                verdict = "equivalent"
            results[name] = verdict
        # stale entries of this file only
        # ("nn_numpy/training/trainer.py" -> "nn_numpy.training.trainer.")
        prefix = target.removesuffix("*").removesuffix(".py").replace("/", ".").rstrip(".") + "."
        for name in {n for n in TOOL_EQUIVALENTS if n.startswith(prefix)} - set(statuses):
            print(f"warning: equivalents.py lists {name}, no longer a mutant", file=sys.stderr)
        for name, verdict in results.items():
            if verdict in ("survived", "no tests"):
                print(mutmut("show", name, capture=True))
        return results


def _also_copy(copy: Path) -> str:
    """Everything at the top level besides the mutated packages (the tests read tox.ini, data/,
    README.md, ...); mutmut copies tests/ and pyproject.toml itself."""
    own = {"nn_numpy", "reference", "benchmarks", "tests", "mutants", "pyproject.toml"}
    names = sorted(p.name + ("/" if p.is_dir() else "") for p in copy.iterdir())
    return json.dumps([n for n in names if n.rstrip("/") not in own])


def _check_equivalent(name: str, diff: str) -> None:
    """The listed mutated line must be the one mutmut made (names are renumbered by edits)."""
    line, _ = TOOL_EQUIVALENTS[name]
    lines = diff.splitlines()
    added = [d[1:].strip() for d in lines if d.startswith("+") and not d.startswith("+++")]
    if line not in added:
        raise RuntimeError(
            f"equivalents.py: {name} is now {added!r}, not {line!r}; re-check it by hand"
        )
