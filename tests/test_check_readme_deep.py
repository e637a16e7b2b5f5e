"""The deep checker example of the docs (docs/checking.md) is true: ``deep_nn.py`` prints exactly
the output shown, and the contracts' table names flags the command has."""

from __future__ import annotations

import sys

import pytest

from nn_numpy.check import oracles
from nn_numpy.cli import check as cli
from tests.helpers import pages_with

MARKER = "**Deeper networks, tanh and sigmoid units, autograders.**"
((_, PAGE),) = pages_with(MARKER)  # one page holds it
PART = PAGE.split(MARKER, 1)[1]
PART = PART.split("**Speed.**", 1)[0]
CODE = PART.split("```python\n", 1)[1].split("```", 1)[0]
COMMAND, SHOWN = PART.split("```text\n", 1)[1].split("```", 1)[0].split("\n", 1)


def test_readme_deep_example_prints_exactly_the_output_shown(tmp_path, monkeypatch, capsys):
    (tmp_path / "deep_nn.py").write_text(CODE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delitem(sys.modules, "deep_nn", raising=False)
    monkeypatch.setattr(oracles, "torch_version", lambda: None)  # as after `pip install nn-numpy`
    assert COMMAND == "$ nn-numpy-check deep_nn.py:gradients --contract params"
    code = cli.main(COMMAND.split()[2:])
    assert code == 1
    assert capsys.readouterr().out == SHOWN


@pytest.mark.parametrize("flag", ["--contract", "--depth", "--activation", "--timeout",
                                  "--gradescope"])  # fmt: skip
def test_readme_deep_part_names_flags_the_command_has(flag):
    assert flag in PART
    assert flag in cli.build_parser().format_help()
