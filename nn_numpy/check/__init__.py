"""Check a user's backpropagation against the verified network, and name the mistake.

    from nn_numpy.check import check_gradients
    report = check_gradients(fn)  # fn(W1, b1, W2, b2, X, Y) -> {"dW1": ..., "db1": ..., ...}
    assert report.ok, report      # str(report) is the table nn-numpy-check prints
    report = check_network(fn)    # fn(params, X, Y), params {"W1", "b1", ..., "WL", "bL"}
    assert_gradients(fn)          # for autograders: AssertionError(report) unless all agree

Modules: ``cases`` (deterministic case families), ``oracles`` (readable network, finite
differences, torch autograd), ``measures`` (error measures), ``diagnose`` (known mistakes),
``report`` (table and JSON), ``contract`` and ``target`` (the user's function), ``cli``.
"""

from nn_numpy.check.api import check_gradients
from nn_numpy.check.autograder import assert_gradients
from nn_numpy.check.contract import UsageError, UserCodeError
from nn_numpy.check.deep import check_network
from nn_numpy.check.report import CheckReport

__all__ = [
    "CheckReport",
    "UsageError",
    "UserCodeError",
    "assert_gradients",
    "check_gradients",
    "check_network",
]
