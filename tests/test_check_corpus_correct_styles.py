"""Correct implementations written from scratch as new users write them (course dicts, row-major
data, float32, einsum, loops, pure Python, clipped or offset logs, dJ/dZ) pass nn-numpy-check
(exit 0); float16 passes within its own rounding.

The mistakes are in test_check_corpus_mistakes.py; the runner is in tests/helpers_check.py.
"""

from __future__ import annotations

import pytest

from tests.helpers_check import run_user_code

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


@pytest.mark.parametrize("style", list(STYLES))
def test_a_correct_implementation_in_each_users_style_exits_0(tmp_path, monkeypatch, capsys, style):
    code, out, err, result = run_user_code(tmp_path, monkeypatch, capsys, STYLES[style])
    assert code == 0, out + err
    assert result is not None and result["ok"]
    assert "agree" in out.splitlines()[0] and "FAIL" not in out


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
