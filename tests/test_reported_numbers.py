"""Numbers the tools report that a plausible slip would change: the 0.5 tie, the accuracy
denominators, the held-out count for shares not exact in binary, and float32 costs."""

from __future__ import annotations

import re

import numpy as np
import pytest

from nn_numpy import Params, Trainer, compute_cost, forward, init_params, predict
from nn_numpy.io.columns import Columns
from nn_numpy.io.data import Standardizer, train_test_split
from nn_numpy.io.model_io import Model, load_model, save_model
from tests.helpers import BASIC, LARGE, reference, run_cli


def _half(n_x: int, dtype=np.float64) -> Params:
    """Parameters whose output is exactly sigma(0) = 0.5 for every input: W2 = 0, b2 = 0."""
    p = init_params(n_x, 3, seed=0, dtype=dtype)
    return Params(W1=p.W1, b1=p.b1, W2=np.zeros_like(p.W2), b2=np.zeros_like(p.b2))


X_TIE = np.array([[0.3, -2.0, 7.0], [1.0, 0.0, -4.0]])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_a_probability_of_exactly_one_half_is_class_1_in_network_predict(dtype):
    params = _half(2, dtype)
    assert np.all(forward(params, X_TIE.astype(dtype)).A2 == 0.5)
    np.testing.assert_array_equal(predict(params, X_TIE.astype(dtype)), [[1, 1, 1]])


def test_a_probability_of_exactly_one_half_is_class_1_in_model_predict():
    model = Model(_half(2), Standardizer.identity(2), np.dtype(np.float64), "test")
    assert np.all(model.predict_proba(X_TIE) == 0.5)
    np.testing.assert_array_equal(model.predict(X_TIE), [[1, 1, 1]])


def test_a_probability_of_exactly_one_half_is_class_1_in_the_torch_reference(torch_ref):
    np.testing.assert_array_equal(torch_ref.predict(_half(2), X_TIE), [[1, 1, 1]])


def test_a_probability_of_exactly_one_half_is_class_1_in_predict_cli(tmp_path, capsys):
    from nn_numpy.cli.predict import main

    model = tmp_path / "half.npz"
    save_model(model, _half(2), Standardizer.identity(2), np.float64, Columns(("a", "b"), "y"))
    data = tmp_path / "d.csv"
    data.write_text("a,b,y\n0.3,1,1\n-2,0,0\n", encoding="utf-8")
    assert main(["--model", str(model), "--data-path", str(data)]) == 0
    out, err = capsys.readouterr()
    assert out == "probability,prediction\n0.5,1\n0.5,1\n"
    assert err == "accuracy: 0.5000 (1/2 rows correct)\n"


def test_accuracy_lines_count_each_split_over_its_own_size(capsys):
    """Few epochs, so neither accuracy is 100% and both numerators and denominators matter."""
    code, out, _ = run_cli(["--data-path", LARGE, "--epochs", "3", "--print-every", "0"], capsys)
    assert code == 0
    ref = reference(LARGE, hidden=5, lr=0.01, epochs=3)
    found = dict(re.findall(r"^(train|test) accuracy: [0-9.]+% \((\d+/\d+)\)$", out, re.M))
    n_train, n_test = 1600, 400  # large_dataset.csv: 2000 rows, --test-size 0.2
    expected = {
        "train": f"{round(ref['train_accuracy'] * n_train)}/{n_train}",
        "test": f"{round(ref['test_accuracy'] * n_test)}/{n_test}",
    }
    assert found == expected
    assert 0 < ref["test_accuracy"] < 1 and 0 < ref["train_accuracy"] < 1


def test_basic_dataset_accuracy_denominators_are_9_and_3(capsys):
    code, out, _ = run_cli(["--data-path", BASIC, "--epochs", "10", "--print-every", "0"], capsys)
    assert code == 0
    assert re.search(r"^train accuracy: .*\(\d/9\)$", out, re.M)
    assert re.search(r"^test accuracy: .*\(\d/3\)$", out, re.M)


@pytest.mark.parametrize(("test_size", "n_test"), [(0.07, 7), (0.29, 29), (0.57, 57), (0.1, 10)])
def test_a_share_not_exact_in_binary_holds_out_its_decimal_count(test_size, n_test):
    """0.07 * 100 is 7.000000000000001 in binary floating point: ceil of that would hold out 8."""
    X = np.arange(100.0).reshape(1, 100)
    Y = (np.arange(100) % 2).reshape(1, 100)
    _, Y_train, _, Y_test = train_test_split(X, Y, test_size, seed=0)
    assert (Y_train.shape[1], Y_test.shape[1]) == (100 - n_test, n_test)


def test_the_cli_holds_out_7_of_100_for_test_size_0_07(tmp_path, capsys):
    data = tmp_path / "d.csv"
    data.write_text("x,label\n" + "".join(f"{i},{i % 2}\n" for i in range(100)))
    argv = ["--data-path", str(data), "--test-size", "0.07", "--epochs", "1"]
    code, out, _ = run_cli(argv, capsys)
    assert code == 0
    assert "(100 examples, 1 features), 93 train / 7 test" in out
    assert re.search(r"^test accuracy: .*\(\d/7\)$", out, re.M)


def _float32_problem(seed: int = 4):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(3, 301)).astype(np.float32)
    Y = (rng.random((1, 301)) < 0.5).astype(np.float32)
    return init_params(3, 7, seed=2, dtype=np.float32), X, Y


def test_the_readable_float32_cost_is_computed_in_float32():
    params, X, Y = _float32_problem()
    cost = compute_cost(forward(params, X), Y)
    Z2 = forward(params, X).Z2
    assert Z2.dtype == np.float32
    losses = np.maximum(Z2, np.float32(0)) - Y * Z2 + np.log1p(np.exp(-np.abs(Z2)))
    assert losses.dtype == np.float32
    assert cost == float(np.mean(losses))  # the float32 mean, bit for bit
    assert float(np.float32(cost)) == cost  # a float32 number, not a float64 one
    assert compute_cost(forward(params, X), Y.astype(np.float64)) == cost  # labels' dtype too


def test_the_fast_float32_cost_is_a_float32_number_close_to_the_readable_one():
    params, X, Y = _float32_problem()
    for chunk_size in (None, 50):
        cost = Trainer(X, Y, params, 0.1, dtype=np.float32, chunk_size=chunk_size).cost()
        assert float(np.float32(cost)) == cost
        assert cost == pytest.approx(compute_cost(forward(params, X), Y), rel=1e-6)


def test_the_fast_float32_cost_sums_its_losses_in_float32():
    """Seed 7: the float32 sum of these 301 losses differs from their float64 sum rounded to
    float32, so summing (partly) in float64 gives a different cost."""
    params, X, Y = _float32_problem(seed=7)
    trainer = Trainer(X, Y, params, 0.1, dtype=np.float32)
    cost = trainer.cost()
    losses = trainer._loss  # one chunk: the buffer holds every example's float32 loss
    assert losses.shape == (1, 301) and losses.dtype == np.float32
    float32_sum, float64_sum = np.sum(losses), np.float32(np.sum(losses, dtype=np.float64))
    assert float32_sum != float64_sum  # the data tells the two apart
    assert cost == float(float32_sum / np.float32(301))


def test_the_float64_cost_is_not_rounded_to_float32():
    """The converse, so that a cost forced to float32 everywhere fails too."""
    params, X, Y = _float32_problem()
    p64 = Params(**{k: v.astype(np.float64) for k, v in params.as_dict().items()})
    cost = Trainer(X.astype(np.float64), Y.astype(np.float64), p64, 0.1).cost()
    assert float(np.float32(cost)) != cost


def test_a_loaded_model_keeps_its_names_and_tie_rule(tmp_path):
    path = tmp_path / "m.npz"
    save_model(path, _half(2), Standardizer.identity(2), np.float64, Columns(("a", "b"), "y"))
    model = load_model(path)
    assert model.columns == Columns(("a", "b"), "y")
    np.testing.assert_array_equal(model.predict(X_TIE), [[1, 1, 1]])
