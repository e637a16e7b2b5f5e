"""Each stage of a run drops the copy of the data it was made from: training holds the file's
values only until X and Y are split off, and X and Y only until the train and test splits exist;
predict holds the file's values only until X and the labels are matched out of them, and writes
its predictions a block at a time. Found with weak references to the arrays (no timing, no RSS),
so a stage that keeps an earlier copy alive fails here whatever the machine."""

from __future__ import annotations

import argparse
import weakref
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from nn_numpy.cli import _inputs
from nn_numpy.cli import predict as predict_cli
from nn_numpy.io.columns import Columns, match_by_position, match_columns
from nn_numpy.io.data import Standardizer
from nn_numpy.io.model_io import save_model
from nn_numpy.io.reader import read_table
from nn_numpy.network import init_params

ROWS = "x1,x2,label\n1,2,0\n\n3,4,1\n5,6,0\n7,8,1\n9,10,0\n11,12,1\n"


def _args(path: str) -> argparse.Namespace:
    return argparse.Namespace(data_path=path, test_size=0.25, seed=0, hidden_size=[3],
                              activation="relu", dtype="float64", standardize=True)  # fmt: skip


def test_training_drops_the_files_values_before_splitting_and_x_before_scaling(
    tmp_path, monkeypatch
):
    path = tmp_path / "d.csv"
    path.write_text(ROWS)
    refs: dict[str, weakref.ref[Any]] = {}
    dead: dict[str, bool] = {}
    real_split_xy, real_split, real_memory = (
        _inputs.split_xy, _inputs.train_test_split, _inputs.require_memory
    )  # fmt: skip

    def split_xy(table):
        refs["values"] = weakref.ref(table.values)
        X, Y = real_split_xy(table)
        refs["X"], refs["Y"] = weakref.ref(X), weakref.ref(Y)
        return X, Y

    def split(*args):
        dead["values while splitting"] = refs["values"]() is None
        return real_split(*args)

    def memory(*args):
        dead["X and Y while scaling"] = refs["X"]() is None and refs["Y"]() is None
        return real_memory(*args)

    monkeypatch.setattr(_inputs, "split_xy", split_xy)
    monkeypatch.setattr(_inputs, "train_test_split", split)
    monkeypatch.setattr(_inputs, "require_memory", memory)
    data = _inputs.prepare(_args(str(path)), str(path))
    assert dead == {"values while splitting": True, "X and Y while scaling": True}
    assert data.X_train.shape[1] + data.X_test.shape[1] == 6  # the run itself is unchanged


@pytest.fixture
def model(tmp_path: Path) -> Path:
    path = tmp_path / "m.npz"
    save_model(path, init_params(2, 3, 0), Standardizer.identity(2), np.float64,
               Columns(("x1", "x2"), "label"))  # fmt: skip
    return path


def test_predict_drops_the_files_values_before_the_forward_pass(tmp_path, model, monkeypatch):
    data = tmp_path / "d.csv"
    data.write_text(ROWS)
    refs: list[weakref.ref[Any]] = []
    dead: list[bool] = []
    real_read, real_probabilities = predict_cli.read_table, predict_cli.probabilities

    def read(*args):
        table = real_read(*args)
        refs.append(weakref.ref(table.values))
        return table

    def probabilities(*args):
        dead.append(refs[0]() is None)
        return real_probabilities(*args)

    monkeypatch.setattr(predict_cli, "read_table", read)
    monkeypatch.setattr(predict_cli, "probabilities", probabilities)
    assert predict_cli.main(["--model", str(model), "--data-path", str(data),
                             "--output", str(tmp_path / "p.csv")]) == 0  # fmt: skip
    assert dead == [True]


def test_matched_labels_share_no_memory_with_the_tables_values(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text(ROWS)
    table = read_table(path)
    by_name = match_columns(table, Columns(("x2", "x1"), "label"))
    by_position = match_by_position(table, 2)
    for X, labels in (by_name, by_position):
        assert labels is not None
        assert np.array_equal(labels, [0, 1, 0, 1, 0, 1])
        assert not np.shares_memory(labels, table.values)
        assert not np.shares_memory(X, table.values)


def test_a_table_without_values_names_the_same_lines_and_holds_no_values(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text(ROWS)
    table = read_table(path)
    bare = table.without_values()
    assert bare.values.nbytes == 0 and not np.shares_memory(bare.values, table.values)
    assert [bare.where(i) for i in range(6)] == [table.where(i) for i in range(6)]
    assert bare.where(1) == f"{path}, line 4"  # after the blank line
    with pytest.raises(IndexError):
        bare.line(6)


def test_predictions_written_a_block_at_a_time_are_the_bytes_of_one_block(
    tmp_path, model, monkeypatch, capsys
):
    rows = "x1,x2,label\n" + "".join(f"{i / 7},{-i / 3},{i % 2}\n" for i in range(10))
    data = tmp_path / "d.csv"
    data.write_text(rows)
    outputs = []
    for block in (1 << 20, 3, 1):
        monkeypatch.setattr(predict_cli, "BLOCK", block)
        out = tmp_path / f"p{block}.csv"
        assert predict_cli.main(["--model", str(model), "--data-path", str(data),
                                 "--output", str(out)]) == 0  # fmt: skip
        capsys.readouterr()
        assert predict_cli.main(["--model", str(model), "--data-path", str(data)]) == 0
        outputs.append((out.read_text(), capsys.readouterr().out))
    assert outputs[0][1] == outputs[0][0]  # standard output and the file hold the same CSV
    assert outputs[0][0].count("\n") == 11
    assert outputs[1] == outputs[0] and outputs[2] == outputs[0]
