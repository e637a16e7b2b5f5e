"""
A checker report
================

``nn_numpy.check.check_gradients`` on a backward pass with two mistakes in it, the seed's box 2 as
printed (the ReLU mask taken on the output layer) and a bias gradient summed instead of averaged.
The report names each wrong quantity, where it is wrong, and the mistake it matches; the same
table is what ``nn-numpy-check`` prints.
"""

import numpy as np

from nn_numpy.check import check_gradients


def gradients(W1, b1, W2, b2, X, Y):
    m = X.shape[1]
    Z1 = W1 @ X + b1
    A1 = np.maximum(0, Z1)
    Z2 = W2 @ A1 + b2
    A2 = 1 / (1 + np.exp(-Z2))
    dZ2 = A2 - Y
    dZ1 = W2.T @ dZ2 * (Z2 > 0)  # mistake: the mask belongs to Z1
    return {
        "dW1": dZ1 @ X.T / m,
        "db1": np.sum(dZ1, axis=1, keepdims=True) / m,
        "dW2": dZ2 @ A1.T / m,
        "db2": np.sum(dZ2),  # mistake: no 1/m
    }


report = check_gradients(gradients)
print(report)
