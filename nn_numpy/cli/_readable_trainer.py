"""The training command's step for networks the fast ``Trainer`` does not take: the readable one.

``Trainer`` fuses the one-hidden-layer ReLU network; a deeper network, or tanh or sigmoid hidden
units, trains here with ``network.forward``, ``backward`` and ``update_params``, the steps of
``network.train``, behind the interface ``training.fit`` steps (``TrainerLike``).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import DTypeLike

from nn_numpy.network import Array, Cache, Params, backward, compute_cost, forward, update_params


class ReadableTrainer:
    """Full-batch gradient descent on (X, Y) with the readable network, in ``dtype``.

    ``X`` is (n_x, m), ``Y`` is (1, m). The parameters, the data and every step are in ``dtype``
    (float64 or float32); ``step()`` is exactly ``network.train``'s step, bit for bit.
    """

    def __init__(
        self,
        X: Array,
        Y: Array,
        params: Params,
        learning_rate: float,
        dtype: DTypeLike = np.float64,
    ) -> None:
        dt = np.dtype(dtype)
        if dt not in (np.dtype(np.float32), np.dtype(np.float64)):
            raise ValueError(f"dtype must be float32 or float64, not {dt}")
        self.dtype = dt
        self.learning_rate = float(learning_rate)
        self._X = np.asarray(X, dtype=dt)
        self._Y = np.asarray(Y, dtype=dt)
        arrays = {k: np.asarray(v, dtype=dt) for k, v in params.items()}
        self._params = Params(**arrays, activation=params.activation)
        self._cache: Cache | None = None  # the forward pass at the current parameters

    def _forward(self) -> Cache:
        if self._cache is None:
            self._cache = forward(self._params, self._X)
        return self._cache

    def step(self) -> None:
        """One step: theta <- theta - learning_rate * dJ/dtheta at the current parameters."""
        grads = backward(self._params, self._forward(), self._X, self._Y)
        self._params = update_params(self._params, grads, self.learning_rate)
        self._cache = None

    def cost(self) -> float:
        """J at the current parameters (its forward pass is reused by the next step)."""
        return compute_cost(self._forward(), self._Y)

    @property
    def params(self) -> Params:
        """The current parameters, in ``dtype``."""
        return self._params


def trains_readably(hidden_sizes: tuple[int, ...], activation: str) -> bool:
    """Does this architecture train with ``ReadableTrainer`` (not one hidden ReLU layer)?"""
    return len(hidden_sizes) != 1 or activation != "relu"


def readable_training_bytes(
    layer_sizes: tuple[int, ...], m_train: int, m_test: int, dtype: DTypeLike
) -> int:
    """Peak bytes of a ``ReadableTrainer`` run, to within a small factor (Python integers).

    init_params draws every W[l] in float64 and casts it; a step holds the parameters, the
    gradients and the new parameters, and per example the cache (Z[l], A[l]) and the gradients
    (dZ[l], dA[l]) of every layer, two temporaries of a layer (g'(Z), a sigmoid's terms) and X
    with its cast; the accuracy pass runs over the larger split.
    """
    s = np.dtype(dtype).itemsize
    L = len(layer_sizes) - 1
    weights = sum(layer_sizes[l] * (layer_sizes[l - 1] + 1) for l in range(1, L + 1))
    per_example = 6 * sum(layer_sizes[1:]) + 2 * layer_sizes[0]
    return 2 * 8 * weights + 3 * s * weights + s * per_example * max(m_train, m_test)
