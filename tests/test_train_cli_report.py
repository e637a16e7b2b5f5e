"""nn-numpy-train end to end, what it reports: the seed's command, byte-identical runs, the
epoch lines and progress indicator, and the metrics file's contents.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from nn_numpy.cli.train import fit_and_print
from tests.helpers import BASIC, LARGE, ROOT, SEED_COMMAND, read_metrics, reference, run_cli


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
