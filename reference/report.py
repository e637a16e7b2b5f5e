"""``python -m reference.report``: every formula checked against autograd and finite differences.

One row per formula: the worst error over the cases (the two datasets and random networks),
the bound, and pass/fail; the exit status is 1 if any row fails. The functions here are also
what the tests use to build cases and error scales, so the report and the suite measure the
same thing.

Two error measures, both max-norm ratios (``relative_error`` = max|ours - ref| / max|ref|):

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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nn_numpy import Params, backward, compute_cost, forward, init_params, sigmoid
from reference.finite_differences import numerical_gradients, relative_error

Array = NDArray[np.float64]

BOUND_AUTOGRAD = 1e-10  # ~1e6 u: both sides are float64 evaluations of the same function
BOUND_FD = 1e-6  # central differences, h = 1e-6: truncation ~h^2, rounding ~u|J|/h ~ 1e-10
DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DATASETS = ("basic_dataset.csv", "large_dataset.csv")

# The quantities a network case produces, in the order of the derivation.
QUANTITIES = ("J", "dZ2", "dZ1", "db2", "db1", "dW2", "dW1")
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
PARAM_GRADS = {"dW1": "W1", "db1": "b1", "dW2": "W2", "db2": "b2"}


@dataclass(frozen=True)
class Case:
    """One network and batch: X (n_x, m), Y (1, m). ``saturated`` cases use term-scaled errors."""

    name: str
    params: Params
    X: Array
    Y: Array
    saturated: bool = False


def term_scaled_error(ours: Any, ref: Any, scale: Any, floor: Any = 0.0) -> float:
    """max(|ours - ref| - floor, 0) / max|scale|: the error relative to the size of the terms.

    ``scale`` is M from ``error_scales``; ``floor`` is the underflow allowance from
    ``underflow_floors`` (the additive term of the rounding model fl(x) = x(1 + d) + e).
    """
    a, b = np.asarray(ours, dtype=np.float64), np.asarray(ref, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"shape mismatch: {a.shape} vs {b.shape}")
    excess = np.maximum(np.abs(a - b) - floor, 0.0)
    top = float(np.max(np.abs(scale)))
    err = float(np.max(excess, initial=0.0))
    return err / top if top > 0 else err


# ---------------------------------------------------------------- cases


def load_dataset(path: str | Path) -> tuple[Array, Array]:
    """CSV with a header, features then a 0/1 label per row -> X (n_x, m) standardized, Y (1, m).

    Features are standardized with the mean and standard deviation of the whole file (a
    constant feature is only centred), so the same X goes to NumPy and to torch.
    """
    table = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    X, Y = table[:, :-1].T, table[:, -1:].T
    std = X.std(axis=1, keepdims=True)
    return (X - X.mean(axis=1, keepdims=True)) / np.where(std > 0, std, 1.0), Y


def random_params(rng: np.random.Generator, n_x: int, n_h: int, scale: float) -> Params:
    """Every parameter entry ~ N(0, scale^2), biases included (so ReLU masks are mixed)."""
    return Params(
        W1=scale * rng.standard_normal((n_h, n_x)),
        b1=scale * rng.standard_normal((n_h, 1)),
        W2=scale * rng.standard_normal((1, n_h)),
        b2=scale * rng.standard_normal((1, 1)),
    )


def random_batch(rng: np.random.Generator, n_x: int, m: int) -> tuple[Array, Array]:
    """X ~ N(0, 1) of shape (n_x, m) and labels Y in {0, 1} of shape (1, m)."""
    return rng.standard_normal((n_x, m)), rng.integers(0, 2, size=(1, m)).astype(np.float64)


def dataset_cases(n_h: int = 5, seed: int = 42) -> list[Case]:
    """The two shipped datasets with He-initialized parameters (``init_params``)."""
    cases = []
    for filename in DATASETS:
        X, Y = load_dataset(DATA_DIR / filename)
        params = init_params(X.shape[0], n_h, seed=seed)
        cases.append(Case(filename.removesuffix(".csv"), params, X, Y))
    return cases


def random_cases(count: int, seed: int = 0, saturated: bool = False) -> list[Case]:
    """Random shapes (n_x 1..10, n_h 1..32, m 1..256), weights ~ N(0, 1) (1e1..1e3 if saturated)."""
    rng = np.random.default_rng(seed)
    cases = []
    for k in range(count):
        n_x, n_h, m = int(rng.integers(1, 11)), int(rng.integers(1, 33)), int(rng.integers(1, 257))
        scale = float(10.0 ** rng.uniform(1, 3)) if saturated else 1.0
        X, Y = random_batch(rng, n_x, m)
        name = f"{'saturated' if saturated else 'random'}-{k} (n_x={n_x}, n_h={n_h}, m={m})"
        cases.append(Case(name, random_params(rng, n_x, n_h, scale), X, Y, saturated))
    return cases


# ---------------------------------------------------------------- the two sides


def ours(params: Params, X: Array, Y: Array) -> dict[str, Any]:
    """J and the backward quantities from ``nn_numpy`` (the code under test)."""
    cache = forward(params, X)
    grads = backward(params, cache, X, Y)
    return {"J": compute_cost(cache, Y), **{q: grads[q] for q in QUANTITIES[1:]}}


def autograd(params: Params, X: Array, Y: Array) -> dict[str, Any]:
    """The same quantities from torch autograd; dZ[l] = m dJ/dZ[l] (J is a mean over m)."""
    from reference.torch_reference import autograd_gradients

    r = autograd_gradients(params, X, Y)
    m = X.shape[1]
    return {
        "J": r.cost,
        "dZ2": m * r.dJ_dZ2,
        "dZ1": m * r.dJ_dZ1,
        **{q: getattr(r, q) for q in ("db2", "db1", "dW2", "dW1")},
    }


def error_scales(params: Params, X: Array, Y: Array) -> dict[str, Any]:
    """M >= |q| per quantity: the size of the terms q is computed from (first-order error analysis).

    Each M is the quantity's formula with every term replaced by its absolute value (Higham's
    |fl(x^T y) - x^T y| <= gamma_n |x|^T |y|), plus, where a nonlinearity is applied, its
    derivative times the scale of its argument. Both implementations' rounding errors are a
    few units of u times M (with a constant growing like n_x + n_h), so max|ours - ref| / max M
    is ~1e-15 whatever the cancellation.
    """
    W1, b1, W2, b2 = (np.abs(params[k]) for k in ("W1", "b1", "W2", "b2"))
    cache = forward(params, X)
    M_Z1 = W1 @ np.abs(X) + b1  # also bounds A1 = relu(Z1) and its error
    M_Z2 = W2 @ M_Z1 + b2
    A2 = cache.A2
    s_prime = A2 * (1.0 - A2)
    M_dZ2 = A2 + np.abs(Y) + s_prime * M_Z2  # sigma' carries Z2's absolute error into A2
    M_dZ1 = (W2.T @ M_dZ2) * (cache.Z1 > 0)
    # J: both implementations add terms of size |z| per example that cancel when the example is
    # confidently right (ours: max(z, 0) - y z, for y = 1; torch's: (1 - y) z - log sigmoid(z),
    # for y = 0), so each is right to ~u |z| there; plus J's sensitivity to Z2's rounding,
    # dL/dz = sigma(z) - y.
    z = cache.Z2
    softplus = np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))
    M_J = float(np.mean(softplus + np.abs(z) + np.abs(A2 - Y) * M_Z2))
    return _through_bias_and_weight_formulas(M_J, M_dZ2, M_dZ1, M_Z1, X)


def underflow_floors(params: Params, X: Array, Y: Array) -> dict[str, Any]:
    """Absolute errors a quantity may carry from results below the smallest normal float64.

    A2 = sigma(Z2) and the losses can be subnormal (sigma(-713) = 2.1e-310 in NumPy), which
    torch flushes to 0: an error up to tiny = 2.2e-308 in dZ2 and J that the backward pass
    then scales like any other error in dZ2 (|W2|^T for dZ1, the means for db and dW).
    """
    tiny = np.finfo(np.float64).tiny
    cache = forward(params, X)
    U_dZ2 = np.full_like(cache.Z2, tiny)
    U_dZ1 = (np.abs(params.W2).T @ U_dZ2) * (cache.Z1 > 0)
    M_A1 = np.abs(params.W1) @ np.abs(X) + np.abs(params.b1)
    return _through_bias_and_weight_formulas(tiny, U_dZ2, U_dZ1, M_A1, X)


def _through_bias_and_weight_formulas(
    J: float, dZ2: Array, dZ1: Array, A1: Array, X: Array
) -> dict[str, Any]:
    """Per-quantity bounds from per-example ones: db = mean(dZ), dW = dZ |A_prev|^T / m."""
    m = X.shape[1]
    return {
        "J": J,
        "dZ2": dZ2,
        "dZ1": dZ1,
        "db2": dZ2.sum(axis=1, keepdims=True) / m,
        "db1": dZ1.sum(axis=1, keepdims=True) / m,
        "dW2": (dZ2 @ A1.T) / m,
        "dW1": (dZ1 @ np.abs(X).T) / m,
    }


# ---------------------------------------------------------------- the report


@dataclass
class Row:
    """Worst errors of one formula over all cases (None: the comparison does not apply)."""

    key: str
    autograd: float | None = None
    saturated: float | None = None
    fd: float | None = None

    def passed(self) -> bool:
        checks = (
            (self.autograd, BOUND_AUTOGRAD),
            (self.saturated, BOUND_AUTOGRAD),
            (self.fd, BOUND_FD),
        )
        return all(err is None or err <= bound for err, bound in checks)


def _worst(old: float | None, new: float) -> float:
    return new if old is None or new > old or np.isnan(new) else old


def errors(params: Params, X: Array, Y: Array, scaled: bool = False) -> dict[str, float]:
    """Per quantity, ours against autograd: relative, or term-scaled (error_scales) if ``scaled``.

    Ours runs under ``np.errstate(all="raise")`` except underflow: an overflow, division by
    zero or invalid operation anywhere in forward, cost or backward raises FloatingPointError.
    """
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        mine = ours(params, X, Y)
    ref = autograd(params, X, Y)
    if not scaled:
        return {q: relative_error(mine[q], ref[q]) for q in QUANTITIES}
    scales, floors = error_scales(params, X, Y), underflow_floors(params, X, Y)
    return {q: term_scaled_error(mine[q], ref[q], scales[q], floors[q]) for q in QUANTITIES}


def network_rows(cases: Iterable[Case], with_fd: bool = True) -> dict[str, Row]:
    """Rows for J and the backward quantities, worst over ``cases``."""
    rows = {q: Row(q) for q in QUANTITIES}
    for case in cases:
        for q, err in errors(case.params, case.X, case.Y, scaled=case.saturated).items():
            if case.saturated:
                rows[q].saturated = _worst(rows[q].saturated, err)
            else:
                rows[q].autograd = _worst(rows[q].autograd, err)
        if with_fd and not case.saturated:
            mine = ours(case.params, case.X, case.Y)
            fd = numerical_gradients(case.params, case.X, case.Y)
            for q, p in PARAM_GRADS.items():
                rows[q].fd = _worst(rows[q].fd, relative_error(mine[q], fd[p]))
    return rows


def piece_rows() -> dict[str, Row]:
    """sigma' and dL/da: the seed's closed forms against autograd of sigma and of L(a, y)."""
    from reference.torch_reference import loss_derivative_wrt_output, sigmoid_derivative

    z = np.linspace(-40.0, 40.0, 8001)
    s = sigmoid(z)
    sigma_row = Row("sigma'", autograd=relative_error(s * (1.0 - s), sigmoid_derivative(z)))
    a = sigmoid(np.linspace(-30.0, 30.0, 6001))  # a in (1e-13, 1 - 1e-13)
    worst = 0.0
    for label in (0.0, 1.0):
        y = np.full_like(a, label)
        ref = loss_derivative_wrt_output(a, y)
        worst = max(worst, float(np.max(np.abs((a - y) / (a * (1.0 - a)) - ref) / np.abs(ref))))
    return {"sigma'": sigma_row, "dL/da": Row("dL/da", autograd=worst)}


def seed_box2_literal_error(case: Case) -> float:
    """Relative error of the seed's box 2 read literally (mask 1{Z[2] > 0}) against autograd."""
    cache = forward(case.params, case.X)
    literal = (case.params.W2.T @ (cache.A2 - case.Y)) * (cache.Z2 > 0)
    return relative_error(literal, autograd(case.params, case.X, case.Y)["dZ1"])


def _fmt(err: float | None) -> str:
    return "-" if err is None else f"{err:.1e}"


def render(rows: Iterable[Row], cases: list[Case], erratum: float) -> str:
    """The report as text."""
    n_sat = sum(c.saturated for c in cases)
    named = [c.name for c in cases if " " not in c.name]
    n_random = len(cases) - n_sat - len(named)
    lines = [
        "nn-numpy verification report (float64)",
        f"cases: {', '.join(named)} (He init, n_h = 5, seed 42, standardized features)",
        f"       + {n_random} random networks, weights N(0, 1): n_x 1..10, n_h 1..32, m 1..256",
        f"       + {n_sat} saturated random networks, weights x 1e1..1e3 (term-scaled errors)",
        "",
        f"{'formula':<48}{'autograd':>10}{'saturated':>11}{'fin.diff':>10}  result",
        f"{'bound':<48}{BOUND_AUTOGRAD:>10.0e}{BOUND_AUTOGRAD:>11.0e}{BOUND_FD:>10.0e}",
    ]
    for row in rows:
        verdict = "pass" if row.passed() else "FAIL"
        lines.append(
            f"{FORMULAS[row.key]:<48}{_fmt(row.autograd):>10}{_fmt(row.saturated):>11}"
            f"{_fmt(row.fd):>10}  {verdict}"
        )
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
    parser.add_argument("--seed", type=int, default=0, help="seed for the random cases")
    args = parser.parse_args(argv)
    missing = [name for name in DATASETS if not (DATA_DIR / name).is_file()]
    if missing:
        print(f"error: dataset not found: {DATA_DIR / missing[0]}", file=sys.stderr)
        return 2
    cases = dataset_cases()
    cases += random_cases(args.random, args.seed)
    cases += random_cases(args.saturated, args.seed + 1, saturated=True)
    rows = list(network_rows(cases).values()) + list(piece_rows().values())
    erratum = seed_box2_literal_error(cases[0])
    out(render(rows, cases, erratum))
    ok = all(row.passed() for row in rows) and erratum > BOUND_AUTOGRAD
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
