"""Save a trained model to a NumPy ``.npz`` file and load it back, checked.

A model file holds everything ``predict`` needs and nothing that needs pickle:

=================  ======================================================
``W1 b1 W2 b2``    the parameters, in the model's dtype
``mean std``       the standardizer, (n_x, 1): x_std = (x - mean) / std
``n_features``     n_x, the number of input features
``hidden_size``    n_h, the number of hidden units
``dtype``          "float64" or "float32", the dtype the model computes in
``version``        the nn-numpy version that wrote the file
``format_version`` the layout of this file (``FORMAT_VERSION``)
=================  ======================================================

It is read with ``np.load(path, allow_pickle=False)``, so loading a file never runs code.
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.lib.npyio import NpzFile
from numpy.typing import DTypeLike

from nn_numpy import __version__
from nn_numpy._io import atomic_write
from nn_numpy.data import Standardizer
from nn_numpy.network import Array, Params, predict_proba

FORMAT_VERSION = 1
DTYPES = ("float32", "float64")
_PARAM_KEYS = ("W1", "b1", "W2", "b2")
KEYS = (*_PARAM_KEYS, "mean", "std", "n_features", "hidden_size", "dtype", "version")


class ModelFileError(ValueError):
    """A model file that cannot be used; the message is one line naming the file."""


@dataclass(frozen=True)
class Model:
    """Trained parameters plus the standardizer that maps raw features to the inputs they expect."""

    params: Params
    standardizer: Standardizer
    dtype: np.dtype[Any]
    version: str

    @property
    def n_features(self) -> int:
        """n_x: W1 is (n_h, n_x)."""
        return int(self.params.W1.shape[1])

    @property
    def hidden_size(self) -> int:
        """n_h: W1 is (n_h, n_x)."""
        return int(self.params.W1.shape[0])

    def predict_proba(self, X_raw: Array) -> Array:
        """P(y = 1 | x) = A[2] for raw X_raw (n_x, m): standardize, cast to dtype, forward."""
        X_raw = np.asarray(X_raw)
        if X_raw.ndim != 2 or X_raw.shape[0] != self.n_features:
            raise ValueError(
                f"expected raw features of shape ({self.n_features}, m), got {X_raw.shape}"
            )
        X = self.standardizer.transform(X_raw).astype(self.dtype, copy=False)
        return predict_proba(self.params, X)

    def predict(self, X_raw: Array) -> np.ndarray:
        """Class labels: 1 where A[2] >= 0.5, else 0; shape (1, m)."""
        return (self.predict_proba(X_raw) >= 0.5).astype(np.int64)


def save_model(
    path: str | os.PathLike[str], params: Params, standardizer: Standardizer, dtype: DTypeLike
) -> None:
    """Write ``params`` and ``standardizer`` to ``path`` as an ``.npz``, atomically.

    The parameters are stored in ``dtype`` exactly as given (bit for bit), so a loaded model
    predicts exactly what the in-memory one does. ``path`` is used as given (no ".npz" appended).
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
    problem = _check(arrays)
    if problem:
        raise ValueError(f"refusing to save an inconsistent model: {problem}")
    with atomic_write(path, "wb") as f:
        np.savez(f, **arrays)


def load_model(path: str | os.PathLike[str]) -> Model:
    """Read a file written by ``save_model``; raise ``ModelFileError`` (one line) if unusable."""
    where = f"model file {os.fspath(path)!r}"
    arrays = _read(path, where)
    if "format_version" not in arrays:
        raise ModelFileError(f"{where} is not an nn-numpy model (no 'format_version' entry)")
    fmt = arrays["format_version"]
    if fmt.shape != () or fmt.dtype.kind not in "iu" or int(fmt) != FORMAT_VERSION:
        raise ModelFileError(
            f"{where} has format version {_show(fmt)}, but nn-numpy {__version__} reads format "
            f"version {FORMAT_VERSION}; retrain the model or use a matching nn-numpy"
        )
    missing = [k for k in KEYS if k not in arrays]
    if missing:
        raise ModelFileError(f"{where} is missing entries: {', '.join(missing)}")
    problem = _check(arrays)
    if problem:
        raise ModelFileError(f"{where} is inconsistent: {problem}")
    params = Params(**{k: arrays[k] for k in _PARAM_KEYS})
    return Model(
        params=params,
        standardizer=Standardizer(mean=arrays["mean"], std=arrays["std"]),
        dtype=np.dtype(str(arrays["dtype"])),
        version=str(arrays["version"]),
    )


def _read(path: str | os.PathLike[str], where: str) -> dict[str, np.ndarray]:
    """Every array in the archive, read eagerly so that a damaged member fails here."""
    try:
        loaded = np.load(path, allow_pickle=False)
        if not isinstance(loaded, NpzFile):
            raise ModelFileError(f"{where} holds a single .npy array, not an .npz model")
        with loaded as archive:
            return {k: archive[k] for k in archive.files}
    except FileNotFoundError:
        raise ModelFileError(f"{where} does not exist") from None
    except IsADirectoryError:
        raise ModelFileError(f"{where} is a directory, not a file") from None
    except PermissionError as e:
        raise ModelFileError(f"{where} cannot be read: {e.strerror}") from None
    except ModelFileError:
        raise
    except (ValueError, OSError, EOFError, zipfile.BadZipFile, KeyError) as e:
        # Not NumPy data at all (np.load then refuses to unpickle it), a truncated or damaged
        # archive, or an entry holding Python objects.
        reason = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise ModelFileError(f"{where} is not a readable .npz model ({reason})") from None


def _check(a: dict[str, np.ndarray]) -> str:
    """Return what is wrong with a complete set of model arrays, or "" if they fit together."""
    dtype_name = a["dtype"]
    if dtype_name.shape != () or dtype_name.dtype.kind != "U" or str(dtype_name) not in DTYPES:
        return f"dtype is {_show(dtype_name)}, expected one of {', '.join(DTYPES)}"
    if a["version"].shape != () or a["version"].dtype.kind != "U":
        return f"version is {_show(a['version'])}, expected a string"
    sizes = {}
    for k in ("n_features", "hidden_size"):
        v = a[k]
        if v.shape != () or v.dtype.kind not in "iu" or int(v) < 1:
            return f"{k} is {_show(v)}, expected a positive integer"
        sizes[k] = int(v)
    n_x, n_h = sizes["n_features"], sizes["hidden_size"]
    expected = {
        "W1": (n_h, n_x),
        "b1": (n_h, 1),
        "W2": (1, n_h),
        "b2": (1, 1),
        "mean": (n_x, 1),
        "std": (n_x, 1),
    }
    for k, shape in expected.items():
        if a[k].shape != shape:
            return (
                f"{k} has shape {a[k].shape}, expected {shape} "
                f"for n_features={n_x}, hidden_size={n_h}"
            )
    for k in _PARAM_KEYS:
        if a[k].dtype != np.dtype(str(dtype_name)):
            return f"{k} has dtype {a[k].dtype}, expected {dtype_name}"
    for k in ("mean", "std"):
        if a[k].dtype.kind != "f":
            return f"{k} has dtype {a[k].dtype}, expected floating point"
    for k in (*_PARAM_KEYS, "mean", "std"):
        if not np.all(np.isfinite(a[k])):
            return f"{k} has non-finite values"
    if not np.all(a["std"] > 0):
        return "std has values <= 0"
    return ""


def _show(v: np.ndarray) -> str:
    """A short description of a stored value for an error message."""
    if v.shape == () and v.dtype.kind in "iufU":
        return repr(v.item())
    return f"an array of shape {v.shape} and dtype {v.dtype}"
