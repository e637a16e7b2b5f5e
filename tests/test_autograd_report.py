"""``python -m reference.report`` passes on the real code and fails when a formula is wrong."""

from __future__ import annotations

import numpy as np

import reference.report as report
from nn_numpy import Grads, backward

SMALL = ["--random", "2", "--saturated", "2"]


def test_report_lists_every_formula_and_passes(torch_ref):
    lines: list[str] = []
    assert report.main(SMALL, out=lines.append) == 0
    text = "\n".join(lines)
    for formula in report.FORMULAS.values():
        assert formula in text
    assert "FAIL" not in text and "disagrees (caught)" in text


def seed_box2_as_printed(params, cache, X, Y) -> Grads:
    """backward with the seed's typo: the hidden mask taken on Z2 instead of Z1."""
    grads = backward(params, cache, X, Y)
    dZ1 = (params.W2.T @ grads.dZ2) * (cache.Z2 > 0)
    m = X.shape[1]
    return Grads(
        dZ2=grads.dZ2,
        dZ1=dZ1,
        dW1=dZ1 @ X.T / m,
        db1=np.sum(dZ1, axis=1, keepdims=True) / m,
        dW2=grads.dW2,
        db2=grads.db2,
    )


def test_report_fails_when_backward_uses_the_seed_box2_as_printed(torch_ref, monkeypatch):
    monkeypatch.setattr(report, "backward", seed_box2_as_printed)
    lines: list[str] = []
    assert report.main(SMALL, out=lines.append) == 1
    failing = [line for line in lines[0].splitlines() if line.endswith("FAIL")]
    assert any(line.startswith("Box 2") for line in failing)
    assert not any(line.startswith("Box 1") for line in failing)


def test_report_exits_2_with_one_line_when_a_dataset_is_missing(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(report, "DATA_DIR", tmp_path)
    assert report.main(SMALL) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "dataset not found" in err
