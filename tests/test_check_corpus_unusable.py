"""User code nn-numpy-check cannot judge exits 2: an unusable result (a tuple, other names, no
return, random numbers) with one line saying what to change; a file that raises, exits or names
a class with the user's traceback and advice.

The mistakes are in test_check_corpus_mistakes.py; the runner is in tests/helpers_check.py.
"""

from __future__ import annotations

import pytest

from tests.helpers_check import BASE, run_user_code

USAGE = {
    "a tuple": (
        'return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2, "dZ1": dZ1, "dZ2": dZ2, "J": J}',
        "return dW1, db1, dW2, db2",
        "returned a tuple of 4 values; return a dict instead, e.g. {'dW1': dW1, 'db1': db1, ",
    ),
    "other names": (
        'return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2,',
        'return {"W1_grad": dW1, "b1_grad": db1, "W2_grad": dW2, "b2_grad": db2,',
        "without dW1, db1, dW2, db2 (needs dW1, db1, dW2, db2; optional dZ1, dZ2 and J or cost); "
        "its keys are W1_grad, b1_grad, W2_grad, b2_grad, dZ1, dZ2, J",
    ),
    "no return": ("    return {", "    _ = {", "returned None (a missing return statement?)"),
    "dropout": (
        "    A1 = np.maximum(0, Z1)",
        "    A1 = np.maximum(0, Z1) * (np.random.rand(*Z1.shape) < 0.8) / 0.8",
        "returned a different dZ2 when called twice with the same input (random numbers inside? "
        "dropout?)",
    ),
}


@pytest.mark.parametrize("case", list(USAGE))
def test_each_unusable_result_exits_2_with_one_line_saying_what_to_change(
    tmp_path, monkeypatch, capsys, case
):
    old, new, message = USAGE[case]
    code, out, err, result = run_user_code(tmp_path, monkeypatch, capsys, BASE.replace(old, new))
    assert (code, out, result) == (2, "", None)
    assert err.count("\n") == 1 and err.startswith("nn-numpy-check: error: "), err
    assert message in err, err


@pytest.mark.parametrize(
    ("source", "their_line"),
    [
        ("import numpy as np\nimport my_helpers_that_are_missing\n", "import my_helpers_that_"),
        ("def gradients(W1, b1, W2, b2, X, Y):\n    return {'dW1': 1\n", "SyntaxError"),
        (BASE.replace("(W2.T @ dZ2)", "(W1.T @ dZ2)"), "dZ1 = (W1.T @ dZ2) * (Z1 > 0)"),
    ],
    ids=["import error", "syntax error", "W1 where W2 belongs"],
)
def test_a_user_file_that_raises_shows_their_traceback_and_exits_2(
    tmp_path, monkeypatch, capsys, source, their_line
):
    code, out, err, _ = run_user_code(tmp_path, monkeypatch, capsys, source)
    assert (code, out) == (2, "")
    assert their_line in err and "my nn.py" in err, err
    assert "nn_numpy/check" not in err  # our frames are left out


def test_a_script_that_parses_its_arguments_at_import_sees_none_of_ours(
    tmp_path, monkeypatch, capsys
):
    """argparse at the top of a training script parsed 'my nn.py:gradients --no-torch' and
    printed its own usage under our name."""
    script = BASE.replace(
        "import numpy as np",
        "import argparse\nimport numpy as np\n\nparser = argparse.ArgumentParser()\n"
        "parser.add_argument('--epochs', type=int, default=5)\nargs = parser.parse_args()",
    )
    code, out, err, _ = run_user_code(tmp_path, monkeypatch, capsys, script)
    assert code == 0, out + err


def test_sys_exit_at_import_exits_2_with_their_traceback_and_the_main_guard_advice(
    tmp_path, monkeypatch, capsys
):
    source = BASE + "\nimport sys\nsys.exit('data/basic_dataset.csv not found')\n"
    code, out, err, _ = run_user_code(tmp_path, monkeypatch, capsys, source)
    assert (code, out) == (2, "")
    assert "SystemExit: data/basic_dataset.csv not found" in err
    assert err.splitlines()[-1].endswith(
        "called sys.exit('data/basic_dataset.csv not found'): put the script part of the file "
        "under if __name__ == '__main__': (its traceback is above)"
    )


def test_a_class_as_target_exits_2_asking_for_the_adapter_function(tmp_path, monkeypatch, capsys):
    source = BASE + "\nclass NeuralNetwork:\n    def __init__(self, *args):\n        pass\n"
    code, out, err, _ = run_user_code(tmp_path, monkeypatch, capsys, source, "NeuralNetwork")
    assert (code, out) == (2, "")
    assert err.endswith("NeuralNetwork is a class; TARGET names a function (the adapter)\n"), err
