"""The recording training loop: steps a trainer and keeps its cost curve, stopping on divergence."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from nn_numpy.errors import Diverged
from nn_numpy.training.fast_trainer import TrainerLike

COST_POINTS = 500  # the cost curve keeps about this many points, whatever the number of epochs
# A finite cost can still have diverged: saturated tanh or sigmoid layers keep J finite while the
# weights grow without bound (J ~ |Z| ~ 1e299). A mean loss this many times the start (or ln 2,
# a constant guess's loss, if the start was smaller) is a logit hundreds of units on the wrong side.
BLOWUP = 1e3


class History(NamedTuple):
    """A run's cost curve: ``costs[k]`` is J after ``epochs[k]`` steps (epoch 0: before any)."""

    epochs: list[int]
    costs: list[float]


def fit(
    trainer: TrainerLike,
    epochs: int,
    report_every: int = 0,
    report: Callable[[int, float], None] | None = None,
    on_step: Callable[[int], None] | None = None,
) -> History:
    """Run ``epochs`` steps of ``trainer``, recording J along the way.

    Parameters
    ----------
    trainer : TrainerLike
        ``Trainer`` or ``NumbaTrainer`` (``make_trainer``); stepped in place.
    epochs : int
        Number of gradient-descent steps, >= 1.
    report_every : int, default 0
        Also evaluate J every ``report_every`` epochs and pass it to ``report``; 0 for never.
    report : callable (epoch, cost) -> None, optional
        Called with each J evaluated at a multiple of ``report_every`` (epoch 0 included).
    on_step : callable (epoch) -> None, optional
        Called after every step with the number of steps done (a progress display).

    Returns
    -------
    History
        J at epoch 0, every ``max(1, epochs // COST_POINTS)`` epochs, every ``report_every``
        epochs and after the last step.

    Raises
    ------
    Diverged
        As soon as an evaluated J is not finite, or more than ``BLOWUP`` times
        ``max(J at epoch 0, ln 2)``.
    """
    record_every = max(1, epochs // COST_POINTS)
    history = History([], [])

    def evaluate(epoch: int) -> None:
        cost = trainer.cost()
        if not math.isfinite(cost):
            raise Diverged(f"cost is {cost} at epoch {epoch}")
        limit = BLOWUP * max(history.costs[0] if history.costs else cost, math.log(2.0))
        if cost > limit:
            raise Diverged(f"cost is {cost:.6g} at epoch {epoch}, above {limit:.6g}")
        history.epochs.append(epoch)
        history.costs.append(cost)
        if report is not None and report_every and epoch % report_every == 0:
            report(epoch, cost)

    with np.errstate(all="ignore"):  # divergence is reported once, by Diverged, not as warnings
        evaluate(0)
        for epoch in range(1, epochs + 1):
            trainer.step()
            if (
                epoch % record_every == 0
                or epoch == epochs
                or (report_every and epoch % report_every == 0)
            ):
                evaluate(epoch)
            if on_step is not None:
                on_step(epoch)
    return history
