"""Hostile data values: features scaled by huge or tiny factors, constant features, a train split
of one class, values near the float64 and float32 limits. Each trains as well as the ordinary
data or gives one clear line and exit 2 (1 for a run that diverges), never a warning, never a
silently wrong answer.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

from nn_numpy.io.data import Standardizer, load_table, train_test_split
from nn_numpy.io.reader import read_table
from tests.helpers import BASIC, run_cli
from tests.helpers import train_fails as _fails

pytestmark = pytest.mark.filterwarnings("error")  # a warning is a failure here


def _scaled_basic(tmp_path: Path, scale: float) -> Path:
    table = read_table(BASIC)
    values = table.values.copy()
    values[:, 0] *= scale
    path = tmp_path / f"scaled_{scale:g}.csv"
    rows = "\n".join(",".join(repr(float(v)) for v in row) for row in values)
    path.write_text(",".join(table.columns) + "\n" + rows + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("scale", [1e200, 1e-200, 1e-310])
def test_a_feature_scaled_by_a_huge_or_tiny_factor_trains_exactly_as_well(tmp_path, capsys, scale):
    """The standardized inputs are the same up to rounding, so the run prints the same lines."""
    argv = ["--epochs", "3000", "--print-every", "1000"]
    code, plain, _ = run_cli(["--data-path", BASIC, *argv], capsys)
    scaled_path = _scaled_basic(tmp_path, scale)
    code_scaled, scaled, err = run_cli(["--data-path", str(scaled_path), *argv], capsys)
    assert (code, code_scaled, err) == (0, 0, "")
    assert "test accuracy: 100.00% (3/3)" in plain
    assert scaled.splitlines()[1:] == plain.splitlines()[1:]  # all but the "data:" line


@pytest.mark.parametrize("scale", [1e200, 1e-200, 1e-310, 2.0**1000])
def test_standardizer_fit_is_scale_robust(scale):
    X = np.random.default_rng(3).normal(loc=[[5.0], [-2.0]], scale=[[2.0], [0.5]], size=(2, 40))
    expected = Standardizer.fit(X).transform(X)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = Standardizer.fit(X * scale).transform(X * scale)
    rtol = 1e-9 if abs(np.log2(scale)) < 1000 else 1e-3  # subnormal inputs keep fewer digits
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=rtol)


def test_a_zero_variance_feature_standardizes_to_zero_and_trains(tmp_path, capsys):
    path = tmp_path / "d.csv"
    rows = "".join(f"{x},1e300,{int(x > 4)}\n" for x in range(10))
    path.write_text("x1,constant,label\n" + rows, encoding="utf-8")
    argv = ["--data-path", str(path), "--epochs", "500", "--learning-rate", "0.5"]
    code, out, err = run_cli(argv, capsys)
    assert (code, err) == (0, "")
    assert "train accuracy: 100.00% (8/8)" in out  # the constant column adds no noise
    np.testing.assert_array_equal(Standardizer.fit(load_table(path)[:, :2].T).std[1], [1e300])


def _one_class_train_split(tmp_path: Path) -> Path:
    """10 rows, one positive; the seeded split (seed 42, test size 0.2) puts it in the test set."""
    perm = np.random.default_rng(42).permutation(10)
    labels = np.zeros(10, dtype=int)
    labels[perm[0]] = 1  # test = perm[:2]
    X = np.arange(10.0).reshape(1, 10)
    _, Y_train, _, Y_test = train_test_split(X, labels.reshape(1, 10), 0.2, seed=42)
    assert Y_train.max() == 0 and Y_test.max() == 1  # the construction is what the test needs
    path = tmp_path / "one_class.csv"
    path.write_text("x1,label\n" + "".join(f"{i},{y}\n" for i, y in enumerate(labels)))
    return path


def test_a_train_split_with_a_single_class_is_refused(tmp_path, capsys):
    err = _fails(["--data-path", str(_one_class_train_split(tmp_path)), "--seed", "42"], capsys)
    assert "the train split's 8 labels are all 0; both classes (0 and 1) must be present" in err


def test_raw_features_whose_initial_cost_overflows_are_a_data_error(tmp_path, capsys):
    path = tmp_path / "huge.csv"
    rows = "".join(
        f"{s * 1.7e308},{s * 1.7e308},{s * 1.7e308},{i % 2}\n"
        for i, s in enumerate([1, -1, 1, -1, 1, 1, -1, -1, 1, -1])
    )
    path.write_text("x1,x2,x3,label\n" + rows, encoding="utf-8")
    err = _fails(["--data-path", str(path), "--no-standardize", "--epochs", "5"], capsys)
    assert "the cost cannot be computed at the initial parameters" in err
    assert "drop --no-standardize" in err and "learning-rate" not in err


def test_three_values_near_the_float64_maximum_train_when_standardized(tmp_path, capsys):
    path = tmp_path / "near.csv"
    rows = "1e308,1,0\n1.5e308,2,1\n1.7e308,1,0\n-1.7e308,3,1\n1,1,1\n1e307,2,0\n"
    path.write_text("x1,x2,label\n" + rows, encoding="utf-8")
    code, out, err = run_cli(["--data-path", str(path), "--epochs", "100"], capsys)
    assert (code, err) == (0, "")
    assert "learning-rate" not in out


def test_a_cost_that_overflows_to_infinity_stops_training_with_exit_1(tmp_path, capsys):
    path = tmp_path / "wide.csv"
    path.write_text("x1,x2,label\n1e300,1,0\n-1e300,2,1\n1e300,1,0\n-1e300,1,1\n")
    argv = ["--data-path", str(path), "--no-standardize", "--test-size", "0.25", "--epochs", "5"]
    err = _fails(argv, capsys, status=1)
    assert "training diverged: cost is inf at epoch 1" in err


def test_raw_values_beyond_the_float32_range_are_a_data_error(tmp_path, capsys):
    path = tmp_path / "d.csv"
    path.write_text("x1,label\n1e39,0\n2,1\n3,0\n4,1\n5,0\n", encoding="utf-8")
    argv = ["--data-path", str(path), "--no-standardize", "--dtype", "float32"]
    assert "column 'x1' has values beyond the float32 range" in _fails(argv, capsys)


@pytest.mark.parametrize("scale", [1e300, 1e-300])
@pytest.mark.parametrize("extra", [[], ["--no-standardize"], ["--dtype", "float32"]])
def test_no_raw_warnings_for_finite_inputs(tmp_path, capsys, scale, extra):
    path = _scaled_basic(tmp_path, scale)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code, _, err = run_cli(["--data-path", str(path), "--epochs", "50", *extra], capsys)
    assert [str(w.message) for w in caught] == []
    assert "warning" not in err.lower()  # neither raw nor as run_cli's one-line form
    assert code in (0, 1, 2)


def test_a_test_example_whose_output_overflows_is_reported_not_counted_as_class_0(tmp_path, capsys):
    """Train values of scale 1e-310 give std ~6e-310; a test value of 1 standardizes to inf."""
    perm = np.random.default_rng(42).permutation(20)
    values = [f"{i}e-310" for i in range(20)]
    values[perm[0]] = "1"  # perm[:4] is the test split (seed 42, test size 0.2)
    path = tmp_path / "outlier.csv"
    path.write_text("x1,label\n" + "".join(f"{v},{i % 2}\n" for i, v in enumerate(values)))
    code, out, err = run_cli(["--data-path", str(path), "--epochs", "20"], capsys)
    assert code == 2
    assert "test accuracy" not in out
    assert err == (
        "nn-numpy-train: error: 1 example(s) of the test split are too far from the training "
        "data for the trained network's output to be computed (it overflows float64); remove "
        "or rescale them\n"
    )


def test_an_initial_cost_overflow_names_the_feature_column_with_the_largest_values(
    tmp_path, capsys
):
    # x1 and x2 are ordinary, x3 reaches 1.7e308: the message must name x3, the column to fix.
    path = tmp_path / "huge_last.csv"
    signs = [1, -1, 1, -1, 1, 1, -1, -1, 1, -1]
    rows = "".join(f"{i},{i % 3},{s * 1.7e308},{i % 2}\n" for i, s in enumerate(signs))
    path.write_text("x1,x2,x3,label\n" + rows, encoding="utf-8")
    err = _fails(["--data-path", str(path), "--no-standardize", "--epochs", "5"], capsys)
    assert "the cost cannot be computed at the initial parameters" in err
    assert "column 'x3' reaches 1.7e+308" in err
