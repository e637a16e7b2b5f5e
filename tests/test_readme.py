"""The README and the documentation pages tell the truth: code links, the tests they name, and
their examples. Each check runs on every page that holds its section (``tests.helpers.pages_with``),
so a section moved from the README to docs/ stays checked."""

from __future__ import annotations

import ast
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from nn_numpy.cli.predict import main as predict_main
from nn_numpy.cli.train import main as train_main
from tests.helpers import DOC_PAGES, pages_with, run_cli

ROOT = Path(__file__).parents[1]
PAGES = [(name, (ROOT / name).read_text(encoding="utf-8")) for name in DOC_PAGES]

# What the line a link points at must say, by link text and table row: a README link
# [network.py L165](nn_numpy/network.py#L165), or `nn_numpy/network.py:165` on a docs page.
LINE_LINKS = re.compile(
    r"\[[^\]]*\]\((nn_numpy/network\.py)#L(\d+)\)|`(nn_numpy/network\.py):(\d+)`"
)


def _rows_with_line_links(text: str) -> list[tuple[str, str, int]]:
    rows = []
    for row in text.splitlines():
        for match in LINE_LINKS.finditer(row):
            path, line = (match[1], match[2]) if match[1] else (match[3], match[4])
            rows.append((row, path, int(line)))
    return rows


def _sections(marker: str) -> list:
    """The text of every page holding ``marker``, from the marker on (at least one page), as
    pytest params named by the page."""
    found = [pytest.param(text.split(marker, 1)[1], id=name) for name, text in pages_with(marker)]
    assert found, f"no page holds {marker!r}"
    return found


@pytest.mark.parametrize(
    ("row", "path", "line"), [r for _, text in PAGES for r in _rows_with_line_links(text)]
)
def test_readme_code_links_point_at_the_formula_they_name(row: str, path: str, line: int) -> None:
    code = (ROOT / path).read_text(encoding="utf-8").splitlines()[line - 1]
    label = row.split("|")[1].strip()
    expected = {
        "cost": "losses = ",
        "Box 1, output layer": "# Box 1:",
        "Box 2, hidden layer": "# Box 2:",
        "Box 3, biases": "# Box 3:",
        "weights": "# Weights:",
    }[label]
    assert expected in code, f"README row {label!r} links {path}#L{line}, which is: {code.strip()}"


@pytest.mark.parametrize(
    "text",
    [pytest.param(text, id=name) for name, text in pages_with("# The mathematics, corrected")],
)
def test_readme_links_every_boxed_formula(text: str) -> None:
    rows = _rows_with_line_links(text)
    assert len(rows) == 6  # cost, box 1, box 2's two factors, biases, weights


@pytest.mark.parametrize(
    ("name", "path"),
    [
        (m[1], m[2] or m[3])
        for _, text in PAGES
        for m in re.finditer(
            r"`(test_\w+)` in (?:\[[^\]]+\]\((tests/\w+\.py)\)|`(tests/\w+\.py)`)", text
        )
    ],
)
def test_tests_named_in_the_readme_exist(name: str, path: str) -> None:
    assert re.search(rf"^def {name}\(", (ROOT / path).read_text(encoding="utf-8"), re.M)


@pytest.mark.parametrize("section", _sections("## The network in code"))
def test_readme_python_example_runs_and_learns_xor(
    section: str, capsys: pytest.CaptureFixture[str]
) -> None:
    example = section.split("```python\n", 1)[1].split("```", 1)[0]
    exec(compile(example, "README.md example", "exec"), {})
    out = capsys.readouterr().out.rstrip()
    # The comment after print(...) shows the output: "0.00162... [[0 1 1 0]]".
    cost, predictions = example.rstrip().rsplit("# ", 1)[1].split("... ")
    assert out.startswith(cost) and out.endswith(predictions)


@pytest.mark.parametrize("section", _sections("### Any depth, three hidden activations"))
def test_deep_python_example_runs_and_prints_the_output_shown(
    section: str, capsys: pytest.CaptureFixture[str]
) -> None:
    example = section.split("```python\n", 1)[1].split("```", 1)[0]
    exec(compile(example, "deep example", "exec"), {})
    out = capsys.readouterr().out.rstrip()
    # The last line shows the output: "# (2, 8, 4, 1) 0.00246... [[0 1 1 0]]".
    shown = example.rstrip().rsplit("\n# ", 1)[1]
    start, end = shown.split("... ")
    assert out.startswith(start) and out.endswith(end), out


def test_requirements_txt_holds_the_run_time_dependencies_pyproject_declares() -> None:
    # tomllib is 3.11+; the one line is read as a Python list literal instead
    found = re.search(r"^dependencies = (\[.*\])$", (ROOT / "pyproject.toml").read_text(), re.M)
    assert found is not None
    declared = ast.literal_eval(found.group(1))
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    assert [line for line in lines if line and not line.startswith("#")] == declared


@pytest.mark.parametrize("section", _sections("pip install -r requirements.txt\n"))
def test_the_seeds_command_through_python_m_prints_what_nn_numpy_train_prints(
    section: str, capsys: pytest.CaptureFixture[str]
) -> None:
    command = section.split("\n", 1)[0 if section.startswith("python") else 1]
    argv = shlex.split(command)
    assert argv[:3] == [*"python -m".split(), "nn_numpy.train"], command
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    run = subprocess.run(
        [sys.executable, *argv[1:]], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert (run.returncode, run.stderr) == (0, "")
    code, out, _ = run_cli(argv[3:], capsys)
    assert code == 0 and run.stdout == out


def _block(rest: str) -> str:
    """The body of the first fenced block in ``rest``."""
    return rest.split("```", 1)[1].split("\n", 1)[1].split("```", 1)[0]


@pytest.mark.parametrize("section", _sections("```text\n$ nn-numpy-train\n"))
def test_readme_training_output_is_what_nn_numpy_train_prints(
    section: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Every block showing `$ nn-numpy-train` and its output (the quick start's, the training
    # page's), compared exactly on the machine running the tests (costs printed to 6 digits).
    expected = section.split("```", 1)[0]
    monkeypatch.chdir(ROOT)
    assert train_main([]) == 0
    assert capsys.readouterr().out == expected


@pytest.mark.parametrize("section", _sections("## Picture, saved model, predictions"))
def test_readme_large_dataset_figures_and_predictions_are_what_the_commands_print(
    section: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The README's commands, run in an empty directory: data/large_dataset.csv is then the
    # shipped copy (byte-identical, tests/test_datasets.py). --plot changes no number: left out.
    monkeypatch.chdir(tmp_path)
    train_cmd = re.search(r"^nn-numpy-train (.*) --plot \S+ (.*)$", section, re.M)
    assert train_cmd
    assert train_main([*train_cmd[1].split(), *train_cmd[2].split()]) == 0
    out = capsys.readouterr().out
    claim = re.search(
        r"final cost of ([\d.]+), ([\d.]+%) train accuracy \((\d+/\d+)\) and ([\d.]+%) test"
        r" accuracy\s+\((\d+/\d+)\)",
        section,
    )
    assert claim
    assert f"final cost: {claim[1]}\n" in out
    assert f"train accuracy: {claim[2]} ({claim[3]})\n" in out
    assert f"test accuracy: {claim[4]} ({claim[5]})\n" in out

    predict_cmd = next(line for line in section.splitlines() if line.startswith("nn-numpy-predict"))
    assert predict_main(predict_cmd.split()[1:]) == 0
    shown = [line.removeprefix("# ") for line in section.split(predict_cmd, 1)[1].splitlines()[1:3]]
    assert len(shown) == 2 and capsys.readouterr().out.splitlines() == shown


def test_readme_report_figures_are_within_a_factor_of_10_of_a_fresh_run(torch_ref) -> None:
    # The layout is tests/test_check_readme.py's; here each error shown against a full-size run.
    from reference import report

    figure = r"\d\.\de-\d\d"
    lines: list[str] = []
    assert report.main([], out=lines.append) == 0
    fresh = re.findall(figure, "\n".join(lines))
    for param in _sections("exits 1 if any row fails"):
        (section,) = param.values
        shown = re.findall(figure, _block(section))
        assert len(shown) == len(fresh) >= 10
        for a, b in zip(shown, fresh, strict=True):
            assert 0.1 <= float(a) / float(b) <= 10, (a, b)


@pytest.mark.parametrize("section", _sections("## Datasets"))
def test_readme_dataset_table_rows_that_are_cheap_to_recompute_hold(
    section: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # The CLI-defaults and Bayes rows of the Datasets section, recomputed as
    # benchmarks/accuracy_ceiling.py does. (Its converged-GD and scikit-learn rows and the
    # 200,000 fresh points take seconds each; the README says they are not rerun here.)
    from benchmarks.accuracy_ceiling import DATA, accuracy, bayes_predict
    from nn_numpy.io.data import load_table, split_xy, train_test_split

    section = section.split("\n## ", 1)[0]
    defaults = re.search(
        r"\*\*the CLI's defaults\*\*.*\| ([\d.]+%) \| \*\*([\d.]+%)\*\* \|", section
    )
    bayes = re.search(r"\| the Bayes-optimal rule .*\| ([\d.]+%) \| ([\d.]+%) \|", section)
    assert defaults and bayes

    assert train_main(["--data-path", str(DATA), "--print-every", "0"]) == 0
    out = capsys.readouterr().out
    assert f"train accuracy: {defaults[1]} " in out and f"test accuracy: {defaults[2]} " in out
    X_tr, Y_tr, X_te, Y_te = train_test_split(*split_xy(load_table(DATA)), 0.2, 42)
    assert f"{100 * accuracy(bayes_predict(X_tr), Y_tr):.2f}%" == bayes[1]
    assert f"{100 * accuracy(bayes_predict(X_te), Y_te):.2f}%" == bayes[2]


@pytest.mark.parametrize("section", _sections("**Bad input never gives a traceback.**"))
def test_readme_bad_input_lines_are_what_nn_numpy_train_prints(
    section: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Each `$ command` of the block, then its stderr, line for line.
    block = _block(section)
    runs = [run.split("\n", 1) for run in block.split("$ ")[1:]]
    assert [command for command, _ in runs] == [
        "nn-numpy-train --data-path bad.csv",
        "nn-numpy-train --epochs 0",
    ]
    monkeypatch.chdir(tmp_path)
    # 'abc' in line 3, column 2, as the first message says.
    (tmp_path / "bad.csv").write_text("x1,x2,y\n0.5,1.0,0\n1.5,abc,1\n", encoding="utf-8")
    for command, shown in runs:
        try:
            code = train_main(command.split()[1:])
        except SystemExit as exit_:  # argparse's errors end the program
            code = exit_.code
        assert code == 2
        assert capsys.readouterr().err.splitlines() == shown.splitlines()
