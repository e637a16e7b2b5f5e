"""The model loader reads only the members it needs, checks each header before its data, and
refuses parameters that cannot give a finite output; predictions are never NaN."""

from __future__ import annotations

import io
import os
import stat
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.lib import format as npy

from nn_numpy.cli.predict import main as predict_main
from nn_numpy.io.model_io import ModelFileError, PredictionError, load_model, save_model
from tests.helpers_models import COLUMNS, load_error, model_arrays, rewrite_model, trained_model

pytestmark = pytest.mark.filterwarnings("error")  # a warning is a failure here


def _npy_header(shape: tuple[int, ...], dtype: str = "<f8") -> bytes:
    """The bytes of a .npy header claiming ``shape`` (the data itself is not written)."""
    buf = io.BytesIO()
    npy.write_array_header_1_0(buf, {"descr": dtype, "fortran_order": False, "shape": shape})
    return buf.getvalue()  # the magic string, then the header dict


def _add_member(path: Path, name: str, data: bytes, compress: bool = False) -> None:
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(path, "a", compression=method) as z:
        z.writestr(name, data)


def test_an_extra_member_claiming_2_to_the_40_elements_costs_nothing(model_file):
    _add_member(model_file, "liar.npy", _npy_header((2**40,)) + bytes(64))
    assert load_model(model_file).hidden_size == 5


def test_a_needed_member_claiming_a_huge_shape_is_refused_from_its_header(model_file):
    arrays = model_arrays(model_file)
    del arrays["W1"]
    with open(model_file, "wb") as f:
        np.savez(f, **arrays)  # type: ignore[arg-type]
    _add_member(model_file, "W1.npy", _npy_header((2**40,)) + bytes(64))
    assert "W1 has shape (1099511627776,), expected (5, 3)" in load_error(model_file)


def test_hidden_size_beyond_the_machine_is_refused_before_reading_parameters(model_file_v2):
    rewrite_model(model_file_v2, hidden_size=np.array(10**15), W1=None)
    _add_member(model_file_v2, "W1.npy", _npy_header((10**15, 3)))
    assert "claims hidden_size=1000000000000000" in load_error(model_file_v2)


def test_gigabytes_of_extra_data_are_never_read(model_file, monkeypatch):
    """A deflated member of 256 MiB of zeros (about 256 KB on disk): loading stays small."""
    _add_member(model_file, "zeros.npy", bytes(256 * 2**20), compress=True)
    opened: list[str] = []
    real_open = zipfile.ZipFile.open

    def spy(self, name, *args, **kwargs):
        opened.append(getattr(name, "filename", name))
        return real_open(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    tracemalloc.start()
    try:
        load_model(model_file)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "zeros.npy" not in opened
    assert peak < 4 * 2**20


def test_trailing_data_after_a_member_is_reported_as_damage(model_file):
    arrays = model_arrays(model_file)
    buf = io.BytesIO()
    np.save(buf, arrays.pop("b2"))
    with open(model_file, "wb") as f:
        np.savez(f, **arrays)  # type: ignore[arg-type]
    _add_member(model_file, "b2.npy", buf.getvalue() + bytes(2**20))
    assert "is damaged: entry b2: the data does not match its header" in load_error(model_file)


@pytest.mark.parametrize(
    "content",
    [b"x1,x2,label\n1,2,0\n", bytes(range(256)) * 20, b"", b"PK\x03\x04garbage"],
    ids=["csv", "random bytes", "empty", "zip magic only"],
)
def test_a_file_that_is_not_an_npz_is_not_a_model_file_and_no_pickle_advice(tmp_path, content):
    path = tmp_path / "model.npz"
    path.write_bytes(content)
    message = load_error(path)
    assert "is not a nn-numpy model file" in message
    assert "pickle" not in message.lower()


def test_a_fifo_or_device_as_model_is_refused_without_reading(tmp_path):
    fifo = tmp_path / "fifo.npz"
    os.mkfifo(fifo)  # no writer: opening it for reading would block without O_NONBLOCK
    assert "is not a regular file" in load_error(fifo)
    if os.geteuid() == 0:
        zero = tmp_path / "zero"
        os.mknod(zero, stat.S_IFCHR | 0o666, os.makedev(1, 5))
        assert "is not a regular file" in load_error(zero)


def test_an_empty_model_path_says_so(tmp_path):
    with pytest.raises(ModelFileError, match="the model path is empty"):
        load_model("")


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"W1": np.full((5, 3), 1e308)}, "the output overflows even near the training mean"),
        ({"W2": np.full((1, 5), 1e308)}, "the output overflows even near the training mean"),
        ({"std": np.full((3, 1), 5e-324)}, "std is too small for mean"),
        ({"std": np.zeros((3, 1))}, "std has values <= 0"),
        ({"std": -np.ones((3, 1))}, "std has values <= 0"),
        ({"std": np.full((3, 1), np.inf)}, "std has non-finite values"),
        ({"mean": np.full((3, 1), np.nan)}, "mean has non-finite values"),
    ],
    ids=["W1 1e308", "W2 1e308", "std 5e-324", "std 0", "std negative", "std inf", "mean nan"],
)
def test_parameters_that_cannot_give_a_finite_output_are_refused(model_file, changes, expected):
    rewrite_model(model_file, **changes)
    assert expected in load_error(model_file)


def test_a_row_whose_output_overflows_is_an_error_naming_its_line(model_file, tmp_path, capsys):
    data = tmp_path / "d.csv"
    data.write_text("x1,x2,x3\n50,-3,0.01\n\n1e308,-1e308,1e308\n", encoding="utf-8")
    model = load_model(model_file)
    with pytest.raises(PredictionError) as info:
        model.predict_proba(np.array([[50.0, 1e308], [-3.0, -1e308], [0.01, 1e308]]))
    assert list(info.value.columns) == [1]
    assert predict_main(["--model", str(model_file), "--data-path", str(data)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        f"nn-numpy-predict: error: {data}, line 4: the model's output overflows float64: the "
        "values are too far from the training data\n"
    )
    assert err.count("\n") == 1 and "nan" not in err.lower()


def test_predictions_are_finite_probabilities_for_huge_but_computable_rows(model_file):
    model = load_model(model_file)
    X = np.array([[1e300, -1e300, 0.0], [0.0, 0.0, 1e300], [0.0, 0.0, 0.0]])
    try:
        proba = model.predict_proba(X)
    except PredictionError as e:  # an overflow is reported, never returned as NaN
        assert len(e.columns) > 0
    else:
        assert np.all((proba >= 0) & (proba <= 1))


def test_a_format_1_file_without_names_still_loads(model_file_v2):
    rewrite_model(model_file_v2, format_version=np.array(1), feature_names=None, label_name=None)
    model = load_model(model_file_v2)
    assert model.columns is None and model.n_features == 3


def test_half_of_the_names_is_a_missing_entry(model_file):
    rewrite_model(model_file, label_name=None)
    assert "missing entries: label_name" in load_error(model_file)


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (np.array(["x1", "x1", "x3"]), "column names must be distinct"),
        (np.array(["x1", "", "x3"]), "column names must be non-empty"),
        (np.array(["x1", "x2"]), "feature_names has shape (2,), expected (3,)"),
        (np.array([1, 2, 3]), "feature_names has dtype int64, expected a string"),
    ],
)
def test_bad_stored_names_are_refused(model_file, names, expected):
    rewrite_model(model_file, feature_names=names)
    assert expected in load_error(model_file)


@settings(max_examples=200)
@given(data=st.data())
def test_any_damage_to_a_model_file_is_a_one_line_model_file_error(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "model.npz"
    params, standardizer, _ = trained_model(np.float64)
    save_model(path, params, standardizer, np.float64, COLUMNS)
    raw = bytearray(path.read_bytes())
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(raw) - 1))
        raw[i] = data.draw(st.integers(0, 255))
    raw = raw[: data.draw(st.integers(0, len(raw)))]
    path.write_bytes(bytes(raw))
    try:
        load_model(path)
    except ModelFileError as e:
        assert "\n" not in str(e) and str(path) in str(e)
