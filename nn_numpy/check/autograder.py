"""``assert_gradients(fn)``: the check as an assertion, for otter-grader, nbgrader and pytest.

It raises ``AssertionError`` whose message is the report (the table ``nn-numpy-check`` prints)
when some quantity disagrees, and returns the report when every one agrees.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from nn_numpy.check.api import check_gradients
from nn_numpy.check.deep import check_network
from nn_numpy.check.deep_cases import DEPTHS
from nn_numpy.check.report import CheckReport


def assert_gradients(
    fn: Callable[..., Any],
    *,
    contract: str = "six",
    depths: Sequence[int] | None = None,
    activation: str = "relu",
    use_torch: bool = False,
    timeout: float | None = None,
) -> CheckReport:
    """Check ``fn`` and raise ``AssertionError(report)`` unless every quantity agrees.

    Parameters
    ----------
    fn : callable
        ``f(W1, b1, W2, b2, X, Y)`` (``contract="six"``) or ``f(params, X, Y)``
        (``contract="params"``, or any ``depths`` given).
    contract : {"six", "params"}, default "six"
        The calling convention, as ``nn-numpy-check --contract``.
    depths : sequence of int, optional
        Numbers of hidden layers checked (``params`` only); by default 1, 2 and 4.
    activation : {"relu", "tanh", "sigmoid"}, default "relu"
        The hidden layers' activation.
    use_torch : bool, default False
        Also confirm the expected values by torch autograd (slow to import, in a grader).
    timeout : float, optional
        Seconds allowed per call of ``fn``.

    Returns
    -------
    CheckReport
        The report, when every quantity agrees.
    """
    if contract not in ("six", "params"):
        raise ValueError(f"contract must be 'six' or 'params', not {contract!r}")
    if contract == "params" or depths is not None:
        report = check_network(fn, depths=tuple(depths or DEPTHS), activation=activation,
                               use_torch=use_torch, timeout=timeout)  # fmt: skip
    else:
        report = check_gradients(fn, activation=activation, use_torch=use_torch, timeout=timeout)
    if not report.ok:
        raise AssertionError(str(report))
    return report
