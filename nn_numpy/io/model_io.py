"""Save a trained model to a NumPy ``.npz`` file and load it back, checked.

A model file (format version 3) holds everything ``predict`` needs and nothing that needs pickle:

===================  =====================================================
``W1 b1 ... WL bL``  the parameters of every layer, in the model's dtype
``layer_sizes``      (L + 1,) int: n_x, n_1, ..., n_{L-1}, 1 (input to output)
``activation``       the hidden layers' activation: "relu", "tanh" or "sigmoid"
``mean std``         the standardizer, (n_x, 1): x_std = (x - mean) / std
``n_features``       n_x, the number of input features
``dtype``            "float64" or "float32", the dtype the model computes in
``version``          the nn-numpy version that wrote the file
``format_version``   the layout of this file (``FORMAT_VERSION``)
``feature_names``    (n_x,) the training file's feature column names, in order
``label_name``       the training file's label column name
===================  =====================================================

The two name entries are written together or not at all (a model saved from Python without
column names). Formats 1 and 2 (one ReLU hidden layer: ``W1 b1 W2 b2`` and ``hidden_size`` in
place of ``layer_sizes`` and ``activation``; format 1 without names) still load; ``predict``
takes the columns of a file without names by position.

Loading reads the zip archive member by member (``nn_numpy.io._npz``), only the members above. Each
member's ``.npy`` header (shape, dtype) is checked before its data is read, so a file whose
entry claims 2**40 elements, or carries gigabytes of extra data, costs nothing; nothing is
ever unpickled. Parameters that cannot give a finite output are refused at load time.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from nn_numpy import __version__
from nn_numpy.errors import PredictionError, quoted
from nn_numpy.io._npz import Members, ModelFileError, open_archive, show
from nn_numpy.io.atomic import atomic_write
from nn_numpy.io.columns import Columns
from nn_numpy.io.data import Standardizer
from nn_numpy.io.resources import available_memory
from nn_numpy.network import ACTIVATIONS, Array, Params, forward, param_names

FORMAT_VERSION = 3
READABLE_FORMATS = (1, 2, 3)
DTYPES = ("float32", "float64")
# Hidden layers a model may have: far beyond any network trained here, small enough that a
# file's layer count alone never makes the loader loop or allocate much.
MAX_HIDDEN_LAYERS = 100
KEYS = ("layer_sizes", "activation", "mean", "std", "n_features", "dtype", "version")
KEYS_V2 = (*param_names(2), "mean", "std", "n_features", "hidden_size", "dtype", "version")
NAME_KEYS = ("feature_names", "label_name")
_PARAM_MEMBER = re.compile(r"[Wb][0-9]+\.npy")


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
        """n_x: W1 is (n_1, n_x)."""
        return int(self.params.W1.shape[1])

    @property
    def hidden_size(self) -> int:
        """n_1, the width of the first hidden layer (the only one, for formats 1 and 2)."""
        return int(self.params.W1.shape[0])

    def predict_proba(self, X_raw: Array) -> Array:
        """P(y = 1 | x) = A[L] for raw X_raw (n_x, m): standardize, cast to dtype, forward.

        Raises PredictionError naming the examples whose standardized input or logit Z[L] is
        not finite (values far outside the training data overflow): never returns NaN. (A
        hidden Z[l] that overflows gives a NaN or infinite logit, or saturates a tanh or
        sigmoid unit exactly as the unrounded value would.)
        """
        X_raw = np.asarray(X_raw)
        if X_raw.ndim != 2 or X_raw.shape[0] != self.n_features:
            raise ValueError(
                f"expected raw features of shape ({self.n_features}, m), got {X_raw.shape}"
            )
        with np.errstate(all="ignore"):  # overflow is found and reported below, per example
            X = self.standardizer.transform(X_raw).astype(self.dtype, copy=False)
            cache = forward(self.params, X)
        L = cache.L
        bad = np.flatnonzero(~(np.all(np.isfinite(X), axis=0) & np.isfinite(cache[f"Z{L}"][0])))
        if bad.size:
            raise PredictionError(
                f"the model's output overflows {self.dtype}: the values are too far from the "
                "training data",
                bad,
            )
        return cache[f"A{L}"]

    def predict(self, X_raw: Array) -> np.ndarray:
        """Class labels: 1 where A[L] >= 0.5, else 0; shape (1, m)."""
        return (self.predict_proba(X_raw) >= 0.5).astype(np.int64)


def save_model(
    path: str | os.PathLike[str],
    params: Params,
    standardizer: Standardizer,
    dtype: DTypeLike,
    columns: Columns | None = None,
) -> None:
    """Write ``params`` (every layer), ``standardizer`` and the column names to ``path``.

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
    sizes = params.layer_sizes
    n_x = sizes[0]
    arrays["layer_sizes"] = np.array(sizes, dtype=np.int64)
    arrays["activation"] = np.array(params.activation)
    arrays["n_features"] = np.array(n_x, dtype=np.int64)
    arrays["dtype"] = np.array(dtype.name)
    arrays["version"] = np.array(__version__)
    arrays["format_version"] = np.array(FORMAT_VERSION, dtype=np.int64)
    if columns is not None:
        arrays["feature_names"] = np.array(columns.features, dtype=str).reshape(-1)
        arrays["label_name"] = np.array(columns.label, dtype=str)
    problem = (
        _check_sizes(sizes, n_x)
        or _check_names(arrays, n_x)
        or _check_values(arrays, sizes, params.activation)
    )
    if problem:
        raise ValueError(f"refusing to save an inconsistent model: {problem}")
    with atomic_write(path, "wb") as f:
        np.savez(f, **arrays)


def load_model(path: str | os.PathLike[str]) -> Model:
    """Read a file written by ``save_model``; raise ``ModelFileError`` (one line) if unusable."""
    if os.fspath(path) == "":
        raise ModelFileError("the model path is empty; give a model file written by --save-model")
    where = f"model file {quoted(os.fspath(path))}"
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
        names = NAME_KEYS if named else ()
        sizes: tuple[int, ...]
        if int(fmt) < 3:  # one ReLU hidden layer of hidden_size units
            a.require(KEYS_V2 + names)
            n_x, n_h = (a.positive(k) for k in ("n_features", "hidden_size"))
            sizes, activation = (n_x, n_h, 1), "relu"
            context = f"hidden_size={n_h}, n_features={n_x}"
        else:
            a.require(KEYS + names)
            sizes, activation = _read_architecture(a, where)
            n_x = sizes[0]
            context = f"layer_sizes={sizes}"
        L, shapes = len(sizes) - 1, dict[str, tuple[int, int]]()
        for l in range(1, L + 1):
            shapes[f"W{l}"], shapes[f"b{l}"] = (sizes[l], sizes[l - 1]), (sizes[l], 1)
        extra = sorted({k[:-4] for k in a.names if _PARAM_MEMBER.fullmatch(k)} - set(shapes))
        if extra:
            raise ModelFileError(
                f"{where} is inconsistent: it holds {', '.join(extra[:3])}, parameters of "
                f"no layer of {context}"
            )
        a.require(tuple(shapes))
        dtype_name = str(a.read("dtype", "U", ()))
        if dtype_name not in DTYPES:
            raise ModelFileError(
                f"{where} is inconsistent: dtype is {dtype_name!r}, expected one of "
                f"{', '.join(DTYPES)}"
            )
        version = str(a.read("version", "U", ()))
        weights = sum(sizes[l] * (sizes[l - 1] + 1) for l in range(1, L + 1))
        need = np.dtype(dtype_name).itemsize * weights + 16 * n_x
        if need > available_memory():
            raise ModelFileError(
                f"{where} claims {context}: {need} bytes of parameters, more than this "
                "machine has available"
            )
        p = {k: a.read(k, dtype_name, shape, context=context) for k, shape in shapes.items()}
        mean, std = (a.read(k, "f", (n_x, 1), context=context) for k in ("mean", "std"))
        columns = None
        if named:
            stored = a.read("feature_names", "U", (n_x,), context=context)
            columns = Columns(tuple(map(str, stored)), str(a.read("label_name", "U", ())))
    arrays = {**p, "mean": mean, "std": std, "dtype": np.array(dtype_name)}
    problem = _check_values(arrays, sizes, activation)
    if columns is not None:
        problem = problem or _check_names(
            {"feature_names": np.array(columns.features), "label_name": np.array(columns.label)},
            n_x,
        )
    if problem:
        raise ModelFileError(f"{where} is inconsistent: {problem}")
    return Model(
        Params(**p, activation=activation),
        Standardizer(mean=mean.astype(np.float64), std=std.astype(np.float64)),
        np.dtype(dtype_name),
        version,
        columns,
    )


def _read_architecture(a: Members, where: str) -> tuple[tuple[int, ...], str]:
    """Format 3's layer sizes and activation, checked before any parameter is read."""
    stored = a.read("layer_sizes", "iu", (), max_length=MAX_HIDDEN_LAYERS + 2)
    sizes = tuple(int(n) for n in stored)
    activation = str(a.read("activation", "U", ()))
    problem = _check_sizes(sizes, a.positive("n_features"))
    if not problem and activation not in ACTIVATIONS:
        problem = f"activation is {activation!r}, expected one of {', '.join(ACTIVATIONS)}"
    if problem:
        raise ModelFileError(f"{where} is inconsistent: {problem}")
    return sizes, activation


def _check_sizes(sizes: tuple[int, ...], n_x: int) -> str:
    """What is wrong with layer sizes (n_x, n_1, ..., 1), or ""."""
    if not 1 <= len(sizes) - 2 <= MAX_HIDDEN_LAYERS:
        return (
            f"layer_sizes has {len(sizes)} entries, expected the input, 1 to "
            f"{MAX_HIDDEN_LAYERS} hidden layers and the output"
        )
    if min(sizes) < 1 or sizes[-1] != 1 or sizes[0] != n_x:
        return f"layer_sizes is {sizes}, expected positive sizes from n_features={n_x} to 1"
    return ""


def _check_values(a: dict[str, np.ndarray], sizes: tuple[int, ...], activation: str) -> str:
    """What is wrong with the parameter and standardizer values, or "" if they can be used.

    Beyond finiteness and std > 0: standardizing 0 (-mean/std) must be finite, and every
    layer's Z[l] must stay finite in the model's dtype for every input within one std of the
    training mean: with |A[0]| <= 1, |Z[l]| <= |W[l]| B[l-1] + |b[l]| =: B[l], where B[l] bounds
    |A[l]| too for ReLU (|g(z)| <= |z|) and 1 does for tanh and sigmoid; bounded in float64.
    """
    L = len(sizes) - 1
    for k in (*param_names(L), "mean", "std"):
        if not np.all(np.isfinite(a[k])):
            return f"{k} has non-finite values"
    if not np.all(a["std"] > 0):
        return "std has values <= 0"
    limit = np.finfo(str(a["dtype"])).max
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is the finding, not a warning
        _, k = np.frexp(a["std"])
        if not np.all(np.isfinite(np.ldexp(a["mean"].astype(np.float64), -k))):
            return "std is too small for mean: standardized values overflow"
        bound = np.ones((sizes[0], 1))
        for l in range(1, L + 1):
            W, b = (np.abs(a[f"{kind}{l}"].astype(np.float64)) for kind in "Wb")
            bound = W @ bound + b
            if not np.all(bound <= limit):
                return (
                    "parameters are so large that the output overflows even near the training "
                    f"mean (Z{l} beyond the {a['dtype']} range)"
                )
            if activation != "relu":
                bound = np.ones_like(bound)
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
