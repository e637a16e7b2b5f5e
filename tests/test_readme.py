"""The README tells the truth: its code links, the tests it names, and its example."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")

# What the line a README link points at must say, by link text and table row.
LINE_LINKS = re.compile(r"\[[^\]]*\]\((nn_numpy/network\.py)#L(\d+)\)")


def _rows_with_line_links() -> list[tuple[str, str, int]]:
    rows = []
    for row in README.splitlines():
        for path, line in LINE_LINKS.findall(row):
            rows.append((row, path, int(line)))
    return rows


@pytest.mark.parametrize(("row", "path", "line"), _rows_with_line_links())
def test_readme_code_links_point_at_the_formula_they_name(row: str, path: str, line: int) -> None:
    code = (ROOT / path).read_text(encoding="utf-8").splitlines()[line - 1]
    label = row.split("|")[1].strip()
    expected = {
        "cost": "losses = ",
        "Box 1, output layer": "# Box 1:",
        "Box 2, hidden layer": "# Box 2:",
        "Box 3, biases (l = 2, 1)": "# Box 3:",
        "weights (l = 2, 1)": "# Weights:",
    }[label]
    assert expected in code, f"README row {label!r} links {path}#L{line}, which is: {code.strip()}"


def test_readme_links_every_boxed_formula() -> None:
    assert len(_rows_with_line_links()) == 7  # cost, box 1, box 2, two biases, two weights


@pytest.mark.parametrize(
    ("name", "path"),
    re.findall(r"`(test_\w+)` in \[[^\]]+\]\((tests/\w+\.py)\)", README),
)
def test_tests_named_in_the_readme_exist(name: str, path: str) -> None:
    assert re.search(rf"^def {name}\(", (ROOT / path).read_text(encoding="utf-8"), re.M)


def test_readme_python_example_runs_and_learns_xor(capsys: pytest.CaptureFixture[str]) -> None:
    section = README.split("## The network in code", 1)[1]
    example = section.split("```python\n", 1)[1].split("```", 1)[0]
    exec(compile(example, "README.md example", "exec"), {})
    assert capsys.readouterr().out.rstrip().endswith("[[0 1 1 0]]")
