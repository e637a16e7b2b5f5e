"""The readable network: one hidden ReLU layer, a sigmoid output, mean binary cross-entropy.

Layout follows the derivation: ``X`` is (n_x, m), one example per column; ``Y`` is (1, m).
Every boxed formula of the derivation is one line below, with a comment naming it, so that
``backward`` can be read line by line beside the README's "Backpropagation" section.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from numpy.typing import DTypeLike, NDArray

Array = NDArray[np.floating[Any]]


class _Fields:
    """Lets a record be read as ``rec.W1`` or ``rec["W1"]`` and unpacked with ``as_dict()``."""

    def __getitem__(self, name: str) -> Array:
        return getattr(self, name)

    def as_dict(self) -> dict[str, Array]:
        return {f.name: getattr(self, f.name) for f in fields(self)}  # type: ignore[arg-type]


@dataclass(frozen=True)
class Params(_Fields):
    """W1 (n_h, n_x), b1 (n_h, 1), W2 (1, n_h), b2 (1, 1)."""

    W1: Array
    b1: Array
    W2: Array
    b2: Array


# The parameter names, in the order every record, file and flat vector lists them, and the names
# of their gradients dJ/d(param).
PARAM_NAMES = tuple(f.name for f in fields(Params))
GRAD_NAMES = tuple(f"d{name}" for name in PARAM_NAMES)


@dataclass(frozen=True)
class Cache(_Fields):
    """Forward pass: Z1, A1 (n_h, m) and Z2, A2 (1, m)."""

    Z1: Array
    A1: Array
    Z2: Array
    A2: Array


@dataclass(frozen=True)
class Grads(_Fields):
    """dZ2 (1, m) and dZ1 (n_h, m) per example; dW1, db1, dW2, db2 = dJ/d(param)."""

    dZ2: Array
    dZ1: Array
    dW1: Array
    db1: Array
    dW2: Array
    db2: Array


def sigmoid(z: Array) -> Array:
    """sigma(z) = 1 / (1 + e^-z), evaluated so that exp never overflows.

    With e = exp(-|z|) <= 1: sigma(z) = 1 / (1 + e) for z >= 0 and e / (1 + e) for z < 0,
    both exact rewrites, so tiny outputs keep their full relative precision.

    Parameters
    ----------
    z : ndarray, any shape
        Pre-activations (logits).

    Returns
    -------
    ndarray, the shape of ``z``
        sigma(z), in (0, 1) for finite z up to rounding.
    """
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


def relu(z: Array) -> Array:
    """g(z) = max(0, z), elementwise: an array of the shape of ``z``."""
    return np.maximum(z, 0.0)


def init_params(n_x: int, n_h: int, seed: int, dtype: DTypeLike = np.float64) -> Params:
    """He initialization, deterministic for ``seed`` (``np.random.default_rng``).

    W1 ~ N(0, 2/n_x) keeps the variance of the ReLU layer's output equal to its input's
    (He et al., 2015); W2 ~ N(0, 1/n_h) does the same for the linear logit feeding the sigmoid.
    Biases start at zero.

    Parameters
    ----------
    n_x : int
        Number of input features.
    n_h : int
        Number of hidden ReLU units.
    seed : int
        Seed of the generator; the same seed gives the same parameters.
    dtype : dtype, default float64
        Floating-point type of the returned arrays.

    Returns
    -------
    Params
        W1 (n_h, n_x), b1 (n_h, 1), W2 (1, n_h), b2 (1, 1).
    """
    rng = np.random.default_rng(seed)
    W1 = rng.standard_normal((n_h, n_x)) * np.sqrt(2.0 / n_x)
    W2 = rng.standard_normal((1, n_h)) * np.sqrt(1.0 / n_h)
    return Params(
        W1=W1.astype(dtype),
        b1=np.zeros((n_h, 1), dtype=dtype),
        W2=W2.astype(dtype),
        b2=np.zeros((1, 1), dtype=dtype),
    )


def forward(params: Params, X: Array) -> Cache:
    """Z[l] = W[l] A[l-1] + B[l], A[l] = g(Z[l]); ReLU for l = 1, sigmoid for l = 2, A[0] = X.

    Parameters
    ----------
    params : Params
        W1 (n_h, n_x), b1 (n_h, 1), W2 (1, n_h), b2 (1, 1).
    X : ndarray, shape (n_x, m)
        One example per column.

    Returns
    -------
    Cache
        Z1, A1 (n_h, m) and Z2, A2 (1, m).
    """
    Z1 = params.W1 @ X + params.b1  # Z[1] = W[1] A[0] + B[1]
    A1 = relu(Z1)  # A[1] = ReLU(Z[1])
    Z2 = params.W2 @ A1 + params.b2  # Z[2] = W[2] A[1] + B[2]
    A2 = sigmoid(Z2)  # A[2] = sigma(Z[2])
    return Cache(Z1=Z1, A1=A1, Z2=Z2, A2=A2)


def compute_cost(cache: Cache, Y: Array) -> float:
    """J = (1/m) sum_i L(a(i), y(i)), L = -(y log a + (1 - y) log(1 - a)), from the logit z.

    With a = sigma(z): L = softplus(z) - y z, and softplus(z) = max(z, 0) + log1p(exp(-|z|)),
    which is finite for every finite z and equals the seed's formula wherever that is finite.
    max(z, 0) - y z is exact for y in {0, 1}, so the small log1p term is added last and kept.

    Parameters
    ----------
    cache : Cache
        The forward pass; only its logits Z2 (1, m) are used.
    Y : ndarray, shape (1, m)
        0/1 labels.

    Returns
    -------
    float
        The mean cost J, computed in Z2's dtype.
    """
    Z2, Y = cache.Z2, np.asarray(Y, dtype=cache.Z2.dtype)  # all in Z2's dtype (float32 stays)
    losses = np.maximum(Z2, 0.0) - Y * Z2 + np.log1p(np.exp(-np.abs(Z2)))
    return float(np.mean(losses))


def backward(params: Params, cache: Cache, X: Array, Y: Array) -> Grads:
    """The boxed formulas, corrected (README, "Backpropagation"); A[0] = X, m = X.shape[1].

    Parameters
    ----------
    params : Params
        The parameters ``cache`` was computed with.
    cache : Cache
        ``forward(params, X)``.
    X : ndarray, shape (n_x, m)
        The inputs.
    Y : ndarray, shape (1, m)
        0/1 labels.

    Returns
    -------
    Grads
        dZ2 (1, m) and dZ1 (n_h, m) per example; dW1 (n_h, n_x), db1 (n_h, 1),
        dW2 (1, n_h), db2 (1, 1), the gradients of J.
    """
    m = X.shape[1]
    dZ2 = cache.A2 - Y  # Box 1: dZ[2] = A[2] - Y
    dW2 = (dZ2 @ cache.A1.T) / m  # Weights: dJ/dW[2] = (1/m) dZ[2] (A[1])^T
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m  # Box 3: dJ/db[2] = (1/m) sum_i dZ[2](i)
    dZ1 = (params.W2.T @ dZ2) * (cache.Z1 > 0)  # Box 2: dZ[1] = (W[2])^T dZ[2] * 1{Z[1] > 0}
    dW1 = (dZ1 @ X.T) / m  # Weights: dJ/dW[1] = (1/m) dZ[1] (A[0])^T
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m  # Box 3: dJ/db[1] = (1/m) sum_i dZ[1](i)
    return Grads(dZ2=dZ2, dZ1=dZ1, dW1=dW1, db1=db1, dW2=dW2, db2=db2)


def update_params(params: Params, grads: Grads, learning_rate: float) -> Params:
    """One gradient-descent step: theta <- theta - learning_rate * dJ/dtheta.

    Parameters
    ----------
    params : Params
        The current parameters (not modified).
    grads : Grads
        ``backward`` at ``params``; only dW1, db1, dW2, db2 are used.
    learning_rate : float
        The step size.

    Returns
    -------
    Params
        New arrays, each of its parameter's shape.
    """
    return Params(
        W1=params.W1 - learning_rate * grads.dW1,
        b1=params.b1 - learning_rate * grads.db1,
        W2=params.W2 - learning_rate * grads.dW2,
        b2=params.b2 - learning_rate * grads.db2,
    )


def predict_proba(params: Params, X: Array) -> Array:
    """P(y = 1 | x) = A[2].

    Parameters
    ----------
    params : Params
        Trained parameters.
    X : ndarray, shape (n_x, m)
        One example per column.

    Returns
    -------
    ndarray, shape (1, m)
    """
    return forward(params, X).A2


def predict(params: Params, X: Array) -> NDArray[np.int64]:
    """Class labels: 1 where A[2] >= 0.5, else 0; the parameters are those of ``predict_proba``.

    Returns
    -------
    ndarray of int64, shape (1, m)
    """
    return (predict_proba(params, X) >= 0.5).astype(np.int64)


def train(
    X: Array,
    Y: Array,
    params: Params,
    learning_rate: float,
    epochs: int,
) -> tuple[Params, list[float]]:
    """Full-batch gradient descent with the readable network.

    Parameters
    ----------
    X : ndarray, shape (n_x, m)
        One example per column.
    Y : ndarray, shape (1, m)
        0/1 labels.
    params : Params
        The initial parameters (``init_params``).
    learning_rate : float
        The step size.
    epochs : int
        Number of steps.

    Returns
    -------
    params : Params
        The parameters after ``epochs`` steps.
    costs : list of float
        J before each step (``epochs`` values).
    """
    costs = []
    for _ in range(epochs):
        cache = forward(params, X)
        costs.append(compute_cost(cache, Y))
        params = update_params(params, backward(params, cache, X, Y), learning_rate)
    return params, costs
