"""Model format 3: every layer and the activation round-trip exactly, formats 1 and 2 still load
and predict the same, and a file whose layers do not add up is one line naming what is wrong."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pytest
from numpy.lib import format as npy

from nn_numpy.io.data import Standardizer
from nn_numpy.io.model_io import MAX_HIDDEN_LAYERS, load_model, save_model
from nn_numpy.network import Params, init_params, predict_proba, train
from tests.helpers_models import COLUMNS, as_format_2, load_error, model_arrays, rewrite_model

pytestmark = pytest.mark.filterwarnings("error")  # a warning is a failure here


def _deep(activation: str = "relu", dtype: type[np.floating] = np.float64):
    """A briefly trained 3 -> 4 -> 3 -> 2 -> 1 network and raw data far from mean 0, std 1."""
    rng = np.random.default_rng(11)
    X_raw = rng.normal(loc=[[50.0], [-3.0], [0.01]], scale=[[10.0], [0.5], [0.002]], size=(3, 64))
    standardizer = Standardizer.fit(X_raw)
    X = standardizer.transform(X_raw).astype(dtype)
    Y = (X[0] * X[1] > 0).astype(dtype).reshape(1, -1)
    start = init_params(3, (4, 3, 2), seed=2, dtype=dtype, activation=activation)
    params, _ = train(X, Y, start, learning_rate=0.5, epochs=30)
    return params, standardizer, X_raw


@pytest.fixture
def deep_file(tmp_path: Path) -> Path:
    params, standardizer, _ = _deep()
    path = tmp_path / "deep.npz"
    save_model(path, params, standardizer, np.float64, COLUMNS)
    return path


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
def test_a_deep_model_round_trips_exactly_for_each_activation(tmp_path, activation, dtype):
    params, standardizer, X_raw = _deep(activation, dtype)
    path = tmp_path / "m.npz"
    save_model(path, params, standardizer, dtype, COLUMNS)
    model = load_model(path)
    assert model.params.activation == activation
    assert model.params.layer_sizes == (3, 4, 3, 2, 1) and model.columns == COLUMNS
    assert list(model.params) == list(params)
    for name, value in params.items():
        assert model.params[name].dtype == np.dtype(dtype)
        assert np.array_equal(model.params[name], value)
    direct = predict_proba(params, standardizer.transform(X_raw).astype(dtype))
    assert np.array_equal(model.predict_proba(X_raw), direct)


def test_the_file_stores_every_layer_the_sizes_and_the_activation(deep_file):
    arrays = model_arrays(deep_file)
    assert {f"{k}{l}" for l in range(1, 5) for k in "Wb"} <= set(arrays)
    assert arrays["layer_sizes"].tolist() == [3, 4, 3, 2, 1]
    assert str(arrays["activation"]) == "relu" and int(arrays["format_version"]) == 3


@pytest.mark.parametrize("fmt", [1, 2])
def test_a_format_1_or_2_file_predicts_what_the_same_model_in_format_3_does(model_file, fmt):
    X = np.random.default_rng(0).normal(loc=[[50.0], [-3.0], [0.01]], size=(3, 20))
    expected = load_model(model_file).predict_proba(X)
    as_format_2(model_file)
    if fmt == 1:
        rewrite_model(model_file, format_version=np.array(1), feature_names=None, label_name=None)
    model = load_model(model_file)
    assert (model.params.activation, model.params.layer_sizes) == ("relu", (3, 5, 1))
    assert np.array_equal(model.predict_proba(X), expected)


def _npy_header(shape: tuple[int, ...], dtype: str = "<i8") -> bytes:
    buf = io.BytesIO()
    npy.write_array_header_1_0(buf, {"descr": dtype, "fortran_order": False, "shape": shape})
    return buf.getvalue()


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"W4": None, "b4": None}, "missing entries: W4, b4"),
        ({"b2": None}, "missing entries: b2"),
        ({"W5": np.ones((1, 1)), "b5": np.ones((1, 1))}, "it holds W5, b5, parameters of no layer"),
        ({"b5": np.ones((1, 1))}, "it holds b5, parameters of no layer"),
        ({"W0": np.ones((1, 1))}, "it holds W0, parameters of no layer"),
        ({"W2": np.ones((3, 3))}, "W2 has shape (3, 3), expected (3, 4) for layer_sizes="),
        ({"b3": np.ones((3, 1))}, "b3 has shape (3, 1), expected (2, 1)"),
        ({"layer_sizes": np.array([3, 4, 3, 1])}, "holds W4, b4, parameters of no layer of"),
        ({"layer_sizes": np.array([3, 4, 2, 2, 1])}, "W2 has shape (3, 4), expected (2, 4)"),
        ({"layer_sizes": np.array([3, 4, 3, 2, 2])}, "layer_sizes is (3, 4, 3, 2, 2), expected"),
        ({"layer_sizes": np.array([2, 4, 3, 2, 1])}, "from n_features=3 to 1"),
        ({"layer_sizes": np.array([3, 0, 3, 2, 1])}, "expected positive sizes"),
        ({"layer_sizes": np.array([3, -4, 3, 2, 1])}, "expected positive sizes"),
        ({"layer_sizes": np.array([3, 1])}, "layer_sizes has 2 entries, expected the input, 1 to"),
        ({"layer_sizes": np.array([3.0, 4, 3, 2, 1])}, "layer_sizes has dtype float64"),
        ({"layer_sizes": np.ones((5, 1), int)}, "layer_sizes has shape (5, 1), expected a vector"),
        ({"layer_sizes": np.array(3)}, "layer_sizes has shape (), expected a vector"),
        ({"layer_sizes": np.ones(MAX_HIDDEN_LAYERS + 3, int)}, "layer_sizes has shape (103,)"),
        ({"activation": np.array("gelu")}, "activation is 'gelu', expected one of relu, tanh"),
        ({"activation": np.array(1)}, "activation has dtype int64, expected a string"),
        ({"W3": np.full((2, 3), np.nan)}, "W3 has non-finite values"),
        ({"b4": np.full((1, 1), -np.inf)}, "b4 has non-finite values"),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 30 else None,
)
def test_a_format_3_file_whose_layers_do_not_add_up_says_what_is_wrong(
    deep_file, changes, expected
):
    rewrite_model(deep_file, **changes)
    assert expected in load_error(deep_file)


def test_a_layer_count_claimed_in_a_header_is_refused_before_its_data_is_read(deep_file):
    rewrite_model(deep_file, layer_sizes=None)
    with zipfile.ZipFile(deep_file, "a") as z:
        z.writestr("layer_sizes.npy", _npy_header((2**40,)) + bytes(64))
    assert "layer_sizes has shape (1099511627776,), expected a vector of 1 to" in load_error(
        deep_file
    )


def test_layer_sizes_beyond_the_machine_are_refused_before_reading_parameters(deep_file):
    sizes = np.array([3, 4, 10**15, 2, 1])
    rewrite_model(deep_file, layer_sizes=sizes, W2=None)
    with zipfile.ZipFile(deep_file, "a") as z:
        z.writestr("W2.npy", _npy_header((10**15, 4), "<f8"))
    assert "claims layer_sizes=(3, 4, 1000000000000000, 2, 1)" in load_error(deep_file)


def _chain(W: float, activation: str, depth: int = 3) -> Params:
    """A 2 -> 2 -> ... -> 1 network whose every weight is W and every bias 0."""
    sizes = (2, *([2] * depth), 1)
    arrays = {}
    for l in range(1, len(sizes)):
        arrays[f"W{l}"] = np.full((sizes[l], sizes[l - 1]), W)
        arrays[f"b{l}"] = np.zeros((sizes[l], 1))
    return Params(**arrays, activation=activation)


def test_a_float32_model_whose_first_layer_overflows_float32_is_refused_at_load(tmp_path):
    """W1 = 3e38 with two inputs: Z1 reaches 6e38 > float32's 3.4e38 near the mean, although
    tanh would bound every later layer; the bound holds Z[l] of every layer, not only Z[L]."""
    path = tmp_path / "m.npz"
    save_model(path, _chain(1.0, "tanh"), Standardizer.identity(2), np.float32)
    W1 = np.full((2, 2), 3e38, dtype=np.float32)
    rewrite_model(path, W1=W1)
    assert "Z1 beyond the float32 range" in load_error(path)
    with pytest.raises(ValueError, match="the output overflows even near the training mean"):
        save_model(path, Params(**{**_chain(1.0, "tanh"), "W1": W1}, activation="tanh"),
                   Standardizer.identity(2), np.float32)  # fmt: skip


def test_relu_layers_multiply_the_bound_and_tanh_layers_reset_it(tmp_path):
    """W = 1e103 everywhere, 3 hidden layers: with ReLU |Z3| reaches 2 * 1e103 * 4e206 = 8e309,
    past float64 (refused); with tanh every |Z[l]| stays at most 2e103 (loads, and predicts)."""
    path = tmp_path / "m.npz"
    with pytest.raises(ValueError, match=r"Z3 beyond the float64 range"):
        save_model(path, _chain(1e103, "relu"), Standardizer.identity(2), np.float64)
    save_model(path, _chain(1e103, "tanh"), Standardizer.identity(2), np.float64)
    proba = load_model(path).predict_proba(np.array([[1.0, -1.0], [0.5, -1.0]]))
    assert np.all((proba >= 0) & (proba <= 1))


def test_a_model_with_more_hidden_layers_than_allowed_is_not_saved(tmp_path):
    path = tmp_path / "m.npz"
    params = init_params(2, (1,) * (MAX_HIDDEN_LAYERS + 1), seed=0, activation="tanh")
    with pytest.raises(ValueError, match=f"expected the input, 1 to {MAX_HIDDEN_LAYERS} hidden"):
        save_model(path, params, Standardizer.identity(2), np.float64)
    assert not path.exists()
