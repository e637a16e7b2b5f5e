"""The readable network: hidden layers of ReLU, tanh or sigmoid units, a sigmoid output, mean
binary cross-entropy.

Layout follows the derivation: ``X`` is (n_x, m), one example per column; ``Y`` is (1, m). Layers
are l = 1..L, A[0] = X, and layer L is the sigmoid output. Every formula of the derivation is one
line below, written for a general layer l inside one loop, with a comment naming its box, so that
``backward`` can be read line by line beside docs/mathematics.md, "The mathematics, corrected".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import DTypeLike, NDArray

# The records and their names live in records.py; they are re-exported here (``X as X``), where
# the network's users have always imported them.
from nn_numpy.records import ACTIVATIONS as ACTIVATIONS
from nn_numpy.records import GRAD_NAMES as GRAD_NAMES
from nn_numpy.records import PARAM_NAMES as PARAM_NAMES
from nn_numpy.records import Array as Array
from nn_numpy.records import Cache as Cache
from nn_numpy.records import Grads as Grads
from nn_numpy.records import Params as Params
from nn_numpy.records import grad_names as grad_names
from nn_numpy.records import param_names as param_names


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


_G: dict[str, Callable[[Array], Array]] = {"relu": relu, "tanh": np.tanh, "sigmoid": sigmoid}


def activation_derivative(activation: str, Z: Array, A: Array) -> NDArray[Any]:
    """g'(Z) for a hidden layer, written with A = g(Z) where that is the textbook form.

    ReLU: 1{Z > 0} (0 at the kink, the subgradient autograd takes); tanh: 1 - A^2;
    sigmoid: A (1 - A).
    """
    if activation == "relu":
        return Z > 0
    if activation == "tanh":
        return 1.0 - A * A
    return A * (1.0 - A)


def init_params(
    n_x: int,
    n_h: int | Sequence[int],
    seed: int,
    dtype: DTypeLike = np.float64,
    activation: str = "relu",
) -> Params:
    """Deterministic initialization for ``seed`` (``np.random.default_rng``).

    W[l] ~ N(0, 2/n_{l-1}) for ReLU layers (He et al., 2015) and N(0, 1/n_{l-1}) for tanh and
    sigmoid layers and for the output logit: each keeps the variance of its layer's output near
    its input's. The weights are drawn in the order W1, W2, ..., WL; biases start at zero.

    Parameters
    ----------
    n_x : int
        Number of input features.
    n_h : int or sequence of int
        Width of the hidden layer, or of each hidden layer in order: ``(8, 4)`` is two.
    seed : int
        Seed of the generator; the same seed gives the same parameters.
    dtype : dtype, default float64
        Floating-point type of the returned arrays.
    activation : {"relu", "tanh", "sigmoid"}, default "relu"
        The activation of every hidden layer.

    Returns
    -------
    Params
        W[l] (n_l, n_{l-1}) and b[l] (n_l, 1) for l = 1..L, with n_0 = n_x and n_L = 1.
    """
    sizes = (n_x, *((n_h,) if isinstance(n_h, int | np.integer) else tuple(n_h)), 1)
    if any(isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1 for n in sizes):
        raise ValueError(f"layer sizes must be positive integers, got {sizes[:-1]}")
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}, not {activation!r}")
    rng = np.random.default_rng(seed)
    L = len(sizes) - 1
    arrays = {}
    for l in range(1, L + 1):
        gain = 2.0 if activation == "relu" and l < L else 1.0
        W = rng.standard_normal((sizes[l], sizes[l - 1])) * np.sqrt(gain / sizes[l - 1])
        arrays[f"W{l}"] = W.astype(dtype)
        arrays[f"b{l}"] = np.zeros((sizes[l], 1), dtype=dtype)
    return Params(**arrays, activation=activation)


def forward(params: Params, X: Array) -> Cache:
    """Z[l] = W[l] A[l-1] + B[l], A[l] = g(Z[l]) for l < L and sigma(Z[L]) for l = L; A[0] = X.

    Parameters
    ----------
    params : Params
        W[l] (n_l, n_{l-1}), b[l] (n_l, 1) for l = 1..L, and the hidden activation g.
    X : ndarray, shape (n_x, m)
        One example per column.

    Returns
    -------
    Cache
        Z[l], A[l] (n_l, m) for l = 1..L.
    """
    L, g = params.L, _G[params.activation]
    cache: dict[str, Array] = {}
    A = X
    for l in range(1, L + 1):
        Z = params[f"W{l}"] @ A + params[f"b{l}"]  # Z[l] = W[l] A[l-1] + B[l]
        A = g(Z) if l < L else sigmoid(Z)  # A[l] = g(Z[l]); A[L] = sigma(Z[L])
        cache[f"Z{l}"], cache[f"A{l}"] = Z, A
    return Cache(cache)


def _check_labels(Y: Array, A_L: Array) -> None:
    """Y must be the output's shape (1, m): a column (m, 1) would broadcast against it to (m, m)
    and give a wrong number, not an error."""
    if np.shape(Y) != A_L.shape:
        shown = f"(1, m) = {A_L.shape}"
        raise ValueError(f"Y must have shape {shown}, as the output; got {np.shape(Y)}")


def compute_cost(cache: Cache, Y: Array) -> float:
    """J = (1/m) sum_i L(a(i), y(i)), L = -(y log a + (1 - y) log(1 - a)), from the logit z = Z[L].

    With a = sigma(z): L = softplus(z) - y z, and softplus(z) = max(z, 0) + log1p(exp(-|z|)),
    which is finite for every finite z and equals the seed's formula wherever that is finite.
    max(z, 0) - y z is exact for y in {0, 1}, so the small log1p term is added last and kept.

    Parameters
    ----------
    cache : Cache
        The forward pass; only its logits Z[L] (1, m) are used.
    Y : ndarray, shape (1, m)
        0/1 labels.

    Returns
    -------
    float
        The mean cost J, computed in the logits' dtype.
    """
    Z = cache[f"Z{cache.L}"]
    _check_labels(Y, Z)
    Y = np.asarray(Y, dtype=Z.dtype)  # all in the logits' dtype (float32 stays)
    losses = np.maximum(Z, 0.0) - Y * Z + np.log1p(np.exp(-np.abs(Z)))
    return float(np.mean(losses))


def backward(params: Params, cache: Cache, X: Array, Y: Array) -> Grads:
    """The boxed formulas, corrected (docs/mathematics.md), from l = L down to 1.

    Parameters
    ----------
    params : Params
        The parameters ``cache`` was computed with.
    cache : Cache
        ``forward(params, X)``.
    X : ndarray, shape (n_x, m)
        The inputs; A[0] = X and m = X.shape[1].
    Y : ndarray, shape (1, m)
        0/1 labels.

    Returns
    -------
    Grads
        dZ[l] (n_l, m) and dA[l] (n_l, m, for l < L) per example; dW[l] (n_l, n_{l-1}) and
        db[l] (n_l, 1), the gradients of J; in the order they are computed.
    """
    m, L = X.shape[1], params.L
    A = {0: X, **{l: cache[f"A{l}"] for l in range(1, L + 1)}}
    grads = {}
    _check_labels(Y, A[L])
    dZ = A[L] - Y  # Box 1: dZ[L] = A[L] - Y
    for l in range(L, 0, -1):
        grads[f"dZ{l}"] = dZ
        grads[f"dW{l}"] = (dZ @ A[l - 1].T) / m  # Weights: dJ/dW[l] = (1/m) dZ[l] (A[l-1])^T
        grads[f"db{l}"] = np.sum(dZ, axis=1, keepdims=True) / m  # Box 3: (1/m) sum_i dZ[l](i)
        if l > 1:
            dA = params[f"W{l}"].T @ dZ  # Box 2: dA[l-1] = (W[l])^T dZ[l]
            g_prime = activation_derivative(params.activation, cache[f"Z{l - 1}"], A[l - 1])
            dZ = dA * g_prime  # Box 2: dZ[l-1] = dA[l-1] * g'(Z[l-1])
            grads[f"dA{l - 1}"] = dA
    return Grads(grads)


def update_params(params: Params, grads: Grads, learning_rate: float) -> Params:
    """One gradient-descent step: theta <- theta - learning_rate * dJ/dtheta.

    Parameters
    ----------
    params : Params
        The current parameters (not modified).
    grads : Grads
        ``backward`` at ``params``; only dW[l] and db[l] are used.
    learning_rate : float
        The step size.

    Returns
    -------
    Params
        New arrays, each of its parameter's shape, and the same activation.
    """
    new = {name: params[name] - learning_rate * grads[f"d{name}"] for name in params}
    return Params(**new, activation=params.activation)


def predict_proba(params: Params, X: Array) -> Array:
    """P(y = 1 | x) = A[L].

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
    return forward(params, X)[f"A{params.L}"]


def predict(params: Params, X: Array) -> NDArray[np.int64]:
    """Class labels: 1 where A[L] >= 0.5, else 0; the parameters are those of ``predict_proba``.

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
        The initial parameters (``init_params``), of any depth and activation.
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
