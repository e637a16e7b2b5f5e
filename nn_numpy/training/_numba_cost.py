"""The cost kernel of the numba backend: J from the logits, one example at a time.

Apart from ``_numba_kernels`` because it calls no compiled function of ours (``math.exp`` and
``math.log1p`` only), so numba's per-file cache invalidation cannot leave it stale.
"""

from __future__ import annotations

import math

import numpy as np

from nn_numpy.training._numba_compile import compiled


@compiled()
def cost(X: np.ndarray, y: np.ndarray, theta: np.ndarray, n_h: int) -> float:
    """J = (1/m) sum_i max(h_i, 0) - y_i h_i + log1p(exp(-|h_i|)) (network.compute_cost)."""
    n_x, m = X.shape
    o_b1 = n_h * n_x
    o_w2 = o_b1 + n_h
    total = 0.0
    for i in range(m):
        h = float(theta[o_w2 + n_h])
        for j in range(n_h):
            z = float(theta[o_b1 + j])
            for k in range(n_x):
                z += float(theta[j * n_x + k]) * float(X[k, i])
            h += float(theta[o_w2 + j]) * (0.0 if z <= 0.0 else z)
        yi = float(y[i])
        total += (max(h, 0.0) - yi * h) + math.log1p(math.exp(-abs(h)))
    return total / m
