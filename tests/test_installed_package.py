"""The installed package works on its own: console scripts run outside the source tree.

pytest imports ``nn_numpy`` from the checkout (``pythonpath = ["."]``), so this is the test that
sees what ``pip install`` really put in the environment (in tox: the built wheel).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]


def _script(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    assert found, f"{name} is not installed beside {sys.executable}: run `pip install -e .`"
    return found


def _run(name: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The installed console script ``name``, run in ``cwd`` without PYTHONPATH."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run(
        [_script(name), *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


def test_console_scripts_train_save_and_predict_outside_the_source_tree(tmp_path: Path) -> None:
    shutil.copy(ROOT / "data" / "basic_dataset.csv", tmp_path / "data.csv")
    args = ["--data-path", "data.csv", "--epochs", "50", "--print-every", "0"]
    train = _run("nn-numpy-train", *args, "--save-model", "model.npz", cwd=tmp_path)
    assert train.returncode == 0, train.stderr
    assert "test accuracy:" in train.stdout
    predict = _run(
        "nn-numpy-predict", "--model", "model.npz", "--data-path", "data.csv", cwd=tmp_path
    )
    assert predict.returncode == 0, predict.stderr
    assert predict.stdout.splitlines()[0] == "probability,prediction"
    assert len(predict.stdout.splitlines()) == 1 + 12
    assert predict.stderr.startswith("accuracy: ")


def test_console_script_with_no_arguments_trains_on_the_shipped_dataset_anywhere(
    tmp_path: Path,
) -> None:
    # No data/ here: the seed's default path falls back to the copy inside the installed package.
    anywhere = _run("nn-numpy-train", "--epochs", "100", cwd=tmp_path)
    assert anywhere.returncode == 0, anywhere.stderr
    in_checkout = _run("nn-numpy-train", "--epochs", "100", cwd=ROOT)
    assert anywhere.stdout == in_checkout.stdout
    assert anywhere.stdout.startswith("data: data/basic_dataset.csv (12 examples, 2 features)")
    assert list(tmp_path.iterdir()) == []
