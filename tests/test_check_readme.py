"""The "Check your own implementation" example is true: its output is what it prints, in the README
and on the documentation page that holds it (each page holding the section is checked)."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

import reference.report as report
from nn_numpy.check import oracles
from nn_numpy.cli import check as cli
from tests.helpers import pages_with


class Example(NamedTuple):
    page: str
    section: str
    blocks: list[str]  # the Python blocks: my_nn.py, then the API example
    command: str
    shown: str  # what the command prints


def _example(page: str, text: str) -> Example:
    section = text.split("# Check your own implementation\n", 1)[1].split("\n## ", 1)[0]
    blocks = [block.split("```", 1)[0] for block in section.split("```python\n")[1:]]
    command, shown = section.split("```text\n", 1)[1].split("```", 1)[0].split("\n", 1)
    return Example(page, section, blocks, command, shown)


# The pages that show the worked example and its report (a page may mention the checker alone).
EXAMPLES = [
    _example(*page) for page in pages_with("```text\n$ nn-numpy-check my_nn.py:gradients\n")
]
REPORT_PAGES = pages_with("```text\nnn-numpy verification report")


@pytest.fixture(params=EXAMPLES, ids=[e.page for e in EXAMPLES])
def example(request: pytest.FixtureRequest) -> Example:
    return request.param


@pytest.fixture
def my_nn(example: Example, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "my_nn.py").write_text(example.blocks[0], encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "my_nn", raising=False)
    return tmp_path


def run(example: Example, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    assert example.command == "$ nn-numpy-check my_nn.py:gradients"
    code = cli.main(example.command.split()[2:])
    return code, capsys.readouterr().out


def test_readme_check_example_prints_exactly_the_output_shown_without_torch(
    example, my_nn, capsys, monkeypatch
):
    monkeypatch.setattr(oracles, "torch_version", lambda: None)  # as after `pip install nn-numpy`
    code, out = run(example, capsys)
    assert code == 1
    assert out == example.shown


def test_readme_check_example_with_torch_only_adds_the_autograd_oracle(
    example, my_nn, capsys, torch_ref
):
    code, out = run(example, capsys)
    shown = example.shown.splitlines()
    assert code == 1
    assert out.splitlines() == [
        line + f", torch {oracles.torch_version()} autograd (within 1e-10)"
        if line.startswith("oracles:")
        else line
        for line in shown
    ]
    assert "`torch <version> autograd (within 1e-10)`" in example.section.replace("\n", " ")


def test_readme_check_api_example_runs(example, my_nn):
    exec(compile(example.blocks[1], f"{example.page} check example", "exec"), {})


def test_the_check_example_is_on_a_page() -> None:
    assert EXAMPLES and REPORT_PAGES


def _shape_of(text: str) -> list[str]:
    """The text with every number replaced by '#' and runs of spaces by one (the figures, and so
    the column widths, depend on the machine)."""
    return [
        " ".join(re.sub(r"\d+(\.\d+)?(e[+-]\d+)?", "#", line).split()) for line in text.splitlines()
    ]


@pytest.mark.parametrize(
    "text", [text for _, text in REPORT_PAGES], ids=[p for p, _ in REPORT_PAGES]
)
def test_readme_verification_report_has_the_layout_python_m_reference_report_prints(
    text, torch_ref
):
    """Every line of the report block, figures aside, is what the report prints."""
    block = text.split("```text\nnn-numpy verification report", 1)[1].split("```", 1)[0]
    lines: list[str] = []
    assert report.main(["--random", "2", "--saturated", "2"], out=lines.append) == 0
    assert _shape_of("nn-numpy verification report" + block) == _shape_of(lines[0])
