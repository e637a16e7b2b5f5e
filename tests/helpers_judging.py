"""check_gradients judged on known errors, shared by the tests/test_check_judging_*.py files.

The user's function is the readable network's own gradients, perturbed by a known factor on
chosen cases: a relative error of k is then exactly the perturbation max|k e| / max|e|. Import
these as ``from tests.helpers_judging import ...``.
"""

from __future__ import annotations

import numpy as np

from nn_numpy.check import check_gradients
from nn_numpy.check.cases import Case, checker_cases
from nn_numpy.check.oracles import readable
from nn_numpy.network import Params

# the small cases (the large dataset case only slows these tests down)
CASES = [c for c in checker_cases() if "large_dataset" not in c.name]
# for claims about one quantity's verdict (every case counts: tests/test_check_judging_tolerance.py)
FEW = CASES[:2]


def correct(W1, b1, W2, b2, X, Y):
    return readable(Params(W1, b1, W2, b2), X, Y)


def perturbed(factor: float, quantity: str = "dW1", on=lambda X: True):
    """The correct gradients with ``quantity`` times (1 + factor) on the cases ``on`` picks."""

    def fn(W1, b1, W2, b2, X, Y):
        out = correct(W1, b1, W2, b2, X, Y)
        if on(X):
            out[quantity] = out[quantity] * (1 + factor)
        return out

    return fn


def is_case(case: Case):
    return lambda X: X.shape == case.X.shape and np.array_equal(X, case.X)


def judge(fn, cases=CASES):
    return check_gradients(fn, cases=cases, use_torch=False)
