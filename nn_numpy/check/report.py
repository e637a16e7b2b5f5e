"""The checker's result: one row per quantity, as a text table (``str``) or as JSON.

Errors are printed with two significant digits, and errors below 1e-12 (rounding, not a
formula) as "<1e-12", so a float64 report is the same on every machine.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from nn_numpy.check.cases import KINK_MARGIN

FORMULAS = {
    "dZ2": "Box 1  dZ2 = A2 - Y",
    "dZ1": "Box 2  dZ1 = W2^T dZ2 * 1{Z1 > 0}",
    "dW1": "dW1 = (1/m) dZ1 X^T",
    "db1": "Box 3  db1 = (1/m) sum_i dZ1(i)",
    "dW2": "dW2 = (1/m) dZ2 A1^T",
    "db2": "Box 3  db2 = (1/m) sum_i dZ2(i)",
    "J": "J = (1/m) sum_i L(a(i), y(i))",
}
ROUNDING = 1e-12


@dataclass
class Row:
    """One quantity: pass/fail, worst relative error and where (case, index), diagnosis."""

    quantity: str
    ok: bool
    error: float | None
    case: str = ""
    index: tuple[int, ...] = ()
    diagnosis: str = ""
    tol: float = 0.0
    note: str = ""  # on a pass: a convention accepted (dZ as dJ/dZ)
    formula: str = ""  # for a layer's row at any depth; FORMULAS[quantity] if empty

    @property
    def formula_text(self) -> str:
        return self.formula or FORMULAS[self.quantity]

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "error": self.error,
            "diagnosis": self.diagnosis or None,
            "formula": self.formula_text,
            "tolerance": self.tol,
            "case": self.case or None,
            "index": list(self.index) if self.case else None,
            "note": self.note or None,
        }


@dataclass
class CheckReport:
    """What ``check_gradients`` returns; ``ok`` is True when every quantity agrees."""

    target: str
    rows: list[Row]
    oracles: list[str]
    cases: list[str]
    not_returned: list[str] = field(default_factory=list)
    cases_note: str = f"every |Z1| >= {KINK_MARGIN:.0e}: no ReLU kink"
    notes: list[str] = field(default_factory=list)  # about the run, after the table

    @property
    def ok(self) -> bool:
        return all(row.ok for row in self.rows)

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        return render(self)

    def as_json(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "ok": self.ok,
            "oracles": self.oracles,
            "cases": self.cases,
            "quantities": {row.quantity: row.as_json() for row in self.rows},
            "not_returned": self.not_returned,
        }

    def as_gradescope(self) -> dict[str, Any]:
        """Gradescope's results.json: one test per quantity (and layer), 1 point each."""
        tests = []
        for row in self.rows:
            said = row.diagnosis if not row.ok else row.note
            output = f"{row.formula_text}: {'pass' if row.ok else 'FAIL'}, worst error "
            output += format_error(row.error) + (f" on case {row.case}" if not row.ok else "")
            tests.append({"name": row.quantity, "score": int(row.ok), "max_score": 1,
                          "output": output + (f"\n-> {said}" if said else "")})  # fmt: skip
        return {"score": sum(t["score"] for t in tests), "output": render(self), "tests": tests}

    def to_json(self) -> str:
        return json.dumps(self.as_json(), indent=2) + "\n"


def format_error(err: float | None) -> str:
    """Two significant digits ("<1e-12" below rounding level, "-" when not measured)."""
    if err is None:
        return "-"
    if err < ROUNDING:
        return f"<{ROUNDING:.0e}"
    return f"{err:#.2g}" if err < 100 else f"{err:.1e}"


def table(header: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[int] = ()) -> str:
    """Columns padded to their widest cell, two spaces apart; ``right``: right-aligned columns."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = []
    for r in [header, *rows]:
        cells = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def render(report: CheckReport) -> str:
    """The report as text: a summary line, the oracles and cases, then one row per quantity."""
    failed = [row for row in report.rows if not row.ok]
    verdict = (
        f"{len(failed)} of {len(report.rows)} quantities disagree"
        if failed
        else f"all {len(report.rows)} quantities agree"
    )
    short = list(dict.fromkeys(name.split(" (")[0] for name in report.cases))  # once per family
    lines = [
        f"nn-numpy-check {report.target}: {verdict}",
        f"oracles: {', '.join(report.oracles)}",
        f"cases: {', '.join(short)} ({report.cases_note})",
        "",
    ]
    body = []
    for row in report.rows:
        at = f" {list(row.index)}" if row.index else ""  # J has no index; a wrong shape none
        where = f"{row.case}{at}" if row.case and not row.ok else ""
        body.append([row.quantity, row.formula_text, "pass" if row.ok else "FAIL",
                     format_error(row.error), where])  # fmt: skip
    rendered = table(["", "formula", "result", "worst error", "where"], body, right=(3,))
    out = rendered.splitlines()
    lines.append(out[0])
    said = ""
    for row, line in zip(report.rows, out[1:], strict=True):
        lines.append(line)
        if not row.ok:
            text = row.diagnosis or "no known mistake matches"
            # a layer's row under one with the same diagnosis: said once (one-layer rows as ever)
            lines.append("     -> the same" if row.formula and text == said else f"     -> {text}")
            said = text
        elif row.note:
            lines.append(f"     -> {row.note}")
    if report.not_returned:
        lines += ["", f"not returned (optional): {', '.join(report.not_returned)}"]
    if report.notes:
        lines += ["", *report.notes]
    return "\n".join(lines)


def altered_note(altered: set[str]) -> str:
    """The report's note naming the inputs the user's function changed in place."""
    order = {
        k: i for i, k in enumerate(["X", "Y", *(f"{p}{l}" for l in range(1, 99) for p in "Wb")])
    }
    names = ", ".join(sorted(altered, key=lambda k: order.get(k, len(order))))
    return (
        f"note: your function changed its input {names} in place (each call got a fresh "
        "copy, so the check is unaffected; a training loop would be)"
    )
