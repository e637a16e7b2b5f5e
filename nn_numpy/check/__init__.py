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

__all__ = [
    "CheckReport",
    "UsageError",
    "UserCodeError",
    "assert_gradients",
    "check_gradients",
    "check_network",
]

# Imported on first use (PEP 562), as in ``nn_numpy/__init__.py``: ``python -m nn_numpy.check``
# imports this package before ``__main__`` can set the signal handling.
_HOMES = ("nn_numpy.check.contract", "nn_numpy.check.report", "nn_numpy.check.api",
          "nn_numpy.check.autograder", "nn_numpy.check.deep")  # fmt: skip

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (mypy knows the name)
if TYPE_CHECKING:
    from nn_numpy.check.api import check_gradients
    from nn_numpy.check.autograder import assert_gradients
    from nn_numpy.check.contract import UsageError, UserCodeError
    from nn_numpy.check.deep import check_network
    from nn_numpy.check.report import CheckReport
else:

    def __getattr__(name: str) -> object:
        if name in __all__:
            from importlib import import_module

            for home in _HOMES:
                module = import_module(home)
                if hasattr(module, name):
                    globals()[name] = value = getattr(module, name)  # found directly from now on
                    return value
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
