"""The training picture: decision boundary over the data, beside the cost curve.

matplotlib is an optional extra (``pip install 'nn-numpy[plot]'``), so it is imported inside the
functions. Figures are drawn on matplotlib's Agg canvas directly (no pyplot), which touches no
global backend state and needs no display.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from nn_numpy.errors import PlotUnavailableError
from nn_numpy.io.atomic import atomic_write
from nn_numpy.network import Array, Params, predict_proba
from nn_numpy.records import architecture

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from nn_numpy.io.data import Standardizer

INSTALL_HINT = "pip install 'nn-numpy[plot]'"
_GRID = 300  # decision-surface resolution, points per axis
_CLASS_COLORS = ("#2166ac", "#b2182b")  # blue for y = 0, red for y = 1 (ends of the RdBu map)


def require_matplotlib() -> None:
    """Raise ``PlotUnavailableError`` unless matplotlib can be imported."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise PlotUnavailableError(
            f"plotting needs matplotlib, which is not installed; install it with: {INSTALL_HINT}"
        ) from None


def plot_training(
    path: str | os.PathLike[str],
    params: Params,
    standardizer: Standardizer,
    X_train: Array,
    Y_train: Array,
    X_test: Array,
    Y_test: Array,
    cost_epochs: Sequence[int],
    costs: Sequence[float],
) -> None:
    """Write one PNG to ``path`` (atomically): decision boundary over the data, and J per epoch.

    X_* are raw features (n_x, m), Y_* labels (1, m). The boundary panel is drawn for n_x = 2
    only; for any other n_x the figure holds the cost curve alone and its title says why.
    """
    require_matplotlib()
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = training_figure(
        params, standardizer, X_train, Y_train, X_test, Y_test, cost_epochs, costs
    )
    FigureCanvasAgg(fig)
    with atomic_write(path, "wb") as f:
        fig.savefig(f, format="png", dpi=110)


def training_figure(
    params: Params,
    standardizer: Standardizer,
    X_train: Array,
    Y_train: Array,
    X_test: Array,
    Y_test: Array,
    cost_epochs: Sequence[int],
    costs: Sequence[float],
) -> Figure:
    """The figure ``plot_training`` saves (a ``matplotlib.figure.Figure``, not yet rendered)."""
    require_matplotlib()
    from matplotlib.figure import Figure

    n_x = params.W1.shape[1]
    if n_x == 2:
        fig = Figure(figsize=(11.0, 5.2), layout="constrained")
        ax_data, ax_cost = fig.subplots(1, 2, gridspec_kw={"width_ratios": (1.1, 1.0)})
        _draw_boundary(ax_data, params, standardizer, X_train, Y_train, X_test, Y_test)
    else:
        fig = Figure(figsize=(6.5, 5.0), layout="constrained")
        ax_cost = fig.subplots()
        fig.suptitle(
            f"Decision boundary not drawn: the data has {n_x} features "
            "(it is drawn for 2-feature data only)",
            fontsize="medium",
        )
    shape = architecture(params.layer_sizes, params.activation, "\u2192")
    network = f"network {shape}, {params.W1.dtype}"
    _draw_cost(ax_cost, cost_epochs, costs, network)
    return fig


def _probabilities(params: Params, standardizer: Standardizer, X_raw: Array) -> Array:
    """P(y = 1 | x) for raw features: standardize, cast to the parameters' dtype, forward."""
    X = standardizer.transform(X_raw).astype(params.W1.dtype, copy=False)
    return predict_proba(params, X)


def _accuracy(params: Params, standardizer: Standardizer, X: Array, Y: Array) -> str:
    if X.shape[1] == 0:
        return "n/a"
    correct = (_probabilities(params, standardizer, X) >= 0.5) == (Y == 1)
    return f"{np.mean(correct):.2%}"


def _draw_boundary(
    ax: Axes,
    params: Params,
    standardizer: Standardizer,
    X_train: Array,
    Y_train: Array,
    X_test: Array,
    Y_test: Array,
) -> None:
    """P(y = 1 | x) filled over the data's range, the 0.5 level as a line, then the points."""
    X_all = np.concatenate([X_train, X_test], axis=1)
    lo, hi = X_all.min(axis=1), X_all.max(axis=1)
    pad = 0.05 * np.where(hi > lo, hi - lo, 1.0)
    g1 = np.linspace(lo[0] - pad[0], hi[0] + pad[0], _GRID)
    g2 = np.linspace(lo[1] - pad[1], hi[1] + pad[1], _GRID)
    G1, G2 = np.meshgrid(g1, g2)
    P = _probabilities(params, standardizer, np.vstack([G1.ravel(), G2.ravel()]))
    P = P.reshape(G1.shape).astype(np.float64)

    levels = np.linspace(0.0, 1.0, 11)
    surface = ax.contourf(G1, G2, P, levels=levels, cmap="RdBu_r", alpha=0.45, antialiased=True)
    if P.min() < 0.5 < P.max():  # a boundary to draw (older matplotlib warns on none)
        ax.contour(G1, G2, P, levels=[0.5], colors="black", linewidths=1.6)
    # The colorbar is an inset of the data axes, so it stays beside the plot if its box shrinks.
    cbar = ax.figure.colorbar(surface, cax=ax.inset_axes((1.03, 0.0, 0.04, 1.0)), ticks=levels[::2])
    cbar.set_label("P(y = 1 | x), network output")

    for X, Y, split, marker, size in (
        (X_train, Y_train, "train", "o", 12),
        (X_test, Y_test, "test", "^", 26),
    ):
        y = Y.ravel()
        for cls in (0, 1):
            pts = X[:, y == cls]
            ax.scatter(
                pts[0],
                pts[1],
                s=size,
                marker=marker,
                c=_CLASS_COLORS[cls],
                edgecolors="white" if split == "train" else "black",
                linewidths=0.3 if split == "train" else 0.6,
                label=f"{split}, y = {cls} ({pts.shape[1]})",
            )
    # A proxy artist so the boundary line gets a legend entry.
    ax.plot([], [], color="black", linewidth=1.6, label="decision boundary, P = 0.5")
    ax.legend(
        loc="upper center", bbox_to_anchor=(0.5, -0.11), ncol=3, fontsize="small", frameon=False
    )
    ax.set_xlim(g1[0], g1[-1])
    ax.set_ylim(g2[0], g2[-1])
    span = hi - lo
    if np.all(span > 0) and max(span) <= 2 * min(span):
        # Comparable ranges: draw both features to the same scale, so shapes are not distorted.
        ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel("feature 1 (x1, raw units)")
    ax.set_ylabel("feature 2 (x2, raw units)")
    train_acc = _accuracy(params, standardizer, X_train, Y_train)
    test_acc = _accuracy(params, standardizer, X_test, Y_test)
    ax.set_title(f"Decision boundary (accuracy: train {train_acc}, test {test_acc})")


def _draw_cost(ax: Axes, cost_epochs: Sequence[int], costs: Sequence[float], network: str) -> None:
    """J per recorded epoch; log-scaled y when J is positive and spans more than a factor of 10."""
    epochs = np.asarray(cost_epochs, dtype=np.float64)
    J = np.asarray(costs, dtype=np.float64)
    if epochs.shape != J.shape or J.ndim != 1:
        raise ValueError(
            "cost_epochs and costs must be equal-length sequences, "
            f"got shapes {epochs.shape} and {J.shape}"
        )
    finite = np.isfinite(J)
    ax.plot(epochs[finite], J[finite], color="#4d4d4d", linewidth=1.6, label="training cost J")
    summary = network
    if finite.any():
        last = np.flatnonzero(finite)[-1]
        ax.scatter([epochs[last]], [J[last]], color="black", s=18, zorder=3)
        summary += f"\nfinal J = {J[last]:.4g} (epoch {epochs[last]:g})"
        Jf = J[finite]
        if Jf.min() > 0 and Jf.max() / Jf.min() > 10:
            _log_y(ax, decades=float(np.log10(Jf.max() / Jf.min())))
    ax.text(0.97, 0.96, summary, transform=ax.transAxes, ha="right", va="top", fontsize="small")
    title = "Training cost"
    if not finite.all():
        title += f" ({np.count_nonzero(~finite)} non-finite values not drawn)"
    ax.set_title(title)
    ax.set_xlabel("epoch")
    ax.set_ylabel("J, mean binary cross-entropy")
    ax.grid(True, which="both", alpha=0.3)


def _log_y(ax: Axes, decades: float) -> None:
    """Log-scaled y with plain tick labels (0.02, not 2 x 10^-2); over short spans 2s and 5s too."""
    from matplotlib.ticker import FuncFormatter

    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))

    def minor(v: float, _: object) -> str:
        mantissa = round(v / 10 ** np.floor(np.log10(v)))
        return f"{v:g}" if decades < 2.5 and mantissa in (2, 5) else ""

    ax.yaxis.set_minor_formatter(FuncFormatter(minor))
