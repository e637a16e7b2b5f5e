"""``check_network(fn)``: check ``fn(params, X, Y)`` at several depths, one row per layer.

A depth-generic function (one that reads L from ``params``) is run on the cases of
``deep_cases`` at 1, 2 and 4 hidden layers, or at the one depth it is written for. Each
quantity (dZ3, dW3, dA2, ...) is judged on every case that has it, as ``check_gradients``
judges the one-hidden-layer quantities: the expected shape, finite entries, and a relative
error of at most ``tolerance``. Expected values come from the readable network, confirmed on
every case by finite differences and, when torch can be imported, by autograd.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nn_numpy.check.api import judge, refuse_randomness, tolerance
from nn_numpy.check.cases import KINK_MARGIN, Case
from nn_numpy.check.deep_cases import DEPTHS, deep_cases
from nn_numpy.check.deep_contract import call_params
from nn_numpy.check.deep_diagnose import NEAR, diagnose_layers, unmatched
from nn_numpy.check.deep_variants import NAMES, Net
from nn_numpy.check.measures import (
    error_scales,
    relative_error,
    term_scaled_error,
)
from nn_numpy.check.oracles import (
    BOUND_AUTOGRAD,
    BOUND_FD,
    autograd_layers,
    finite_differences,
    oracle_names,
    readable_layers,
    torch_version,
)
from nn_numpy.check.report import CheckReport, Row, altered_note
from nn_numpy.errors import OracleDisagreement, UserCodeError

User = dict[str, NDArray[Any]]


def expected_layers(case: Case, use_torch: bool) -> dict[str, Any]:
    """J, dZ[l], dW[l], db[l] and dA[l] (l = 0..L-1) of the case, confirmed by the oracles.

    dA0 = W1^T dZ1 is computed here from the confirmed dZ1 (no oracle has dJ/dX).
    """
    p, X, Y = case.params, case.X, case.Y
    every = readable_layers(p, X, Y)
    for q, value in finite_differences(p, X, Y).items():
        if (err := relative_error(every[q], value)) > BOUND_FD:
            raise OracleDisagreement(f"{case.name}: {q} finite differences disagree ({err:.1e})")
    if use_torch and torch_version():
        scales = error_scales(p, X, Y)
        for q, value in autograd_layers(p, X, Y).items():
            if (err := term_scaled_error(every[q], value, scales[q])) > BOUND_AUTOGRAD:
                raise OracleDisagreement(f"{case.name}: {q} autograd disagrees ({err:.1e})")
    out = {q: v for q, v in every.items() if not q.startswith("g'")}
    out["dA0"] = np.asarray(p["W1"]).T @ every["dZ1"]
    return out


def row_order(L: int) -> list[str]:
    """Backward's order at L layers: dZ[l], dW[l], db[l], dA[l-1] from l = L down, then J."""
    names = []
    for l in range(L, 0, -1):
        names += [f"dZ{l}", f"dW{l}", f"db{l}", f"dA{l - 1}"]
    return [*names, "J"]


def formula(q: str, outputs: set[int], hidden: set[int], activation: str) -> str:
    """The formula of ``q`` at layer l; dZ[l] as the output's, a hidden layer's, or both."""
    if q == "J":
        return "J = (1/m) sum_i L(a(i), y(i))"
    kind, l = q[:2], int(q[2:])
    prev = "X" if l == 1 else f"A{l - 1}"
    if kind == "dW":
        return f"dW{l} = (1/m) dZ{l} {prev}^T"
    if kind == "db":
        return f"db{l} = (1/m) sum_i dZ{l}(i)"
    if kind == "dA":
        return f"dA{l} = W{l + 1}^T dZ{l + 1}"
    g = NAMES[activation].split("'s ")[-1].replace("Z", f"Z{l}").replace("A", f"A{l}")
    text = f"dZ{l} = dA{l} * {g}" if l in hidden else ""
    if l in outputs:
        out = f"dZ{l} = A{l} - Y"
        text = f"{text}; {out} at L = {l}" if text else out
    return text


def check_network(
    fn: Callable[..., Any],
    *,
    depths: Sequence[int] = DEPTHS,
    activation: str = "relu",
    cases: Sequence[Case] | None = None,
    use_torch: bool = True,
    name: str | None = None,
    timeout: float | None = None,
) -> CheckReport:
    """Check ``fn(params, X, Y) -> {dW1, db1, ..., dWL, dbL[, dZ{l}, dA{l}, J]}`` on every case.

    Parameters
    ----------
    fn : callable
        ``fn(params, X, Y)``: ``params`` a dict W1, b1, ..., WL, bL of float64 arrays, X (n_x, m),
        Y (1, m); returns a mapping or an object with attributes (``deep_contract``).
    depths : sequence of int, default (1, 2, 4)
        The numbers of hidden layers checked (``--depth N`` gives one).
    activation : {"relu", "tanh", "sigmoid"}, default "relu"
        The hidden layers' activation; the oracles follow it.
    cases : sequence of Case, optional
        Cases to run instead of ``deep_cases(depths, activation)``.
    use_torch : bool, default True
        Also confirm the expected values by torch autograd, if torch can be imported.
    name : str, optional
        The name in the report (by default ``fn.__name__``).
    timeout : float, optional
        Seconds allowed per call of ``fn`` (None: no limit).

    Returns
    -------
    CheckReport
        One row per quantity and layer returned, deepest layer first.

    Raises
    ------
    UsageError
        The result breaks the contract, differs between two calls, or took too long.
    UserCodeError
        ``fn`` raised; its exception is the ``__cause__``.
    """
    name = name or str(getattr(fn, "__name__", "function"))
    cases = deep_cases(depths, activation) if cases is None else list(cases)
    nets: list[Net] = []
    users: list[User] = []
    altered: set[str] = set()  # inputs the user's code changed in place
    for case in cases:
        nets.append(Net.of(case, expected_layers(case, use_torch)))
        try:
            values, changed = call_params(fn, case, name, timeout)
            refuse_randomness(values, call_params(fn, case, name, timeout)[0], name)
            users.append(values)
            altered.update(changed)
        except UserCodeError as exc:
            raise _with_square_hint(exc, case, cases[: len(users)]) from exc.__cause__
    notes = {}
    if _one_higher(nets, users):
        users = [_shift_down(u, n.L) for u, n in zip(users, nets, strict=True)]
        top = max(n.L for n in nets) - 1
        notes = {
            f"dA{top}": "your dA{l + 1} holds dA{l}, at every layer: the keys one higher, "
            "as older notebooks have them; accepted"
        }
    every = [q for q in row_order(max(n.L for n in nets)) if any(q in n.correct for n in nets)]
    returned = [
        q for q in every if all(q in u for n, u in zip(nets, users, strict=True) if q in n.correct)
    ]
    tol = tolerance(v.dtype for u in users for v in u.values())
    rows = {q: _judge(q, cases, nets, users, tol) for q in returned}
    for q, row in rows.items():
        row.note = row.note or (notes.get(q, "") if row.ok else "")
        outputs = {n.L for n in nets if q in n.correct}
        hidden = {int(q[2:]) for n in nets if q != "J" and q in n.correct and int(q[2:]) < n.L}
        row.formula = formula(q, outputs, hidden, activation)
    wrong = {q for q, row in rows.items() if not row.ok}
    for q, text in diagnose_layers(list(zip(nets, users, strict=True)), tol, wrong).items():
        err = rows[q].error
        near = err is not None and err < NEAR  # rounding, not a formula
        rows[q].diagnosis = unmatched(rows[q], cases, nets, users) if near or not text else text
    kinks = f"; every hidden |Z| >= {KINK_MARGIN:.0e}: no ReLU kink" if activation == "relu" else ""
    return CheckReport(
        target=name,
        rows=[rows[q] for q in returned],
        oracles=oracle_names(use_torch),
        cases=[case.name for case in cases],
        not_returned=_kinds([q for q in every if q not in returned]),
        cases_note=f"hidden layers {', '.join(str(h) for h in _depths(nets))}, {activation}{kinks}",
        notes=[altered_note(altered)] if altered else [],
    )


def _depths(nets: list[Net]) -> list[int]:
    """The numbers of hidden layers checked, in case order."""
    return list(dict.fromkeys(n.L - 1 for n in nets))


def _kinds(names: list[str]) -> list[str]:
    """Optional quantities not returned, by kind: "dZ", "dA" (at every layer), "J"."""
    return list(dict.fromkeys("J" if q == "J" else q[:2] for q in names))


def _with_square_hint(exc: UserCodeError, case: Case, ran: list[Case]) -> UserCodeError:
    """The user's error; if their code ran on a square case first, the likely reason why."""
    if case.family == "square" or not any(c.family == "square" for c in ran):
        return exc
    return UserCodeError(
        case.name,
        "your function raised (it ran on the square cases, every "
        "width equal: a missing transpose, or a layer's cache or Z off by one, "
        "fits only equal widths)",
    )


def _one_higher(nets: list[Net], users: list[User]) -> bool:
    """dA keyed one higher (dA{l} holds dA[l-1], l = 1..L): dA{L} returned on every case, and
    it has dA[L-1]'s shape (n_{L-1}, m), not dAL's (1, m), on some case or dA[L-1]'s values on
    every case."""
    pairs = list(zip(nets, users, strict=True))
    if not all(f"dA{n.L}" in u for n, u in pairs):
        return False
    tops = [(np.shape(u[f"dA{n.L}"]), u[f"dA{n.L}"], n.correct[f"dA{n.L - 1}"]) for n, u in pairs]
    if any(
        shape == np.shape(want) != np.shape(n.Y)
        for (shape, _, want), n in zip(tops, nets, strict=True)
    ):
        return True
    return all(
        shape == np.shape(want) and relative_error(top, want) <= 1e-4 for shape, top, want in tops
    )


def _shift_down(user: User, L: int) -> User:
    """The user's dA{l} (l = 1..L) relabelled dA{l-1}; every other key as it is."""
    out = {k: v for k, v in user.items() if not k.startswith("dA")}
    for l in range(1, L + 1):
        if f"dA{l}" in user:
            out[f"dA{l - 1}"] = user[f"dA{l}"]
    return out


def _judge(q: str, cases: list[Case], nets: list[Net], users: list[User], tol: float) -> Row:
    """Worst relative error of ``q`` over the cases that have it; dZ and dA per example, or
    (accepted with a note) divided by m on every case."""
    triples = zip(cases, nets, users, strict=True)
    judged = [(case.name, n.correct, n.m, user) for case, n, user in triples if q in n.correct]
    note = f"your {q} is dJ/d{q[1:]} (divided by m); accepted"
    return judge(q, judged, tol, note if q[:2] in ("dZ", "dA") else None)
