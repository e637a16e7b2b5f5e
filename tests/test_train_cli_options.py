"""nn-numpy-train's training options end to end, each against the readable loop: standardization
(train statistics, none), many features, float32, and a diverging learning rate.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.helpers import BASIC, LARGE, read_metrics, reference, run_cli


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
