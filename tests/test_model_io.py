"""Model files: exact round trips, documented contents, atomic writes, and one-line errors."""

from __future__ import annotations

import zipfile

import numpy as np
import pytest

import nn_numpy
from nn_numpy.io.data import Standardizer
from nn_numpy.io.model_io import (
    FORMAT_VERSION,
    KEYS,
    NAME_KEYS,
    Model,
    load_model,
    save_model,
)
from nn_numpy.network import Params, init_params, predict_proba
from tests.helpers_models import COLUMNS, load_error, model_arrays, rewrite_model, trained_model


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_loaded_model_predicts_exactly_what_the_in_memory_one_does(tmp_path, dtype):
    params, standardizer, X_raw = trained_model(dtype)
    path = tmp_path / "model.npz"
    save_model(path, params, standardizer, dtype, COLUMNS)
    loaded = load_model(path)

    in_memory = Model(params, standardizer, np.dtype(dtype), nn_numpy.__version__)
    direct = predict_proba(params, standardizer.transform(X_raw).astype(dtype))
    assert loaded.predict_proba(X_raw).dtype == np.dtype(dtype)
    assert np.array_equal(loaded.predict_proba(X_raw), in_memory.predict_proba(X_raw))
    assert np.array_equal(loaded.predict_proba(X_raw), direct)
    assert np.array_equal(loaded.predict(X_raw), (direct >= 0.5).astype(np.int64))
    for name, value in params.as_dict().items():
        assert loaded.params[name].dtype == np.dtype(dtype)
        assert np.array_equal(loaded.params[name], value)
    assert np.array_equal(loaded.standardizer.mean, standardizer.mean)
    assert np.array_equal(loaded.standardizer.std, standardizer.std)


def test_model_file_holds_documented_entries_readable_without_pickle(model_file):
    arrays = model_arrays(model_file)
    assert set(arrays) == {"W1", "b1", "W2", "b2", *KEYS, *NAME_KEYS, "format_version"}
    assert [str(n) for n in arrays["feature_names"]] == ["x1", "x2", "x3"]
    assert str(arrays["label_name"]) == "label"
    assert str(arrays["version"]) == nn_numpy.__version__
    assert int(arrays["format_version"]) == FORMAT_VERSION
    assert str(arrays["dtype"]) == "float64"
    assert int(arrays["n_features"]) == 3
    assert arrays["layer_sizes"].tolist() == [3, 5, 1]
    assert str(arrays["activation"]) == "relu"
    model = load_model(model_file)
    assert (model.n_features, model.hidden_size, model.version) == (3, 5, nn_numpy.__version__)


def test_save_model_writes_the_path_as_given_without_adding_npz(tmp_path):
    params, standardizer, _ = trained_model(np.float64)
    path = tmp_path / "model.bin"
    save_model(path, params, standardizer, np.float64, COLUMNS)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.bin"]
    assert load_model(path).hidden_size == 5


def test_failed_save_leaves_the_existing_file_untouched_and_no_temp_files(model_file, monkeypatch):
    before = model_file.read_bytes()
    params, standardizer, _ = trained_model(np.float32)

    def broken_savez(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", broken_savez)
    with pytest.raises(OSError, match="disk full"):
        save_model(model_file, params, standardizer, np.float32, COLUMNS)
    assert model_file.read_bytes() == before
    assert [p.name for p in model_file.parent.iterdir()] == [model_file.name]


def test_save_refuses_non_finite_parameters_and_writes_nothing(tmp_path):
    params, standardizer, _ = trained_model(np.float64)
    W1 = params.W1.copy()
    W1[0, 0] = np.nan
    bad = Params(W1=W1, b1=params.b1, W2=params.W2, b2=params.b2)
    with pytest.raises(ValueError, match="W1 has non-finite values"):
        save_model(tmp_path / "model.npz", bad, standardizer, np.float64, COLUMNS)
    assert list(tmp_path.iterdir()) == []


def test_predict_proba_rejects_the_wrong_number_of_features(model_file):
    with pytest.raises(ValueError, match=r"expected raw features of shape \(3, m\)"):
        load_model(model_file).predict_proba(np.zeros((2, 4)))


def test_missing_file_is_one_line_error(tmp_path):
    assert "does not exist" in load_error(tmp_path / "nope.npz")


def test_directory_is_one_line_error(tmp_path):
    assert "is a directory" in load_error(tmp_path)


def test_text_file_is_not_a_model(tmp_path):
    path = tmp_path / "model.npz"
    path.write_text("x1,x2,y\n1,2,0\n")
    assert "is not a nn-numpy model file (not an .npz archive)" in load_error(path)


def test_empty_file_is_not_a_model(tmp_path):
    path = tmp_path / "model.npz"
    path.write_bytes(b"")
    assert "is not a nn-numpy model file (not an .npz archive)" in load_error(path)


def test_truncated_model_file_is_not_a_model(model_file):
    data = model_file.read_bytes()
    model_file.write_bytes(data[: len(data) // 2])
    assert "is not a nn-numpy model file (not an .npz archive)" in load_error(model_file)


def test_damaged_entry_is_not_a_model(model_file):
    """Flip bytes inside the stored W1 array: the zip CRC check must catch it."""
    data = bytearray(model_file.read_bytes())
    with zipfile.ZipFile(model_file) as z:
        info = z.getinfo("W1.npy")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 140
    data[start : start + 8] = bytes(8)
    model_file.write_bytes(bytes(data))
    assert "is damaged: entry W1: Bad CRC-32" in load_error(model_file)


def test_single_npy_array_is_not_a_model(tmp_path):
    path = tmp_path / "model.npy"
    np.save(path, np.zeros(3))
    assert "is not a nn-numpy model file" in load_error(path)


def test_pickled_object_entry_is_refused_without_unpickling(model_file):
    rewrite_model(model_file, W1=np.array([{"a": 1}], dtype=object))
    assert "W1 holds Python objects or records, not numbers" in load_error(model_file)


def test_npz_without_format_version_is_not_an_nn_numpy_model(model_file):
    rewrite_model(model_file, format_version=None)
    assert "is not a nn-numpy model file" in load_error(model_file)


@pytest.mark.parametrize("stored", [np.array(FORMAT_VERSION + 1), np.array(0), np.array("1")])
def test_incompatible_format_version_names_both_versions(model_file, stored):
    rewrite_model(model_file, format_version=stored)
    message = load_error(model_file)
    assert f"has format version {stored.item()!r}" in message
    assert "reads format versions 1, 2, 3" in message


@pytest.mark.parametrize("key", ["W2", "std", "layer_sizes", "activation", "version"])
def test_missing_entry_is_named(model_file, key):
    rewrite_model(model_file, **{key: None})
    assert f"missing entries: {key}" in load_error(model_file)


@pytest.mark.parametrize("key", ["W2", "std", "hidden_size", "version"])
def test_missing_entry_of_a_format_2_file_is_named(model_file_v2, key):
    rewrite_model(model_file_v2, **{key: None})
    assert f"missing entries: {key}" in load_error(model_file_v2)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"W1": np.zeros((5, 4))}, "W1 has shape (5, 4), expected (5, 3)"),
        ({"b2": np.zeros((1, 2))}, "b2 has shape (1, 2), expected (1, 1)"),
        ({"mean": np.zeros((2, 1))}, "mean has shape (2, 1), expected (3, 1)"),
        ({"layer_sizes": np.array([3, 4, 1])}, "W1 has shape (5, 3), expected (4, 3)"),
        ({"n_features": np.array(0)}, "n_features is 0, expected a positive integer"),
        ({"dtype": np.array("float16")}, "dtype is 'float16', expected one of float32, float64"),
        ({"dtype": np.array("float32")}, "W1 has dtype float64, expected float32"),
        ({"std": np.zeros((3, 1))}, "std has values <= 0"),
        ({"b1": np.full((5, 1), np.inf)}, "b1 has non-finite values"),
    ],
)
def test_inconsistent_model_file_says_what_is_wrong(model_file, changes, expected):
    rewrite_model(model_file, **changes)
    message = load_error(model_file)
    assert "is inconsistent" in message
    assert expected in message


def test_a_format_2_file_whose_hidden_size_disagrees_with_W1_names_both(model_file_v2):
    rewrite_model(model_file_v2, hidden_size=np.array(4))
    message = load_error(model_file_v2)
    assert "W1 has shape (5, 3), expected (4, 3) for hidden_size=4, n_features=3" in message


def test_save_model_stores_the_parameters_in_the_requested_dtype(tmp_path):
    # Parameters trained in float64 and saved as a float32 model: the file holds float32
    # values (each float64 rounded once), as its "dtype" entry says, and loads as such.
    params = init_params(3, 4, seed=5)
    path = tmp_path / "m.npz"
    save_model(path, params, Standardizer.identity(3), np.float32)
    with np.load(path) as stored:
        assert {stored[k].dtype for k in ("W1", "b1", "W2", "b2")} == {np.dtype(np.float32)}
    model = load_model(path)
    for k in ("W1", "b1", "W2", "b2"):
        assert np.array_equal(model.params[k], params[k].astype(np.float32))
