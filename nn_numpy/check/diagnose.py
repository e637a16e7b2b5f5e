"""A catalogue of known backprop mistakes, and the diagnosis that names the one a user made.

Every mistake is a wrong version of one formula, applied to the correct values of a case:

* Box 1 (dZ2) and Box 2 (dZ1) mistakes replace that formula; everything computed after it
  (dZ1, dW, db) is then recomputed with the correct formulas, so a dW1 that is wrong *because*
  dZ1 is wrong is recognised even when the user does not return dZ1.
* Output mistakes transform a finished quantity: times m, divided by m, transposed, negated.
* "Fix X first": the correct formulas applied to the user's own dZ2 or dZ1, if returned; if
  that reproduces their dW1, it is wrong only because their dZ1 is.

A candidate (a ``Diagnosis`` record) explains the user's value if it matches it on every case (a
missing 1/m is invisible at m = 1 and matches there too); ``diagnose`` says which one wins.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from nn_numpy.check.cases import Case
from nn_numpy.network import Array, forward

UPSTREAM = "computed from a wrong "
DOWNSTREAM = {"dZ2": ("dZ1", "dW2", "db2", "dW1", "db1"), "dZ1": ("dW1", "db1")}
# dJ/dZ (divided by m) returned as dZ: a mistake in Box 1 or 2, or the other convention (api).
BATCH_DZ = {
    "dZ2": "divided by m: that is dJ/dZ2; dZ2 is per example, A2 - Y",
    "dZ1": "divided by m: that is dJ/dZ1; dZ1 is per example, W2^T dZ2 * 1{Z1 > 0}",
}


@dataclass(frozen=True)
class Diagnosis:
    """A known mistake that explains a quantity (``str()``: the report's text). ``kind``: "formula"
    (its own formula), "finished" (a finished value transformed: m, 1/m, transposed, the bias axis),
    "upstream" (``mistake`` in ``upstream``'s formula, carried down by the correct ones), "follows"
    (the user's own wrong ``upstream``, carried down); ``also``: a finished-value mistake on top."""

    mistake: str
    kind: str = "finished"
    upstream: str = ""
    also: str = ""

    def __str__(self) -> str:
        up, also = self.upstream, f"{self.also}; and " if self.also else ""
        if self.kind == "follows":
            return f"{self.also}; and your {up} is wrong (fix {up} first)" if self.also else (
                f"follows from your {up}: fix {up} first")  # fmt: skip
        if self.kind == "upstream":
            return f"{also}{UPSTREAM}{up}: {self.mistake}"
        return self.mistake


@dataclass(frozen=True)
class Context:
    """A case's forward values and correct quantities."""

    X: Array
    Y: Array
    W2: Array
    Z1: Array
    A1: Array
    Z2: Array
    A2: Array
    m: int
    correct: dict[str, Any]

    @classmethod
    def of(cls, case: Case, correct: dict[str, Any]) -> Context:
        c = forward(case.params, case.X)
        return cls(case.X, case.Y, case.params.W2, c.Z1, c.A1, c.Z2, c.A2, case.X.shape[1], correct)


def propagate(c: Context, dZ2: Array, dZ1: Array | None = None) -> dict[str, Array]:
    """The correct formulas after Box 1 (and after Box 2 if ``dZ1`` is given)."""
    if dZ1 is None:
        dZ1 = (c.W2.T @ dZ2) * (c.Z1 > 0)  # Box 2
    return {
        "dZ2": dZ2,
        "dZ1": dZ1,
        "dW2": dZ2 @ c.A1.T / c.m,
        "db2": dZ2.sum(axis=1, keepdims=True) / c.m,
        "dW1": dZ1 @ c.X.T / c.m,
        "db1": dZ1.sum(axis=1, keepdims=True) / c.m,
    }


# Box 1 and Box 2 replaced: (quantity, diagnosis, wrong formula of the context).
FORMULA_MISTAKES: list[tuple[str, str, Callable[[Context], Array]]] = [
    ("dZ2", "extra sigma' factor: dZ2 = (A2 - Y) * A2 (1 - A2), but A2 - Y already "
     "includes sigma'", lambda c: (c.A2 - c.Y) * c.A2 * (1 - c.A2)),
    ("dZ2", "sign flipped: Y - A2 instead of A2 - Y", lambda c: c.Y - c.A2),
    ("dZ2", BATCH_DZ["dZ2"], lambda c: (c.A2 - c.Y) / c.m),
    ("dZ1", "ReLU mask on the output layer: 1{Z2 > 0} instead of 1{Z1 > 0} (the seed's box 2 "
     "as printed)", lambda c: (c.W2.T @ (c.A2 - c.Y)) * (c.Z2 > 0)),
    ("dZ1", "no ReLU mask: dZ1 = W2^T dZ2 needs * 1{Z1 > 0}", lambda c: c.W2.T @ (c.A2 - c.Y)),
    ("dZ1", "ReLU instead of its derivative: multiplied by A1 = max(Z1, 0), not by 1{Z1 > 0}",
     lambda c: (c.W2.T @ (c.A2 - c.Y)) * c.A1),
    ("dZ1", "tanh's derivative 1 - A1^2 instead of ReLU's 1{Z1 > 0}",
     lambda c: (c.W2.T @ (c.A2 - c.Y)) * (1 - c.A1**2)),
    ("dZ1", "sigmoid's derivative A1 (1 - A1) instead of ReLU's 1{Z1 > 0}",
     lambda c: (c.W2.T @ (c.A2 - c.Y)) * c.A1 * (1 - c.A1)),
    ("dZ1", BATCH_DZ["dZ1"], lambda c: (c.W2.T @ (c.A2 - c.Y)) * (c.Z1 > 0) / c.m),
    ("dZ1", "ReLU applied to the gradient: max(W2^T dZ2, 0) instead of W2^T dZ2 * 1{Z1 > 0}",
     lambda c: np.maximum(c.W2.T @ (c.A2 - c.Y), 0)),
    ("dW2", "Z1 where A1 belongs: dW2 = (1/m) dZ2 A1^T with A1 = max(Z1, 0)",
     lambda c: (c.A2 - c.Y) @ c.Z1.T / c.m),
    ("dW2", "X where A1 belongs: dW2 = (1/m) dZ2 A1^T, the layer's input is A1",
     lambda c: (c.A2 - c.Y) @ c.X.T / c.m),
    ("dW1", "A1 where X belongs: dW1 = (1/m) dZ1 X^T, the layer's input is X = A0",
     lambda c: c.correct["dZ1"] @ c.A1.T / c.m),
]  # fmt: skip


def bias_axis_mistakes(dZ: Array, m: int, name: str = "dZ") -> list[tuple[str, Array]]:
    """db not summed over the examples, summed over the wrong axis, or over every axis."""
    needs = f"needs np.sum({name}, axis=1, keepdims=True) / m"
    unsummed = "not summed over the examples"
    out = [(f"{unsummed}: {needs}", dZ / m), (f"{unsummed}, and no 1/m: {needs}", dZ)]
    if dZ.shape[0] > 1:  # for one unit, axis 0 changes nothing: that is the unsummed dZ / m
        over_units = "summed over the units (axis 0) instead of over the examples (axis 1)"
        out.append((over_units, dZ.sum(axis=0, keepdims=True) / m))
    return [*out, (f"summed over every axis: {needs}", np.asarray(dZ.sum() / m))]


def output_mistakes(q: str, v: Any, m: int) -> list[tuple[str, Any]]:
    """Mistakes on a finished quantity ``v`` (the correct one, or one from a wrong dZ)."""
    v = np.asarray(v)
    if q == "J":
        return [
            ("summed instead of averaged over the examples (missing 1/m)", m * v),
            ("1/m applied twice: J is m times too small", v / m),
            ("sign flipped: L = -(y log a + (1 - y) log(1 - a)), with the minus", -v),
        ]
    if q in ("dZ1", "dZ2"):
        return [("transposed: examples must be columns", v.T)]
    too_large = (
        f"summed over the examples instead of averaged (missing 1/m): {q} is m times too large"
        if q[1] == "b"
        else f"missing 1/m: {q} is m times too large"
    )
    out = [
        (too_large, m * v),
        (f"1/m applied twice: {q} is m times too small", v / m),
        (f"sign flipped: {q} has the wrong sign", -v),
    ]
    if q[1] == "W":
        out[:0] = [
            ("transposed", v.T),
            (f"transposed, and {too_large}", m * v.T),
            (f"transposed, and 1/m applied twice: {q} is m times too small", v.T / m),
        ]
    return out


def _from_user(q: str, c: Context, user: dict[str, Array], wrong: set[str]) -> tuple[str, Any]:
    """("dZ1", value): ``q`` by the correct formulas from the user's own wrong dZ, if given."""
    for up in ("dZ1", "dZ2"):
        if q in DOWNSTREAM[up] and up in wrong and up in user:
            if np.shape(user[up]) != np.shape(c.correct[up]):
                return "", None
            own = np.asarray(user[up], dtype=np.float64)
            values = propagate(c, c.correct["dZ2"], own) if up == "dZ1" else propagate(c, own)
            return up, values[q]
    return "", None


def candidates(q: str, c: Context, user: dict[str, Array], wrong: set[str]) -> dict[Diagnosis, Any]:
    """Every known wrong value of ``q`` on one case, by diagnosis, most useful first.

    ``wrong`` names the user's quantities that failed: a wrong dZ they returned is followed.
    """
    out: dict[Diagnosis, Any] = {}
    up, own = _from_user(q, c, user, wrong)
    if up:  # fix X first: the correct formulas applied to the user's own dZ
        out[Diagnosis("", "follows", up)] = own
        for text, value in output_mistakes(q, own, c.m):
            out[Diagnosis("", "follows", up, also=text)] = value
    for up, text, formula in FORMULA_MISTAKES:
        if up == q:
            out[Diagnosis(text, "formula")] = formula(c)
    out.update((Diagnosis(text), value) for text, value in output_mistakes(q, c.correct[q], c.m))
    if q[:2] in ("dW", "db"):  # m = X.shape[0] or len(X): the features counted, X is (n_x, m)
        out[Diagnosis(
            "divided by n_x = X.shape[0] = len(X) instead of m = X.shape[1]: X is (n_x, m), one "
            "example per column (the seed's notation list swaps 'examples' and 'features')"
        )] = c.correct[q] * c.m / c.X.shape[0]  # fmt: skip
    for up, text, formula in FORMULA_MISTAKES:
        if q in DOWNSTREAM.get(up, ()):
            dZ2, dZ1 = (formula(c), None) if up == "dZ2" else (c.correct["dZ2"], formula(c))
            value = propagate(c, dZ2, dZ1)[q]
            out[Diagnosis(text, "upstream", up)] = value
            for mistake, wrong in output_mistakes(q, value, c.m):  # two mistakes at once
                out[Diagnosis(text, "upstream", up, also=mistake)] = wrong
    if q in ("db1", "db2"):
        dZ = "dZ" + q[2]
        out.update((Diagnosis(t), v) for t, v in bias_axis_mistakes(c.correct[dZ], c.m, dZ))
    return out


def matches(user: Array, candidate: Any, tol: float) -> bool:
    """Same shape and relative error <= tol (the pass criterion)."""
    cand = np.asarray(candidate, dtype=np.float64)
    u = np.asarray(user, dtype=np.float64)
    if u.shape != cand.shape or not np.all(np.isfinite(u)):
        return False
    scale = float(np.max(np.abs(cand), initial=0.0))
    err = float(np.max(np.abs(u - cand), initial=0.0))
    return err <= tol * scale if scale > 0 else err <= tol


def matching(
    q: str, per_case: list[tuple[Context, dict[str, Array]]], tol: float, wrong: set[str]
) -> list[Diagnosis]:
    """The known mistakes that reproduce the user's ``q`` on every case, most useful first."""
    lists = [candidates(q, c, user, wrong) for c, user in per_case]
    return [
        d
        for d in lists[0]
        if all(
            d in cs and matches(user[q], cs[d], tol)
            for cs, (_, user) in zip(lists, per_case, strict=True)
        )
    ]


def diagnose(
    per_case: list[tuple[Context, dict[str, Array]]],
    tol: float,
    wrong: set[str],
    batch_dZ: frozenset[str] = frozenset(),
) -> dict[str, str]:
    """A diagnosis for each wrong quantity ("" if no known mistake matches).

    Per quantity the first match wins (its own dZ followed, its own formula, a finished-value
    mistake, then a mistake upstream), except that a mistake in dZ2 or dZ1 that reproduces
    every wrong quantity computed from it (two or more) wins over a local explanation. Below a dZ
    returned as dJ/dZ (``batch_dZ``, accepted with a note), a 1/m found again is applied twice.
    """
    found = {q: matching(q, per_case, tol, wrong) for q in wrong}
    twice = {Diagnosis(BATCH_DZ[up], "upstream", up) for up in batch_dZ}  # 1/m applied twice
    out = {}
    for q, ds in found.items():
        if ds and ds[0].kind in ("follows", "formula") and not ds[0].also:
            d: Diagnosis | None = ds[0]
        else:
            d = next(iter([t for t in ds if _explains_all(t, found)] or ds), None)
        if d is None:
            out[q] = _shape_diagnosis(q, per_case, tol)
        elif d in twice:
            up = d.upstream
            out[q] = (f"1/m applied twice: {q} is m times too small; your {up} is already "
                      f"dJ/d{up[1:]} (divided by m), so {q} needs no other 1/m")  # fmt: skip
        else:
            out[q] = _with_shapes(q, str(d), per_case)
    return out


def _explains_all(d: Diagnosis, found: dict[str, list[Diagnosis]]) -> bool:
    """``d``, a mistake upstream, reproduces every wrong quantity computed from it (2 or more)."""
    if d.kind != "upstream" or d.also:
        return False
    fed = set(DOWNSTREAM[d.upstream]) & set(found)
    return len(fed) >= 2 and all(
        any(t.kind == d.kind and t.upstream == d.upstream and t.mistake == d.mistake for t in ts)
        for ts in (found[p] for p in fed)
    )


def _with_shapes(q: str, text: str, per_case: list[tuple[Context, dict[str, Array]]]) -> str:
    """A "transposed" diagnosis completed with the shape returned and the one expected."""
    if not text.startswith("transposed"):
        return text
    c, user = per_case[0]
    head, _, tail = text.partition(", and ")
    shapes = f"{head}: returned {np.shape(user[q])}, expected {np.shape(c.correct[q])}"
    return f"{shapes}; and {tail}" if tail else shapes


def _shape_diagnosis(q: str, per_case: list[tuple[Context, dict[str, Array]]], tol: float) -> str:
    """For a value of the wrong shape: the shape expected, and whether the numbers are right."""
    for c, user in per_case:
        got, want = np.shape(user[q]), np.shape(c.correct[q])
        if got != want:
            same = np.size(user[q]) == np.size(c.correct[q]) and all(
                np.size(u[q]) == np.size(cc.correct[q])
                and matches(np.reshape(u[q], np.shape(cc.correct[q])), cc.correct[q], tol)
                for cc, u in per_case
            )
            return f"wrong shape {got}, expected {want}" + (
                " (the values are right)" if same else ""
            )
    return ""
