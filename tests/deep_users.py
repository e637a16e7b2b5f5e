"""Deep backward passes written the ways learners write them, correct and with one mistake.

Each public function has the ``f(params, X, Y)`` contract of ``nn-numpy-check --contract params``
and reads the depth from ``params``. The course style follows deeplearning.ai's "deep network
step by step" (caches ``((A_prev, W, b), Z)``, dAL, ``linear_backward``); ``course(mistake)``
returns it with one mistake from ``MISTAKES`` made. Nothing here imports ``nn_numpy``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

MISTAKES = (
    "off by one layer",  # g' of layer l + 1's Z in dZ[l]
    "output derivative on hidden layers",
    "hidden derivative on the output",
    "dAL sign",
    "dAL no denominators",
    "dA_prev without W",
    "dA_prev without transpose",  # in the hidden layers' loop
    "dW1 and dW2 swapped",
    "first layer never computed",  # grads start at zeros; the loop stops before layer 1
    "first layer skipped",  # the loop stops before layer 1, no key
    "layers counted from 0",
    "missing 1/m in dW3",
    "1 - A",  # tanh
    "ReLU mask",  # with tanh units
    "no mask in layer 3",  # returns dZ: the layers below follow
    "times 1.7 in dW2",  # no catalogued mistake
    "epsilon in the logs",  # a near miss
)


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


def _g(activation: str, Z: np.ndarray) -> np.ndarray:
    if activation == "relu":
        return np.maximum(0, Z)
    return np.tanh(Z) if activation == "tanh" else sigmoid(Z)


def _g_prime(activation: str, Z: np.ndarray, mistake: str) -> np.ndarray:
    if mistake == "output derivative on hidden layers":
        return sigmoid(Z) * (1 - sigmoid(Z))
    if mistake == "ReLU mask" or activation == "relu":
        return (Z > 0).astype(float)
    if activation == "tanh":
        A = np.tanh(Z)
        return 1 - A if mistake == "1 - A" else 1 - np.power(A, 2)
    s = sigmoid(Z)
    return s * (1 - s)


def L_model_forward(X: np.ndarray, parameters: dict[str, Any], activation: str) -> Any:
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L + 1):
        A_prev, W, b = A, parameters["W" + str(l)], parameters["b" + str(l)]
        Z = np.dot(W, A_prev) + b
        A = _g(activation, Z) if l < L else sigmoid(Z)
        caches.append(((A_prev, W, b), Z))
    return A, caches


def linear_backward(dZ: np.ndarray, cache: Any, mistake: str = "", l: int = 0) -> Any:
    A_prev, W, _ = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev.T) / (1 if mistake == "missing 1/m in dW3" and l == 3 else m)
    db = np.sum(dZ, axis=1, keepdims=True) / m
    if mistake == "dA_prev without W":
        return dZ, dW, db
    if mistake == "dA_prev without transpose":
        return np.dot(W, dZ), dW, db
    return np.dot(W.T, dZ), dW, db


def L_model_backward(AL: Any, Y: Any, caches: Any, activation: str, mistake: str = "") -> Any:
    grads: dict[str, Any] = {}
    L = len(caches)
    eps = 1e-6 if mistake == "epsilon in the logs" else 0.0
    dAL = -(np.divide(Y, AL + eps) - np.divide(1 - Y, 1 - AL + eps))
    if mistake == "dAL sign":
        dAL = -dAL
    if mistake == "dAL no denominators":
        dAL = -(Y - (1 - Y))
    (linear_cache, ZL) = caches[L - 1]
    s = sigmoid(ZL)
    dZ = dAL * (ZL > 0) if mistake == "hidden derivative on the output" else dAL * s * (1 - s)
    grads["dZ" + str(L)] = dZ
    dA_prev, grads["dW" + str(L)], grads["db" + str(L)] = linear_backward(dZ, linear_cache, l=L)
    grads["dA" + str(L - 1)] = dA_prev
    if mistake == "first layer never computed":
        for l in range(1, L):
            grads["dW" + str(l)] = np.zeros_like(caches[l - 1][0][1])
            grads["db" + str(l)] = np.zeros_like(caches[l - 1][0][2])
    last = 1 if mistake in ("first layer skipped", "first layer never computed") else 0
    for l in reversed(range(last, L - 1)):
        linear_cache, Z = caches[l]
        Z_used = caches[l + 1][1] if mistake == "off by one layer" else Z
        dZ = grads["dA" + str(l + 1)] * _g_prime(activation, Z_used, mistake)
        if mistake == "no mask in layer 3" and l + 1 == 3:
            dZ = grads["dA" + str(l + 1)]
        hidden = mistake if mistake.startswith(("dA_prev", "missing")) else ""
        dA_prev, dW, db = linear_backward(dZ, linear_cache, hidden, l + 1)
        key = str(l) if mistake == "layers counted from 0" else str(l + 1)
        grads["dA" + str(l)], grads["dW" + key], grads["db" + key] = dA_prev, dW, db
        grads["dZ" + str(l + 1)] = dZ
    if mistake == "dW1 and dW2 swapped":
        grads["dW1"], grads["dW2"] = grads["dW2"], grads["dW1"]
    if mistake == "times 1.7 in dW2":
        grads["dW2"] = 1.7 * grads["dW2"]
    return grads


def course(mistake: str = "", activation: str = "relu", dZ: bool = False) -> Callable[..., Any]:
    """The course-style adapter, with ``mistake`` made (one of ``MISTAKES``, or none)."""

    def gradients(params: dict[str, Any], X: np.ndarray, Y: np.ndarray) -> dict[str, Any]:
        AL, caches = L_model_forward(X, params, activation)
        grads = L_model_backward(AL, Y, caches, activation, mistake)
        return grads if dZ else {k: v for k, v in grads.items() if not k.startswith("dZ")}

    return gradients


def loop(params: dict[str, Any], X: np.ndarray, Y: np.ndarray) -> dict[str, Any]:
    """A plain loop over the layers, lists instead of dicts, float32, the cost returned."""
    L = len(params) // 2
    W = [None] + [params[f"W{l}"].astype(np.float32) for l in range(1, L + 1)]
    b = [None] + [params[f"b{l}"].astype(np.float32) for l in range(1, L + 1)]
    A: list[Any] = [X.astype(np.float32)]
    Zs: list[Any] = [None]
    for l in range(1, L + 1):
        Zs.append(W[l] @ A[-1] + b[l])
        A.append(np.maximum(Zs[-1], 0) if l < L else 1 / (1 + np.exp(-Zs[-1])))
    m = X.shape[1]
    y = Y.astype(np.float32)
    out: dict[str, Any] = {"cost": -np.mean(y * np.log(A[L]) + (1 - y) * np.log(1 - A[L]))}
    dZ = A[L] - y
    for l in range(L, 0, -1):
        out[f"dZ{l}"], out[f"dW{l}"] = dZ, dZ @ A[l - 1].T / m
        out[f"db{l}"] = dZ.sum(axis=1, keepdims=True) / m
        dZ = (W[l].T @ dZ) * (Zs[l - 1] > 0) if l > 1 else None
    return out


class Dense:
    """One layer that remembers its input, as in class-per-layer frameworks."""

    def __init__(self, W: np.ndarray, b: np.ndarray, activation: str) -> None:
        self.W, self.b, self.activation = W, b, activation

    def forward(self, A_prev: np.ndarray) -> np.ndarray:
        self.A_prev = A_prev
        self.Z = self.W @ A_prev + self.b
        self.A = _g(self.activation, self.Z) if self.activation != "output" else sigmoid(self.Z)
        return self.A

    def backward(self, dA: np.ndarray | None, dZ: np.ndarray | None = None) -> np.ndarray:
        if dZ is None:
            assert dA is not None
            dZ = dA * _g_prime(self.activation, self.Z, "")
        m = self.A_prev.shape[1]
        self.dW = np.einsum("im,jm->ij", dZ, self.A_prev) / m
        self.db = dZ.mean(axis=1, keepdims=True)
        return self.W.T @ dZ


def layers(activation: str = "relu") -> Callable[..., Any]:
    """Class-per-layer style, einsum for dW, the gradients read back from the objects."""

    def gradients(params: dict[str, Any], X: np.ndarray, Y: np.ndarray) -> dict[str, Any]:
        L = len(params) // 2
        net = [
            Dense(params[f"W{l}"], params[f"b{l}"], activation if l < L else "output")
            for l in range(1, L + 1)
        ]
        A = X
        for layer in net:
            A = layer.forward(A)
        dA = net[-1].backward(None, dZ=A - Y)
        for layer in reversed(net[:-1]):
            dA = layer.backward(dA)
        return {
            f"d{p}{l}": getattr(layer, f"d{p}")
            for l, layer in enumerate(net, 1)
            for p in ("W", "b")
        }

    return gradients


def planar_tanh(W1: Any, b1: Any, W2: Any, b2: Any, X: Any, Y: Any) -> dict[str, Any]:
    """Course 1 Week 3 (planar data): one tanh hidden layer, six-argument contract."""
    m = X.shape[1]
    A1 = np.tanh(np.dot(W1, X) + b1)
    A2 = sigmoid(np.dot(W2, A1) + b2)
    dZ2 = A2 - Y
    dW2 = (1 / m) * np.dot(dZ2, A1.T)
    db2 = (1 / m) * np.sum(dZ2, axis=1, keepdims=True)
    dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))
    dW1 = (1 / m) * np.dot(dZ1, X.T)
    db1 = (1 / m) * np.sum(dZ1, axis=1, keepdims=True)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2, "dZ1": dZ1, "dZ2": dZ2}


# ready-made targets for the command line
missing_one_m = course("missing 1/m in dW3")
off_by_one = course("off by one layer")
tanh_layers = layers("tanh")


def _rows_backward(Ws: list[Any], bs: list[Any], X_rows: Any, y_rows: Any) -> list[Any]:
    """nnfs / cs231n layout: one example per row, W (n_in, n_out), b (1, n_out)."""
    outs, A = [X_rows], X_rows
    for i, (W, b) in enumerate(zip(Ws, bs, strict=True)):
        Z = A @ W + b
        A = np.maximum(Z, 0) if i < len(Ws) - 1 else sigmoid(Z)
        outs.append(A)
    n = X_rows.shape[0]
    grad = (outs[-1] - y_rows) / n  # dJ/dZ, rows
    out = []
    for i in range(len(Ws) - 1, -1, -1):
        out.append((outs[i].T @ grad, grad.sum(axis=0, keepdims=True)))
        grad = (grad @ Ws[i].T) * (outs[i] > 0)
    return out[::-1]


def rows(params: dict[str, Any], X: np.ndarray, Y: np.ndarray) -> dict[str, Any]:
    """The adapter around a rows-as-examples network: everything transposed in and out."""
    L = len(params) // 2
    Ws = [params[f"W{l}"].T for l in range(1, L + 1)]
    bs = [params[f"b{l}"].T for l in range(1, L + 1)]
    grads = _rows_backward(Ws, bs, X.T, Y.T)
    return {
        f"d{p}{l}": g.T for l, pair in enumerate(grads, 1) for p, g in zip("Wb", pair, strict=True)
    }
