"""nn-numpy-train end to end: the seed's command, determinism, metrics, dtypes, outputs."""

from __future__ import annotations

import json
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import nn_numpy.cli.train as cli_train
from nn_numpy.cli.train import fit_and_print
from nn_numpy.io.data import Standardizer, load_table, split_xy, train_test_split
from tests.helpers import BASIC, LARGE, ROOT, SEED_COMMAND, reference, run_cli


def read_metrics(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def test_seed_command_trains_the_basic_dataset(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(ROOT)  # the seed's command uses a path relative to the project root
    metrics = tmp_path / "m.json"
    code, out, err = run_cli([*SEED_COMMAND, "--metrics-json", str(metrics)], capsys)
    assert code == 0, err
    assert err == ""
    lines = out.splitlines()
    assert lines[0] == "data: data/basic_dataset.csv (12 examples, 2 features), 9 train / 3 test"
    epoch_lines = [line.split() for line in lines if line.startswith("epoch")]
    assert [int(f[1]) for f in epoch_lines] == [0, 1000, 2000, 3000, 4000, 5000]
    printed_costs = [float(f[3]) for f in epoch_lines]
    assert printed_costs == sorted(printed_costs, reverse=True)  # gradient descent goes down
    m = read_metrics(metrics)
    # The CLI (Trainer) ends where the readable loop ends.
    ref = reference(BASIC, 5, 0.01, 5000)
    assert m["final_cost"] == pytest.approx(ref["final_cost"], rel=1e-9)
    assert m["train_accuracy"] == ref["train_accuracy"]
    assert m["test_accuracy"] == ref["test_accuracy"]
    assert f"final cost: {m['final_cost']:.6f}" in lines
    assert f"train accuracy: {100 * m['train_accuracy']:.2f}% " in out
    assert f"test accuracy: {100 * m['test_accuracy']:.2f}% " in out
    # XOR with a clear margin: five ReLU units fit all 9 training points.
    assert m["train_accuracy"] == 1.0


def test_subprocess_run_from_project_root_prints_what_main_prints(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    argv = ["--epochs", "300", "--print-every", "100"]  # default --data-path, relative to cwd
    proc = subprocess.run(
        [sys.executable, "-m", "nn_numpy.train", *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""  # not a terminal: no progress indicator
    monkeypatch.chdir(ROOT)
    code, out, _ = run_cli(argv, capsys)
    assert code == 0
    assert proc.stdout == out  # byte-identical across processes


def test_same_arguments_give_byte_identical_stdout_and_metrics(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    runs = []
    for name in ("a.json", "b.json"):
        argv = ["--data-path", LARGE, "--epochs", "200", "--print-every", "50"]
        code, out, _ = run_cli([*argv, "--metrics-json", str(tmp_path / name)], capsys)
        assert code == 0
        runs.append((out, (tmp_path / name).read_bytes()))
    assert runs[0] == runs[1]
    # ... and a different seed gives a different run (the check can fail).
    code, out, _ = run_cli(["--data-path", LARGE, "--epochs", "200", "--seed", "1"], capsys)
    assert out != runs[0][0]


def test_metrics_json_holds_the_run(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    argv = ["--data-path", LARGE, "--epochs", "1200", "--learning-rate", "0.05"]
    code, out, _ = run_cli([*argv, "--hidden-size", "3", "--metrics-json", str(path)], capsys)
    assert code == 0
    m = read_metrics(path)
    assert m["data_path"] == LARGE
    assert (m["n_features"], m["n_train"], m["n_test"]) == (2, 1600, 400)
    assert (m["hidden_sizes"], m["activation"]) == ([3], "relu")
    assert (m["learning_rate"], m["epochs"]) == (0.05, 1200)
    assert (m["seed"], m["test_size"], m["standardize"], m["dtype"]) == (42, 0.2, True, "float64")
    ref = reference(LARGE, 3, 0.05, 1200)
    assert m["final_cost"] == pytest.approx(ref["final_cost"], rel=1e-9)
    assert (m["train_accuracy"], m["test_accuracy"]) == (
        ref["train_accuracy"],
        ref["test_accuracy"],
    )
    curve = m["cost_curve"]
    # J at epoch 0, every max(1, 1200 // 500) = 2 epochs, and at every printed epoch (1000).
    assert curve["epochs"] == list(range(0, 1201, 2))
    assert len(curve["costs"]) == len(curve["epochs"])
    assert curve["costs"][-1] == m["final_cost"]
    assert f"epoch 1000  cost {curve['costs'][500]:.6f}" in out


def test_cost_curve_includes_printed_and_final_epochs(tmp_path: Path) -> None:
    class Fake:
        def __init__(self) -> None:
            self.steps = 0

        def step(self) -> None:
            self.steps += 1

        def cost(self) -> float:
            return 1.0 / (1 + self.steps)

    out = tmp_path / "out.txt"
    with out.open("w") as f:
        epochs, costs = fit_and_print(Fake(), 1003, print_every=7, out=f)  # type: ignore[arg-type]
    expected = sorted({0, *range(2, 1004, 2), *range(7, 1004, 7), 1003})
    assert epochs == expected
    assert costs == [1.0 / (1 + e) for e in expected]  # J after exactly e steps
    printed = [int(line.split()[1]) for line in out.read_text().splitlines()]
    assert printed == list(range(0, 1004, 7))


def test_print_every_zero_prints_no_epoch_lines(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["--data-path", BASIC, "--epochs", "50", "--print-every", "0"], capsys)
    assert code == 0
    assert not [line for line in out.splitlines() if line.startswith("epoch")]
    assert "final cost: " in out


def test_standardization_uses_train_statistics_only(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "m.json"
    argv = ["--data-path", LARGE, "--epochs", "300", "--learning-rate", "0.1"]
    assert run_cli([*argv, "--metrics-json", str(path)], capsys)[0] == 0
    got = read_metrics(path)["final_cost"]
    on_train = reference(LARGE, 5, 0.1, 300, standardize="train")["final_cost"]
    on_all = reference(LARGE, 5, 0.1, 300, standardize="all")["final_cost"]
    assert got == pytest.approx(on_train, rel=1e-9)
    assert got != pytest.approx(on_all, rel=1e-9)  # the distinction is visible at this tolerance


def test_no_standardize_trains_on_raw_features(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Features on very different scales, so standardizing changes the run.
    rng = np.random.default_rng(3)
    X = rng.standard_normal((200, 2)) * [1.0, 50.0] + [5.0, -100.0]
    y = (X[:, 0] - 5 > 0).astype(int)
    data = tmp_path / "scaled.csv"
    data.write_text(
        "a,b,label\n"
        + "".join(f"{float(a)!r},{float(b)!r},{t}\n" for (a, b), t in zip(X, y, strict=True)),
        encoding="utf-8",
    )
    raw, std = tmp_path / "raw.json", tmp_path / "std.json"
    base = ["--data-path", str(data), "--epochs", "100", "--learning-rate", "0.001"]
    code, out, _ = run_cli([*base, "--no-standardize", "--metrics-json", str(raw)], capsys)
    assert code == 0
    assert out.splitlines()[1].endswith(", raw features")
    assert run_cli([*base, "--metrics-json", str(std)], capsys)[0] == 0
    m_raw, m_std = read_metrics(raw), read_metrics(std)
    assert m_raw["standardize"] is False and m_std["standardize"] is True
    ref = reference(str(data), 5, 0.001, 100, standardize="none")
    assert m_raw["final_cost"] == pytest.approx(ref["final_cost"], rel=1e-9)
    assert m_raw["final_cost"] != pytest.approx(m_std["final_cost"], rel=1e-3)


def test_thirty_feature_csv_just_works(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    X = rng.standard_normal((300, 30))
    y = (X[:, 0] * X[:, 1] + X[:, 2] > 0).astype(int)
    data = tmp_path / "wide.csv"
    header = ",".join(f"f{j}" for j in range(30)) + ",label\n"
    rows = "".join(",".join(f"{v:.6f}" for v in x) + f",{t}\n" for x, t in zip(X, y, strict=True))
    data.write_text(header + rows, encoding="utf-8")
    metrics = tmp_path / "m.json"
    argv = ["--data-path", str(data), "--epochs", "200", "--learning-rate", "0.1"]
    code, out, err = run_cli([*argv, "--metrics-json", str(metrics)], capsys)
    assert code == 0, err
    assert "(300 examples, 30 features), 240 train / 60 test" in out
    assert "model: 30 -> 5 ReLU -> 1 sigmoid" in out
    m = read_metrics(metrics)
    assert m["n_features"] == 30
    ref = reference(str(data), 5, 0.1, 200)
    assert m["final_cost"] == pytest.approx(ref["final_cost"], rel=1e-9)


def test_float32_run_tracks_the_float64_run(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    costs = {}
    for dtype in ("float64", "float32"):
        path = tmp_path / f"{dtype}.json"
        argv = ["--data-path", LARGE, "--epochs", "300", "--dtype", dtype]
        code, out, err = run_cli([*argv, "--metrics-json", str(path)], capsys)
        assert code == 0, err
        assert f", {dtype}, " in out
        m = read_metrics(path)
        assert m["dtype"] == dtype
        costs[dtype] = m["final_cost"]
    assert costs["float32"] == pytest.approx(costs["float64"], rel=1e-4)
    assert costs["float32"] != costs["float64"]  # it really ran in single precision


def test_diverging_training_exits_1_with_one_message(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    metrics = tmp_path / "m.json"
    argv = ["--data-path", BASIC, "--epochs", "50", "--learning-rate", "1e300"]
    code, _, err = run_cli([*argv, "--metrics-json", str(metrics)], capsys)
    assert code == 1
    assert err.count("\n") == 1  # one line: no RuntimeWarnings, no traceback
    assert err.startswith("nn-numpy-train: error: training diverged: cost is nan at epoch 1;")
    assert "--learning-rate" in err
    assert list(tmp_path.iterdir()) == []


def test_progress_indicator_only_on_a_terminal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    argv = ["--data-path", BASIC, "--epochs", "1000", "--print-every", "250"]
    code, quiet_out, quiet_err = run_cli(argv, capsys)
    assert (code, quiet_err) == (0, "")
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    code, out, err = run_cli(argv, capsys)
    assert code == 0
    assert out == quiet_out  # stdout does not depend on the terminal
    updates = err.split("\r")
    assert "training: 100%" in updates
    assert 100 <= sum(u.startswith("training:") for u in updates) <= 101
    assert err.endswith("\r")  # the line is cleared at the end


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
