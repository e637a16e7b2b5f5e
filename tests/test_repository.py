"""The house rules a reader relies on: files small enough to read in one sitting, and no file left
half-merged (a conflict marker once reached the changelog unnoticed)."""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CODE_DIRS = ("nn_numpy", "reference", "benchmarks", "tests", "docs", "examples")
SKIPPED_PARTS = {"__pycache__", "_build", ".ipynb_checkpoints"}
MAX_LINES = 300
# "=======" alone is also a heading underline in reStructuredText and Markdown: not a marker here.
MARKER = re.compile(r"^(<{7}|>{7}) \S", re.MULTILINE)


def sources(*suffixes: str) -> list[Path]:
    """The project's files with these endings, below the code directories and at the top level."""
    found = [p for p in ROOT.iterdir() if p.is_file() and p.suffix in suffixes]
    for name in CODE_DIRS:
        found += [p for p in (ROOT / name).rglob("*") if p.is_file() and p.suffix in suffixes]
    return sorted(p for p in found if not SKIPPED_PARTS & set(p.relative_to(ROOT).parts))


def long_files(paths: list[Path]) -> list[str]:
    return [
        f"{p.relative_to(ROOT)}: {n} lines"
        for p in paths
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    ]


def conflicted(paths: list[Path]) -> list[str]:
    return [str(p.relative_to(ROOT)) for p in paths if MARKER.search(p.read_text("utf-8"))]


def test_no_python_file_is_over_300_lines():
    paths = sources(".py")
    assert len(paths) > 100  # the walk found the project
    assert long_files(paths) == []


def test_no_file_holds_a_merge_conflict_marker():
    paths = sources(".py", ".md", ".rst", ".toml", ".ini", ".txt", ".cfg", ".yml", ".css")
    assert conflicted(paths) == []


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("a\n<<<<<<< HEAD\nb\n=======\nc\n>>>>>>> branch\n", True),
        ("a\n>>>>>>> scaling\n", True),
        ("Title\n=======\n", False),
        ("a ======= b\n<<<<<<<not a marker\n", False),
    ],
)
def test_the_marker_check_finds_a_conflict_and_only_a_conflict(tmp_path, monkeypatch, text, found):
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    path = tmp_path / "CHANGELOG.md"
    path.write_text(text, encoding="utf-8")
    assert conflicted([path]) == (["CHANGELOG.md"] if found else [])


def test_the_length_check_rejects_a_file_one_line_too_long(tmp_path, monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    (tmp_path / "ok.py").write_text("x = 1\n" * MAX_LINES, encoding="utf-8")
    (tmp_path / "long.py").write_text("x = 1\n" * (MAX_LINES + 1), encoding="utf-8")
    assert long_files([tmp_path / "ok.py", tmp_path / "long.py"]) == ["long.py: 301 lines"]


@pytest.mark.parametrize(
    "module",
    sorted(p.stem for p in (ROOT / "tests").glob("*.py") if not p.stem.startswith("test_")),
)
def test_every_helper_module_of_the_tests_imports(module):
    """pytest imports only test_*.py: a helper or script module with a stale import (a name moved
    to another helpers module) would fail only when someone runs it."""
    importlib.import_module(f"tests.{module}")
