"""Correct variants of the corpus's implementation pass nn-numpy-check (exit 0), whatever their
results look like (lists, floats, namedtuples, tensors, rounding that differs between calls),
and the user's prints go to stderr.

The mistakes are in test_check_corpus_mistakes.py; the runner is in tests/helpers_check.py.
"""

from __future__ import annotations

import importlib.util

import pytest

from tests.helpers_check import edited, run_user_code

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
