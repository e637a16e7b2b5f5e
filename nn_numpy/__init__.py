"""nn-numpy: a one-hidden-layer NumPy network whose backpropagation is checked against autograd."""

__version__ = "0.1.0"

__all__ = [
    "Cache",
    "DataError",
    "Grads",
    "ModelFileError",
    "NNNumpyError",
    "Params",
    "Trainer",
    "UsageError",
    "__version__",
    "backward",
    "compute_cost",
    "forward",
    "init_params",
    "predict",
    "predict_proba",
    "relu",
    "sigmoid",
    "train",
    "update_params",
]

# The names of __all__ are imported on first use (PEP 562): importing the package loads no
# NumPy, so that the programs set their signal handling first (nn_numpy._runner).
# `from nn_numpy import forward` and `nn_numpy.forward` work as usual.
_HOMES = ("nn_numpy.errors", "nn_numpy.network", "nn_numpy.training.trainer")

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (mypy knows the name)
if TYPE_CHECKING:
    from nn_numpy.errors import DataError, ModelFileError, NNNumpyError, UsageError
    from nn_numpy.network import (
        Cache,
        Grads,
        Params,
        backward,
        compute_cost,
        forward,
        init_params,
        predict,
        predict_proba,
        relu,
        sigmoid,
        train,
        update_params,
    )
    from nn_numpy.training.trainer import Trainer
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
