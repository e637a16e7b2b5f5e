"""The README's "Check your own implementation" example is true: its output is what it prints."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

import reference.report as report
from nn_numpy.check import oracles
from nn_numpy.cli import check as cli

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
SECTION = README.split("## Check your own implementation\n", 1)[1].split("\n## ", 1)[0]
BLOCKS = [block.split("```", 1)[0] for block in SECTION.split("```python\n")[1:]]
COMMAND, SHOWN = SECTION.split("```text\n", 1)[1].split("```", 1)[0].split("\n", 1)


@pytest.fixture
def my_nn(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "my_nn.py").write_text(BLOCKS[0], encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "my_nn", raising=False)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    assert COMMAND == "$ nn-numpy-check my_nn.py:gradients"
    code = cli.main(COMMAND.split()[2:])
    return code, capsys.readouterr().out


def test_readme_check_example_prints_exactly_the_output_shown_without_torch(
    my_nn, capsys, monkeypatch
):
    monkeypatch.setattr(oracles, "torch_version", lambda: None)  # as after `pip install nn-numpy`
    code, out = run(capsys)
    assert code == 1
    assert out == SHOWN


def test_readme_check_example_with_torch_only_adds_the_autograd_oracle(my_nn, capsys, torch_ref):
    code, out = run(capsys)
    shown = SHOWN.splitlines()
    assert code == 1
    assert out.splitlines() == [
        line + f", torch {oracles.torch_version()} autograd (within 1e-10)"
        if line.startswith("oracles:")
        else line
        for line in shown
    ]
    assert "`torch <version> autograd (within 1e-10)`" in SECTION.replace("\n", " ")


def test_readme_check_api_example_runs(my_nn):
    exec(compile(BLOCKS[1], "README.md check example", "exec"), {})


def _shape_of(text: str) -> list[str]:
    """The text with every number replaced by '#' and runs of spaces by one (the figures, and so
    the column widths, depend on the machine)."""
    return [
        " ".join(re.sub(r"\d+(\.\d+)?(e[+-]\d+)?", "#", line).split()) for line in text.splitlines()
    ]


def test_readme_verification_report_has_the_layout_python_m_reference_report_prints(torch_ref):
    """Every line of the README's report block, figures aside, is what the report prints."""
    block = README.split("```text\nnn-numpy verification report", 1)[1].split("```", 1)[0]
    lines: list[str] = []
    assert report.main(["--random", "2", "--saturated", "2"], out=lines.append) == 0
    assert _shape_of("nn-numpy verification report" + block) == _shape_of(lines[0])
