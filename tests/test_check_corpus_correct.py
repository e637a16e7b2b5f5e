"""Correct implementations written as new users write them pass nn-numpy-check (exit 0), and
what users' results look like (lists, floats, tensors, tuples, random numbers) gets a clear
verdict. The runner and the mistakes are in test_check_corpus_mistakes.py.
"""

from __future__ import annotations

import importlib.util

import pytest

from tests.helpers_check import BASE, edited, run_user_code

# style: source of a correct implementation, each written from scratch (not by calling nn_numpy)
STYLES = {
    # course assignment: parameters and cache dicts, np.dot, cost
    "course_dict": """\
import numpy as np

def sigmoid(z):
    return 1 / (1 + np.exp(-z))

def relu(z):
    return np.maximum(0, z)

def forward_propagation(X, parameters):
    W1 = parameters["W1"]; b1 = parameters["b1"]; W2 = parameters["W2"]; b2 = parameters["b2"]
    Z1 = np.dot(W1, X) + b1
    A1 = relu(Z1)
    Z2 = np.dot(W2, A1) + b2
    A2 = sigmoid(Z2)
    cache = {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}
    return A2, cache

def compute_cost(A2, Y):
    m = Y.shape[1]
    logprobs = np.multiply(np.log(A2), Y) + np.multiply(np.log(1 - A2), 1 - Y)
    cost = -np.sum(logprobs) / m
    return float(np.squeeze(cost))

def backward_propagation(parameters, cache, X, Y):
    m = X.shape[1]
    W2 = parameters["W2"]
    A1 = cache["A1"]; A2 = cache["A2"]
    dZ2 = A2 - Y
    dW2 = (1 / m) * np.dot(dZ2, A1.T)
    db2 = (1 / m) * np.sum(dZ2, axis=1, keepdims=True)
    dZ1 = np.multiply(np.dot(W2.T, dZ2), np.int64(A1 > 0))
    dW1 = (1 / m) * np.dot(dZ1, X.T)
    db1 = (1 / m) * np.sum(dZ1, axis=1, keepdims=True)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}

def gradients(W1, b1, W2, b2, X, Y):
    parameters = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    A2, cache = forward_propagation(X, parameters)
    grads = backward_propagation(parameters, cache, X, Y)
    grads["cost"] = compute_cost(A2, Y)
    return grads
""",
    # (m, n_x) rows, weights (n_x, n_h): transposed at the adapter
    "rowmajor": """\
import numpy as np
# a person whose data is (m, n_x) and whose weights are (n_x, n_h): transposes at the adapter
def _grads(X, y, W1, b1, W2, b2):
    m = X.shape[0]
    h = X @ W1 + b1
    a = np.maximum(h, 0)
    out = 1 / (1 + np.exp(-(a @ W2 + b2)))
    d_out = (out - y) / m
    dW2 = a.T @ d_out
    db2 = d_out.sum(axis=0)
    d_h = d_out @ W2.T * (h > 0)
    dW1 = X.T @ d_h
    db1 = d_h.sum(axis=0)
    loss = -np.mean(y * np.log(out) + (1 - y) * np.log(1 - out))
    return dW1, db1, dW2, db2, loss

def gradients(W1, b1, W2, b2, X, Y):
    dW1, db1, dW2, db2, loss = _grads(X.T, Y.T, W1.T, b1.ravel(), W2.T, b2.ravel())
    return {"dW1": dW1.T, "db1": db1.reshape(-1, 1), "dW2": dW2.T, "db2": db2.reshape(1, 1),
            "J": loss}
""",
    # float32 throughout
    "f32": """\
import numpy as np
def gradients(W1, b1, W2, b2, X, Y):
    W1, b1, W2, b2, X, Y = (a.astype(np.float32) for a in (W1, b1, W2, b2, X, Y))
    m = X.shape[1]
    Z1 = W1 @ X + b1
    A1 = np.maximum(Z1, 0)
    Z2 = W2 @ A1 + b2
    A2 = 1 / (1 + np.exp(-Z2))
    J = -np.mean(Y * np.log(A2) + (1 - Y) * np.log(1 - A2))
    dZ2 = A2 - Y
    dZ1 = (W2.T @ dZ2) * (Z1 > 0)
    return dict(dW1=dZ1 @ X.T / m, db1=dZ1.mean(axis=1, keepdims=True), dW2=dZ2 @ A1.T / m,
                db2=dZ2.mean(axis=1, keepdims=True), dZ1=dZ1, dZ2=dZ2, J=J)
""",
    # einsum, sigmoid through tanh
    "einsum": """\
import numpy as np
def gradients(W1, b1, W2, b2, X, Y):
    m = X.shape[1]
    Z1 = np.einsum("hx,xm->hm", W1, X) + b1
    A1 = np.where(Z1 > 0, Z1, 0.0)
    Z2 = np.einsum("oh,hm->om", W2, A1) + b2
    A2 = 0.5 * (1 + np.tanh(Z2 / 2))
    dZ2 = A2 - Y
    dZ1 = np.einsum("oh,om->hm", W2, dZ2) * (Z1 > 0)
    return {"dW1": np.einsum("hm,xm->hx", dZ1, X) / m, "db1": np.einsum("hm->h", dZ1)[:, None] / m,
            "dW2": np.einsum("om,hm->oh", dZ2, A1) / m, "db2": np.einsum("om->o", dZ2)[:, None] / m}
""",
    # a loop over the examples, one column at a time
    "loops": """\
import numpy as np
import math
def gradients(W1, b1, W2, b2, X, Y):
    n_h, n_x = W1.shape
    m = X.shape[1]
    dW1, db1 = np.zeros_like(W1), np.zeros_like(b1)
    dW2, db2 = np.zeros_like(W2), np.zeros_like(b2)
    J = 0.0
    for i in range(m):
        x = X[:, i:i+1]; y = Y[0, i]
        z1 = W1 @ x + b1
        a1 = np.maximum(z1, 0)
        z2 = (W2 @ a1 + b2)[0, 0]
        a2 = 1 / (1 + math.exp(-z2))
        J += -(y * math.log(a2) + (1 - y) * math.log(1 - a2))
        dz2 = a2 - y
        dW2 += dz2 * a1.T
        db2 += dz2
        dz1 = W2.T * dz2 * (z1 > 0)
        dW1 += dz1 @ x.T
        db1 += dz1
    return {"dW1": dW1 / m, "db1": db1 / m, "dW2": dW2 / m, "db2": db2 / m, "J": J / m}
""",
    # pure Python loops over 2000 examples, lists returned
    "scalar_loops": """\
# pure-python triple loops, the slow-ish kind
import math
def gradients(W1, b1, W2, b2, X, Y):
    n_h, n_x = W1.shape; m = X.shape[1]
    dW1 = [[0.0] * n_x for _ in range(n_h)]; db1 = [[0.0] for _ in range(n_h)]
    dW2 = [[0.0] * n_h]; db2 = 0.0
    for i in range(m):
        z1 = [sum(W1[j, k] * X[k, i] for k in range(n_x)) + b1[j, 0] for j in range(n_h)]
        a1 = [max(0.0, z) for z in z1]
        z2 = sum(W2[0, j] * a1[j] for j in range(n_h)) + b2[0, 0]
        a2 = 1 / (1 + math.exp(-z2))
        d2 = a2 - Y[0, i]
        db2 += d2 / m
        for j in range(n_h):
            dW2[0][j] += d2 * a1[j] / m
            d1 = W2[0, j] * d2 * (1.0 if z1[j] > 0 else 0.0)
            db1[j][0] += d1 / m
            for k in range(n_x):
                dW1[j][k] += d1 * X[k, i] / m
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
""",
    # chain rule dL/da * sigma' with A2 clipped to [1e-8, 1 - 1e-8]
    "eps_clip": """\
import numpy as np
EPS = 1e-8
def gradients(W1, b1, W2, b2, X, Y):
    m = X.shape[1]
    Z1 = W1 @ X + b1; A1 = np.maximum(0, Z1)
    A2 = 1 / (1 + np.exp(-(W2 @ A1 + b2)))
    A2c = np.clip(A2, EPS, 1 - EPS)
    J = -np.sum(Y * np.log(A2c) + (1 - Y) * np.log(1 - A2c)) / m
    dA2 = -(Y / A2c) + (1 - Y) / (1 - A2c)
    dZ2 = dA2 * A2 * (1 - A2)
    dZ1 = W2.T @ dZ2 * (Z1 > 0)
    return {"dW1": dZ1 @ X.T / m, "db1": dZ1.sum(1, keepdims=True) / m, "dW2": dZ2 @ A1.T / m,
            "db2": dZ2.sum(1, keepdims=True) / m, "dZ1": dZ1, "dZ2": dZ2, "J": J}
""",
    # log(A2 + 1e-8) in the cost
    "eps_add": """\
import numpy as np
def gradients(W1, b1, W2, b2, X, Y):
    m = X.shape[1]
    Z1 = W1 @ X + b1; A1 = np.maximum(0, Z1)
    A2 = 1 / (1 + np.exp(-(W2 @ A1 + b2)))
    J = -np.mean(Y * np.log(A2 + 1e-8) + (1 - Y) * np.log(1 - A2 + 1e-8))
    dZ2 = A2 - Y
    dZ1 = W2.T @ dZ2 * (Z1 > 0)
    return {"dW1": dZ1 @ X.T / m, "db1": dZ1.sum(1, keepdims=True) / m, "dW2": dZ2 @ A1.T / m,
            "db2": dZ2.sum(1, keepdims=True) / m, "J": J}
""",
    # cs231n style: dZ2 = (A2 - Y) / m, no 1/m in dW
    "conv_dJdZ": """\
import numpy as np
# cs231n style: the 1/m goes into dZ2 (dJ/dZ2), not into dW
def gradients(W1, b1, W2, b2, X, Y):
    m = X.shape[1]
    Z1 = W1 @ X + b1; A1 = np.maximum(0, Z1)
    A2 = 1 / (1 + np.exp(-(W2 @ A1 + b2)))
    dZ2 = (A2 - Y) / m
    dW2 = dZ2 @ A1.T; db2 = dZ2.sum(axis=1, keepdims=True)
    dZ1 = W2.T @ dZ2 * (Z1 > 0)
    dW1 = dZ1 @ X.T; db1 = dZ1.sum(axis=1, keepdims=True)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2, "dZ1": dZ1, "dZ2": dZ2}
""",
}

RETURN = 'return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2, "dZ1": dZ1, "dZ2": dZ2, "J": J}'
# variant: edits to the corpus's BASE that keep it correct
VARIANTS = {
    "mask from A1 > 0": [("(Z1 > 0)", "(A1 > 0)")],
    "mask 1{Z1 >= 0}": [("(Z1 > 0)", "(Z1 >= 0)")],
    "np.heaviside": [("(Z1 > 0)", "np.heaviside(Z1, 0)")],
    "np.matmul and np.dot": [("W1 @ X", "np.matmul(W1, X)"), ("dZ1 @ X.T", "np.dot(dZ1, X.T)")],
    "db as a mean": [("np.sum(dZ2, axis=1, keepdims=True) / m", "dZ2.mean(axis=1, keepdims=True)")],
    "db2 a Python float, J a 1x1 array": [
        ("db2 = np.sum(dZ2, axis=1, keepdims=True) / m", "db2 = float(np.sum(dZ2) / m)"),
        ("J = -np.mean(", "J = -np.ones((1, 1)) * np.mean("),
    ],
    "db2 a float32 scalar, J a list": [
        ("db2 = np.sum(dZ2, axis=1, keepdims=True) / m", "db2 = np.float32(np.sum(dZ2) / m)"),
        ('"J": J', '"J": [J]'),
    ],
    "nested lists": [("return {", "return {k: np.asarray(v).tolist() for k, v in {"),
                     ('"J": J}', '"J": J}.items()}')],
    "a namedtuple": [
        ("import numpy as np", "import collections\nimport numpy as np\n"
         "G = collections.namedtuple('G', 'dW1 db1 dW2 db2 dZ1 dZ2 J')"),
        (RETURN, "return G(dW1, db1, dW2, db2, dZ1, dZ2, J)"),
    ],
    "it updates W1, X, Y and b2 in place": [
        ("    return", "    W1 -= dW1\n    X *= 2.0\n    Y[:] = 1 - Y\n    b2 += 3\n    return"),
    ],
    "rounding that differs between calls (threads)": [
        ("dW1 = dZ1 @ X.T / m", "dW1 = dZ1 @ X.T / m * (1 + 1e-15 * np.random.rand())"),
    ],
    "it prints": [("    J = -np", "    print('cost', np.mean(A2))\n    J = -np")],
    "W1_grad names, renamed at the adapter": [
        (RETURN, 'g = {"W1_grad": dW1, "b1_grad": db1, "W2_grad": dW2, "b2_grad": db2}\n'
         '    return {"d" + k[:2]: v for k, v in g.items()}'),
    ],
}  # fmt: skip


@pytest.mark.parametrize("style", list(STYLES))
def test_a_correct_implementation_in_each_users_style_exits_0(tmp_path, monkeypatch, capsys, style):
    code, out, err, result = run_user_code(tmp_path, monkeypatch, capsys, STYLES[style])
    assert code == 0, out + err
    assert result is not None and result["ok"]
    assert "agree" in out.splitlines()[0] and "FAIL" not in out


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_a_correct_implementation_in_each_variant_exits_0(tmp_path, monkeypatch, capsys, variant):
    source = edited(VARIANTS[variant], only_gradients=False)
    code, out, err, _ = run_user_code(tmp_path, monkeypatch, capsys, source)
    assert code == 0, out + err
    assert "quantities agree" in out.splitlines()[0], out


def test_the_users_prints_go_to_stderr_so_stdout_is_the_report(tmp_path, monkeypatch, capsys):
    source = edited(VARIANTS["it prints"], only_gradients=False)
    code, out, err, _ = run_user_code(tmp_path, monkeypatch, capsys, source)
    assert code == 0 and out.startswith("nn-numpy-check ") and "cost 0." in err


@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="torch not installed")
def test_torch_tensors_that_require_grad_are_read_as_their_values(tmp_path, monkeypatch, capsys):
    source = """\
import torch

def gradients(W1, b1, W2, b2, X, Y):
    p = [torch.tensor(a, requires_grad=True) for a in (W1, b1, W2, b2)]
    Z2 = p[2] @ torch.relu(p[0] @ torch.tensor(X) + p[1]) + p[3]
    J = torch.nn.functional.binary_cross_entropy_with_logits(Z2, torch.tensor(Y))
    g = torch.autograd.grad(J, p, create_graph=True)
    return {"dW1": g[0], "db1": g[1], "dW2": g[2], "db2": g[3], "J": J}
"""
    code, out, err, _ = run_user_code(tmp_path, monkeypatch, capsys, source)
    assert code == 0, out + err
    assert "all 5 quantities agree" in out


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


def test_float16_gradients_pass_within_float16_rounding_and_a_mistake_still_fails(
    tmp_path, monkeypatch, capsys
):
    """float16 rounding alone is up to 2.4e-3 on these cases, above the 1e-4 of wider dtypes."""
    f16 = STYLES["f32"].replace("float32", "float16").replace(", J=J", "")
    f16 = f16.replace("J = -np.mean(Y * np.log(A2) + (1 - Y) * np.log(1 - A2))", "")  # inf
    code, out, err, result = run_user_code(tmp_path, monkeypatch, capsys, f16)
    assert code == 0, out + err
    assert result is not None and result["quantities"]["dW1"]["tolerance"] == 16 * 2.0**-10
    no_mask = f16.replace("(W2.T @ dZ2) * (Z1 > 0)", "(W2.T @ dZ2)")
    code, out, _, result = run_user_code(tmp_path, monkeypatch, capsys, no_mask)
    assert code == 1 and result is not None
    assert result["quantities"]["dZ1"]["diagnosis"].startswith("no ReLU mask"), out


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
