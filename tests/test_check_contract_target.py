"""How TARGET names the user's function (a file and a function, a module, a dotted name) and what
stops loading it, and what ``nn-numpy-check`` exits with on each outcome."""

from __future__ import annotations

import json
import os
import sys
import textwrap
from pathlib import Path

import pytest

from nn_numpy.check import UsageError
from nn_numpy.check.contract import CONTRACT
from nn_numpy.check.target import UserImportError, load_target
from nn_numpy.cli import check as cli
from tests.helpers_check import GOOD  # a correct implementation (and broken ones beside it)


def _module(tmp_path: Path, text: str, name: str = "user_grads.py") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.mark.parametrize("target", ["nocolon", ":f", "file.py:"])
def test_a_target_without_source_and_function_is_a_usage_error(target):
    with pytest.raises(UsageError, match=r"TARGET must be path/to/file\.py:function"):
        load_target(target)


def test_a_target_names_a_function_in_a_file_even_a_dotted_one(tmp_path):
    path = _module(
        tmp_path, "class K:\n    @staticmethod\n    def g(): return 7\ndef f(): return 6\n"
    )
    assert load_target(f"{path}:f")() == 6
    assert load_target(f"{path}:K.g")() == 7


def test_a_file_in_a_directory_whose_name_has_a_colon_is_found(tmp_path):
    folder = tmp_path / "a:b"
    folder.mkdir()
    path = _module(folder, "def f(): return 4\n")
    assert load_target(f"{path}:f")() == 4


def test_a_file_can_import_its_neighbours(tmp_path):
    _module(tmp_path, "VALUE = 5\n", "neighbour_of_user.py")
    path = _module(tmp_path, "from neighbour_of_user import VALUE\ndef f(): return VALUE\n")
    assert load_target(f"{path}:f")() == 5


@pytest.mark.parametrize(
    "body, attr, message",
    [("x = 1\n", "f", "has no function 'f'"), ("class C: pass\n", "C", "is a class"),
     ("x = 1\n", "x", "is an int, not a function"),
     ("x = [1]\n", "x", "is a list, not a function")],
)  # fmt: skip
def test_a_target_that_is_not_a_function_is_a_usage_error(tmp_path, body, attr, message):
    path = _module(tmp_path, body)
    with pytest.raises(UsageError, match=message):
        load_target(f"{path}:{attr}")


def test_a_path_with_a_backslash_is_a_file_not_a_module():
    with pytest.raises(UsageError, match=r"no such file: sub\\user_grads$"):
        load_target("sub\\user_grads:f")


def test_a_missing_file_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="no such file"):
        load_target(f"{tmp_path / 'absent.py'}:f")


@pytest.mark.parametrize("kind", ["FIFO", "directory"])
def test_a_target_that_exists_but_is_no_regular_file_is_named_so_and_never_opened(tmp_path, kind):
    path = tmp_path / "grads.py"
    os.mkfifo(path) if kind == "FIFO" else path.mkdir()  # opening the FIFO would wait for ever
    with pytest.raises(UsageError, match=r"grads.py is not a regular file \(a directory, FIFO"):
        load_target(f"{path}:f")


def test_an_error_at_import_is_the_users_and_sys_exit_gets_advice(tmp_path):
    path = _module(tmp_path, "raise KeyError('theirs')\n")
    with pytest.raises(UserImportError, match=r"raised$") as info:
        load_target(f"{path}:f")
    assert isinstance(info.value.__cause__, KeyError)
    path = _module(tmp_path, "import sys\nsys.exit(2)\n", "script_user.py")
    with pytest.raises(UserImportError, match=r"called sys.exit\(2\).*if __name__"):
        load_target(f"{path}:f")


def test_a_missing_module_is_ours_and_a_missing_dependency_is_theirs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    with pytest.raises(UsageError, match="no module named 'no_such_module_xyz'"):
        load_target("no_such_module_xyz:f")
    _module(tmp_path, "import no_such_dependency_xyz\n", "needs_dep_xyz.py")
    with pytest.raises(UserImportError, match="importing needs_dep_xyz raised"):
        load_target("needs_dep_xyz:f")


def run_check(capsys, *argv: str) -> tuple[int, str, str]:
    status = cli.main([*argv, "--no-torch"])
    out, err = capsys.readouterr()
    return status, out, err


def test_a_correct_function_exits_0_and_writes_the_json_report(tmp_path, capsys):
    path = _module(tmp_path, GOOD)
    status, _, err = run_check(capsys, f"{path}:gradients", "--json", str(tmp_path / "r.json"))
    assert status == 0, err
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["ok"] is True
    assert "torch" not in " ".join(report["oracles"])


def test_a_wrong_formula_exits_1(tmp_path, capsys):
    path = _module(tmp_path, GOOD + "\ndef wrong(*a):\n    g = gradients(*a)\n"
                   "    return {**g, 'db1': 2 * g['db1']}\n")  # fmt: skip
    status, out, _ = run_check(capsys, f"{path}:wrong")
    assert status == 1 and "db1" in out


def test_json_naming_the_targets_own_file_is_refused_and_the_file_kept(tmp_path, capsys):
    path = _module(tmp_path, GOOD)
    status, _, err = run_check(capsys, f"{path}:gradients", "--json", str(path))
    assert status == 2 and err.count("\n") == 1
    assert path.read_text(encoding="utf-8") == textwrap.dedent(GOOD)


def test_the_user_code_sees_no_arguments_and_its_prints_go_to_stderr(tmp_path, capsys):
    path = _module(tmp_path, GOOD + "\nimport sys\nprint('ARGV', sys.argv)\n")
    status, out, err = run_check(capsys, f"{path}:gradients")
    assert status == 0
    assert "ARGV" not in out and f"ARGV [{str(path)!r}]" in err
    assert sys.argv[0] != str(path)  # restored


def test_the_users_traceback_shows_their_frames_only(tmp_path, capsys):
    path = _module(tmp_path, "def f(*a):\n    return helper()\ndef helper():\n    1 / 0\n")
    status, out, err = run_check(capsys, f"{path}:f")
    assert status == 2 and out == ""
    assert "ZeroDivisionError" in err and "in helper" in err
    assert "nn_numpy/check" not in err and "its traceback is above" in err


def test_a_result_breaking_the_contract_is_one_line_and_exit_2(tmp_path, capsys):
    path = _module(tmp_path, "def f(*a):\n    return {}\n")
    status, out, err = run_check(capsys, f"{path}:f")
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and CONTRACT in err


def test_a_py_file_in_the_current_directory_is_named_without_a_slash(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _module(tmp_path, "def f(): return 9\n", "here_user.py")
    assert load_target("here_user.py:f")() == 9


def test_a_path_that_is_not_python_is_a_usage_error(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("x", encoding="utf-8")
    with pytest.raises(UsageError, match=r"cannot load .*notes\.txt as Python"):
        load_target(f"{path}:f")


def test_a_target_file_can_define_dataclasses(tmp_path):
    path = _module(tmp_path, "from __future__ import annotations\nimport dataclasses\n"
                   "@dataclasses.dataclass\nclass G:\n    dW1: int\n"
                   "def f(): return G(1)\n", "dc_user.py")  # fmt: skip
    assert load_target(f"{path}:f")().dW1 == 1


def test_the_callers_argv_is_restored(tmp_path, capsys):
    path = _module(tmp_path, GOOD)
    before = list(sys.argv)
    run_check(capsys, f"{path}:gradients")
    assert sys.argv == before


def test_a_builtin_target_called_wrongly_is_the_users_error_in_one_line(capsys):
    status, out, err = run_check(capsys, "math:sqrt")
    assert status == 2 and out == ""
    assert err.startswith("TypeError") and "raised on case" in err


def test_oracles_disagreeing_is_an_internal_error_exit_1(tmp_path, capsys, monkeypatch):
    from nn_numpy.check.oracles import OracleDisagreement

    def disagree(*args, **kwargs):
        raise OracleDisagreement("autograd and finite differences differ")

    monkeypatch.setattr(cli, "check_gradients", disagree)
    status, out, err = run_check(capsys, f"{_module(tmp_path, GOOD)}:gradients")
    assert (status, out) == (1, "")
    assert err == ("nn-numpy-check: internal error, please report it: autograd and finite "
                   "differences differ\n")  # fmt: skip
