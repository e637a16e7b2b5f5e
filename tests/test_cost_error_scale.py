"""The term scale of J (``error_scales``) is a mean over the examples, as J is.

J = (1/m) sum_i L_i, so the size of the terms J is computed from is the mean of the per-example
sizes; the maximum would be up to m times larger and let a wrong J on a saturated network pass.
"""

from __future__ import annotations

import math

import numpy as np

from nn_numpy import Params
from nn_numpy.check.measures import error_scales


def test_the_cost_scale_is_the_mean_of_the_per_example_term_sizes() -> None:
    # n_x = n_h = 1, every weight 1, biases 0: Z1 = A1 = Z2 = M_Z1 = M_Z2 = X = (1, 3).
    params = Params(W1=np.array([[1.0]]), b1=np.array([[0.0]]), W2=np.array([[1.0]]),
                    b2=np.array([[0.0]]))  # fmt: skip
    X, Y = np.array([[1.0, 3.0]]), np.array([[1.0, 0.0]])

    def size(z: float, y: float) -> float:  # softplus(z) + |z| + |sigma(z) - y| M_Z2, M_Z2 = z
        a = 1.0 / (1.0 + math.exp(-z))
        return math.log1p(math.exp(-z)) + z + z + abs(a - y) * z

    expected = (size(1.0, 1.0) + size(3.0, 0.0)) / 2
    assert math.isclose(error_scales(params, X, Y)["J"], expected, rel_tol=1e-14)
