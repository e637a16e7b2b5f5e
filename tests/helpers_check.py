"""nn-numpy-check helpers shared by several test files: user implementations to check, and the
command run on them in-process. Import them as ``from tests.helpers_check import ...``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from nn_numpy.cli import check as check_cli

# nn-numpy-check: a correct user implementation (with deliberately broken functions beside it)

GOOD = """
import numpy as np

def gradients(W1, b1, W2, b2, X, Y):
    m = X.shape[1]
    Z1 = W1 @ X + b1
    A1 = np.maximum(Z1, 0)
    A2 = 1 / (1 + np.exp(-(W2 @ A1 + b2)))
    dZ2 = A2 - Y
    dZ1 = (W2.T @ dZ2) * (Z1 > 0)
    return {"dW1": dZ1 @ X.T / m, "db1": dZ1.mean(axis=1, keepdims=True),
            "dW2": dZ2 @ A1.T / m, "db2": dZ2.mean(axis=1, keepdims=True)}

def no_mask(W1, b1, W2, b2, X, Y):
    g = gradients(W1, b1, W2, b2, X, Y)
    m = X.shape[1]
    A1 = np.maximum(W1 @ X + b1, 0)
    dZ1 = W2.T @ (1 / (1 + np.exp(-(W2 @ A1 + b2))) - Y)
    return {**g, "dW1": dZ1 @ X.T / m, "db1": dZ1.mean(axis=1, keepdims=True)}

def raises(W1, b1, W2, b2, X, Y):
    return helper(X)

def helper(X):
    return X @ X  # ValueError: (n_x, m) @ (n_x, m)

def lower_case(W1, b1, W2, b2, X, Y):
    return {k.lower(): v for k, v in gradients(W1, b1, W2, b2, X, Y).items()}

def three_arguments(params, X, Y):
    return {}

def missing_db2(W1, b1, W2, b2, X, Y):
    return {k: v for k, v in gradients(W1, b1, W2, b2, X, Y).items() if k != "db2"}

def returns_none(W1, b1, W2, b2, X, Y):
    return None

def text_value(W1, b1, W2, b2, X, Y):
    return {**gradients(W1, b1, W2, b2, X, Y), "dW2": "zero"}

def bad_shape(W1, b1, W2, b2, X, Y):
    return {**gradients(W1, b1, W2, b2, X, Y), "dW2": np.zeros((3, 3))}

not_a_function = 3
"""


# the red-team corpus: one correct implementation to edit mistakes into, and its runner

BASE = """\
import numpy as np

def gradients(W1, b1, W2, b2, X, Y):
    m = X.shape[1]
    Z1 = W1 @ X + b1
    A1 = np.maximum(0, Z1)
    Z2 = W2 @ A1 + b2
    A2 = 1 / (1 + np.exp(-Z2))
    dZ2 = A2 - Y
    dW2 = dZ2 @ A1.T / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    dZ1 = (W2.T @ dZ2) * (Z1 > 0)
    dW1 = dZ1 @ X.T / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m
    J = -np.mean(Y * np.log(A2) + (1 - Y) * np.log(1 - A2))
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2, "dZ1": dZ1, "dZ2": dZ2, "J": J}
"""
ONLY_GRADIENTS = ('"dZ1": dZ1, "dZ2": dZ2, "J": J', '"_": 0')


def run_user_code(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    source: str,
    function: str = "gradients",
) -> tuple[int, str, str, dict[str, Any] | None]:
    """Write ``source`` to a path with spaces, run the command on it; (exit, out, err, JSON)."""
    monkeypatch.setattr(sys, "path", list(sys.path))  # the command adds the file's directory
    path = tmp_path / "my code" / "my nn.py"
    path.parent.mkdir(exist_ok=True)
    path.write_text(source, encoding="utf-8")
    result = tmp_path / "result.json"
    code = check_cli.main(["--no-torch", "--json", str(result), f"{path}:{function}"])
    out, err = capsys.readouterr()
    return code, out, err, json.loads(result.read_text()) if result.exists() else None


def edited(edits: list[tuple[str, str]], only_gradients: bool) -> str:
    source = BASE
    for old, new in [*edits, *([ONLY_GRADIENTS] if only_gradients else [])]:
        assert old in source, old
        source = source.replace(old, new)
    return source
