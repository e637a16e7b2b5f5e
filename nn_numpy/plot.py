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

from nn_numpy._io import atomic_write
from nn_numpy.network import Array, Params, predict_proba

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from nn_numpy.data import Standardizer

INSTALL_HINT = "pip install 'nn-numpy[plot]'"
_GRID = 300  # decision-surface resolution, points per axis
_CLASS_COLORS = ("#2166ac", "#b2182b")  # blue for y = 0, red for y = 1 (ends of the RdBu map)


class PlotUnavailableError(RuntimeError):
    """matplotlib is not installed; the message is one line with the install command."""


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
        fig = Figure(figsize=(12.0, 5.0), layout="constrained")
        ax_data, ax_cost = fig.subplots(1, 2, gridspec_kw={"width_ratios": (1.15, 1.0)})
        _draw_boundary(ax_data, params, standardizer, X_train, Y_train, X_test, Y_test)
    else:
        fig = Figure(figsize=(6.5, 5.0), layout="constrained")
        ax_cost = fig.subplots()
        fig.suptitle(
            f"Decision boundary not drawn: the data has {n_x} features "
            "(it is drawn for 2-feature data only)",
            fontsize="medium",
        )
    _draw_cost(ax_cost, cost_epochs, costs)
    return fig


def _probabilities(params: Params, standardizer: Standardizer, X_raw: Array) -> Array:
    """P(y = 1 | x) for raw features: standardize, cast to the parameters' dtype, forward."""
    X = standardizer.transform(X_raw).astype(params.W1.dtype, copy=False)
    return predict_proba(params, X)


def _accuracy(params: Params, standardizer: Standardizer, X: Array, Y: Array) -> str:
    if X.shape[1] == 0:
        return "n/a"
    correct = (_probabilities(params, standardizer, X) >= 0.5) == (Y == 1)
    return f"{np.mean(correct):.1%}"


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
    ax.contour(G1, G2, P, levels=[0.5], colors="black", linewidths=1.6)
    cbar = ax.figure.colorbar(surface, ax=ax, ticks=levels[::2], pad=0.02)
    cbar.set_label("P(y = 1 | x), network output")

    for X, Y, split, marker, size in (
        (X_train, Y_train, "train", "o", 16),
        (X_test, Y_test, "test", "^", 34),
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
                linewidths=0.4 if split == "train" else 0.7,
                label=f"{split}, y = {cls} ({pts.shape[1]})",
            )
    # A proxy artist so the boundary line gets a legend entry.
    ax.plot([], [], color="black", linewidth=1.6, label="decision boundary, P = 0.5")
    ax.legend(loc="best", fontsize="small", framealpha=0.85)
    ax.set_xlim(g1[0], g1[-1])
    ax.set_ylim(g2[0], g2[-1])
    ax.set_xlabel("feature 1 (x1, raw units)")
    ax.set_ylabel("feature 2 (x2, raw units)")
    train_acc = _accuracy(params, standardizer, X_train, Y_train)
    test_acc = _accuracy(params, standardizer, X_test, Y_test)
    ax.set_title(f"Decision boundary (accuracy: train {train_acc}, test {test_acc})")


def _draw_cost(ax: Axes, cost_epochs: Sequence[int], costs: Sequence[float]) -> None:
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
    if finite.any():
        last = np.flatnonzero(finite)[-1]
        ax.scatter([epochs[last]], [J[last]], color="black", s=18, zorder=3)
        ax.annotate(
            f"J = {J[last]:.4g}",
            (epochs[last], J[last]),
            textcoords="offset points",
            xytext=(-6, 8),
            ha="right",
            fontsize="small",
        )
        Jf = J[finite]
        if Jf.min() > 0 and Jf.max() / Jf.min() > 10:
            from matplotlib.ticker import FuncFormatter

            ax.set_yscale("log")
            plain = FuncFormatter(lambda v, _: f"{v:g}")  # 0.02, not 2 x 10^-2
            ax.yaxis.set_major_formatter(plain)
            ax.yaxis.set_minor_formatter(plain)
    if not finite.all():
        ax.set_title(f"Training cost ({np.count_nonzero(~finite)} non-finite values not drawn)")
    else:
        ax.set_title("Training cost")
    ax.set_xlabel("epoch")
    ax.set_ylabel("J, mean binary cross-entropy")
    ax.grid(True, which="both", alpha=0.3)
