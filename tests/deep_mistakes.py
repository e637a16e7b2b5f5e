"""Known-wrong backward passes at depth, for proving that each measuring check rejects them.

``backward_with(mistake)`` returns a function with ``nn_numpy.backward``'s signature that makes
one mistake a person would make in the general-l loop; the tests put it where the measured
code looks up ``backward`` (monkeypatch) and assert that the measure fails.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from nn_numpy.network import Cache, Grads, Params, activation_derivative

MISTAKES = (
    "off by one layer",  # g' of box 2 taken on layer l instead of l - 1 (needs equal widths)
    "tanh derivative 1 - A in layer 2",
    "missing 1/m in dW3",
    "backward stops a layer early",  # dZ1 = dA1, no g'(Z1)
)


def backward_with(mistake: str) -> Callable[[Params, Cache, np.ndarray, np.ndarray], Grads]:
    """The general-l backward loop with ``mistake`` (one of ``MISTAKES``)."""
    if mistake not in MISTAKES:
        raise ValueError(mistake)

    def backward(params: Params, cache: Cache, X: np.ndarray, Y: np.ndarray) -> Grads:
        m, L = X.shape[1], params.L
        A = {0: X, **{l: cache[f"A{l}"] for l in range(1, L + 1)}}
        grads = {}
        dZ = A[L] - Y
        for l in range(L, 0, -1):
            grads[f"dZ{l}"] = dZ
            scale = 1.0 if mistake == "missing 1/m in dW3" and l == 3 else 1.0 / m
            grads[f"dW{l}"] = (dZ @ A[l - 1].T) * scale
            grads[f"db{l}"] = np.sum(dZ, axis=1, keepdims=True) / m
            if l > 1:
                k = l - 1
                dA = params[f"W{l}"].T @ dZ
                g_prime = activation_derivative(params.activation, cache[f"Z{k}"], A[k])
                if mistake == "off by one layer" and k + 1 < L:
                    g_prime = activation_derivative(params.activation, cache[f"Z{l}"], A[l])
                if mistake == "tanh derivative 1 - A in layer 2" and k == 2:
                    g_prime = 1.0 - A[k]
                if mistake == "backward stops a layer early" and k == 1:
                    g_prime = np.ones_like(dA)
                dZ = dA * g_prime
                grads[f"dA{k}"] = dA
        return Grads(grads)

    return backward
