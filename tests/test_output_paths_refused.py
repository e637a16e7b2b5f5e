"""The output paths refused before the run (nn_numpy.cli._outputs), through every writer: one line
on stderr, exit 2, nothing written and no input overwritten.
"""

from __future__ import annotations

import os

import pytest

from nn_numpy.cli import predict as cli_predict
from tests.helpers_outputs import FLAGS, NAMES, WRITERS, run

# --- refused before the run: one line, exit 2, nothing written -------------------------------


def _refused(code: int, out: str, err: str, expected: str) -> None:
    assert code == 2
    assert out == ""  # refused before the data is even read
    assert err.count("\n") == 1 and err.endswith(expected + "\n"), err


@pytest.mark.parametrize("writer", WRITERS)
def test_empty_output_path_is_refused_before_the_run(writer, data, tmp_path, capsys):
    flag = FLAGS.get(writer, "--output")
    _refused(*run(writer, "", data, capsys), f"{flag}: the path is empty; give a file name")


@pytest.mark.parametrize("writer", WRITERS)
def test_trailing_slash_output_is_refused_instead_of_writing_a_file(writer, data, tmp_path, capsys):
    path = f"{tmp_path}/newdir/"
    expected = f"{path} ends with '/', so it names a directory; give a file name"
    _refused(*run(writer, path, data, capsys), expected)
    assert not (tmp_path / "newdir").exists()


@pytest.mark.parametrize("writer", WRITERS)
def test_directory_output_is_refused_before_the_run(writer, data, tmp_path, capsys):
    (tmp_path / "d.png").mkdir()
    _refused(*run(writer, tmp_path / "d.png", data, capsys), f"{tmp_path / 'd.png'} is a directory")


@pytest.mark.parametrize("writer", WRITERS)
def test_output_in_a_missing_directory_is_refused_before_the_run(writer, data, tmp_path, capsys):
    path = tmp_path / "missing" / NAMES[writer]
    _refused(*run(writer, path, data, capsys), f"directory {path.parent} does not exist")


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write any file")
def test_read_only_output_file_is_refused_not_replaced(data, tmp_path, capsys):
    path = tmp_path / "m.json"
    path.write_text("keep")
    path.chmod(0o444)
    _refused(*run("metrics", path, data, capsys), f"{path} is not writable")
    assert path.read_text() == "keep"


@pytest.mark.parametrize("spelling", ["same", "dot-slash", "symlink", "hardlink"])
def test_two_outputs_naming_one_file_are_refused(spelling, data, tmp_path, capsys):
    first = tmp_path / "x"
    first.write_text("keep")
    second = {"same": str(first), "dot-slash": f"{tmp_path}/./x"}.get(spelling, tmp_path / "y")
    if spelling == "symlink":
        second.symlink_to(first)
    elif spelling == "hardlink":
        os.link(first, second)
    code, out, err = run("model", first, data, capsys, "--metrics-json", str(second))
    _refused(code, out, err, f"name the same file ({first}); give each output its own path")
    assert first.read_text() == "keep"


def test_two_new_outputs_naming_one_path_are_refused(data, tmp_path, capsys):
    path = tmp_path / "x"
    code, out, err = run("model", path, data, capsys, "--metrics-json", str(path))
    _refused(code, out, err, f"--metrics-json and --save-model name the same file ({path}); "
             "give each output its own path")  # fmt: skip
    assert list(tmp_path.iterdir()) == [data]


@pytest.mark.parametrize("writer", ["model", "metrics", "predictions"])
@pytest.mark.parametrize("spelling", ["same", "symlink"])
def test_output_naming_the_data_path_is_refused_and_the_data_kept(
    writer, spelling, data, tmp_path, capsys
):
    before = data.read_bytes()
    path = data
    if spelling == "symlink":
        path = tmp_path / "link"
        path.symlink_to(data)
    flag = FLAGS.get(writer, "--output")
    code, out, err = run(writer, path, data, capsys)
    _refused(code, out, err, f"{flag}: {path} is the --data-path input; writing it would "
             "overwrite the input, give another path")  # fmt: skip
    assert data.read_bytes() == before


def test_plot_naming_the_data_path_is_refused(data, tmp_path, capsys):
    png = tmp_path / "d.png"
    png.symlink_to(data)
    _refused(*run("plot", png, data, capsys), f"--plot: {png} is the --data-path input; writing "
             "it would overwrite the input, give another path")  # fmt: skip


def test_predictions_naming_the_model_are_refused_and_the_model_kept(data, model, capsys):
    before = model.read_bytes()
    argv = ["--model", str(model), "--data-path", str(data), "--output", str(model)]
    assert cli_predict.main(argv) == 2
    out, err = capsys.readouterr()
    _refused(2, out, err, f"--output: {model} is the --model input; writing it would "
             "overwrite the input, give another path")  # fmt: skip
    assert model.read_bytes() == before


@pytest.mark.parametrize("name", ["p.pdf", "p.svg", "plot", "p.png.txt"])
def test_plot_path_must_end_in_png_the_format_written(name, data, tmp_path, capsys):
    path = tmp_path / name
    expected = f"--plot: writes a PNG image, so the path must end in .png: {path}"
    _refused(*run("plot", path, data, capsys), expected)
    assert not path.exists()


def test_plot_suffix_is_case_insensitive(data, tmp_path, capsys):
    assert run("plot", tmp_path / "P.PNG", data, capsys)[0] == 0


def test_output_through_a_symlink_loop_is_refused(data, tmp_path, capsys):
    loop = tmp_path / "loop.json"
    loop.symlink_to(loop)
    expected = f"--metrics-json: {loop} cannot be used: Too many levels of symbolic links"
    _refused(*run("metrics", loop, data, capsys), expected)


def test_output_under_a_file_is_refused(data, tmp_path, capsys):
    path = data / "m.json"
    _refused(*run("metrics", path, data, capsys), f"{path} cannot be used: Not a directory")


def test_plot_naming_the_data_path_says_so_rather_than_asking_for_png(data, capsys):
    _refused(*run("plot", data, data, capsys), f"--plot: {data} is the --data-path input; "
             "writing it would overwrite the input, give another path")  # fmt: skip
