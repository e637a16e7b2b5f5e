"""``check_gradients(fn)``: run the user's function on every case and judge each quantity.

A quantity passes when, on every case, it has the expected shape, finite entries and a relative
error max|yours - expected| / max|expected| of at most ``TOLERANCE`` (``tolerance``: more only
for float16).
Expected values come from the readable network, confirmed on every case by finite differences
and, when torch can be imported, by autograd (``oracles.confirm``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nn_numpy.check.cases import KINK_MARGIN, Case, checker_cases
from nn_numpy.check.contract import UsageError, call_user
from nn_numpy.check.diagnose import Context, diagnose
from nn_numpy.check.measures import Worst, relative_error, worst_index
from nn_numpy.check.oracles import confirm, oracle_names, readable
from nn_numpy.check.report import FORMULAS, CheckReport, Row, altered_note
from nn_numpy.network import forward

ORDER = ("dZ2", "dZ1", "dW1", "db1", "dW2", "db2", "J")
TOLERANCE = 1e-4
REPEAT_TOLERANCE = 1e-9  # two calls on one input: rounding may differ, dropout differs by ~1
"""Relative error allowed, whatever the dtype. On these cases a correct float64 implementation
is off by ~1e-15, a correct float32 one by 1.6e-6 at most, the chain rule dL/da * sigma' with
a 1e-8 guard in the logs by 2.6e-5 (tests/test_check_gradients_correct.py); every catalogued
mistake is off by 0.99 or more on some case (tests/test_check_diagnosis.py)."""


def tolerance(dtypes: Iterable[np.dtype[Any]]) -> float:
    """``TOLERANCE``, or 16 units of rounding of the coarsest float dtype returned if larger.

    Only float16 (unit 9.8e-4, a correct float16 implementation is off by up to 2.4e-3 on
    these cases) gets more: 0.016, still far below the 0.99 of every catalogued mistake.
    """
    eps = [float(np.finfo(d).eps) for d in dtypes if d.kind == "f"]
    return max([TOLERANCE, *(16 * e for e in eps)])


def conform(value: NDArray[Any], shape: tuple[int, ...]) -> NDArray[Any] | None:
    """``value`` in ``shape`` if it is accepted as that shape, else None.

    Accepted: the same shape, or for db2 the same single number in any shape that
    ``b - learning_rate * db`` broadcasts without changing b's shape, e.g. () or (1,) for (1, 1),
    and for J (shape ()) a single number in any shape, e.g. the (1, 1) of np.dot(Y, log(A2).T).
    """
    if value.shape == shape:
        return value
    if value.size == int(np.prod(shape)) == 1 and (value.ndim <= len(shape) or shape == ()):
        return value.reshape(shape)
    return None


def check_gradients(
    fn: Callable[..., Any],
    *,
    cases: Sequence[Case] | None = None,
    use_torch: bool = True,
    name: str | None = None,
    activation: str = "relu",
    timeout: float | None = None,
) -> CheckReport:
    """Check ``fn(W1, b1, W2, b2, X, Y) -> {dW1, db1, dW2, db2[, dZ1, dZ2, J]}`` on every case.

    A tanh or sigmoid hidden layer (``activation``) is checked by ``deep.check_network`` at
    one hidden layer, on its cases, with ``fn`` behind a ``f(params, X, Y)`` adapter.
    ``timeout``: seconds allowed per call of ``fn`` (None: no limit).
    Raises ``UsageError`` (the result breaks the contract) or ``UserCodeError`` (``fn`` raised,
    with its exception as ``__cause__``).
    """
    name = name or str(getattr(fn, "__name__", "function"))
    if activation != "relu":
        from nn_numpy.check.deep import check_network

        def six(params: dict[str, Any], X: Any, Y: Any) -> Any:
            return fn(params["W1"], params["b1"], params["W2"], params["b2"], X, Y)

        return check_network(
            six,
            depths=(1,),
            activation=activation,
            cases=cases,
            use_torch=use_torch,
            name=name,
            timeout=timeout,
        )
    cases = checker_cases() if cases is None else list(cases)
    per_case, altered = [], set[str]()  # altered: inputs the user's code changed in place
    for case in cases:
        _refuse_kinks(case)
        expected = readable(case.params, case.X, case.Y)
        confirm(case.name, case.params, case.X, case.Y, expected, use_torch)
        user = call_user(fn, case, name, timeout, altered)
        refuse_randomness(user, call_user(fn, case, name, timeout), name)
        per_case.append((case, Context.of(case, expected), user))
    returned = [q for q in ORDER if all(q in user for _, _, user in per_case)]
    tol = tolerance(v.dtype for _, _, user in per_case for v in user.values())
    rows = {q: _judge(q, per_case, tol) for q in returned}
    wrong = {q for q, row in rows.items() if not row.ok}
    judged = [(c, _conformed(c, user)) for _, c, user in per_case]
    batch_dZ = frozenset(up for up in ("dZ2", "dZ1") if up in rows and rows[up].note)
    for q, text in diagnose(judged, tol, wrong, batch_dZ).items():
        rows[q].diagnosis = _non_finite(q, per_case) or text
    return CheckReport(
        target=name,
        rows=[rows[q] for q in returned],
        oracles=oracle_names(use_torch),
        cases=[case.name for case in cases],
        not_returned=[q for q in ORDER if q not in returned],
        notes=[altered_note(altered)] if altered else [],
    )


def _conformed(c: Context, user: dict[str, NDArray[Any]]) -> dict[str, NDArray[Any]]:
    """The user's values, each in the expected shape where that shape is accepted."""
    out = {}
    for q, value in user.items():
        fitted = conform(value, np.shape(c.correct[q]))
        out[q] = value if fitted is None else fitted
    return out


def _refuse_kinks(case: Case) -> None:
    """A case near a ReLU kink would blame the user for a derivative that does not exist."""
    Z1 = forward(case.params, case.X).Z1
    if Z1.size and float(np.min(np.abs(Z1))) < KINK_MARGIN:
        raise ValueError(
            f"case '{case.name}' has |Z1| < {KINK_MARGIN:.0e}: it sits near a ReLU kink, where the "
            "mask 1{Z1 > 0} is a convention; drop those examples (cases.away_from_kinks)"
        )


def refuse_randomness(first: dict[str, NDArray[Any]], again: dict[str, NDArray[Any]],
                      name: str) -> None:  # fmt: skip
    """A second call on the same input must return the same values, or no report can be trusted
    (dropout, or np.random without a seed, inside the function). Every case is called twice:
    randomness on one case only (a dropout mask that repeats by chance on a tiny one, noise at
    m = 1) would otherwise make the same code pass on one run and fail on the next."""
    for q, value in first.items():
        if not _repeated(again.get(q, value), value):
            raise UsageError(
                f"{name} returned a different {q} when called twice with the same input (random "
                "numbers inside? dropout?): turn them off, or seed them inside, to check it"
            )


def _repeated(other: NDArray[Any], value: NDArray[Any]) -> bool:
    """The same shape, inf and nan in the same places, and the finite entries equal up to
    REPEAT_TOLERANCE (not bit-for-bit: threaded sums may round differently from call to call)."""
    a, b = np.asarray(other, dtype=np.float64), np.asarray(value, dtype=np.float64)
    if a.shape != b.shape:
        return False
    finite = np.isfinite(b)
    if not np.array_equal(np.isfinite(a), finite):
        return False
    if not np.array_equal(a[~finite], b[~finite], equal_nan=True):
        return False
    with np.errstate(over="ignore"):  # +-1e308 apart: an infinite difference, refused
        return relative_error(a[finite], b[finite]) <= REPEAT_TOLERANCE


def _judge(q: str, per_case: list[tuple[Case, Context, dict[str, NDArray[Any]]]], tol: float
           ) -> Row:  # fmt: skip
    """Worst relative error of ``q`` over the cases, and pass/fail.

    dZ2 and dZ1 are per example (dL/dZ); a dZ equal to dJ/dZ = dZ / m on every case is the other
    common convention (the 1/m then moves out of dW and db), not a mistake: it passes, with a note.
    """
    judged = [(case.name, c.correct, c.m, user) for case, c, user in per_case]
    note = f"your {q} is dJ/d{q[1:]} = ({FORMULAS[q].split('= ')[1]}) / m; accepted"
    return judge(q, judged, tol, note if q in ("dZ2", "dZ1") else None)


def judge(q: str, judged: list[tuple[str, Any, int, Any]], tol: float, batch_note: str | None
          ) -> Row:  # fmt: skip
    """``judge_against`` per example; failing that, where ``batch_note`` is given (a dZ or dA),
    divided by m on every case: the dJ/dZ convention, accepted with that note."""
    row = judge_against(q, judged, tol, per_example=True)
    if row.ok or batch_note is None:
        return row
    batch = judge_against(q, judged, tol, per_example=False)
    if not batch.ok:
        return row
    batch.note = batch_note
    return batch


def judge_against(
    q: str, judged: Iterable[tuple[str, Any, int, Any]], tol: float, per_example: bool
) -> Row:
    """Worst relative error of ``q`` over ``(case name, correct values, m, user's values)``, the
    correct dZ divided by m unless ``per_example``; a value with no error to measure fails."""
    worst, ok = Worst(), True
    for name, correct, m, user in judged:
        expected = np.asarray(correct[q], dtype=np.float64) / (1 if per_example else m)
        value = conform(user[q], expected.shape)
        if value is None or not np.all(np.isfinite(value)):  # no error to measure: say where
            return Row(q, False, None, name, tol=tol)
        err = relative_error(value, expected)
        worst.update(err, name, worst_index(value, expected))
        ok = ok and err <= tol
    return Row(q, ok, worst.error, worst.case, worst.index, tol=tol)


def _non_finite(q: str, per_case: list[tuple[Case, Context, dict[str, NDArray[Any]]]]) -> str:
    for case, _, user in per_case:
        bad = ~np.isfinite(np.asarray(user[q], dtype=np.float64))
        if np.any(bad):
            where = tuple(int(i) for i in np.argwhere(bad)[0])
            kind = "nan" if np.isnan(np.asarray(user[q], dtype=np.float64)[bad]).any() else "inf"
            at = f", first at {list(where)}" if where else ""  # J is a single number
            return f"non-finite values ({kind}){at} on case '{case.name}'"
    return ""
