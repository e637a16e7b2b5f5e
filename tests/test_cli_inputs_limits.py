"""What the training command checks about its inputs: the memory it asks for counts the test
split when that is the larger, and a split whose outputs overflow is refused, not classified."""

from __future__ import annotations

import numpy as np
import pytest

from nn_numpy.cli import _inputs
from nn_numpy.io.data import split_xy, train_test_split
from nn_numpy.io.reader import DataError, read_table
from nn_numpy.io.resources import training_bytes
from nn_numpy.network import Params
from tests.helpers import BASIC, run_cli


def test_the_memory_check_counts_the_test_split_when_it_is_the_larger(capsys, monkeypatch):
    asked = []
    monkeypatch.setattr(_inputs, "require_memory", lambda need, what: asked.append(need))
    argv = ["--data-path", BASIC, "--epochs", "1", "--test-size", "0.6", "--seed", "42"]
    code, _, err = run_cli(argv, capsys)
    assert code == 0, err
    _, Y_train, _, Y_test = train_test_split(*split_xy(read_table(BASIC)), 0.6, 42)
    m_train, m_test = Y_train.shape[1], Y_test.shape[1]
    assert m_test > m_train
    assert asked == [training_bytes(2, 5, m_train, m_test, "float64")]


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_an_infinite_output_is_refused_not_classified(sign):
    big = np.finfo(np.float64).max
    params = Params(np.array([[10.0]]), np.array([[0.0]]), np.array([[sign]]), np.array([[0.0]]))
    X = np.array([[big, 1.0]])  # the first example's Z2 is +-inf, not nan
    with pytest.raises(DataError, match=r"1 example\(s\) of the test split are too far"):
        _inputs.predictions(params, X, "test")
