"""The accuracy lines of nn-numpy-train: correct / size, each over its own split.

The counts are recomputed through the readable network (``test_train_cli.reference``), so a
denominator from the wrong split (``2/9`` for a 3-example test split) or the train accuracy
printed as the test accuracy is caught.
"""

from __future__ import annotations

import re

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
