"""The training picture: a real PNG of sensible size, and a clear error without matplotlib."""

from __future__ import annotations

import importlib.util
import struct
import sys
from pathlib import Path

import numpy as np
import pytest

from nn_numpy.io.data import Standardizer
from nn_numpy.network import Params, init_params, train
from nn_numpy.plot import (
    INSTALL_HINT,
    PlotUnavailableError,
    plot_training,
    require_matplotlib,
    training_figure,
)

needs_matplotlib = pytest.mark.skipif(
    importlib.util.find_spec("matplotlib") is None,
    reason=f"matplotlib is an optional extra and is not installed ({INSTALL_HINT})",
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _png_size(path: Path) -> tuple[int, int]:
    """(width, height) from the PNG signature and IHDR chunk, which must come first."""
    head = path.read_bytes()[:24]
    assert head[:8] == PNG_SIGNATURE
    length, kind = struct.unpack(">I4s", head[8:16])
    assert (length, kind) == (13, b"IHDR")
    return struct.unpack(">II", head[16:24])


def _run(n_x: int, dtype: type[np.floating] = np.float64):
    """Raw data (two blobs, offset from the origin), the standardizer, a trained model, costs."""
    rng = np.random.default_rng(3)
    m = 80
    Y = (np.arange(m) % 2).astype(np.float64).reshape(1, -1)
    X_raw = rng.normal(size=(n_x, m)) * 2.0 + 100.0 + 3.0 * Y
    standardizer = Standardizer.fit(X_raw)
    X = standardizer.transform(X_raw).astype(dtype)
    params, costs = train(X, Y.astype(dtype), init_params(n_x, 4, 0, dtype), 0.5, 40)
    return params, standardizer, X_raw[:, :60], Y[:, :60], X_raw[:, 60:], Y[:, 60:], costs


@needs_matplotlib
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_two_feature_plot_is_a_real_png_of_sensible_size(tmp_path, dtype):
    import matplotlib.image

    params, standardizer, Xtr, Ytr, Xte, Yte, costs = _run(2, dtype)
    path = tmp_path / "run.png"
    plot_training(path, params, standardizer, Xtr, Ytr, Xte, Yte, range(len(costs)), costs)

    width, height = _png_size(path)
    assert 800 <= width <= 2500 and 300 <= height <= 1500
    assert width > height  # two panels side by side
    pixels = matplotlib.image.imread(path)
    assert pixels.shape[:2] == (height, width)
    assert np.ptp(pixels[..., :3]) > 0.5  # not a blank canvas
    assert [p.name for p in tmp_path.iterdir()] == ["run.png"]  # no temporary file left


@needs_matplotlib
def test_two_feature_figure_draws_boundary_points_and_cost_with_labelled_axes():
    params, standardizer, Xtr, Ytr, Xte, Yte, costs = _run(2)
    fig = training_figure(params, standardizer, Xtr, Ytr, Xte, Yte, list(range(40)), costs)
    ax_data, ax_cost = fig.axes
    labels = ax_data.get_legend_handles_labels()[1]
    assert labels == [
        "train, y = 0 (30)",
        "train, y = 1 (30)",
        "test, y = 0 (10)",
        "test, y = 1 (10)",
        "decision boundary, P = 0.5",
    ]
    assert "raw units" in ax_data.get_xlabel() and "raw units" in ax_data.get_ylabel()
    # The view covers the raw data (around 100), not the standardized values (around 0).
    X_all = np.hstack([Xtr, Xte])
    lo, hi = ax_data.get_xlim()
    assert lo < X_all[0].min() and X_all[0].max() < hi and lo > 50
    assert ax_cost.get_xlabel() == "epoch" and "cross-entropy" in ax_cost.get_ylabel()
    (line,) = ax_cost.get_lines()
    assert np.array_equal(line.get_ydata(), costs)


@needs_matplotlib
@pytest.mark.parametrize("n_x", [1, 3])
def test_other_feature_counts_plot_only_the_cost_and_say_why(tmp_path, n_x):
    params, standardizer, Xtr, Ytr, Xte, Yte, costs = _run(n_x)
    fig = training_figure(params, standardizer, Xtr, Ytr, Xte, Yte, range(40), costs)
    assert len(fig.axes) == 1
    # findobj, not Figure.get_suptitle (matplotlib >= 3.8): the plot extra allows 3.5.
    texts = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
    assert any(f"the data has {n_x} features" in t for t in texts)

    path = tmp_path / "run.png"
    plot_training(path, params, standardizer, Xtr, Ytr, Xte, Yte, range(40), costs)
    width, height = _png_size(path)
    assert 400 <= width <= 1500 and 300 <= height <= 1500


@needs_matplotlib
def test_non_finite_costs_are_left_out_and_reported_in_the_title():
    params, standardizer, Xtr, Ytr, Xte, Yte, _ = _run(2)
    costs = [0.7, 0.5, float("nan"), float("inf")]
    fig = training_figure(params, standardizer, Xtr, Ytr, Xte, Yte, range(4), costs)
    ax_cost = fig.axes[1]
    assert np.array_equal(ax_cost.get_lines()[0].get_ydata(), [0.7, 0.5])
    assert "2 non-finite values not drawn" in ax_cost.get_title()


@needs_matplotlib
def test_mismatched_cost_sequences_are_rejected():
    params, standardizer, Xtr, Ytr, Xte, Yte, costs = _run(2)
    with pytest.raises(ValueError, match="equal-length"):
        training_figure(params, standardizer, Xtr, Ytr, Xte, Yte, range(3), costs)


def test_without_matplotlib_plotting_raises_one_line_with_the_install_command(
    tmp_path, monkeypatch
):
    """A None entry in sys.modules makes `import matplotlib` fail as if it were not installed."""
    monkeypatch.setitem(sys.modules, "matplotlib", None)

    with pytest.raises(PlotUnavailableError) as info:
        require_matplotlib()
    message = str(info.value)
    assert "\n" not in message
    assert "matplotlib" in message and "pip install 'nn-numpy[plot]'" in message
    assert isinstance(info.value, RuntimeError)

    W = np.zeros((1, 2))
    params = Params(W1=W.T.copy(), b1=np.zeros((2, 1)), W2=W, b2=np.zeros((1, 1)))
    X, Y = np.zeros((1, 4)), np.array([[0.0, 1.0, 0.0, 1.0]])
    path = tmp_path / "run.png"
    with pytest.raises(PlotUnavailableError):
        plot_training(path, params, Standardizer.identity(1), X, Y, X, Y, [0], [0.7])
    assert not path.exists()


@needs_matplotlib
def test_features_with_comparable_ranges_share_one_scale_and_others_do_not():
    params, standardizer, Xtr, Ytr, Xte, Yte, costs = _run(2)
    fig = training_figure(params, standardizer, Xtr, Ytr, Xte, Yte, range(40), costs)
    assert fig.axes[0].get_aspect() == 1.0
    stretch = np.array([[1000.0], [1.0]])  # feature 1 in different units: ranges differ 1000x
    scaled = Standardizer(mean=standardizer.mean * stretch, std=standardizer.std * stretch)
    fig = training_figure(params, scaled, Xtr * stretch, Ytr, Xte * stretch, Yte, range(40), costs)
    assert fig.axes[0].get_aspect() == "auto"


@needs_matplotlib
@pytest.mark.parametrize(("costs", "scale"), [([0.7, 0.3, 0.1], "linear"), ([0.7, 0.05], "log")])
def test_cost_axis_is_log_scaled_only_when_cost_falls_more_than_tenfold(costs, scale):
    params, standardizer, Xtr, Ytr, Xte, Yte, _ = _run(2)
    fig = training_figure(params, standardizer, Xtr, Ytr, Xte, Yte, range(len(costs)), costs)
    assert fig.axes[1].get_yscale() == scale
