"""The torch gate in tests/conftest.py: reference tests skip without torch, unless it is required.

Each test runs pytest in a subprocess. A missing torch is simulated by ``sys.modules["torch"] =
None``, which makes ``import torch`` raise ModuleNotFoundError as an absent install does; an
importable one, where only the gate's logic is under test, by an empty module (instant import).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_TESTS = [
    "tests/test_autograd_formulas.py",
    "tests/test_autograd_edge_cases.py",
    "tests/test_autograd_training.py",
    "tests/test_seed_errata.py",
]
RUN_PYTEST = "import sys, pytest; {block}raise SystemExit(pytest.main(sys.argv[1:]))"


SIMULATE = {
    "missing": "sys.modules['torch'] = None; ",
    "importable": "import types; sys.modules['torch'] = types.ModuleType('torch'); ",
}


def run_pytest(
    args: list[str], *, require: bool, torch: str, cwd: Path = ROOT
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "NN_NUMPY_REQUIRE_TORCH"}
    if require:
        env["NN_NUMPY_REQUIRE_TORCH"] = "1"
    env["PYTHONPATH"] = str(ROOT)
    code = RUN_PYTEST.format(block=SIMULATE[torch])
    return subprocess.run(
        [sys.executable, "-c", code, "-q", "-p", "no:cacheprovider", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_without_torch_every_reference_test_is_skipped_with_the_reason():
    result = run_pytest(REFERENCE_TESTS, require=False, torch="missing")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "skipped" in result.stdout and "passed" not in result.stdout
    assert "torch not available (ModuleNotFoundError" in result.stdout  # -ra lists the reason


def test_required_torch_that_cannot_import_stops_the_run():
    result = run_pytest(REFERENCE_TESTS, require=True, torch="missing")
    assert result.returncode == pytest.ExitCode.USAGE_ERROR
    assert "NN_NUMPY_REQUIRE_TORCH=1 but torch cannot be imported" in result.stderr


SKIPPING_TESTS = """
import pytest

@pytest.mark.torch
def test_marked_and_skipping():
    pytest.skip("some reason")

@pytest.fixture
def torch_ref():  # stands in for conftest's fixture; the gate marks its users by name
    return None

def test_using_the_fixture_and_skipping(torch_ref):
    pytest.skip("another reason")

@pytest.mark.torch
@pytest.mark.xfail(strict=True, reason="known defect")
def test_marked_and_xfailing():
    assert False

def test_not_a_torch_test_may_skip():
    pytest.skip("unrelated")
"""


@pytest.fixture
def skipping_suite(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "tests" / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "test_skipping.py").write_text(SKIPPING_TESTS)
    return tmp_path


def test_required_torch_turns_every_skipped_torch_test_into_a_failure(skipping_suite):
    result = run_pytest([], require=True, torch="importable", cwd=skipping_suite)
    assert result.returncode == pytest.ExitCode.TESTS_FAILED, result.stdout
    assert "2 failed, 1 skipped, 1 xfailed" in result.stdout
    assert "torch tests may not skip (Skipped: some reason)" in result.stdout
    assert "torch tests may not skip (Skipped: another reason)" in result.stdout


def test_without_the_requirement_skipped_torch_tests_stay_skipped(skipping_suite):
    result = run_pytest([], require=False, torch="missing", cwd=skipping_suite)
    assert result.returncode == pytest.ExitCode.OK, result.stdout
    assert "4 skipped" in result.stdout
