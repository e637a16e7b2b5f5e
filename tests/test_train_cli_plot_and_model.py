"""nn-numpy-train's --plot and --save-model: what the plotting and model-file modules receive,
matplotlib missing refused before training, and the files the real modules write.
"""

from __future__ import annotations

import types
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import nn_numpy.cli.train as cli_train
from nn_numpy.io.data import Standardizer, load_table, split_xy, train_test_split
from tests.helpers import BASIC, LARGE, read_metrics, reference, run_cli


def fake_modules(monkeypatch: pytest.MonkeyPatch, calls: dict[str, Any]) -> type[Exception]:
    """Stand-ins for nn_numpy.plot and nn_numpy.io.model_io that record how they are called."""

    class PlotUnavailableError(RuntimeError):
        pass

    plot = types.ModuleType("nn_numpy.plot")
    plot.PlotUnavailableError = PlotUnavailableError  # type: ignore[attr-defined]
    plot.require_matplotlib = lambda: calls.setdefault("require", True)  # type: ignore[attr-defined]
    plot.plot_training = lambda *a: calls.__setitem__("plot", a)  # type: ignore[attr-defined]
    model_io = types.ModuleType("nn_numpy.io.model_io")
    model_io.save_model = lambda *a: calls.__setitem__("save", a)  # type: ignore[attr-defined]
    monkeypatch.setattr(cli_train, "plot", plot)
    monkeypatch.setattr(cli_train, "model_io", model_io)
    return PlotUnavailableError


def test_plot_and_save_model_receive_the_trained_model_and_raw_data(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    calls: dict[str, Any] = {}
    fake_modules(monkeypatch, calls)
    metrics = tmp_path / "m.json"
    argv = ["--data-path", LARGE, "--epochs", "100", "--metrics-json", str(metrics)]
    argv += ["--plot", str(tmp_path / "p.png"), "--save-model", str(tmp_path / "m.npz")]
    argv += ["--dtype", "float32"]
    assert run_cli(argv, capsys)[0] == 0
    m = read_metrics(metrics)
    path, params, scaler, Xtr, Ytr, Xte, Yte, cost_epochs, costs = calls["plot"]
    assert path == str(tmp_path / "p.png")
    X, Y = split_xy(load_table(LARGE))
    exp = train_test_split(X, Y, 0.2, 42)
    for got, want in zip((Xtr, Ytr, Xte, Yte), exp, strict=True):
        np.testing.assert_array_equal(got, want)  # raw, unstandardized
    np.testing.assert_array_equal(scaler.mean, Standardizer.fit(exp[0]).mean)
    assert (
        list(cost_epochs) == m["cost_curve"]["epochs"] and list(costs) == m["cost_curve"]["costs"]
    )
    assert params.W1.dtype == np.float32
    s_path, s_params, s_scaler, s_dtype, s_columns = calls["save"]
    assert (s_path, s_dtype, s_scaler) == (str(tmp_path / "m.npz"), "float32", scaler)
    assert s_columns == (("x1", "x2"), "label")  # the training file's header
    for name, value in s_params.as_dict().items():
        np.testing.assert_array_equal(value, params[name])


def test_plot_unavailable_fails_before_training(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    calls: dict[str, Any] = {}
    error = fake_modules(monkeypatch, calls)

    def unavailable() -> None:
        raise error("plotting needs matplotlib; install it with: pip install 'nn-numpy[plot]'")

    monkeypatch.setattr(cli_train.plot, "require_matplotlib", unavailable)
    code, out, err = run_cli(["--data-path", BASIC, "--plot", str(tmp_path / "p.png")], capsys)
    assert code == 2
    assert out == ""
    assert err.splitlines()[-1] == (
        "nn-numpy-train: error: --plot: plotting needs matplotlib; "
        "install it with: pip install 'nn-numpy[plot]'"
    )
    assert "plot" not in calls and list(tmp_path.iterdir()) == []


def test_saved_model_and_plot_are_written_by_the_real_modules(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from nn_numpy.io import model_io

    pytest.importorskip("matplotlib")
    model, png = tmp_path / "m.npz", tmp_path / "p.png"
    argv = ["--data-path", BASIC, "--epochs", "200", "--save-model", str(model)]
    assert run_cli([*argv, "--plot", str(png)], capsys)[0] == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    loaded = model_io.load_model(model)
    X, Y = split_xy(load_table(BASIC))
    Xtr, Ytr, _, _ = train_test_split(X, Y, 0.2, 42)
    ref = reference(BASIC, 5, 0.01, 200)
    assert float(np.mean(loaded.predict(Xtr) == Ytr)) == ref["train_accuracy"]
