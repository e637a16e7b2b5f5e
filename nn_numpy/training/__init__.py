"""Training: the fused NumPy ``Trainer``, the optional compiled backend and the recording loop.

``make_trainer(X, Y, params, learning_rate, backend=...)`` builds the fused ``Trainer``
(``trainer``, one hidden ReLU layer), a ``LayeredTrainer`` (``layered``, any depth and hidden
activation) or a ``NumbaTrainer`` (``fast_trainer``); ``fit(trainer, epochs)`` steps it and
returns the cost curve as a ``History`` (``loop``), raising ``Diverged`` if J stops being finite.
"""

from nn_numpy.training.fast_trainer import BACKENDS, NumbaTrainer, TrainerLike, make_trainer
from nn_numpy.training.layered import LayeredTrainer
from nn_numpy.training.loop import History, fit
from nn_numpy.training.trainer import Trainer

__all__ = [
    "BACKENDS",
    "History",
    "LayeredTrainer",
    "NumbaTrainer",
    "Trainer",
    "TrainerLike",
    "fit",
    "make_trainer",
]
