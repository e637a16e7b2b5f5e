"""``nn-numpy-check TARGET``: exit status 0 / 1 / 2, one line for our errors, the user's traceback
for theirs, JSON output, deterministic reports, and the installed console script."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from nn_numpy.cli import check as cli
from tests.helpers_check import GOOD


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(["--no-torch", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_correct_implementation_exits_0_with_every_row_passing(user_dir, capsys):
    code, out, err = run(capsys, "my_nn.py:gradients")
    assert code == 0 and err == ""
    assert "all 4 quantities agree" in out and "FAIL" not in out


def test_a_wrong_formula_exits_1_and_names_the_quantity_and_the_mistake(user_dir, capsys):
    code, out, _ = run(capsys, "my_nn.py:no_mask")
    assert code == 1
    failing = [line.split()[0] for line in out.splitlines() if " FAIL " in line]
    assert failing == ["dW1", "db1"]
    assert "no ReLU mask" in out


def test_target_as_package_module_function_is_found_from_the_current_directory(user_dir, capsys):
    (user_dir / "pkg").mkdir()
    (user_dir / "pkg" / "__init__.py").write_text("", encoding="utf-8")
    shutil.copy(user_dir / "my_nn.py", user_dir / "pkg" / "impl.py")
    code, out, _ = run(capsys, "pkg.impl:gradients")
    assert code == 0, out


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("my_nn.py", "TARGET must be path/to/file.py:function or package.module:function"),
        ("missing.py:gradients", "no such file: missing.py"),
        ("my_nn.py:nope", "my_nn.py has no function 'nope'"),
        ("my_nn.py:not_a_function", "my_nn.py:not_a_function is an int, not a function"),
        ("no_such_module:gradients", "no module named 'no_such_module'"),
        ("my_nn.py:missing_db2", "returned a dict without db2 (needs dW1, db1, dW2, db2"),
        ("my_nn.py:returns_none", "returned None (a missing return statement?) without dW1"),
        ("my_nn.py:text_value", "dW2 is not an array of real numbers"),
        (
            "my_nn.py:lower_case",
            "without dW1, dW2 (needs dW1, db1, dW2, db2; optional dZ1, dZ2 and J or cost); "
            "keys are case-sensitive, found dw1, dw2",
        ),
    ],
)
def test_each_usage_error_exits_2_with_one_line(user_dir, capsys, target, message):
    code, out, err = run(capsys, target)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("nn-numpy-check: error: ")
    assert message in err, err


def test_when_the_users_function_raises_their_traceback_is_shown_and_exit_is_2(user_dir, capsys):
    code, out, err = run(capsys, "my_nn.py:raises")
    assert code == 2 and out == ""
    assert err.startswith("Traceback (most recent call last):")
    assert 'my_nn.py", line 25, in helper' in err and "return X @ X" in err
    assert "nn_numpy" not in err.split("ValueError")[0]  # only the user's frames
    assert (
        err.rstrip()
        .splitlines()[-1]
        .startswith(
            "nn-numpy-check: error: your function raised on case 'shapes (n_x=3, n_h=5, m=7)'"
        )
    )


def test_a_function_with_the_wrong_arguments_gets_one_error_line_not_our_traceback(
    user_dir, capsys
):
    code, out, err = run(capsys, "my_nn.py:three_arguments")
    assert code == 2 and out == "" and "Traceback" not in err
    assert err.splitlines()[0].startswith("TypeError: three_arguments() takes 3 positional")
    assert len(err.splitlines()) == 2


def test_when_the_users_module_raises_on_import_its_traceback_is_shown(user_dir, capsys):
    (user_dir / "broken.py").write_text("import numpy\n\n1 / 0\n", encoding="utf-8")
    code, _, err = run(capsys, "broken.py:gradients")
    assert code == 2
    assert 'broken.py", line 3, in <module>' in err and "ZeroDivisionError" in err
    assert err.rstrip().splitlines()[-1] == (
        "nn-numpy-check: error: importing broken.py raised (its traceback is above)"
    )


def test_a_wrong_shape_is_a_failing_formula_not_a_usage_error(user_dir, capsys):
    code, out, _ = run(capsys, "my_nn.py:bad_shape")
    assert code == 1
    assert "wrong shape (3, 3), expected (1, 5)" in out


def test_json_holds_ok_error_and_diagnosis_per_quantity(user_dir, capsys):
    code, out, _ = run(capsys, "my_nn.py:no_mask", "--json", "result.json")
    data = json.loads((user_dir / "result.json").read_text(encoding="utf-8"))
    assert code == 1 and data["ok"] is False
    assert set(data["quantities"]) == {"dW1", "db1", "dW2", "db2"}
    for q, row in data["quantities"].items():
        assert {"ok", "error", "diagnosis"} <= set(row)
        assert row["ok"] is (q in ("dW2", "db2"))
    assert "no ReLU mask" in data["quantities"]["dW1"]["diagnosis"]
    assert data["quantities"]["dW2"]["diagnosis"] is None
    assert f"{data['quantities']['dW1']['error']:.2g}" in out


def test_json_to_a_missing_directory_exits_2_with_one_line(user_dir, capsys):
    code, _, err = run(capsys, "my_nn.py:gradients", "--json", "no/such/dir/r.json")
    assert code == 2 and err.count("\n") == 1
    assert "--json: directory no/such/dir does not exist" in err


def test_the_same_target_gives_the_same_report_twice(user_dir, capsys):
    first = run(capsys, "my_nn.py:no_mask")
    assert run(capsys, "my_nn.py:no_mask") == first


def _script(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    assert found, f"{name} is not installed beside {sys.executable}: run `pip install -e .`"
    return found


def test_installed_console_script_and_python_m_work_from_another_directory(tmp_path):
    (tmp_path / "my_nn.py").write_text(textwrap.dedent(GOOD), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    for command in ([_script("nn-numpy-check")], [sys.executable, "-m", "nn_numpy.check"]):
        result = subprocess.run(
            [*command, "my_nn.py:no_mask", "--no-torch"],
            cwd=tmp_path, env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert result.returncode == 1, result.stderr
        assert "no ReLU mask" in result.stdout


def test_oracles_disagreeing_is_reported_as_our_internal_error_with_exit_1(
    user_dir, capsys, monkeypatch
):
    import nn_numpy.check.api as api
    from nn_numpy.check.oracles import OracleDisagreement

    def disagree(name, *args, **kwargs):
        raise OracleDisagreement(f"{name}: dW1 finite differences disagree (1.0e-03)")

    monkeypatch.setattr(api, "confirm", disagree)
    code, out, err = run(capsys, "my_nn.py:gradients")
    assert code == 1 and out == "" and err.count("\n") == 1
    assert err.startswith("nn-numpy-check: internal error, please report it: shapes")


def test_python_api_report_prints_the_same_table_as_the_command(user_dir, capsys):
    from nn_numpy.check import check_gradients
    from nn_numpy.check.target import load_target

    _, out, _ = run(capsys, "my_nn.py:no_mask")
    report = check_gradients(load_target("my_nn.py:no_mask"), use_torch=False)
    assert not report.ok and not bool(report)
    assert str(report).replace("no_mask:", "my_nn.py:no_mask:", 1) + "\n" == out


BASE_EXCEPTIONS = {
    "a BaseException subclass": "class Stop(BaseException):\n    pass\n\nraise Stop('stop')",
    "GeneratorExit": "raise GeneratorExit('stop')",
}


@pytest.mark.parametrize("where", ["function", "import"])
@pytest.mark.parametrize("raise_it", list(BASE_EXCEPTIONS.values()), ids=list(BASE_EXCEPTIONS))
def test_a_base_exception_from_the_users_code_is_theirs_exit_2_with_their_traceback(
    tmp_path, monkeypatch, capsys, where, raise_it
):
    body = textwrap.indent(raise_it, "    ")
    source = f"def gradients(*a):\n{body}\n" if where == "function" else f"if True:\n{body}\n"
    (tmp_path / "stops.py").write_text(source, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    code, out, err = run(capsys, "stops.py:gradients")
    assert code == 2 and out == ""
    assert err.startswith("Traceback (most recent call last):\n") and 'stops.py", line' in err
    assert f"nn_numpy{os.sep}" not in err and "internal error" not in err  # no frame of ours
    assert err.splitlines()[-1].endswith("(its traceback is above)")


def test_sigterm_while_the_users_function_runs_ends_the_check_with_143_not_as_their_error(
    tmp_path, monkeypatch, capsys
):
    source = "import os, signal\n\ndef gradients(*a):\n    os.kill(os.getpid(), signal.SIGTERM)\n"
    (tmp_path / "term.py").write_text(source, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    code, out, err = run(capsys, "term.py:gradients")
    assert (code, out, err) == (143, "", "nn-numpy-check: error: terminated\n")
