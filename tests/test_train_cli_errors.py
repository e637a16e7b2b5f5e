"""nn-numpy-train on bad input: exit 2, the last stderr line names the problem, no traceback,
no training output and no output file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import BASIC, run_cli


def csv(text: str) -> Callable[[Path], list[str]]:
    def args(tmp: Path) -> list[str]:
        path = tmp / "data.csv"
        path.write_text(text, encoding="utf-8")
        return ["--data-path", str(path)]

    return args


def flags(*argv: str) -> Callable[[Path], list[str]]:
    return lambda tmp: [a.replace("{tmp}", str(tmp)) for a in argv]


BAD_INPUTS = {
    "missing file": (flags("--data-path", "{tmp}/nope.csv"), "nope.csv: no such file"),
    "directory as data file": (flags("--data-path", "{tmp}"), "is a directory"),
    "empty file": (csv(""), "the file is empty"),
    "header only": (csv("x1,x2,label\n"), "header line but no data rows"),
    "no header": (csv("1,2,0\n3,4,1\n"), "line 1: expected a header line"),
    "ragged rows": (csv("x1,x2,label\n1,2,0\n3,4\n"), "line 3: expected 3 comma-separated"),
    "non-numeric cell": (
        csv("x1,x2,label\n1,2,0\n3,four,1\n"),
        "line 3, column 2: 'four' is not a number",
    ),
    "NaN value": (csv("x1,x2,label\n1,2,0\nnan,4,1\n"), "line 3, column 1: value nan"),
    "infinite value": (csv("x1,x2,label\n1,inf,0\n3,4,1\n"), "line 2, column 2: value inf"),
    "label 2": (
        csv("x1,label\n1,0\n2,2\n3,1\n"),
        "data.csv, line 3: labels (the last column) must be 0 or 1, found 2",
    ),
    "fractional label": (csv("x1,label\n1,0\n2,0.5\n3,1\n"), "line 3: labels (the last column)"),
    "one class only": (csv("x1,label\n1,1\n2,1\n3,1\n"), "labels are all 1; both classes"),
    "one column only": (csv("label\n0\n1\n"), "need at least 2 columns"),
    "empty train split": (
        flags("--data-path", BASIC, "--test-size", "0.95"),
        "leaves the train set empty",
    ),
    "hidden size 0": (flags("--hidden-size", "0"), "--hidden-size: expected a positive integer"),
    "hidden size negative": (flags("--hidden-size", "-3"), "--hidden-size: expected a positive"),
    "hidden size not a number": (flags("--hidden-size", "five"), "got 'five'"),
    "hidden size fractional": (flags("--hidden-size", "2.5"), "--hidden-size: expected a positive"),
    "epochs 0": (flags("--epochs", "0"), "--epochs: expected a positive integer, got '0'"),
    "epochs not a number": (flags("--epochs", "many"), "--epochs: expected a positive integer"),
    "learning rate 0": (flags("--learning-rate", "0"), "--learning-rate: expected a positive"),
    "learning rate negative": (flags("--learning-rate", "-0.1"), "--learning-rate: expected"),
    "learning rate NaN": (flags("--learning-rate", "nan"), "--learning-rate: expected a positive"),
    "learning rate inf": (flags("--learning-rate", "inf"), "--learning-rate: expected a positive"),
    "learning rate text": (flags("--learning-rate", "fast"), "got 'fast'"),
    "test size 0": (flags("--test-size", "0"), "--test-size: expected a number strictly between"),
    "test size 1": (flags("--test-size", "1"), "--test-size: expected a number strictly between"),
    "test size 1.5": (flags("--test-size", "1.5"), "--test-size: expected a number strictly"),
    "test size text": (flags("--test-size", "a fifth"), "--test-size: expected a number"),
    "seed negative": (flags("--seed", "-1"), "--seed: expected an integer >= 0"),
    "dtype unknown": (flags("--dtype", "float16"), "--dtype: invalid choice: 'float16'"),
    "metrics dir missing": (
        flags("--metrics-json", "{tmp}/no/such/dir/m.json"),
        "--metrics-json: directory",
    ),
    "metrics path is a directory": (flags("--metrics-json", "{tmp}"), "is a directory"),
    "model dir missing": (flags("--save-model", "{tmp}/no/m.npz"), "--save-model: directory"),
    "plot dir missing": (flags("--plot", "{tmp}/no/p.png"), "--plot: directory"),
}


@pytest.mark.parametrize(("make_args", "expected"), BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_bad_input_exits_2_with_the_problem_on_the_last_stderr_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    make_args: Callable[[Path], list[str]],
    expected: str,
) -> None:
    metrics = tmp_path / "metrics.json"
    argv = ["--epochs", "5", "--metrics-json", str(metrics), *make_args(tmp_path)]
    before = sorted(tmp_path.rglob("*"))
    code, out, err = run_cli(argv, capsys)
    assert code == 2
    last = err.rstrip("\n").splitlines()[-1]
    assert last.startswith("nn-numpy-train: error: ")
    assert expected in last
    assert "Traceback" not in err
    assert out == ""  # failed before training started
    assert sorted(tmp_path.rglob("*")) == before  # nothing written, not even a temp file


def test_data_errors_print_exactly_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    bad = tmp_path / "d.csv"
    bad.write_text("x,label\n1,0\n2,x\n", encoding="utf-8")
    code, _, err = run_cli(["--data-path", str(bad)], capsys)
    assert code == 2
    assert err == f"nn-numpy-train: error: {bad}, line 3, column 2: 'x' is not a number\n"
