"""The checker's contract with the user's function and how TARGET is named: what is read from the
result, what stops the check (exit 2, one line), and what ``nn-numpy-check`` exits with."""

from __future__ import annotations

import json
import os
import re
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from nn_numpy.check import UsageError, UserCodeError
from nn_numpy.check.cases import checker_cases
from nn_numpy.check.contract import CONTRACT, call_user, read_result
from nn_numpy.check.target import UserImportError, load_target
from nn_numpy.cli import check as cli
from tests.helpers_check import GOOD  # a correct implementation (and broken ones beside it)

GRADS = {"dW1": np.ones((2, 3)), "db1": np.ones((2, 1)), "dW2": np.ones((1, 2)),
         "db2": np.ones((1, 1))}  # fmt: skip


def test_every_required_key_missing_is_named():
    with pytest.raises(UsageError, match=r"without db1, db2 \(needs dW1"):
        read_result({"dW1": 1.0, "dW2": 1.0}, "f")


def test_a_tuple_result_is_refused_with_the_dict_to_return_instead():
    with pytest.raises(UsageError, match="returned a tuple of 4 values; return a dict"):
        read_result((1, 2, 3, 4), "f")


def test_none_is_refused_as_a_missing_return_statement():
    with pytest.raises(UsageError, match=r"returned None \(a missing return statement"):
        read_result(None, "f")


def test_keys_differing_only_in_case_are_pointed_out():
    with pytest.raises(UsageError, match="keys are case-sensitive, found dw1"):
        read_result({"dw1": 1, "db1": 1, "dW2": 1, "db2": 1}, "f")


def test_at_most_eight_keys_are_listed():
    keys = {f"k{i}": 1 for i in range(9)}
    with pytest.raises(UsageError, match=r"its keys are k0, k1, k2, k3, k4, k5, k6, k7, \.\.\.$"):
        read_result(keys, "f")
    with pytest.raises(UsageError, match=r"its keys are k0, k1, k2, k3, k4, k5, k6, k7$"):
        read_result(dict(list(keys.items())[:8]), "f")


def test_an_object_with_attributes_is_read_like_a_dict_and_extra_keys_are_ignored():
    values = read_result(SimpleNamespace(**GRADS, extra="text"), "f")
    assert set(values) == set(GRADS)


def test_the_cost_is_read_as_J_and_J_wins_over_cost():
    assert read_result({**GRADS, "cost": 0.5}, "f")["J"] == 0.5
    assert read_result({**GRADS, "cost": 0.5, "J": 0.25}, "f")["J"] == 0.25
    assert "J" not in read_result(GRADS, "f")


def test_optional_dZ_values_are_read():
    values = read_result({**GRADS, "dZ1": np.zeros((2, 4)), "dZ2": np.zeros((1, 4))}, "f")
    assert values["dZ1"].shape == (2, 4) and values["dZ2"].shape == (1, 4)


@pytest.mark.parametrize("value", [np.ones(2, dtype=complex), np.ones(2, dtype=bool), "zero",
                                   np.array([object()])])  # fmt: skip
def test_a_value_that_is_not_real_numbers_stops_the_check(value):
    with pytest.raises(UsageError, match="dW2 is not an array of real numbers"):
        read_result({**GRADS, "dW2": value}, "f")


def test_integer_values_are_real_numbers():
    assert read_result({**GRADS, "db2": np.array([[0]])}, "f")["db2"].dtype.kind == "i"


def test_an_object_whose_array_conversion_raises_is_their_exception_not_a_contract_error():
    class Bad:
        def __array__(self, *args, **kwargs):
            raise RuntimeError("no")

    with pytest.raises(RuntimeError, match=r"^no$"):
        read_result({**GRADS, "db1": Bad()}, "f")


def test_a_ragged_value_numpy_cannot_convert_stops_the_check_in_one_line():
    # NumPy >= 1.24 refuses a ragged list; older NumPy makes an object array of it
    ragged = r"^db1 (cannot be read as an array \(ValueError: |is not an array of real numbers)"
    with pytest.raises(UsageError, match=ragged):
        read_result({**GRADS, "db1": [[1.0, 2.0], [3.0]]}, "f")


def test_a_torch_tensor_with_grad_is_read():
    torch = pytest.importorskip("torch")
    t = torch.ones((2, 3), requires_grad=True) * 2
    assert np.array_equal(read_result({**GRADS, "dW1": t}, "f")["dW1"], np.full((2, 3), 2.0))


def test_the_user_gets_float64_copies_and_changing_them_does_not_change_the_case():
    case = checker_cases()[0]
    before = case.X.copy()
    seen = []

    def fn(W1, b1, W2, b2, X, Y):
        seen.append([a.dtype for a in (W1, b1, W2, b2, X, Y)])
        X[...] = 0
        return GRADS

    call_user(fn, case, "f")
    assert np.array_equal(case.X, before)
    assert seen == [[np.dtype(np.float64)] * 6]


@pytest.mark.parametrize("exc", [ValueError("theirs"), SystemExit(3)])
def test_an_exception_in_the_user_function_is_theirs(exc):
    def fn(*args):
        raise exc

    case = checker_cases()[0]
    with pytest.raises(UserCodeError, match=re.escape(f"raised on case '{case.name}'")) as info:
        call_user(fn, case, "f")
    assert info.value.__cause__ is exc


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


def test_a_broadcast_view_too_large_to_compare_stops_the_check_in_one_line_not_out_of_memory():
    view = np.broadcast_to(np.float64(0), (10**6, 10**6))  # 8 TB if it were held
    with pytest.raises(UsageError, match=r"^dW1 has shape \(1000000, 1000000\), 10{12} entries"):
        read_result({**GRADS, "dW1": view}, "f")


def test_a_wrong_shape_that_fits_in_memory_is_read_for_the_diagnosis():
    outer = np.broadcast_to(np.float64(1), (1000, 1000))  # an (m, m) broadcasting mistake
    assert read_result({**GRADS, "db2": outer}, "f")["db2"].shape == (1000, 1000)
