"""A probability of exactly 0.5 is class 1, in every place that turns probabilities into classes.

The rule is "1 where A[2] >= 0.5" (README, predict). A network with W2 = 0 and b2 = 0 has logit
exactly 0 and sigma(0) = 0.5 exactly for every input, so it separates >= from > everywhere:
the readable network, a loaded model, nn-numpy-predict and the torch reference.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nn_numpy.cli.predict import main as predict_main
from nn_numpy.data import Standardizer
from nn_numpy.model_io import load_model, save_model
from nn_numpy.network import Params, predict, predict_proba

X_RAW = np.array([[1.0, -2.0, 3.5], [0.25, 4.0, -1.0]])  # (n_x, m) = (2, 3)


def _half_params(dtype: type = np.float64) -> Params:
    """W2 = 0, b2 = 0: Z2 = 0 and A2 = sigma(0) = 0.5 exactly, whatever W1, b1 and X are."""
    return Params(
        W1=np.array([[1.0, -1.0], [0.5, 2.0], [-3.0, 1.0]], dtype=dtype),
        b1=np.array([[0.1], [-0.2], [0.3]], dtype=dtype),
        W2=np.zeros((1, 3), dtype=dtype),
        b2=np.zeros((1, 1), dtype=dtype),
    )


def test_network_predicts_class_1_at_probability_exactly_one_half() -> None:
    assert np.all(predict_proba(_half_params(), X_RAW) == 0.5)
    np.testing.assert_array_equal(predict(_half_params(), X_RAW), [[1, 1, 1]])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_loaded_model_predicts_class_1_at_probability_exactly_one_half(
    tmp_path: Path, dtype: type
) -> None:
    path = tmp_path / "half.npz"
    save_model(path, _half_params(dtype), Standardizer.fit(X_RAW), dtype)
    model = load_model(path)
    assert np.all(model.predict_proba(X_RAW) == 0.5)
    np.testing.assert_array_equal(model.predict(X_RAW), [[1, 1, 1]])


def test_predict_command_prints_class_1_at_probability_exactly_one_half(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    save_model(tmp_path / "half.npz", _half_params(), Standardizer.fit(X_RAW), np.float64)
    csv = tmp_path / "data.csv"
    csv.write_text("x1,x2,y\n1,0.25,1\n-2,4,0\n3.5,-1,1\n", encoding="utf-8")
    args = ["--model", str(tmp_path / "half.npz"), "--data-path", str(csv)]
    assert predict_main(args) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == ["probability,prediction", "0.5,1", "0.5,1", "0.5,1"]
    assert err.startswith("accuracy: 0.6667 (2/3 rows correct)")


def test_torch_reference_predicts_class_1_at_probability_exactly_one_half(torch_ref) -> None:
    np.testing.assert_array_equal(torch_ref.predict(_half_params(), X_RAW), [[1, 1, 1]])
