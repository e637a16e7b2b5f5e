"""nn-numpy: a one-hidden-layer NumPy network whose backpropagation is checked against autograd."""

from nn_numpy._signals import install_early_handlers

install_early_handlers()  # only in the command-line programs: see nn_numpy._signals

from nn_numpy.errors import DataError, ModelFileError, NNNumpyError, UsageError  # noqa: E402
from nn_numpy.network import (  # noqa: E402
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
from nn_numpy.training.trainer import Trainer  # noqa: E402

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
