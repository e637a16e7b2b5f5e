"""A model file whose ``format_version`` has any dtype or shape is refused with exit status 2
and one line naming the file, never an internal error."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pytest

from nn_numpy.cli import predict as predict_cli
from nn_numpy.io.columns import Columns
from nn_numpy.io.data import Standardizer
from nn_numpy.io.model_io import ModelFileError, load_model, save_model
from nn_numpy.network import init_params

ROOT = Path(__file__).parents[1]
BASIC = str(ROOT / "data" / "basic_dataset.csv")

VERSIONS = {
    "bool": np.array(True),
    "complex": np.array(1 + 0j),
    "float": np.array(1.0),
    "string": np.array("1"),
    "bytes": np.array(b"1"),
    "object": np.array(1, dtype=object),
    "datetime": np.array("2020-01-01", dtype="datetime64[D]"),
    "timedelta": np.array(1, dtype="timedelta64[s]"),
    "void": np.array(b"\x01", dtype="V1"),
    "record": np.array((1,), dtype=[("v", "i8")]),
    "one-element 1-d": np.array([1]),
    "2-d": np.ones((2, 2), dtype=np.int64),
    "huge int": np.array(2**64 - 1, dtype=np.uint64),
    "negative": np.array(-1, dtype=np.int8),
}


def _model_with_version(tmp_path: Path, version: np.ndarray) -> Path:
    good = tmp_path / "good.npz"
    save_model(good, init_params(2, 4, 1), Standardizer.identity(2), np.float64,
               Columns(("x1", "x2"), "label"))  # fmt: skip
    bad = tmp_path / "bad.npz"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for name in src.namelist():
            if name != "format_version.npy":
                dst.writestr(name, src.read(name))
        with dst.open("format_version.npy", "w") as f:
            np.lib.format.write_array(f, version, allow_pickle=True)
    return bad


@pytest.mark.parametrize("version", list(VERSIONS.values()), ids=list(VERSIONS))
def test_a_format_version_of_any_dtype_or_shape_is_a_model_file_error(version, tmp_path):
    bad = _model_with_version(tmp_path, version)
    with pytest.raises(ModelFileError, match=r"bad\.npz") as exc:
        load_model(bad)
    assert "\n" not in str(exc.value)


@pytest.mark.parametrize("version", ["bool", "complex", "object"])
def test_predict_with_a_strange_format_version_exits_2_naming_the_file(version, tmp_path, capsys):
    bad = _model_with_version(tmp_path, VERSIONS[version])
    assert predict_cli.main(["--model", str(bad), "--data-path", BASIC]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "bad.npz" in err and "internal error" not in err
