"""Autograder output: ``assert_gradients`` raises AssertionError whose message is the report, and
``--gradescope PATH`` writes Gradescope's results.json, one test per quantity and layer."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from nn_numpy.check import assert_gradients, check_network
from nn_numpy.cli import check as cli
from tests import deep_users as users

USERS = Path(users.__file__).resolve()


def test_assert_gradients_returns_the_report_when_every_quantity_agrees():
    report = assert_gradients(users.course(), contract="params")
    assert report.ok and len(report.rows) == 15


def test_assert_gradients_raises_with_the_report_as_its_message():
    with pytest.raises(AssertionError) as error:
        assert_gradients(users.course("missing 1/m in dW3"), depths=(4,))
    expected = str(check_network(users.course("missing 1/m in dW3"), depths=(4,), use_torch=False))
    assert str(error.value) == expected and "missing 1/m: dW3" in expected


def test_assert_gradients_fails_a_pytest_test_with_the_report(tmp_path):
    (tmp_path / "test_student.py").write_text(textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(USERS.parents[1])!r})
        from nn_numpy.check import assert_gradients
        from tests.deep_users import course

        def test_backprop():
            assert_gradients(course("dAL sign"), contract="params", depths=[2])
        """), encoding="utf-8")  # fmt: skip
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          str(tmp_path / "test_student.py")], capture_output=True, text=True,
                         cwd=tmp_path)  # fmt: skip
    assert run.returncode == 1
    assert "AssertionError: nn-numpy-check gradients: 9 of 9 quantities disagree" in run.stdout
    assert "dAL with the sign flipped" in run.stdout


def test_assert_gradients_refuses_an_unknown_contract():
    with pytest.raises(ValueError, match="contract"):
        assert_gradients(users.course(), contract="deep")


def test_gradescope_results_have_one_test_per_quantity_and_layer(tmp_path, capsys):
    path = tmp_path / "results.json"
    code = cli.main(["--no-torch", "--depth", "4", f"{USERS}:missing_one_m", "--gradescope",
                     str(path)])  # fmt: skip
    out = capsys.readouterr().out
    results = json.loads(path.read_text(encoding="utf-8"))
    assert code == 1
    names = [t["name"] for t in results["tests"]]
    assert names == ["dW5", "db5", "dA4", "dW4", "db4", "dA3", "dW3", "db3", "dA2", "dW2", "db2",
                     "dA1", "dW1", "db1", "dA0"]  # fmt: skip
    assert all(t["max_score"] == 1 for t in results["tests"])
    assert results["score"] == 14 == sum(t["score"] for t in results["tests"])
    (wrong,) = [t for t in results["tests"] if t["score"] == 0]
    assert wrong["name"] == "dW3" and "missing 1/m: dW3 is m times too large" in wrong["output"]
    assert results["output"] + "\n" == out


def test_gradescope_path_that_is_the_target_is_refused(capsys):
    code = cli.main(["--no-torch", f"{USERS}:loop", "--contract", "params", "--gradescope",
                     str(USERS)])  # fmt: skip
    assert code == 2 and "--gradescope" in capsys.readouterr().err


def test_gradescope_gets_score_0_and_their_traceback_when_their_code_raises(tmp_path, capsys):
    (tmp_path / "broken.py").write_text(
        "def gradients(params, X, Y):\n    raise RuntimeError('not written yet')\n"
    )
    path = tmp_path / "results.json"
    code = cli.main(["--no-torch", f"{tmp_path / 'broken.py'}:gradients", "--contract", "params",
                     "--gradescope", str(path)])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2 and "RuntimeError: not written yet" in err
    results = json.loads(path.read_text(encoding="utf-8"))
    assert results["score"] == 0 and results["tests"] == []
    assert "RuntimeError: not written yet" in results["output"]
    assert results["output"].startswith("your function raised")


def test_gradescope_writes_nothing_when_the_check_is_refused_before_their_code_runs(
    tmp_path, capsys
):
    path = tmp_path / "results.json"
    code = cli.main(["--no-torch", f"{tmp_path / 'missing.py'}:gradients", "--gradescope",
                     str(path)])  # fmt: skip
    assert code == 2 and not path.exists()
