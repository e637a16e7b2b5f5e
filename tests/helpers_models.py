"""Model-file helpers shared by several test files: a trained model, and reading, rewriting and
failing to load a saved model's entries. Import them as ``from tests.helpers_models import ...``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nn_numpy import Params, init_params, train
from nn_numpy.io.columns import Columns
from nn_numpy.io.data import Standardizer
from nn_numpy.io.model_io import ModelFileError, load_model

COLUMNS = Columns(("x1", "x2", "x3"), "label")


def trained_model(dtype: type[np.floating]) -> tuple[Params, Standardizer, np.ndarray]:
    """A briefly trained 3-feature model in ``dtype`` and raw data far from zero mean, unit std."""
    rng = np.random.default_rng(7)
    X_raw = rng.normal(loc=[[50.0], [-3.0], [0.01]], scale=[[10.0], [0.5], [0.002]], size=(3, 64))
    standardizer = Standardizer.fit(X_raw)
    X = standardizer.transform(X_raw).astype(dtype)
    Y = (X[0] + X[1] * X[2] > 0).astype(dtype).reshape(1, -1)
    params, _ = train(X, Y, init_params(3, 5, seed=1, dtype=dtype), learning_rate=0.5, epochs=50)
    return params, standardizer, X_raw


def model_arrays(path: Path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as z:
        return {k: z[k] for k in z.files}


def rewrite_model(path: Path, **changes: np.ndarray | None) -> None:
    """Rewrite a model file with some entries replaced (or removed, for None)."""
    arrays = model_arrays(path)
    for k, v in changes.items():
        if v is None:
            del arrays[k]
        else:
            arrays[k] = v
    with open(path, "wb") as f:
        np.savez(f, **arrays)  # type: ignore[arg-type]


def as_format_2(path: Path) -> None:
    """Rewrite a saved one-ReLU-layer model in format 2's documented layout (model_io's
    docstring): ``hidden_size`` in place of ``layer_sizes`` and ``activation``."""
    arrays = model_arrays(path)
    sizes = [int(n) for n in arrays.pop("layer_sizes")]
    assert len(sizes) == 3 and str(arrays.pop("activation")) == "relu"
    rewrite_model(path, layer_sizes=None, activation=None, hidden_size=np.array(sizes[1]),
                  format_version=np.array(2))  # fmt: skip


def load_error(path: Path) -> str:
    with pytest.raises(ModelFileError) as info:
        load_model(path)
    message = str(info.value)
    assert "\n" not in message
    assert str(path) in message
    return message
