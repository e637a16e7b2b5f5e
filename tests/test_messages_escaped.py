"""Every message is one line, and no output line fails to encode, whatever the names in it hold:
control characters, newlines, invisible characters and bytes that are not UTF-8 are escaped."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nn_numpy.cli._errors import printable

ROOT = Path(__file__).parents[1]
BASIC = ROOT / "data" / "basic_dataset.csv"
BIN = Path(sys.executable).parent
WEIRD = os.fsdecode(b"d\xff\nx\x1b[31m\xe2\x80\x8b.csv")  # a bad byte, newline, ESC, ZWSP


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("a\nb", "a\\nb"),
        ("a\x1b[31mb", "a\\x1b[31mb"),
        ("a\u200bb", "a\\u200bb"),
        ("a\u202eb", "a\\u202eb"),  # right-to-left override
        (os.fsdecode(b"a\xffb"), "a\\xffb"),
        ("a\tb\rc", "a\\tb\\rc"),
    ],
)
def test_printable_escapes_what_would_not_show_as_itself(text, shown):
    assert printable(text) == shown
    assert printable(shown) == shown


def test_printable_keeps_ordinary_names_including_non_ascii_letters():
    assert printable("température (°C) 'x' \\ n.csv") == "température (°C) 'x' \\ n.csv"


def _run(argv: list[str], cwd: Path, encoding: str = "utf-8:strict") -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": encoding}
    return subprocess.run(argv, cwd=cwd, capture_output=True, timeout=120, env=env)


def test_train_and_predict_on_a_non_utf8_name_with_a_newline_under_strict_utf8(tmp_path):
    shutil.copy(BASIC, os.path.join(tmp_path, WEIRD))
    train = _run([str(BIN / "nn-numpy-train"), "--data-path", WEIRD, "--epochs", "2",
                  "--save-model", "m.npz"], tmp_path)  # fmt: skip
    assert train.returncode == 0, train.stderr
    assert train.stderr == b""
    assert b"data: d\\xff\\nx\\x1b[31m\\u200b.csv (12 examples" in train.stdout
    out = os.fsdecode(b"o\xfe\n.csv")
    predict = _run([str(BIN / "nn-numpy-predict"), "--model", "m.npz", "--data-path", WEIRD,
                    "--output", out], tmp_path)  # fmt: skip
    assert predict.returncode == 0, predict.stderr
    assert predict.stderr == b""
    assert b"wrote 12 predictions to o\\xfe\\n.csv\n" in predict.stdout
    assert os.path.exists(os.path.join(tmp_path, out))


@pytest.mark.parametrize(
    "argv",
    [
        ["nn-numpy-train", "--data-path", WEIRD],
        ["nn-numpy-predict", "--model", WEIRD],
        ["nn-numpy-predict", "--model", "m.npz", "--data-path", BASIC.name, "--output", "a\n/b"],
        ["nn-numpy-check", WEIRD + ":f"],
        ["nn-numpy-check", "x.py:f\nnext"],
    ],
    ids=["train data", "predict model", "predict output", "check file", "check name"],
)
def test_an_error_naming_a_strange_path_is_one_line_under_strict_utf8(argv, tmp_path):
    shutil.copy(BASIC, tmp_path / BASIC.name)
    (tmp_path / "x.py").write_text("f = 1\n", encoding="utf-8")
    result = _run([str(BIN / argv[0]), *argv[1:]], tmp_path)
    assert result.returncode == 2
    assert result.stdout == b""
    assert result.stderr.count(b"\n") == 1, result.stderr
    assert result.stderr.startswith(argv[0].encode() + b": error: ")
    assert b"internal error" not in result.stderr


def test_a_name_the_stdout_encoding_cannot_hold_is_shown_escaped_not_an_error(tmp_path):
    shutil.copy(BASIC, tmp_path / "é.csv")
    argv = [str(BIN / "nn-numpy-train"), "--data-path", "é.csv", "--epochs", "2"]
    result = _run(argv, tmp_path, encoding="ascii:strict")
    assert result.returncode == 0, result.stderr
    assert b"data: \\xe9.csv (12 examples" in result.stdout


def test_a_look_alike_column_name_is_shown_with_its_code_points(tmp_path, capsys):
    from nn_numpy.cli import predict as predict_cli
    from nn_numpy.io.columns import Columns
    from nn_numpy.io.data import Standardizer
    from nn_numpy.io.model_io import save_model
    from nn_numpy.network import init_params

    model = tmp_path / "m.npz"
    save_model(model, init_params(2, 3, 1), Standardizer.identity(2), np.float64,
               Columns(("x1", "x2"), "label"))  # fmt: skip
    data = tmp_path / "d.csv"
    data.write_text("\u04451,x2,label\n1,2,0\n", encoding="utf-8")  # Cyrillic ha, not x
    assert predict_cli.main(["--model", str(model), "--data-path", str(data)]) == 2
    err = capsys.readouterr().err
    assert "missing feature column(s) 'x1'; unexpected column(s) '\u04451' (\\u04451)" in err


def _model(path: Path, n_x: int) -> Path:
    from nn_numpy.io.columns import Columns
    from nn_numpy.io.data import Standardizer
    from nn_numpy.io.model_io import save_model
    from nn_numpy.network import init_params

    names = Columns(tuple(f"x{j}" for j in range(n_x)), "label")
    save_model(path, init_params(n_x, 3, 1), Standardizer.identity(n_x), np.float64, names)
    return path


def test_a_header_of_a_hundred_thousand_unexpected_columns_is_a_short_message(tmp_path, capsys):
    from nn_numpy.cli import predict as predict_cli

    n = 100_000
    data = tmp_path / "wide.csv"
    data.write_text(",".join(f"c{j}" for j in range(n)) + "\n" + ",".join("1" * n) + "\n")
    model = _model(tmp_path / "m.npz", 2)
    assert predict_cli.main(["--model", str(model), "--data-path", str(data)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and len(err) < 500, err[:600]
    shown = ", ".join(f"'c{j}'" for j in range(12))
    assert f"unexpected column(s) {shown} and 99988 more (the model takes x0, x1, optionally" in err


def test_the_models_many_feature_names_and_a_long_name_are_clipped_in_a_message(tmp_path, capsys):
    from nn_numpy.cli import predict as predict_cli

    model = _model(tmp_path / "m.npz", 50)
    data = tmp_path / "d.csv"
    long_name = "é" * 100_000
    data.write_text(f"{long_name},x1\n1,2\n", encoding="utf-8")
    assert predict_cli.main(["--model", str(model), "--data-path", str(data)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and len(err) < 1200, err[:1500]
    shown = ", ".join(f"x{j}" for j in range(12))
    assert f"(the model takes {shown} and 38 more, optionally" in err
    assert f"unexpected column(s) {'é' * 80!r}... (100000 characters) " in err


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("a,b\n1,2\n3," + "y" * 10**6 + "\n", "line 3, column 2: 'yyyy"),
        (",".join(["1"] * 10**5) + "\n", "line 1: expected a header line with column names, "
         "found numbers '1,1,1"),
    ],
    ids=["a cell of a million characters", "a numeric header of 100000 cells"],
)  # fmt: skip
def test_a_huge_cell_or_header_in_a_message_is_clipped_to_one_short_line(tmp_path, text, shown):
    from nn_numpy.io.reader import DataError, read_table

    path = tmp_path / "d.csv"
    path.write_text(text)
    with pytest.raises(DataError) as info:
        read_table(path)
    message = str(info.value)
    assert shown in message and "characters)" in message and len(message) < 300, message[:400]


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        (os.fsdecode(b"x\xff.npz"), "'x\\xff.npz'"),  # the byte, as printable shows it
        ("a\\udcff", "'a\\\\udcff'"),  # a backslash and 'udcff' typed in the name: kept
        (os.fsdecode(b"\\\xfe"), "'\\\\\\xfe'"),  # a backslash, then the byte
        ("it's", '"it\'s"'),
    ],
)
def test_quoted_shows_a_byte_that_is_not_utf8_as_the_byte_and_is_repr_otherwise(name, shown):
    from nn_numpy.errors import quoted

    assert quoted(name) == shown


def test_a_missing_model_with_a_non_utf8_name_is_named_by_its_byte(tmp_path, capsys):
    from nn_numpy.cli import predict as predict_cli

    shutil.copy(BASIC, tmp_path / "d.csv")
    missing = os.fsdecode(os.fsencode(str(tmp_path)) + b"/m\xff.npz")
    assert predict_cli.main(["--model", missing, "--data-path", str(tmp_path / "d.csv")]) == 2
    err = capsys.readouterr().err
    assert "m\\xff.npz' does not exist" in err and "udc" not in err
