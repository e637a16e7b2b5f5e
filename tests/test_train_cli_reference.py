"""What nn-numpy-train reports is what the readable network computes for the same arguments.

The numbers are recomputed through ``network.train`` (``test_train_cli.reference``), so a
denominator from the wrong split (``2/9`` for a 3-example test split), the train accuracy
printed as the test accuracy, or a --seed that reaches the split but not the weights is caught.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from test_train_cli import BASIC, reference, run_cli  # the CLI's in-process runner, shared


@pytest.mark.parametrize("epochs", [1, 300])
def test_accuracy_lines_divide_each_split_count_by_its_own_size(
    epochs: int, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--data-path", BASIC, "--epochs", str(epochs), "--print-every", "0"]
    code, out, _ = run_cli([*argv, "--learning-rate", "0.5"], capsys)
    assert code == 0
    ref = reference(BASIC, hidden=5, lr=0.5, epochs=epochs)
    sizes = re.search(r"(\d+) train / (\d+) test", out)
    assert sizes is not None
    n_train, n_test = int(sizes.group(1)), int(sizes.group(2))
    assert (n_train, n_test) == (9, 3)  # 12 rows, ceil(0.2 * 12) = 3 held out
    for split, n in (("train", n_train), ("test", n_test)):
        k = round(ref[f"{split}_accuracy"] * n)
        assert f"{split} accuracy: {100 * k / n:.2f}% ({k}/{n})\n" in out


def test_seed_sets_the_initial_weights_as_well_as_the_split(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    metrics = tmp_path / "m.json"
    argv = ["--data-path", BASIC, "--epochs", "200", "--learning-rate", "0.5", "--seed", "7"]
    code, _, _ = run_cli([*argv, "--print-every", "0", "--metrics-json", str(metrics)], capsys)
    assert code == 0
    got = json.loads(metrics.read_text(encoding="utf-8"))
    ref = reference(BASIC, hidden=5, lr=0.5, epochs=200, seed=7)  # init_params(..., seed=7)
    assert got["final_cost"] == pytest.approx(ref["final_cost"], rel=1e-9)
