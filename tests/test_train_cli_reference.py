"""What nn-numpy-train reports is what the readable network computes for the same arguments.

The numbers are recomputed through ``network.train`` (``tests.helpers.reference``), so a --seed
that reaches the split but not the initial weights is caught. (The accuracy lines and their
denominators: tests/test_reported_numbers.py.)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import BASIC, reference, run_cli


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
