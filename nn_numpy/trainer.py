"""Trainer: full-batch gradient descent, one step per ``step()`` call.

PLACEHOLDER implementation built on the readable functions; the optimized, allocation-free
version (issue 4) replaces the body while keeping this interface.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import DTypeLike

from nn_numpy.network import Array, Params, backward, compute_cost, forward, update_params


class Trainer:
    """Owns the data and parameters; ``step()`` does forward + backward + update."""

    def __init__(
        self,
        X: Array,
        Y: Array,
        params: Params,
        learning_rate: float,
        dtype: DTypeLike = np.float64,
    ) -> None:
        self.dtype = np.dtype(dtype)
        self.X = np.asarray(X, dtype=self.dtype)
        self.Y = np.asarray(Y, dtype=self.dtype)
        self.learning_rate = learning_rate
        self._params = Params(**{k: v.astype(self.dtype) for k, v in params.as_dict().items()})

    def step(self) -> None:
        """One gradient-descent step on the whole batch."""
        cache = forward(self._params, self.X)
        grads = backward(self._params, cache, self.X, self.Y)
        self._params = update_params(self._params, grads, self.learning_rate)

    def cost(self) -> float:
        """J at the current parameters."""
        return compute_cost(forward(self._params, self.X), self.Y)

    @property
    def params(self) -> Params:
        """A copy of the current parameters."""
        return Params(**{k: v.copy() for k, v in self._params.as_dict().items()})
