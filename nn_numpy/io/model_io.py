"""Save a trained model to a NumPy ``.npz`` file and load it back, checked.

A model file (format version 2) holds everything ``predict`` needs and nothing that needs pickle:

=================  ======================================================
``W1 b1 W2 b2``    the parameters, in the model's dtype
``mean std``       the standardizer, (n_x, 1): x_std = (x - mean) / std
``n_features``     n_x, the number of input features
``hidden_size``    n_h, the number of hidden units
``dtype``          "float64" or "float32", the dtype the model computes in
``version``        the nn-numpy version that wrote the file
``format_version`` the layout of this file (``FORMAT_VERSION``)
``feature_names``  (n_x,) the training file's feature column names, in order
``label_name``     the training file's label column name
=================  ======================================================

The two name entries are written together or not at all (a model saved from Python without
column names). Format 1 files (no names) still load; ``predict`` then takes columns by position.

Loading reads the zip archive member by member (``nn_numpy.io._npz``), only the members above. Each
member's ``.npy`` header (shape, dtype) is checked before its data is read, so a file whose
entry claims 2**40 elements, or carries gigabytes of extra data, costs nothing; nothing is
ever unpickled. Parameters that cannot give a finite output are refused at load time.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from nn_numpy import __version__
from nn_numpy.errors import PredictionError
from nn_numpy.io._npz import Members, ModelFileError, open_archive, show
from nn_numpy.io.atomic import atomic_write
from nn_numpy.io.columns import Columns
from nn_numpy.io.data import Standardizer
from nn_numpy.io.resources import available_memory
from nn_numpy.network import PARAM_NAMES, Array, Params, forward

FORMAT_VERSION = 2
READABLE_FORMATS = (1, 2)
DTYPES = ("float32", "float64")
KEYS = (*PARAM_NAMES, "mean", "std", "n_features", "hidden_size", "dtype", "version")
NAME_KEYS = ("feature_names", "label_name")


@dataclass(frozen=True)
class Model:
    """Trained parameters plus the standardizer that maps raw features to the inputs they expect."""

    params: Params
    standardizer: Standardizer
    dtype: np.dtype[Any]
    version: str
    columns: Columns | None = None

    @property
    def n_features(self) -> int:
        """n_x: W1 is (n_h, n_x)."""
        return int(self.params.W1.shape[1])

    @property
    def hidden_size(self) -> int:
        """n_h: W1 is (n_h, n_x)."""
        return int(self.params.W1.shape[0])

    def predict_proba(self, X_raw: Array) -> Array:
        """P(y = 1 | x) = A[2] for raw X_raw (n_x, m): standardize, cast to dtype, forward.

        Raises PredictionError naming the examples whose standardized input or logit Z[2] is
        not finite (values far outside the training data overflow): never returns NaN.
        """
        X_raw = np.asarray(X_raw)
        if X_raw.ndim != 2 or X_raw.shape[0] != self.n_features:
            raise ValueError(
                f"expected raw features of shape ({self.n_features}, m), got {X_raw.shape}"
            )
        with np.errstate(all="ignore"):  # overflow is found and reported below, per example
            X = self.standardizer.transform(X_raw).astype(self.dtype, copy=False)
            cache = forward(self.params, X)
        bad = np.flatnonzero(~(np.all(np.isfinite(X), axis=0) & np.isfinite(cache.Z2[0])))
        if bad.size:
            raise PredictionError(
                f"the model's output overflows {self.dtype}: the values are too far from the "
                "training data",
                bad,
            )
        return cache.A2

    def predict(self, X_raw: Array) -> np.ndarray:
        """Class labels: 1 where A[2] >= 0.5, else 0; shape (1, m)."""
        return (self.predict_proba(X_raw) >= 0.5).astype(np.int64)


def save_model(
    path: str | os.PathLike[str],
    params: Params,
    standardizer: Standardizer,
    dtype: DTypeLike,
    columns: Columns | None = None,
) -> None:
    """Write ``params``, ``standardizer`` and the column names to ``path`` as an ``.npz``.

    The parameters are stored in ``dtype`` exactly as given (bit for bit), so a loaded model
    predicts exactly what the in-memory one does. ``path`` is used as given (no ".npz" appended).
    ``columns`` are the training file's column names; without them (None) predict matches
    columns by position and prints a note saying so.
    """
    dtype = np.dtype(dtype)
    # dict[str, Any]: NumPy's stubs type savez's **kwds loosely enough to clash with its flags.
    arrays: dict[str, Any] = {k: np.asarray(v, dtype=dtype) for k, v in params.as_dict().items()}
    arrays["mean"] = np.asarray(standardizer.mean)
    arrays["std"] = np.asarray(standardizer.std)
    n_h, n_x = arrays["W1"].shape
    arrays["n_features"] = np.array(n_x, dtype=np.int64)
    arrays["hidden_size"] = np.array(n_h, dtype=np.int64)
    arrays["dtype"] = np.array(dtype.name)
    arrays["version"] = np.array(__version__)
    arrays["format_version"] = np.array(FORMAT_VERSION, dtype=np.int64)
    if columns is not None:
        arrays["feature_names"] = np.array(columns.features, dtype=str).reshape(-1)
        arrays["label_name"] = np.array(columns.label, dtype=str)
    problem = _check_names(arrays, n_x) or _check_values(arrays)
    if problem:
        raise ValueError(f"refusing to save an inconsistent model: {problem}")
    with atomic_write(path, "wb") as f:
        np.savez(f, **arrays)


def load_model(path: str | os.PathLike[str]) -> Model:
    """Read a file written by ``save_model``; raise ``ModelFileError`` (one line) if unusable."""
    if os.fspath(path) == "":
        raise ModelFileError("the model path is empty; give a model file written by --save-model")
    where = f"model file {os.fspath(path)!r}"
    with open_archive(path, where) as archive:
        a = Members(archive, where)
        fmt = a.read("format_version", "iufU", (), missing="is not a nn-numpy model file")
        if fmt.dtype.kind not in "iu" or int(fmt) not in READABLE_FORMATS:
            raise ModelFileError(
                f"{where} has format version {show(fmt)}, but nn-numpy {__version__} reads "
                f"format versions {', '.join(map(str, READABLE_FORMATS))}; retrain the model "
                "or use a matching nn-numpy"
            )
        named = any(k + ".npy" in a.names for k in NAME_KEYS)
        a.require(KEYS + (NAME_KEYS if named else ()))
        dtype_name = str(a.read("dtype", "U", ()))
        if dtype_name not in DTYPES:
            raise ModelFileError(
                f"{where} is inconsistent: dtype is {dtype_name!r}, expected one of "
                f"{', '.join(DTYPES)}"
            )
        version = str(a.read("version", "U", ()))
        n_x, n_h = (a.positive(k) for k in ("n_features", "hidden_size"))
        need = np.dtype(dtype_name).itemsize * n_h * (n_x + 3) + 16 * n_x
        if need > available_memory():
            raise ModelFileError(
                f"{where} claims hidden_size={n_h}, n_features={n_x}: {need} bytes of "
                "parameters, more than this machine has available"
            )
        shapes = {"W1": (n_h, n_x), "b1": (n_h, 1), "W2": (1, n_h), "b2": (1, 1)}
        p = {k: a.read(k, dtype_name, shape, sizes=(n_x, n_h)) for k, shape in shapes.items()}
        mean, std = (a.read(k, "f", (n_x, 1), sizes=(n_x, n_h)) for k in ("mean", "std"))
        columns = None
        if named:
            names = a.read("feature_names", "U", (n_x,), sizes=(n_x, n_h))
            columns = Columns(tuple(map(str, names)), str(a.read("label_name", "U", ())))
    arrays = {**p, "mean": mean, "std": std, "dtype": np.array(dtype_name)}
    problem = _check_values(arrays)
    if columns is not None:
        problem = problem or _check_names(
            {"feature_names": np.array(columns.features), "label_name": np.array(columns.label)},
            n_x,
        )
    if problem:
        raise ModelFileError(f"{where} is inconsistent: {problem}")
    return Model(
        Params(**p),
        Standardizer(mean=mean.astype(np.float64), std=std.astype(np.float64)),
        np.dtype(dtype_name),
        version,
        columns,
    )


def _check_values(a: dict[str, np.ndarray]) -> str:
    """What is wrong with the parameter and standardizer values, or "" if they can be used.

    Beyond finiteness and std > 0: standardizing 0 (-mean/std) must be finite, and the output
    must stay finite for every input within one std of the training mean: with |x_std| <= 1,
    |Z[1]| <= |W1| 1 + |b1| and |Z[2]| <= |W2| |Z[1]| + |b2|, bounded in float64.
    """
    for k in (*PARAM_NAMES, "mean", "std"):
        if not np.all(np.isfinite(a[k])):
            return f"{k} has non-finite values"
    if not np.all(a["std"] > 0):
        return "std has values <= 0"
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is the finding, not a warning
        _, k = np.frexp(a["std"])
        if not np.all(np.isfinite(np.ldexp(a["mean"].astype(np.float64), -k))):
            return "std is too small for mean: standardized values overflow"
        W1, b1, W2, b2 = (np.abs(a[k].astype(np.float64)) for k in PARAM_NAMES)
        bound = W2 @ (W1.sum(axis=1, keepdims=True) + b1) + b2
    if not bound[0, 0] <= np.finfo(str(a["dtype"])).max:
        return "parameters are so large that the output overflows even near the training mean"
    return ""


def _check_names(a: dict[str, np.ndarray], n_x: int) -> str:
    """What is wrong with the column names, or "" (also when there are none)."""
    if not any(k in a for k in NAME_KEYS):
        return ""
    names = [str(v) for v in a["feature_names"].reshape(-1)] + [str(a["label_name"])]
    if len(names) != n_x + 1 or a["label_name"].shape != ():
        return f"expected {n_x} feature names and one label name"
    if any(not name or name != name.strip(" \t") for name in names):  # as the reader strips
        return "column names must be non-empty without surrounding spaces"
    if len(set(names)) != len(names):
        return "column names must be distinct"
    return ""
