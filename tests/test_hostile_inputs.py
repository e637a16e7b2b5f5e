"""Hostile data inputs: every one gives one clear line and exit 2 (or 1 for a run that diverges),
never a hang, never a traceback, never a warning, never a silently wrong answer.

Device nodes and FIFOs are created inside tmp_path; the real /dev/* nodes are never touched.
"""

from __future__ import annotations

import os
import stat
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nn_numpy.io import reader
from nn_numpy.io.data import Standardizer, load_table, train_test_split
from nn_numpy.io.reader import DataError, read_table
from tests.helpers import BASIC, run_cli

pytestmark = pytest.mark.filterwarnings("error")  # a warning is a failure here
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="creating device nodes needs root")


def _fails(argv: list[str], capsys: pytest.CaptureFixture[str], status: int = 2) -> str:
    code, _, err = run_cli(argv, capsys)
    assert code == status
    assert err.count("\n") == 1 and err.startswith("nn-numpy-train: error: "), err
    return err


def _device(tmp_path: Path, name: str, minor: int) -> Path:
    """A character device like /dev/zero (1, 5) or /dev/urandom (1, 9), inside tmp_path."""
    path = tmp_path / name
    os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, minor))
    return path


@needs_root
def test_a_zero_device_as_data_path_is_refused_at_its_first_nul_byte(tmp_path, capsys):
    zero = _device(tmp_path, "zero", 5)
    assert "zero, line 1: NUL byte; this is not a text file" in _fails(
        ["--data-path", str(zero), "--epochs", "1"], capsys
    )


@needs_root
def test_a_random_device_as_data_path_is_refused_without_reading_forever(tmp_path, capsys):
    err = _fails(["--data-path", str(_device(tmp_path, "urandom", 9)), "--epochs", "1"], capsys)
    assert "NUL byte" in err or "not a UTF-8 text file" in err


@pytest.fixture
def endless_fifo(tmp_path: Path) -> Iterator[Path]:
    """A FIFO whose writer sends valid CSV rows until the reader closes it (or 16 MiB, so that
    a reader without a cap fails the test instead of exhausting memory)."""
    path = tmp_path / "fifo.csv"
    os.mkfifo(path)

    def write() -> None:
        with open(path, "wb") as f:  # blocks until the reader opens the FIFO
            try:
                f.write(b"x1,label\n")
                for _ in range(16 * 2**20 // 60000):
                    f.write(b"1.5,0\n" * 10000)
            except BrokenPipeError:
                pass

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    yield path
    writer.join(timeout=10)
    assert not writer.is_alive()


def test_an_endless_stream_is_refused_at_the_size_cap(endless_fifo, monkeypatch, capsys):
    monkeypatch.setattr(reader, "MAX_DATA_BYTES", 2 * 2**20)
    err = _fails(["--data-path", str(endless_fifo), "--epochs", "1"], capsys)
    assert "fifo.csv: larger than the 2 MiB limit for data files" in err


def test_a_regular_file_over_the_stream_cap_is_read(tmp_path, monkeypatch):
    """The cap is for streams (no size known); a regular file is checked against memory
    instead (tests/test_reader_streaming.py)."""
    monkeypatch.setattr(reader, "MAX_DATA_BYTES", 1000)
    path = tmp_path / "d.csv"
    path.write_bytes(b"x1,label\n" + b"1,0\n" * 247 + b"1,1\n")  # 1001 bytes
    assert read_table(path).values.shape == (248, 2)


def test_an_empty_data_path_is_named_as_empty_not_as_the_current_directory(capsys):
    err = _fails(["--data-path", "", "--epochs", "1"], capsys)
    assert err == "nn-numpy-train: error: the data path is empty; give the path of a CSV file\n"


def test_a_directory_as_data_path_says_so(tmp_path, capsys):
    assert f"{tmp_path}: is a directory, not a data file" in _fails(
        ["--data-path", str(tmp_path), "--epochs", "1"], capsys
    )


SEPARATORS = ["\f", "\v", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029", "\r", "\x00"]


@pytest.mark.parametrize("sep", SEPARATORS, ids=[f"U+{ord(c):04X}" for c in SEPARATORS])
def test_a_line_separator_other_than_newline_inside_a_row_is_an_error_naming_the_line(
    tmp_path, sep
):
    """str.splitlines would split '1,0<sep>2,1' into two examples; the reader must not."""
    path = tmp_path / "d.csv"
    path.write_bytes(f"x1,label\n3,1\n\n1,0{sep}2,1\n".encode())
    with pytest.raises(DataError) as info:
        read_table(path)
    message = str(info.value)
    assert message.startswith(f"{path}, line 4: ")
    assert "\n" not in message
    named = "NUL byte" if sep == "\x00" else f"control character U+{ord(sep):04X} inside a line"
    assert named in message


def test_crlf_line_ends_are_line_ends(tmp_path):
    path = tmp_path / "d.csv"
    path.write_bytes(b"x1,label\r\n1,0\r\n2,1\r\n")
    np.testing.assert_array_equal(load_table(path), [[1, 0], [2, 1]])


def test_a_fullwidth_digit_is_reported_by_its_1_based_file_line(tmp_path, capsys):
    path = tmp_path / "d.csv"
    path.write_text("x1,label\n1,0\n\n\uff11,1\n", encoding="utf-8")
    err = _fails(["--data-path", str(path), "--epochs", "1"], capsys)
    assert err == f"nn-numpy-train: error: {path}, line 4, column 1: '\uff11' is not a number\n"


def test_a_bad_label_is_reported_by_its_file_line_not_its_row_index(tmp_path, capsys):
    path = tmp_path / "d.csv"
    path.write_text("x1,label\n\n1,0\n\n2,7\n3,1\n", encoding="utf-8")
    assert f"{path}, line 5: labels (the last column) must be 0 or 1, found 7" in _fails(
        ["--data-path", str(path), "--epochs", "1"], capsys
    )


def _scaled_basic(tmp_path: Path, scale: float) -> Path:
    table = read_table(BASIC)
    values = table.values.copy()
    values[:, 0] *= scale
    path = tmp_path / f"scaled_{scale:g}.csv"
    rows = "\n".join(",".join(repr(float(v)) for v in row) for row in values)
    path.write_text(",".join(table.columns) + "\n" + rows + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("scale", [1e200, 1e-200, 1e-310])
def test_a_feature_scaled_by_a_huge_or_tiny_factor_trains_exactly_as_well(tmp_path, capsys, scale):
    """The standardized inputs are the same up to rounding, so the run prints the same lines."""
    argv = ["--epochs", "3000", "--print-every", "1000"]
    code, plain, _ = run_cli(["--data-path", BASIC, *argv], capsys)
    scaled_path = _scaled_basic(tmp_path, scale)
    code_scaled, scaled, err = run_cli(["--data-path", str(scaled_path), *argv], capsys)
    assert (code, code_scaled, err) == (0, 0, "")
    assert "test accuracy: 100.00% (3/3)" in plain
    assert scaled.splitlines()[1:] == plain.splitlines()[1:]  # all but the "data:" line


@pytest.mark.parametrize("scale", [1e200, 1e-200, 1e-310, 2.0**1000])
def test_standardizer_fit_is_scale_robust(scale):
    X = np.random.default_rng(3).normal(loc=[[5.0], [-2.0]], scale=[[2.0], [0.5]], size=(2, 40))
    expected = Standardizer.fit(X).transform(X)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = Standardizer.fit(X * scale).transform(X * scale)
    rtol = 1e-9 if abs(np.log2(scale)) < 1000 else 1e-3  # subnormal inputs keep fewer digits
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=rtol)


def test_a_zero_variance_feature_standardizes_to_zero_and_trains(tmp_path, capsys):
    path = tmp_path / "d.csv"
    rows = "".join(f"{x},1e300,{int(x > 4)}\n" for x in range(10))
    path.write_text("x1,constant,label\n" + rows, encoding="utf-8")
    argv = ["--data-path", str(path), "--epochs", "500", "--learning-rate", "0.5"]
    code, out, err = run_cli(argv, capsys)
    assert (code, err) == (0, "")
    assert "train accuracy: 100.00% (8/8)" in out  # the constant column adds no noise
    np.testing.assert_array_equal(Standardizer.fit(load_table(path)[:, :2].T).std[1], [1e300])


def _one_class_train_split(tmp_path: Path) -> Path:
    """10 rows, one positive; the seeded split (seed 42, test size 0.2) puts it in the test set."""
    perm = np.random.default_rng(42).permutation(10)
    labels = np.zeros(10, dtype=int)
    labels[perm[0]] = 1  # test = perm[:2]
    X = np.arange(10.0).reshape(1, 10)
    _, Y_train, _, Y_test = train_test_split(X, labels.reshape(1, 10), 0.2, seed=42)
    assert Y_train.max() == 0 and Y_test.max() == 1  # the construction is what the test needs
    path = tmp_path / "one_class.csv"
    path.write_text("x1,label\n" + "".join(f"{i},{y}\n" for i, y in enumerate(labels)))
    return path


def test_a_train_split_with_a_single_class_is_refused(tmp_path, capsys):
    err = _fails(["--data-path", str(_one_class_train_split(tmp_path)), "--seed", "42"], capsys)
    assert "the train split's 8 labels are all 0; both classes (0 and 1) must be present" in err


def test_raw_features_whose_initial_cost_overflows_are_a_data_error(tmp_path, capsys):
    path = tmp_path / "huge.csv"
    rows = "".join(
        f"{s * 1.7e308},{s * 1.7e308},{s * 1.7e308},{i % 2}\n"
        for i, s in enumerate([1, -1, 1, -1, 1, 1, -1, -1, 1, -1])
    )
    path.write_text("x1,x2,x3,label\n" + rows, encoding="utf-8")
    err = _fails(["--data-path", str(path), "--no-standardize", "--epochs", "5"], capsys)
    assert "the cost cannot be computed at the initial parameters" in err
    assert "drop --no-standardize" in err and "learning-rate" not in err


def test_three_values_near_the_float64_maximum_train_when_standardized(tmp_path, capsys):
    path = tmp_path / "near.csv"
    rows = "1e308,1,0\n1.5e308,2,1\n1.7e308,1,0\n-1.7e308,3,1\n1,1,1\n1e307,2,0\n"
    path.write_text("x1,x2,label\n" + rows, encoding="utf-8")
    code, out, err = run_cli(["--data-path", str(path), "--epochs", "100"], capsys)
    assert (code, err) == (0, "")
    assert "learning-rate" not in out


def test_a_cost_that_overflows_to_infinity_stops_training_with_exit_1(tmp_path, capsys):
    path = tmp_path / "wide.csv"
    path.write_text("x1,x2,label\n1e300,1,0\n-1e300,2,1\n1e300,1,0\n-1e300,1,1\n")
    argv = ["--data-path", str(path), "--no-standardize", "--test-size", "0.25", "--epochs", "5"]
    err = _fails(argv, capsys, status=1)
    assert "training diverged: cost is inf at epoch 1" in err


def test_raw_values_beyond_the_float32_range_are_a_data_error(tmp_path, capsys):
    path = tmp_path / "d.csv"
    path.write_text("x1,label\n1e39,0\n2,1\n3,0\n4,1\n5,0\n", encoding="utf-8")
    argv = ["--data-path", str(path), "--no-standardize", "--dtype", "float32"]
    assert "column 'x1' has values beyond the float32 range" in _fails(argv, capsys)


@pytest.mark.parametrize("scale", [1e300, 1e-300])
@pytest.mark.parametrize("extra", [[], ["--no-standardize"], ["--dtype", "float32"]])
def test_no_raw_warnings_for_finite_inputs(tmp_path, capsys, scale, extra):
    path = _scaled_basic(tmp_path, scale)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code, _, err = run_cli(["--data-path", str(path), "--epochs", "50", *extra], capsys)
    assert [str(w.message) for w in caught] == []
    assert "warning" not in err.lower()  # neither raw nor as run_cli's one-line form
    assert code in (0, 1, 2)


@settings(max_examples=300)
@given(
    st.binary(max_size=200)
    | st.text(alphabet=st.sampled_from("01.,-e\n\r\t x\f\u2028\x00"), max_size=80)
)
def test_any_bytes_give_a_table_or_one_line_data_error(tmp_path_factory, content):
    path = tmp_path_factory.mktemp("fuzz") / "d.csv"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    try:
        table = read_table(path)
    except DataError as e:
        assert "\n" not in str(e) and str(e).startswith(str(path))
    else:
        assert np.all(np.isfinite(table.values))
        assert table.values.shape[1] == len(table.columns)


def test_a_test_example_whose_output_overflows_is_reported_not_counted_as_class_0(tmp_path, capsys):
    """Train values of scale 1e-310 give std ~6e-310; a test value of 1 standardizes to inf."""
    perm = np.random.default_rng(42).permutation(20)
    values = [f"{i}e-310" for i in range(20)]
    values[perm[0]] = "1"  # perm[:4] is the test split (seed 42, test size 0.2)
    path = tmp_path / "outlier.csv"
    path.write_text("x1,label\n" + "".join(f"{v},{i % 2}\n" for i, v in enumerate(values)))
    code, out, err = run_cli(["--data-path", str(path), "--epochs", "20"], capsys)
    assert code == 2
    assert "test accuracy" not in out
    assert err == (
        "nn-numpy-train: error: 1 example(s) of the test split are too far from the training "
        "data for the trained network's output to be computed (it overflows float64); remove "
        "or rescale them\n"
    )


def test_an_initial_cost_overflow_names_the_feature_column_with_the_largest_values(
    tmp_path, capsys
):
    # x1 and x2 are ordinary, x3 reaches 1.7e308: the message must name x3, the column to fix.
    path = tmp_path / "huge_last.csv"
    signs = [1, -1, 1, -1, 1, 1, -1, -1, 1, -1]
    rows = "".join(f"{i},{i % 3},{s * 1.7e308},{i % 2}\n" for i, s in enumerate(signs))
    path.write_text("x1,x2,x3,label\n" + rows, encoding="utf-8")
    err = _fails(["--data-path", str(path), "--no-standardize", "--epochs", "5"], capsys)
    assert "the cost cannot be computed at the initial parameters" in err
    assert "column 'x3' reaches 1.7e+308" in err
