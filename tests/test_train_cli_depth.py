"""nn-numpy-train at any depth: what it trains is the readable network's trajectory, what it
saves predicts what it trained, and a network it cannot train is one line and exit status 2."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from nn_numpy.cli._readable_trainer import ReadableTrainer, readable_training_bytes
from nn_numpy.cli.predict import main as predict_main
from nn_numpy.io import resources
from nn_numpy.io.data import load_table, split_xy
from nn_numpy.io.model_io import MAX_HIDDEN_LAYERS, load_model
from nn_numpy.network import compute_cost, forward, init_params
from tests.helpers import BASIC, LARGE, readable_run, run_cli

ACTIVATIONS = ("relu", "tanh", "sigmoid")


def _train(tmp_path: Path, capsys, *argv: str) -> tuple[int, str, str, dict, Path]:
    metrics, model = tmp_path / "m.json", tmp_path / "m.npz"
    args = ["--print-every", "0", "--metrics-json", str(metrics), "--save-model", str(model)]
    code, out, err = run_cli([*argv, *args], capsys)
    got = json.loads(metrics.read_text(encoding="utf-8")) if code == 0 else {}
    return code, out, err, got, model


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize(
    ("hidden", "dtype"), [((4,), np.float64), ((6, 4), np.float64), ((3, 5, 2), np.float32)]
)
def test_deep_training_from_the_cli_follows_the_readable_networks_trajectory(
    tmp_path, capsys, activation, hidden, dtype
):
    argv = ["--data-path", LARGE, "--epochs", "300", "--learning-rate", "0.3", "--seed", "3"]
    argv += ["--hidden-size", *map(str, hidden), "--activation", activation]
    code, _, err, got, model_path = _train(tmp_path, capsys, *argv, "--dtype", dtype.__name__)
    assert (code, err) == (0, "")
    params, costs, (Xtr, Ytr, _, _) = readable_run(
        LARGE, hidden, 0.3, 300, seed=3, activation=activation, dtype=dtype
    )
    costs.append(compute_cost(forward(params, Xtr), Ytr.astype(dtype)))  # J after the last step
    curve = got["cost_curve"]
    assert curve["epochs"][0] == 0 and curve["epochs"][-1] == 300
    tol = 1e-12 if dtype == np.float64 else 1e-5
    np.testing.assert_allclose(curve["costs"], [costs[e] for e in curve["epochs"]], rtol=tol)
    assert (got["hidden_sizes"], got["activation"]) == (list(hidden), activation)
    saved = load_model(model_path).params
    assert saved.activation == activation and saved.layer_sizes == (2, *hidden, 1)
    for name, value in params.items():
        assert saved[name].dtype == dtype
        np.testing.assert_allclose(saved[name], value, rtol=tol, atol=tol)


def test_the_model_line_names_every_layer_and_the_activation(tmp_path, capsys):
    argv = ["--data-path", BASIC, "--epochs", "5", "--hidden-size", "8", "4"]
    code, out, _, _, _ = _train(tmp_path, capsys, *argv, "--activation", "tanh")
    assert code == 0
    assert out.splitlines()[1] == (
        "model: 2 -> 8 tanh -> 4 tanh -> 1 sigmoid, learning rate 0.01, 5 epochs, float64, "
        "standardized features"
    )


def test_one_size_is_todays_network_and_one_relu_layer_line(tmp_path, capsys):
    _, one, _, m1, _ = _train(tmp_path, capsys, "--data-path", BASIC, "--epochs", "50")
    _, given, _, m2, _ = _train(tmp_path, capsys, "--data-path", BASIC, "--epochs", "50",
                                "--hidden-size", "5", "--activation", "relu")  # fmt: skip
    assert one == given and m1 == m2
    assert one.splitlines()[1].startswith("model: 2 -> 5 ReLU -> 1 sigmoid, learning rate 0.01")


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_a_deep_model_saved_by_train_predicts_from_the_cli_what_it_trained(
    tmp_path, capsys, activation
):
    argv = ["--data-path", BASIC, "--epochs", "200", "--learning-rate", "0.5"]
    code, *_, model_path = _train(
        tmp_path, capsys, *argv, "--hidden-size", "5", "3", "--activation", activation
    )
    assert code == 0
    assert predict_main(["--model", str(model_path), "--data-path", BASIC]) == 0
    out = capsys.readouterr().out.splitlines()
    X, _ = split_xy(load_table(BASIC))
    expected = load_model(model_path).predict_proba(X).ravel()
    assert out[0] == "probability,prediction" and len(out) == X.shape[1] + 1
    got = np.array([float(line.split(",")[0]) for line in out[1:]])
    assert np.array_equal(got, expected)


def test_the_plot_of_a_deep_run_names_its_layers(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    from matplotlib.text import Text

    from nn_numpy.plot import training_figure

    argv = ["--data-path", BASIC, "--epochs", "20", "--hidden-size", "6", "3"]
    png = tmp_path / "run.png"
    code, *_ = _train(tmp_path, capsys, *argv, "--activation", "sigmoid", "--plot", str(png))
    assert code == 0 and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    model = load_model(tmp_path / "m.npz")
    X, Y = split_xy(load_table(BASIC))
    fig = training_figure(model.params, model.standardizer, X, Y, X, Y, [0, 1], [0.7, 0.6])
    texts = [t.get_text() for t in fig.findobj(Text)]
    assert any("network 2 \u2192 6 sigmoid \u2192 3 sigmoid \u2192 1 sigmoid" in t for t in texts)


def _refused(capsys, *argv: str) -> str:
    code, out, err = run_cli(["--data-path", BASIC, "--epochs", "3", *argv], capsys)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and err.startswith("nn-numpy-train: error: ")
    assert "Traceback" not in err
    return err


def test_one_hidden_layer_more_than_allowed_is_refused(capsys):
    err = _refused(capsys, "--hidden-size", *["2"] * (MAX_HIDDEN_LAYERS + 1))
    assert f"{MAX_HIDDEN_LAYERS + 1} hidden layers given, at most {MAX_HIDDEN_LAYERS}" in err


def test_the_most_hidden_layers_allowed_train(tmp_path, capsys):
    argv = ["--data-path", BASIC, "--epochs", "2", "--hidden-size", *["2"] * MAX_HIDDEN_LAYERS]
    code, *_, model_path = _train(tmp_path, capsys, *argv, "--activation", "tanh")
    assert code == 0 and load_model(model_path).params.L == MAX_HIDDEN_LAYERS + 1


def test_a_million_hidden_sizes_are_one_line_and_never_echoed(capsys):
    err = _refused(capsys, "--hidden-size", *["8"] * 10**6)
    assert "1000000 hidden layers given" in err and len(err) < 200


@pytest.mark.parametrize(
    ("sizes", "expected"),
    [
        (["0"], "expected a positive integer, got '0'"),
        (["8", "-3"], "expected a positive integer, got '-3'"),
        (["2.5"], "expected a positive integer, got '2.5'"),
        (["8", "four"], "expected a positive integer, got 'four'"),
        (["1" + "0" * 5000], "expected a positive integer"),
        ([], "expected at least one argument"),
    ],
    ids=["zero", "negative", "non-integer", "word", "5001 digits", "none"],
)
def test_a_hidden_size_that_is_not_a_positive_integer_is_refused(capsys, sizes, expected):
    assert expected in _refused(capsys, "--hidden-size", *sizes)


@pytest.mark.parametrize(
    "sizes", [["1000000000000"], ["4", "1000000000000"], ["4", "1000000", "1000000"]]
)
def test_a_network_larger_than_memory_is_refused_before_allocating(capsys, sizes):
    err = _refused(capsys, "--hidden-size", *sizes)
    assert f"--hidden-size {' '.join(sizes)} with 12 examples" in err
    assert "of memory, but only" in err


def test_an_unknown_activation_is_refused(capsys):
    assert "invalid choice: 'gelu'" in _refused(capsys, "--activation", "gelu")


@pytest.mark.parametrize(
    "argv", [["--hidden-size", "8", "4"], ["--activation", "tanh"]], ids=["depth 2", "tanh"]
)
def test_the_numba_backend_refuses_what_it_does_not_train_in_one_line(capsys, argv):
    err = _refused(capsys, "--backend", "numba", *argv)
    assert "--backend numba trains one ReLU hidden layer only" in err
    assert "use --backend numpy" in err


@pytest.mark.parametrize(
    ("n_x", "hidden", "m", "activation", "dtype"),
    [
        (2, (64, 32), 4000, "relu", np.float64),
        (2, (8, 8, 8), 2000, "tanh", np.float32),
        (2, (8, 8, 8), 2000, "sigmoid", np.float64),
        (10, (256,), 500, "sigmoid", np.float64),
        (3, (500, 500), 50, "relu", np.float64),
        (2, (1,) * 20, 3000, "tanh", np.float64),
    ],
)
def test_the_readable_training_estimate_is_the_measured_peak_within_a_factor_of_4(
    n_x, hidden, m, activation, dtype
):
    """What the memory check compares for a network trained by the readable step: the traced
    peak of init, a cost, a step and the accuracy's forward pass, and the estimate."""
    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((n_x, m)), (rng.random((1, m)) < 0.5).astype(np.float64)
    tracemalloc.start()
    try:
        start = init_params(n_x, hidden, 0, activation=activation)
        trainer = ReadableTrainer(X, Y, start, 0.1, dtype)
        trainer.cost()
        trainer.step()
        trainer.cost()
        forward(trainer.params, X.astype(dtype))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    estimate = readable_training_bytes((n_x, *hidden, 1), m, m // 4, dtype)
    assert peak <= estimate <= 4 * peak


def test_predict_refuses_a_deep_forward_pass_that_does_not_fit(tmp_path, capsys, monkeypatch):
    code, *_, model_path = _train(tmp_path, capsys, "--data-path", BASIC, "--epochs", "5",
                                  "--hidden-size", "4", "3")  # fmt: skip
    assert code == 0
    monkeypatch.setattr(resources, "available_memory", lambda: 1000)
    assert predict_main(["--model", str(model_path), "--data-path", BASIC]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    # 4 arrays of (4 + 3) units x 12 rows x 8 bytes: 2688 bytes
    assert err == (
        "nn-numpy-predict: error: a model with hidden sizes [4, 3] on 12 rows needs about "
        "2.69 KB of memory, but only 1 KB is available\n"
    )


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
def test_a_runaway_finite_cost_is_divergence_exit_1_and_no_model_saved(
    activation: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--data-path", BASIC, "--epochs", "50", "--hidden-size", "8", "4"]
    argv += ["--activation", activation, "--learning-rate", "1e300"]
    code, _, err, _, _ = _train(tmp_path, capsys, *argv)
    assert code == 1 and err.count("\n") == 1, err
    assert err.startswith("nn-numpy-train: error: training diverged: cost is "), err
    assert list(tmp_path.iterdir()) == []  # neither the model nor the metrics


@pytest.mark.parametrize(
    "argv",
    [["--hidden-size", "5_0"], ["--hidden-size", "8", "\u0665"], ["--epochs", "1_000"],
     ["--learning-rate", "0.0_1"], ["--test-size", "0.\uff12"]],
)  # fmt: skip
def test_numbers_are_ascii_digits_never_underscored_or_another_scripts(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(["--data-path", BASIC, *argv], capsys)
    assert (code, out) == (2, "") and err.count("\n") == 1, err
    assert f"got {argv[-1]!r}" in err
