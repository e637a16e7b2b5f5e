"""Predict matches columns by the names the model was trained with, never by position alone."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nn_numpy.cli.predict import main as predict_main
from nn_numpy.io.columns import Columns
from nn_numpy.io.model_io import load_model, save_model
from tests.helpers import run_cli

pytestmark = pytest.mark.filterwarnings("error")


def _model(tmp_path: Path, capsys: pytest.CaptureFixture[str], header: str) -> Path:
    """Train briefly on a small file with ``header`` (features, then the label)."""
    n_x = header.count(",")
    rng = np.random.default_rng(5)
    X = rng.normal(size=(40, n_x))
    y = (X.sum(axis=1) > 0).astype(int)
    data = tmp_path / "train.csv"
    rows = "".join(
        ",".join(map(str, x.tolist())) + f",{label}\n" for x, label in zip(X, y, strict=True)
    )
    data.write_text(header + "\n" + rows, encoding="utf-8")
    model = tmp_path / "model.npz"
    argv = ["--data-path", str(data), "--epochs", "50", "--save-model", str(model)]
    assert run_cli(argv, capsys)[0] == 0
    return model


def _predict(model: Path, tmp_path: Path, text: str, capsys) -> tuple[int, str, str]:
    data = tmp_path / "new.csv"
    data.write_text(text, encoding="utf-8")
    code = predict_main(["--model", str(model), "--data-path", str(data)])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_model_file_stores_the_training_header(tmp_path, capsys):
    model = _model(tmp_path, capsys, "height,weight,age,sick")
    assert load_model(model).columns == Columns(("height", "weight", "age"), "sick")


def test_a_3_feature_model_given_two_features_and_the_label_names_the_missing_one(tmp_path, capsys):
    model = _model(tmp_path, capsys, "x1,x2,x3,label")
    code, out, err = _predict(model, tmp_path, "x1,x2,label\n1,2,0\n", capsys)
    assert (code, out) == (2, "")
    assert err == (
        f"nn-numpy-predict: error: {tmp_path / 'new.csv'}, line 1: missing feature column(s) "
        "'x3' (the model takes x1, x2, x3, optionally with the label 'label')\n"
    )


def test_a_2_feature_model_given_three_feature_columns_names_the_unexpected_one(tmp_path, capsys):
    model = _model(tmp_path, capsys, "x1,x2,label")
    code, out, err = _predict(model, tmp_path, "x1,x2,x3\n1,2,0\n", capsys)
    assert (code, out) == (2, "")
    assert "unexpected column(s) 'x3'" in err and "accuracy" not in err


def test_columns_in_another_order_are_matched_by_name(tmp_path, capsys):
    model = _model(tmp_path, capsys, "a,b,c,y")
    rows = np.random.default_rng(1).normal(size=(6, 3)).tolist()
    ordered = "a,b,c\n" + "".join(f"{a!r},{b!r},{c!r}\n" for a, b, c in rows)
    shuffled = "c,a,b\n" + "".join(f"{c!r},{a!r},{b!r}\n" for a, b, c in rows)
    first = _predict(model, tmp_path, ordered, capsys)
    second = _predict(model, tmp_path, shuffled, capsys)
    assert first[0] == 0 and first == second


def test_the_label_column_is_found_by_name_anywhere(tmp_path, capsys):
    model = _model(tmp_path, capsys, "a,b,y")
    code, out, err = _predict(model, tmp_path, "y,b,a\n1,0.5,0.5\n0,-1,-1\n", capsys)
    assert code == 0
    proba = [float(line.split(",")[0]) for line in out.splitlines()[1:]]
    expected = load_model(model).predict_proba(np.array([[0.5, -1.0], [0.5, -1.0]])).ravel()
    np.testing.assert_array_equal(proba, expected)
    assert err.startswith("accuracy: ") and err.endswith("/2 rows correct)\n")


def test_a_headerless_csv_is_refused_as_having_no_header(tmp_path, capsys):
    model = _model(tmp_path, capsys, "x1,x2,label")
    code, _, err = _predict(model, tmp_path, "1,2\n3,4\n", capsys)
    assert code == 2
    assert "line 1: expected a header line with column names, found numbers '1,2'" in err


def test_duplicate_column_names_are_refused_at_training(tmp_path, capsys):
    data = tmp_path / "dup.csv"
    data.write_text("x,x,label\n1,2,0\n2,1,1\n3,3,0\n4,0,1\n5,5,0\n", encoding="utf-8")
    code, out, err = run_cli(["--data-path", str(data), "--epochs", "5"], capsys)
    assert (code, out) == (2, "")
    assert "column name 'x' appears twice" in err


def test_a_model_without_names_takes_columns_by_position_with_a_note(tmp_path, capsys):
    model = _model(tmp_path, capsys, "x1,x2,label")
    m = load_model(model)
    save_model(model, m.params, m.standardizer, m.dtype, None)
    code, out, err = _predict(model, tmp_path, "p,q\n1,2\n", capsys)
    assert code == 0 and out.startswith("probability,prediction\n")
    assert err == (
        "nn-numpy-predict: note: the model file has no column names (an older format, or saved "
        "without them); columns are taken by position\n"
    )


def test_any_name_the_reader_accepts_survives_the_model_file(tmp_path, capsys):
    header = "t\u00e9mp\u00a0,x 2,\u6807\u7b7e"  # non-ASCII, a trailing no-break space, CJK label
    model = _model(tmp_path, capsys, header)
    assert load_model(model).columns == Columns(("t\u00e9mp\u00a0", "x 2"), "\u6807\u7b7e")
    code, out, _ = _predict(model, tmp_path, header + "\n1,2,1\n", capsys)
    assert code == 0 and out.count("\n") == 2


def test_a_column_name_too_long_to_store_is_refused_before_training(tmp_path, capsys):
    data = tmp_path / "long.csv"
    data.write_text("x1," + "n" * 5000 + ",label\n1,2,0\n2,1,1\n3,3,0\n4,0,1\n5,5,0\n")
    code, out, err = run_cli(["--data-path", str(data), "--epochs", "5"], capsys)
    assert (code, out) == (2, "")
    assert "line 1, column 2: the column name is longer than 4096 characters" in err


def test_a_feature_column_named_twice_in_prediction_data_is_refused(tmp_path, capsys):
    # Which of the two x1 columns is the feature? Neither guess is safe: exit 2, one line.
    model = _model(tmp_path, capsys, "x1,x2,y")
    code, out, err = _predict(model, tmp_path, "x1,x2,x1\n1,2,3\n4,5,6\n", capsys)
    assert (code, out) == (2, "")
    assert "line 1: a column name appears twice" in err and err.count("\n") == 1
