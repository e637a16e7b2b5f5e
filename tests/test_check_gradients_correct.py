"""Correct implementations pass nn-numpy-check, whatever their style, dtype or ReLU convention.

Each is written the way people write it (not by calling nn_numpy), then wrapped in the
three-line adapter f(W1, b1, W2, b2, X, Y) -> result.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from nn_numpy.check import check_gradients
from nn_numpy.check.cases import KINK_MARGIN, Case, checker_cases
from nn_numpy.network import Params, forward


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


# --- dict of parameters, forward returning a cache (the style the README shows)
def forward_dict(params, X):
    Z1 = params["W1"] @ X + params["b1"]
    A1 = np.maximum(0, Z1)
    Z2 = params["W2"] @ A1 + params["b2"]
    A2 = sigmoid(Z2)
    return A2, {"Z1": Z1, "A1": A1, "A2": A2}


def backward_dict(params, cache, X, Y):
    m = X.shape[1]
    dZ2 = cache["A2"] - Y
    dZ1 = params["W2"].T @ dZ2 * (cache["Z1"] > 0)
    return {
        "dW2": dZ2 @ cache["A1"].T / m,
        "db2": np.sum(dZ2, axis=1, keepdims=True) / m,
        "dW1": dZ1 @ X.T / m,
        "db1": np.sum(dZ1, axis=1, keepdims=True) / m,
        "dZ1": dZ1,
        "dZ2": dZ2,
    }


def dict_style(W1, b1, W2, b2, X, Y):
    params = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    A2, cache = forward_dict(params, X)
    grads = backward_dict(params, cache, X, Y)
    grads["cost"] = float(-np.mean(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)))
    return grads


# --- a class holding its weights; the result is an object with attributes
@dataclass
class Gradients:
    dW1: np.ndarray
    db1: np.ndarray
    dW2: np.ndarray
    db2: np.ndarray


class TwoLayerNet:
    def __init__(self, W1, b1, W2, b2):
        self.W1, self.b1, self.W2, self.b2 = W1, b1, W2, b2

    def forward(self, X):
        self.X = X
        self.Z1 = self.W1.dot(X) + self.b1
        self.A1 = np.where(self.Z1 > 0, self.Z1, 0.0)
        self.A2 = sigmoid(self.W2.dot(self.A1) + self.b2)
        return self.A2

    def backward(self, Y):
        m = Y.shape[1]
        dZ2 = self.A2 - Y
        dA1 = self.W2.T.dot(dZ2)
        dZ1 = dA1 * np.heaviside(self.Z1, 0.0)
        return Gradients(
            dW1=(1.0 / m) * dZ1.dot(self.X.T),
            db1=(1.0 / m) * dZ1.sum(axis=1).reshape(-1, 1),
            dW2=(1.0 / m) * dZ2.dot(self.A1.T),
            db2=np.mean(dZ2),  # a plain number: b2 - lr * db2 keeps b2's shape
        )


def class_style(W1, b1, W2, b2, X, Y):
    net = TwoLayerNet(W1, b1, W2, b2)
    net.forward(X)
    return net.backward(Y)


# --- float32 throughout, with the ReLU derivative written as (A1 > 0)
def float32_style(W1, b1, W2, b2, X, Y):
    W1, b1, W2, b2, X, Y = (a.astype(np.float32) for a in (W1, b1, W2, b2, X, Y))
    m = np.float32(X.shape[1])
    Z1 = W1 @ X + b1
    A1 = np.maximum(Z1, np.float32(0))
    A2 = sigmoid(W2 @ A1 + b2)
    dZ2 = A2 - Y
    dZ1 = (W2.T @ dZ2) * (A1 > 0)
    J = -np.mean(Y * np.log(A2) + (1 - Y) * np.log(1 - A2))
    return {"dZ2": dZ2, "dZ1": dZ1, "dW1": dZ1 @ X.T / m, "db1": dZ1.mean(axis=1, keepdims=True),
            "dW2": dZ2 @ A1.T / m, "db2": dZ2.mean(axis=1, keepdims=True), "J": J}  # fmt: skip


# --- einsum, the mask as 1{Z1 >= 0} (the other subgradient convention)
def einsum_style(W1, b1, W2, b2, X, Y):
    m = X.shape[1]
    Z1 = np.einsum("hx,xm->hm", W1, X) + b1
    A1 = np.maximum(Z1, 0)
    Z2 = np.einsum("oh,hm->om", W2, A1) + b2
    A2 = np.exp(-np.logaddexp(0, -Z2))  # a stable sigmoid
    dZ2 = A2 - Y
    dZ1 = np.einsum("oh,om->hm", W2, dZ2) * (Z1 >= 0)
    return {
        "dW1": np.einsum("hm,xm->hx", dZ1, X) / m,
        "db1": np.einsum("hm->h", dZ1)[:, None] / m,
        "dW2": np.einsum("om,hm->oh", dZ2, A1) / m,
        "db2": np.einsum("om->o", dZ2)[:, None] / m,
        "J": np.mean(np.logaddexp(0, Z2) - Y * Z2),
    }


# --- a loop over examples, summing per-example outer products (the seed's erratum 2, fixed)
def loop_style(W1, b1, W2, b2, X, Y):
    m = X.shape[1]
    g = {"dW1": np.zeros_like(W1), "db1": np.zeros_like(b1),
         "dW2": np.zeros_like(W2), "db2": np.zeros_like(b2)}  # fmt: skip
    losses = []
    for i in range(m):
        x, y = X[:, i : i + 1], Y[:, i : i + 1]
        z1 = W1 @ x + b1
        a1 = np.maximum(z1, 0)
        a2 = sigmoid(W2 @ a1 + b2)
        dz2 = a2 - y
        dz1 = (W2.T @ dz2) * (z1 > 0)
        g["dW1"] += dz1 @ x.T
        g["db1"] += dz1
        g["dW2"] += dz2 @ a1.T
        g["db2"] += dz2
        losses.append(-(y * np.log(a2) + (1 - y) * np.log(1 - a2)).item())
    return {**{k: v / m for k, v in g.items()}, "J": sum(losses) / m}


# --- the seed's src/nn.py style, corrected: an L-layer loop over "W" + str(l) keys
def seed_style(W1, b1, W2, b2, X, Y):
    params = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    L, m = 2, X.shape[1]
    A, Z = {0: X}, {}
    for layer in range(1, L + 1):
        Z[layer] = params[f"W{layer}"] @ A[layer - 1] + params[f"b{layer}"]
        A[layer] = sigmoid(Z[layer]) if layer == L else np.maximum(0, Z[layer])
    grads, dZ = {}, A[L] - Y  # Box 1
    for layer in range(L, 0, -1):
        grads[f"dZ{layer}"] = dZ
        grads[f"dW{layer}"] = dZ @ A[layer - 1].T / m
        grads[f"db{layer}"] = np.sum(dZ, axis=1, keepdims=True) / m  # Box 3
        if layer > 1:
            dZ = (params[f"W{layer}"].T @ dZ) * (Z[layer - 1] > 0)  # Box 2, mask on Z[l-1]
    return grads


# --- the chain rule spelled out, dL/da * sigma'(z), with the usual 1e-8 guard against log(0)
def guarded_chain_style(W1, b1, W2, b2, X, Y):
    m, eps = X.shape[1], 1e-8
    Z1 = W1 @ X + b1
    A1 = np.maximum(Z1, 0)
    A2 = sigmoid(W2 @ A1 + b2)
    dA2 = -(Y / (A2 + eps) - (1 - Y) / (1 - A2 + eps))
    dZ2 = dA2 * A2 * (1 - A2)
    dZ1 = (W2.T @ dZ2) * (Z1 > 0)
    J = -np.mean(Y * np.log(A2 + eps) + (1 - Y) * np.log(1 - A2 + eps))
    return {"dZ2": dZ2, "dZ1": dZ1, "dW1": dZ1 @ X.T / m, "db1": dZ1.mean(axis=1, keepdims=True),
            "dW2": dZ2 @ A1.T / m, "db2": dZ2.mean(axis=1, keepdims=True), "J": J}  # fmt: skip


STYLES = [dict_style, class_style, float32_style, einsum_style, loop_style, seed_style,
          guarded_chain_style]  # fmt: skip
WORST = {float32_style: 1e-5, guarded_chain_style: 5e-5}  # measured: 1.6e-6 and 2.6e-5


@pytest.mark.parametrize("style", STYLES, ids=[s.__name__ for s in STYLES])
def test_correct_implementation_passes_in_every_style(style):
    report = check_gradients(style, use_torch=False)
    assert report.ok, str(report)
    assert max(row.error for row in report.rows) < WORST.get(style, 1e-12), str(report)
    assert {row.quantity for row in report.rows} >= {"dW1", "db1", "dW2", "db2"}


def test_no_checker_case_sits_near_a_relu_kink():
    """|Z1| >= KINK_MARGIN everywhere, so 1{Z1 > 0}, 1{Z1 >= 0} and float32 masks agree."""
    for case in checker_cases():
        assert np.min(np.abs(forward(case.params, case.X).Z1)) >= KINK_MARGIN, case.name


def test_a_case_on_a_kink_is_refused_rather_than_blamed_on_the_user():
    """With Z1 exactly 0 the masks 1{Z1 > 0} and 1{Z1 >= 0} differ; neither is the user's error."""
    params = Params(W1=np.array([[1.0, 1.0]]), b1=np.zeros((1, 1)), W2=np.array([[2.0]]),
                    b2=np.zeros((1, 1)))  # fmt: skip
    X = np.array([[1.0, 2.0, 0.5], [-1.0, 1.0, 0.5]])  # Z1 = [0, 3, 1]
    case = Case("on a kink", params, X, np.array([[1.0, 0.0, 1.0]]))
    with pytest.raises(ValueError, match="near a ReLU kink"):
        check_gradients(einsum_style, cases=[case], use_torch=False)


def test_the_report_uses_torch_autograd_when_it_can_and_says_so(torch_ref):
    report = check_gradients(dict_style)
    assert report.ok
    assert any(name.startswith("torch ") and "autograd" in name for name in report.oracles)
    assert not any("torch" in name for name in check_gradients(dict_style, use_torch=False).oracles)
