"""The shipped CSVs are exactly what nn_numpy.datasets generates, and have the promised shape."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from nn_numpy import datasets
from nn_numpy.data import load_table, split_xy

DATA = Path(__file__).parents[1] / "data"
NAMES = ["basic_dataset.csv", "large_dataset.csv"]


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("regenerated")
    assert datasets.main(["--out-dir", str(out)]) == 0
    return out


@pytest.mark.parametrize("name", NAMES)
def test_regenerated_file_is_byte_identical_to_shipped(regenerated: Path, name: str) -> None:
    assert (regenerated / name).read_bytes() == (DATA / name).read_bytes()


def test_datasets_cli_rejects_missing_out_dir(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        datasets.main(["--out-dir", str(tmp_path / "missing")])
    assert info.value.code == 2
    assert "is not an existing directory" in capsys.readouterr().err.splitlines()[-1]
    assert not (tmp_path / "missing").exists()


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
