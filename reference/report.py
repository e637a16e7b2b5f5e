"""``python -m reference.report``: every formula checked against autograd and finite differences.

One row per formula: the worst error over the cases (the two datasets and random networks),
the bound, and pass/fail; then one row per formula and layer for networks of three hidden layers
(relu, tanh, sigmoid); the exit status is 1 if any row fails. It is the checker's comparison
(``nn_numpy.check``: cases, oracles, error measures, table) applied to our own readable network,
split by responsibility: the case families in ``reference/cases.py``, the comparisons in
``reference/rows.py``, the text here. The tests use the same functions, so the report and the
suite measure the same thing.

Two error measures, both max-norm ratios (``nn_numpy/check/measures.py``):

* relative: against max|ref|. Used for ordinary networks (He initialization, the datasets).
* term-scaled: against max M, where M >= |ref| elementwise is the magnitude of the terms the
  quantity is computed from, propagated through the network with absolute values
  (``error_scales``). Both float64 implementations have rounding errors of a few units of
  u = 2^-53 times M, so this is the measure that stays meaningful when a quantity is a
  cancellation of large terms (saturated networks with weights up to 1e3, where e.g.
  db2 = mean(A2 - Y) sums +-1 entries to nearly 0 and max|ref| says nothing about rounding).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable
from typing import Any

from nn_numpy.check.cases import Case
from nn_numpy.check.measures import Worst
from nn_numpy.check.oracles import BOUND_AUTOGRAD, BOUND_FD
from nn_numpy.check.report import table
from reference.cases import DEEP_HIDDEN, dataset_cases, deep_cases, random_cases
from reference.rows import Row, layer_rows, network_rows, piece_rows, seed_box2_literal_error

__all__ = ["FORMULAS", "deep_formula", "main", "render"]

FORMULAS = {
    "J": "J = (1/m) sum_i L(a(i), y(i))  vs BCE-with-logits",
    "dZ2": "Box 1  dZ[2] = A[2] - Y",
    "dZ1": "Box 2  dZ[1] = W[2]^T dZ[2] * 1{Z[1] > 0}",
    "db2": "Box 3  db[2] = (1/m) sum_i dZ[2](i)",
    "db1": "Box 3  db[1] = (1/m) sum_i dZ[1](i)",
    "dW2": "dW[2] = (1/m) dZ[2] A[1]^T",
    "dW1": "dW[1] = (1/m) dZ[1] A[0]^T",
    "sigma'": "sigma'(z) = sigma(z)(1 - sigma(z))",
    "dL/da": "dL/da = (a - y) / (a (1 - a))",
}


DEEP_L = len(DEEP_HIDDEN) + 1


def deep_formula(q: str) -> str:
    """The formula of ``oracles.layer_quantities(DEEP_L)``'s quantity ``q``, for its layer."""
    l = int(q.lstrip("dZAbWg'J") or 0)
    return {
        "J": "J = (1/m) sum_i L(a(i), y(i))  vs BCE-with-logits",
        "dZ": f"Box 1  dZ[{l}] = A[{l}] - Y"
        if l == DEEP_L
        else f"Box 2  dZ[{l}] = dA[{l}] * g'(Z[{l}])",
        "dA": f"Box 2  dA[{l}] = W[{l + 1}]^T dZ[{l + 1}]",
        "g'": f"g'(Z[{l}]) = 1{{Z > 0}} | 1 - A^2 | A(1 - A)",
        "db": f"Box 3  db[{l}] = (1/m) sum_i dZ[{l}](i)",
        "dW": f"dW[{l}] = (1/m) dZ[{l}] A[{l - 1}]^T",
    }[q.rstrip("0123456789")]


def _table(rows: Iterable[Row], label: Callable[[str], str]) -> str:
    body = [["bound", f"{BOUND_AUTOGRAD:.0e}", f"{BOUND_AUTOGRAD:.0e}", f"{BOUND_FD:.0e}", ""]]
    for row in rows:
        verdict = "pass" if row.passed() else "FAIL"
        body.append([label(row.key), _fmt(row.autograd), _fmt(row.saturated), _fmt(row.fd),
                     verdict])  # fmt: skip
    return table(["formula", "autograd", "saturated", "fin.diff", "result"], body, (1, 2, 3))


def _fmt(worst: Worst) -> str:
    return "-" if worst.error is None else f"{worst.error:.1e}"


def render(
    rows: Iterable[Row],
    cases: list[Case],
    erratum: float,
    deep_rows: Iterable[Row] = (),
    deep: list[Case] | None = None,
) -> str:
    """The report as text: the one-hidden-layer table, the deep table, then the erratum."""
    n_sat = sum(c.family == "saturated" for c in cases)
    named = [c.name for c in cases if c.family == "dataset"]
    n_random = sum(c.family == "random" for c in cases)
    lines = [
        "nn-numpy verification report (float64)",
        f"cases: {', '.join(named)} (He init, n_h = 5, seed 42, standardized features)",
        f"       + {n_random} random networks, weights N(0, 1): n_x 1..10, n_h 1..32, m 1..256",
        f"       + {n_sat} saturated random networks, weights x 1e1..1e3 (term-scaled errors)",
        "",
        _table(rows, FORMULAS.__getitem__),
    ]
    if deep is not None:
        sizes = ", ".join(map(str, DEEP_HIDDEN))
        n_deep = sum(c.family == "deep random" for c in deep)
        n_deep_sat = sum(c.family == "deep saturated" for c in deep)
        lines += [
            "",
            f"deep: {len(DEEP_HIDDEN)} hidden layers (L = {DEEP_L}), "
            "relu, tanh and sigmoid in turn",
            f"cases: both datasets x 3 activations (init_params, hidden sizes {sizes}, seed 42)",
            f"       + {n_deep} random networks, weights N(0, 1): "
            "n_x 1..10, widths 1..16, m 1..256",
            f"       + {n_deep_sat} saturated random networks, weights x 1e1..1e3 (term-scaled)",
            "",
            _table(deep_rows, deep_formula),
        ]
    caught = erratum > BOUND_AUTOGRAD
    lines += [
        "",
        "seed erratum: box 2 as printed, dZ = W[2]^T dZ[2] * 1{Z[2] > 0}, on 'basic_dataset':",
        f"  relative error {erratum:.2f} vs autograd -> "
        + ("disagrees (caught)" if caught else "NOT caught"),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None, out: Callable[[str], Any] = print) -> int:
    """Run every comparison, print the report; 0 if every row passes, 1 otherwise."""
    parser = argparse.ArgumentParser(
        prog="python -m reference.report", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--random", type=int, default=20, help="random networks (default 20)")
    parser.add_argument("--saturated", type=int, default=20, help="saturated networks (default 20)")
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        help="seed for the random cases (default 0; the saturated ones use seed + 1)",
    )
    parser.add_argument("--deep", type=int, default=9, help="deep random networks (default 9)")
    parser.add_argument(
        "--deep-saturated", type=int, default=9, help="deep saturated networks (default 9)"
    )
    args = parser.parse_args(argv)
    cases = dataset_cases()
    cases += random_cases(args.random, args.seed)
    cases += random_cases(args.saturated, args.seed + 1, saturated=True)
    rows = list(network_rows(cases).values()) + list(piece_rows().values())
    erratum = seed_box2_literal_error(cases[0])
    deep = deep_cases(args.deep, args.seed + 2)
    deep += deep_cases(args.deep_saturated, args.seed + 3, saturated=True)
    deep_rows = list(layer_rows(deep, DEEP_L).values())
    out(render(rows, cases, erratum, deep_rows, deep))
    ok = all(row.passed() for row in [*rows, *deep_rows]) and erratum > BOUND_AUTOGRAD
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
