"""The output-path tests' shared helpers: write one path with one writer (a train run's output
flag, or predict's --output) and check what was written. Import them as
``from tests.helpers_outputs import ...``; the ``data`` and ``model`` fixtures are in
``tests/conftest.py``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from nn_numpy.cli import predict as cli_predict
from nn_numpy.cli import train as cli_train
from nn_numpy.io.data import Standardizer
from nn_numpy.io.model_io import load_model, save_model
from nn_numpy.network import init_params
from tests.helpers import XY_LABEL

FLAGS = {"model": "--save-model", "metrics": "--metrics-json", "plot": "--plot"}

NAMES = {"model": "m.npz", "metrics": "m.json", "plot": "p.png", "predictions": "p.csv"}

WRITERS = ["model", "metrics", "plot", "predictions"]

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="os.mknod needs root")


def run(
    writer: str, path: str | Path, data: Path, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, str, str]:
    """Write ``path`` with one writer: a train run's output flag, or predict's --output."""
    if writer == "plot":
        pytest.importorskip("matplotlib")
    if writer == "predictions":
        model = data.parent / "model.npz"
        if not model.exists():
            save_model(model, init_params(2, 3, 0), Standardizer.identity(2), np.float64, XY_LABEL)
        argv = ["--model", str(model), "--data-path", str(data), "--output", str(path), *extra]
        code = cli_predict.main(argv)
    else:
        argv = ["--data-path", str(data), "--epochs", "3", FLAGS[writer], str(path), *extra]
        code = cli_train.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def check_written(writer: str, path: Path) -> None:
    """The file holds what the writer writes."""
    if writer == "model":
        assert load_model(path).hidden_size == 5
    elif writer == "metrics":
        assert json.loads(path.read_text())["epochs"] == 3
    elif writer == "plot":
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    else:
        assert path.read_text().startswith("probability,prediction\n")


def no_temp_files(directory: Path) -> bool:
    return not [p for p in directory.iterdir() if p.name.endswith(".tmp")]
