"""The diagnosis of a wrong quantity at any depth: which catalogued mistake reproduces it.

A candidate explains the user's value if it matches it on every case that has the quantity; a
mistake in a layer that a shallower case does not have leaves that case's value correct. In
order, the first match wins: the correct formulas applied to the user's own deepest wrong dZ
("follows from your dZ3: fix layer 3 first"), a ``deep_variants`` mistake (in the quantity's own
formula or pushed through the later ones), then a mistake on the finished value (1/m, sign,
transpose, a neighbour's key, never computed).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from nn_numpy.check.cases import Case
from nn_numpy.check.deep_variants import EVERY, Net, Variant, backward_from, site, variant_values
from nn_numpy.check.deep_variants import variants as all_variants
from nn_numpy.check.diagnose import UPSTREAM, bias_axis_mistakes, matches, output_mistakes
from nn_numpy.check.measures import relative_error
from nn_numpy.check.report import Row, format_error

User = dict[str, NDArray[Any]]
FOLLOWS = "follows from your dZ"
NEAR = 0.01  # a relative error below this that matches no mistake is rounding, not a formula


def _layer(q: str) -> int:
    return int(q[2:]) if q != "J" else 0


def _deepest_wrong_dZ(q: str, n: Net, user: User, tol: float) -> int:
    """The deepest layer k whose returned dZ{k} is wrong and from which ``q`` is computed."""
    low = _layer(q) + (0 if q[:2] in ("dW", "db") else 1)
    for k in range(n.L, low - 1, -1):
        mine = user.get(f"dZ{k}")
        want = n.correct[f"dZ{k}"]
        if mine is not None and np.shape(mine) == np.shape(want):
            err = relative_error(mine, want)
            if err > tol and not relative_error(mine, want / n.m) <= tol:
                return k
    return 0


def finished_mistakes(q: str, n: Net) -> dict[str, Any]:
    """Mistakes on the finished correct value of ``q``, by diagnosis."""
    v = np.asarray(n.correct[q])
    if q == "J":
        return dict(output_mistakes(q, v, n.m))
    out: dict[str, Any] = {}
    if q[:2] in ("dZ", "dA"):
        out = {
            "transposed: examples must be columns": v.T,
            f"sign flipped: {q} has the wrong sign": -v,
        }
    else:
        out.update(output_mistakes(q, v, n.m))
        out[
            "divided by n_x = X.shape[0] = len(X) instead of m = X.shape[1]: X is (n_x, m), one "
            "example per column"
        ] = v * n.m / n.A[0].shape[0]
        if q[:2] == "db":
            out.update(bias_axis_mistakes(n.correct[f"dZ{q[2:]}"], n.m, f"dZ{q[2:]}"))
    l = _layer(q)
    for other in (l + 1, l - 1):
        key = f"{q[:2]}{other}"
        if key in n.correct:
            out[f"layer {other}'s {q[:2]} stored under {q}: the key is one layer off"] = n.correct[
                key
            ]
    out[f"never computed (all zeros): does the backward loop skip layer {l}?"] = np.zeros_like(v)
    return out


def candidates(
    q: str, n: Net, user: User, tol: float, table: list[tuple[Variant, Any]]
) -> tuple[dict[str, Any], int]:
    """Known wrong values of ``q`` on one case by key, and the layer followed from (0: none)."""
    out: dict[str, Any] = {}
    k = _deepest_wrong_dZ(q, n, user, tol) if q != "J" else 0
    if k:
        own = backward_from(n, k, np.asarray(user[f"dZ{k}"], dtype=np.float64))
        out[FOLLOWS] = own[q]
        if q[:2] in ("dW", "db"):
            for text, value in output_mistakes(q, own[q], n.m)[:2]:
                out[f"{text}; and {FOLLOWS}"] = value
    elif q != "J":
        out[FOLLOWS] = n.correct[q]  # nothing wrong above q on this case
    for v, values in table:  # None: the mistake's shapes do not combine, as theirs would not
        if values is None or q in values:
            out[v.text] = None if values is None else values[q]
    out.update(finished_mistakes(q, n))
    return out, k


def diagnose_layers(pairs: list[tuple[Net, User]], tol: float, wrong: set[str]) -> dict[str, str]:
    """A diagnosis for each wrong quantity ("" if no known mistake matches)."""
    tables = [
        [(v, variant_values(n, v)) for v in all_variants(n.activation, n.L)] for n, _ in pairs
    ]
    by_text = {v.text: v for table in tables for v, _ in table}
    out = {}
    for q in wrong:
        have = [(n, u, t) for (n, u), t in zip(pairs, tables, strict=True) if q in n.correct]
        lists = [candidates(q, n, u, tol, t) for n, u, t in have]
        deepest = max(have, key=lambda h: h[0].L)[0]
        followed = max(k for _, k in lists)
        right = [matches(u[q], n.correct[q], tol) for n, u, _ in have]
        out[q] = ""
        for text in dict.fromkeys(t for cs, _ in lists for t in cs):
            if all(
                ok or _agrees(text, q, cs, n, u, tol)
                for ok, (cs, _), (n, u, _) in zip(right, lists, have, strict=True)
            ):
                out[q] = _final(text, q, by_text.get(text), deepest, followed)
                if text not in by_text and not text.endswith(FOLLOWS):  # a finished value's
                    out[q] += _only_at(right, [n for n, _, _ in have])
                break
    return out


def _agrees(text: str, q: str, cs: dict[str, Any], n: Net, user: User, tol: float) -> bool:
    """The candidate matches on this case (a mistake this case cannot have leaves q correct);
    None: the mistake cannot run on this case, as the user's code would not."""
    value = cs.get(text, n.correct[q])
    return value is not None and matches(user[q], value, tol)


def _only_at(right: list[bool], nets: list[Net]) -> str:
    """Where the quantity is right at some depths, the depths at which it is wrong."""
    wrong = sorted({n.L - 1 for ok, n in zip(right, nets, strict=True) if not ok})
    fine = sorted({n.L - 1 for ok, n in zip(right, nets, strict=True) if ok} - set(wrong))
    if fine:
        return (
            f" (with {', '.join(map(str, wrong))} hidden layers; right with "
            f"{', '.join(map(str, fine))})"
        )
    return ""


def _final(text: str, q: str, v: Variant | None, deepest: Net, followed: int) -> str:
    """The diagnosis as printed: the layer to fix first named."""
    if text.endswith(FOLLOWS):
        if not followed:
            return ""
        return f"{text}{followed}: fix layer {followed} first"
    if v is None:
        return text
    where = site(v, deepest)
    if where in ("", q):
        return text
    if where == f"dZ{deepest.L}":
        return f"{UPSTREAM}dZL (the output layer): {text}"
    layer = _layer(where)
    return f"{UPSTREAM}{where}: {text}: fix layer {layer} first" if v.layer != EVERY else text


def unmatched(row: Row, cases: list[Case], nets: list[Net], users: list[User]) -> str:
    """No known mistake: a wrong shape, a near miss (rounding), or the worst entry named."""
    q = row.quantity
    for n, u in zip(nets, users, strict=True):
        if q in n.correct and np.size(u[q]) != np.size(n.correct[q]):
            return f"wrong shape {np.shape(u[q])}, expected {np.shape(n.correct[q])}"
        if q in n.correct and np.shape(u[q]) != np.shape(n.correct[q]) and np.ndim(u[q]) > 1:
            return f"wrong shape {np.shape(u[q])}, expected {np.shape(n.correct[q])}"
    if row.error is None:
        return "non-finite values (nan or inf)"
    if row.error < NEAR:
        return (
            f"no formula mistake: off by {format_error(row.error)} only, more than the tolerance "
            f"{row.tol:.0e} allows (rounding: float16? a guard like log(A + eps)?)"
        )
    i = [c.name for c in cases].index(row.case)
    mine = np.asarray(users[i][q], dtype=np.float64).reshape(np.shape(nets[i].correct[q]))
    want = np.asarray(nets[i].correct[q], dtype=np.float64)
    at = tuple(row.index)
    return (
        f"no known mistake matches; the worst entry is {q}{list(at)} on case "
        f"'{row.case.split(' (')[0]}': yours {mine[at]:.4g}, expected {want[at]:.4g}"
    )
