"""The shipped CSVs are exactly what nn_numpy.io.datasets generates, have the promised shape, and
are found by name or by the seed's default path from any directory."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import numpy as np
import pytest

from nn_numpy.cli import predict as predict_cli
from nn_numpy.cli import train as train_cli
from nn_numpy.cli.datasets import main as regenerate
from nn_numpy.io import datasets
from nn_numpy.io.data import load_table, split_xy
from nn_numpy.io.datasets import resolve_data_path, shipped_path

ROOT = Path(__file__).parents[1]
DATA = ROOT / "data"
PACKAGED = ROOT / "nn_numpy" / "_data"
NAMES = ["basic_dataset.csv", "large_dataset.csv"]


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("regenerated")
    assert regenerate(["--out-dir", str(out)]) == 0
    return out


@pytest.mark.parametrize("copy", [DATA, PACKAGED], ids=["data", "nn_numpy/_data"])
@pytest.mark.parametrize("name", NAMES)
def test_checkout_and_packaged_copies_are_byte_identical_to_regenerated(
    regenerated: Path, copy: Path, name: str
) -> None:
    assert (copy / name).read_bytes() == (regenerated / name).read_bytes()


def test_packaged_copies_are_what_the_package_reads() -> None:
    for name in NAMES:
        assert shipped_path(name).resolve() == (PACKAGED / name).resolve()
    assert {p.name for p in PACKAGED.iterdir()} == set(NAMES)


def test_datasets_cli_creates_a_missing_out_dir(tmp_path: Path) -> None:
    out = tmp_path / "new" / "data"
    assert regenerate(["--out-dir", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == NAMES


def test_datasets_cli_rejects_an_out_dir_that_is_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "file").write_text("keep\n")
    with pytest.raises(SystemExit) as info:
        regenerate(["--out-dir", str(tmp_path / "file")])
    assert info.value.code == 2
    assert "is not a directory" in capsys.readouterr().err.splitlines()[-1]
    assert (tmp_path / "file").read_text() == "keep\n"


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ("basic", "basic_dataset.csv"),
        ("large", "large_dataset.csv"),
        ("data/basic_dataset.csv", "basic_dataset.csv"),
        ("./data/large_dataset.csv", "large_dataset.csv"),
    ],
)
def test_names_and_seed_paths_mean_the_shipped_copy_where_no_such_file_exists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str, name: str
) -> None:
    monkeypatch.chdir(tmp_path)
    assert resolve_data_path(value) == str(shipped_path(name))


def test_an_installation_without_the_shipped_data_fails_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(datasets, "files", lambda package: tmp_path)  # a package with no _data/
    monkeypatch.chdir(tmp_path)
    assert train_cli.main(["--epochs", "1"]) == 2
    err = capsys.readouterr().err
    assert err == (
        "nn-numpy-train: error: the shipped dataset basic_dataset.csv is missing from this "
        "installation of nn_numpy\n"
    )


def test_seed_default_path_in_a_checkout_reads_the_checkout_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)
    assert resolve_data_path("data/basic_dataset.csv") == "data/basic_dataset.csv"


@pytest.mark.parametrize("kind", ["file", "directory", "broken symlink"])
def test_anything_that_exists_at_the_path_wins_over_the_short_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    # A path never changes meaning: only where nothing exists does `basic` mean the shipped data.
    monkeypatch.chdir(tmp_path)
    if kind == "file":
        Path("basic").write_text("x1,label\n0,1\n")
    elif kind == "directory":
        Path("basic").mkdir()
    else:
        os.symlink(tmp_path / "missing", "basic")
    assert resolve_data_path("basic") == "basic"
    assert resolve_data_path("./basic") == "./basic"


def test_other_missing_paths_are_passed_on_for_the_reader_to_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for value in ["./basic", "basic.csv", "data//other.csv", "Large"]:
        assert resolve_data_path(value) == value  # unchanged: messages name it as written


def test_train_cli_with_no_arguments_prints_the_same_outside_the_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    assert train_cli.main(["--epochs", "300"]) == 0
    in_checkout = capsys.readouterr().out
    monkeypatch.chdir(tmp_path)
    assert train_cli.main(["--epochs", "300"]) == 0
    assert capsys.readouterr().out == in_checkout
    assert list(tmp_path.iterdir()) == []


def test_train_and_predict_clis_read_the_large_set_by_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    argv = ["--data-path", "large", "--epochs", "20", "--save-model", "model.npz"]
    assert train_cli.main(argv) == 0
    out = capsys.readouterr().out
    assert "data: large (2000 examples, 2 features), 1600 train / 400 test" in out
    assert predict_cli.main(["--model", "model.npz", "--data-path", "large"]) == 0
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == 1 + 2000
    assert err.endswith("/2000 rows correct)\n")


def load(name: str) -> tuple[np.ndarray, np.ndarray]:
    return split_xy(load_table(DATA / name))


@pytest.mark.parametrize(("name", "m"), [("basic_dataset.csv", 12), ("large_dataset.csv", 2000)])
def test_dataset_has_two_features_and_balanced_binary_labels(name: str, m: int) -> None:
    header = (DATA / name).read_text(encoding="utf-8").splitlines()[0]
    assert header == "x1,x2,label"
    X, Y = load(name)
    assert X.shape == (2, m) and Y.shape == (1, m)
    assert set(np.unique(Y)) == {0.0, 1.0}
    assert Y.sum() == m // 2


def test_label_column_is_written_as_integers() -> None:
    for name in NAMES:
        lines = (DATA / name).read_text(encoding="utf-8").splitlines()[1:]
        assert {line.rsplit(",", 1)[1] for line in lines} == {"0", "1"}


def test_basic_dataset_is_xor_labelled_by_quadrant() -> None:
    X, Y = load("basic_dataset.csv")
    np.testing.assert_array_equal(Y[0], (X[0] * X[1] < 0).astype(float))
    quadrants = {(bool(a > 0), bool(b > 0)) for a, b in X.T}
    assert len(quadrants) == 4


def _segments_cross(p1: np.ndarray, p2: np.ndarray, q1: np.ndarray, q2: np.ndarray) -> bool:
    """Proper crossing of segments p1p2 and q1q2 (each pair of endpoints strictly on both sides)."""

    def orient(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
        return float((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]))

    return (
        orient(p1, p2, q1) * orient(p1, p2, q2) < 0 and orient(q1, q2, p1) * orient(q1, q2, p2) < 0
    )


def test_basic_dataset_is_not_linearly_separable() -> None:
    # Proof by XOR: a line w.x + b = 0 separating the classes would put the whole segment between
    # two label-0 points on one side and the whole segment between two label-1 points on the
    # other (half-planes are convex), so the two segments could not meet. We exhibit a pair that
    # crosses.
    X, Y = load("basic_dataset.csv")
    zeros, ones = X[:, Y[0] == 0].T, X[:, Y[0] == 1].T
    crossing = [
        (a, b, c, d)
        for (a, b), (c, d) in itertools.product(
            itertools.combinations(zeros, 2), itertools.combinations(ones, 2)
        )
        if _segments_cross(a, b, c, d)
    ]
    assert crossing


def test_segment_crossing_check_can_say_no() -> None:
    p = np.array
    assert not _segments_cross(p([0, 0]), p([1, 0]), p([0, 1]), p([1, 1]))
    assert _segments_cross(p([-1, -1]), p([1, 1]), p([-1, 1]), p([1, -1]))


def test_large_dataset_is_two_noisy_concentric_circles() -> None:
    X, Y = load("large_dataset.csv")
    r = np.hypot(X[0], X[1])
    outer, inner = r[Y[0] == 0], r[Y[0] == 1]
    # Radii 1 and 0.4 with N(0, 0.125^2) noise per coordinate: the medians sit near the circles.
    assert abs(np.median(outer) - 1.0) < 0.03
    assert abs(np.median(inner) - datasets.INNER_RADIUS) < 0.05
    # The classes overlap a little (noise), but a circle of radius 0.7 separates most of them.
    wrong_side = np.sum(outer < 0.7) + np.sum(inner > 0.7)
    assert 0 < wrong_side < 0.02 * X.shape[1]


def test_large_dataset_is_not_linearly_separable() -> None:
    # Every linear rule is "label 1 iff u.x > t" for a direction u and threshold t. Scan 360
    # directions (every half degree) with every threshold: none gets far from chance, because
    # the class-1 disc sits in the middle of the class-0 ring.
    X, Y = load("large_dataset.csv")
    y = Y[0]
    best = 0.0
    for theta in np.linspace(0, np.pi, 360, endpoint=False):
        proj = np.cos(theta) * X[0] + np.sin(theta) * X[1]
        order = np.argsort(proj)
        ys = y[order]
        # accuracy of "label 1 iff proj > t" (or the flipped rule) for every threshold t
        ones_above = ys[::-1].cumsum()[::-1]
        zeros_below = np.concatenate([[0], np.cumsum(1 - ys)[:-1]])
        acc = (ones_above + zeros_below) / y.size
        best = max(best, acc.max(), 1 - acc.min())
    assert best < 0.75


def test_make_circles_is_balanced_and_rejects_odd_sizes() -> None:
    X, y = datasets.make_circles(n=10)
    assert X.shape == (10, 2) and y.sum() == 5
    with pytest.raises(ValueError, match="even"):
        datasets.make_circles(n=11)
