"""nn-numpy-predict: exact probabilities out, accuracy for labelled data, exit 2 with one line."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nn_numpy.cli.predict import main
from nn_numpy.io.columns import Columns
from nn_numpy.io.data import Standardizer
from nn_numpy.io.model_io import load_model, save_model
from nn_numpy.network import init_params, train


def _write_csv(path: Path, rows: np.ndarray, header: str) -> Path:
    np.savetxt(path, rows, delimiter=",", header=header, comments="", fmt="%.17g")
    return path


@pytest.fixture(params=[np.float64, np.float32], ids=["float64", "float32"])
def setup(request, tmp_path):
    """A model trained on 2 raw features, a labelled CSV and the same CSV without labels."""
    dtype = request.param
    rng = np.random.default_rng(11)
    X_raw = rng.normal(size=(2, 50)) * [[4.0], [0.1]] + [[20.0], [-1.0]]
    Y = ((X_raw[0] - 20.0) / 4.0 - (X_raw[1] + 1.0) / 0.1 > 0).astype(np.float64).reshape(1, -1)
    standardizer = Standardizer.fit(X_raw)
    X = standardizer.transform(X_raw).astype(dtype)
    params, _ = train(X, Y.astype(dtype), init_params(2, 6, 0, dtype), 0.5, 30)
    model_path = tmp_path / "model.npz"
    save_model(model_path, params, standardizer, dtype, Columns(("x1", "x2"), "y"))
    labelled = _write_csv(tmp_path / "labelled.csv", np.vstack([X_raw, Y]).T, "x1,x2,y")
    unlabelled = _write_csv(tmp_path / "features.csv", X_raw.T, "x1,x2")
    return model_path, labelled, unlabelled, X_raw, Y, dtype


def _parse(text: str, dtype) -> tuple[np.ndarray, np.ndarray]:
    lines = text.splitlines()
    assert lines[0] == "probability,prediction"
    cells = [line.split(",") for line in lines[1:]]
    proba = np.array([float(p) for p, _ in cells]).astype(dtype)
    classes = np.array([int(c) for _, c in cells])
    return proba, classes


def test_labelled_csv_prints_exact_probabilities_classes_and_accuracy(setup, capsys):
    model_path, labelled, _, X_raw, Y, dtype = setup
    assert main(["--model", str(model_path), "--data-path", str(labelled)]) == 0
    out, err = capsys.readouterr()

    expected = load_model(model_path).predict_proba(X_raw).ravel()
    proba, classes = _parse(out, dtype)
    assert np.array_equal(proba, expected)  # the printed text reads back to the same values
    assert np.array_equal(classes, (expected >= 0.5).astype(int))
    correct = int(np.sum(classes == Y.ravel()))
    assert 0 < correct  # the fixture's model has learned something
    assert err == f"accuracy: {correct / 50:.4f} ({correct}/50 rows correct)\n"


def test_unlabelled_csv_prints_predictions_and_no_accuracy(setup, capsys):
    model_path, labelled, unlabelled, _, _, _ = setup
    assert main(["--model", str(model_path), "--data-path", str(unlabelled)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    main(["--model", str(model_path), "--data-path", str(labelled)])
    assert capsys.readouterr().out == out  # same rows, same predictions


def test_output_file_holds_the_csv_and_stdout_the_summary(setup, tmp_path, capsys):
    model_path, labelled, _, _, _, _ = setup
    main(["--model", str(model_path), "--data-path", str(labelled)])
    printed = capsys.readouterr()

    out_path = tmp_path / "predictions.csv"
    assert (
        main(["--model", str(model_path), "--data-path", str(labelled), "--output", str(out_path)])
        == 0
    )
    out, err = capsys.readouterr()
    assert out_path.read_text() == printed.out
    assert out == f"wrote 50 predictions to {out_path}\n{printed.err}"
    assert err == ""


def _fails(argv: list[str], capsys) -> str:
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("nn-numpy-predict: error: ")
    return err


@pytest.mark.parametrize("n_cols", [1, 4])
def test_wrong_column_count_for_a_model_without_names_is_one_line_error(
    setup, tmp_path, capsys, n_cols
):
    model_path = setup[0]
    model = load_model(model_path)
    save_model(model_path, model.params, model.standardizer, model.dtype, None)
    csv = _write_csv(tmp_path / "bad.csv", np.ones((3, n_cols)), ",".join("abcd"[:n_cols]))
    out_path = tmp_path / "out.csv"
    argv = ["--model", str(model_path), "--data-path", str(csv), "--output", str(out_path)]
    err = _fails(argv, capsys)
    assert (
        f"needs 2 columns (features only) or 3 (features, then the 0/1 label); it has {n_cols}"
        in err
    )
    assert not out_path.exists()


def test_labels_other_than_0_and_1_are_an_error(setup, tmp_path, capsys):
    model_path = setup[0]
    csv = _write_csv(tmp_path / "bad.csv", np.array([[1.0, 2.0, 0.0], [1.0, 2.0, 2.0]]), "x1,x2,y")
    assert "bad.csv, line 3: labels ('y') must be 0 or 1, found 2" in _fails(
        ["--model", str(model_path), "--data-path", str(csv)], capsys
    )


def test_single_class_labels_are_fine_for_prediction(setup, tmp_path, capsys):
    model_path = setup[0]
    csv = _write_csv(tmp_path / "ones.csv", np.array([[20.0, -1.0, 1.0]]), "x1,x2,y")
    assert main(["--model", str(model_path), "--data-path", str(csv)]) == 0
    assert re.fullmatch(r"accuracy: [01]\.0000 \([01]/1 rows correct\)\n", capsys.readouterr().err)


def test_malformed_csv_is_one_line_error(setup, tmp_path, capsys):
    model_path = setup[0]
    csv = tmp_path / "bad.csv"
    csv.write_text("x1,x2\n1,2\n3,oops\n")  # the header matches: the row is the problem
    err = _fails(["--model", str(model_path), "--data-path", str(csv)], capsys)
    assert "line 3, column 2" in err


@pytest.mark.parametrize("problem", ["missing", "corrupt", "future format"])
def test_unusable_model_file_is_one_line_error_and_no_output(setup, tmp_path, capsys, problem):
    model_path, labelled = setup[0], setup[1]
    if problem == "missing":
        model_path = tmp_path / "nope.npz"
    elif problem == "corrupt":
        model_path.write_bytes(model_path.read_bytes()[:100])
    else:
        with np.load(model_path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
        arrays["format_version"] = np.array(99)
        with open(model_path, "wb") as f:
            np.savez(f, **arrays)  # type: ignore[arg-type]
    out_path = tmp_path / "out.csv"
    argv = ["--model", str(model_path), "--data-path", str(labelled), "--output", str(out_path)]
    err = _fails(argv, capsys)
    assert str(model_path) in err
    assert not out_path.exists()


def test_output_in_a_missing_directory_is_one_line_error_before_reading(setup, tmp_path, capsys):
    model_path, labelled = setup[0], setup[1]
    out_path = tmp_path / "no_such_dir" / "out.csv"
    argv = ["--model", str(model_path), "--data-path", str(labelled), "--output", str(out_path)]
    assert f"--output: directory {out_path.parent} does not exist" in _fails(argv, capsys)


def test_module_entry_point_exits_2_without_traceback(tmp_path):
    csv = _write_csv(tmp_path / "d.csv", np.ones((2, 2)), "a,b")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "nn_numpy.predict",
            "--model",
            str(tmp_path / "m.npz"),
            "--data-path",
            str(csv),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"nn-numpy-predict: error: model file {str(tmp_path / 'm.npz')!r} does not exist"
    ]


def test_missing_required_argument_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--data-path", "x.csv"])
    assert info.value.code == 2
    assert "--model" in capsys.readouterr().err


def test_reader_closing_the_pipe_early_ends_quietly(setup, tmp_path, monkeypatch, capsys):
    """`nn-numpy-predict ... | head -1`: writing to stdout raises BrokenPipeError; exit 0, no
    traceback, and stdout's descriptor is pointed at /dev/null so the final flush cannot fail."""
    model_path, labelled = setup[0], setup[1]

    class ClosedPipe:
        def __init__(self) -> None:
            self.file = open(tmp_path / "stdout", "w")  # a real descriptor for dup2 to replace

        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

        def flush(self) -> None:
            pass

        def fileno(self) -> int:
            return self.file.fileno()

    stdout = ClosedPipe()
    monkeypatch.setattr(sys, "stdout", stdout)
    try:
        assert main(["--model", str(model_path), "--data-path", str(labelled)]) == 0
        err = capsys.readouterr().err  # no error: only the accuracy, which goes to stderr anyway
        assert err.count("\n") == 1 and err.startswith("accuracy: ")
        assert os.path.samestat(os.fstat(stdout.fileno()), os.stat(os.devnull))
    finally:
        stdout.file.close()


def test_of_several_rows_whose_output_overflows_the_error_names_the_first(setup, tmp_path, capsys):
    model_path, *_ = setup
    data = tmp_path / "d.csv"  # rows at lines 3 and 5 overflow (x2's std is ~0.1)
    data.write_text("x1,x2\n20,-1\n1e308,1e308\n20,-1\n1e308,1e308\n", encoding="utf-8")
    assert main(["--model", str(model_path), "--data-path", str(data)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"nn-numpy-predict: error: {data}, line 3: ")
    assert err.endswith(" (1 more rows like it)\n") and err.count("\n") == 1
