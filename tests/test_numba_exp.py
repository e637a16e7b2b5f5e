"""The compiled exp is within 1 ulp of the exact exp(x) on the whole range the step uses, and
the kernels' decorator caches them (a second process loads the step) and compiles where numba
has no cache directory.

Without numba the tests that need it skip with the reason, except where
``NN_NUMPY_REQUIRE_NUMBA=1`` (tests/helpers.py).
"""

from __future__ import annotations

import decimal
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nn_numpy.network import Array
from tests.helpers import needs_numba

ROOT = Path(__file__).parents[1]

# --------------------------------------------------------------------------- exp

# The reference for exp is the exact value, never np.exp (whose last bits depend on the NumPy
# version and on the SIMD path it dispatches to on the CPU): exp in 80-bit long double (x87
# `expl`, 11 bits beyond float64, the same arithmetic on every x86-64 CPU) for the dense grid,
# itself checked against `decimal` at 40 digits (correctly rounded), which also settles every
# point within CLOSE_CALL ulp of the bound. Errors are in units of the last place of the exact
# result (2^-1074 for subnormal results).
EXP_MAX_ULPS = 1.0  # claimed in nn_numpy/training/_numba_kernels.py: measured 0.991 ulp
CLOSE_CALL = 0.05  # long double settles an error to ~2^-11 ulp; decimal settles these exactly
EXTENDED = np.finfo(np.longdouble).nmant >= 63
DECIMAL = decimal.Context(prec=40)


def decimal_exp(x: Array) -> list[decimal.Decimal]:
    """exp(x) to 40 significant digits, correctly rounded (decimal's exp), for each x."""
    return [DECIMAL.exp(decimal.Decimal(float(v))) for v in x]


def exact_exp(x: Array) -> Array:
    """exp(x) with at least 11 bits beyond float64: long double, or decimal where long double
    is no wider than float64."""
    if EXTENDED:
        return np.exp(x.astype(np.longdouble))
    return np.array([float(d) for d in decimal_exp(x)], dtype=np.longdouble)  # pragma: no cover


def ulp_of(exact: Array) -> Array:
    """The float64 spacing in the binade of each exact value (2^-1074 below the normal range)."""
    _, e = np.frexp(exact)
    return np.ldexp(np.longdouble(1.0), np.maximum(e - 53, -1074))


def exp_ulp_errors(x: Array, got: Array) -> Array:
    """|got - exp(x)| in units of the last place of the exact exp(x), for each x; errors within
    CLOSE_CALL of EXP_MAX_ULPS are recomputed against decimal."""
    exact = exact_exp(x)
    ulp = ulp_of(exact)
    errors = np.asarray(np.abs(got.astype(np.longdouble) - exact) / ulp, dtype=np.float64)
    close_calls = np.flatnonzero(np.abs(errors - EXP_MAX_ULPS) <= CLOSE_CALL)
    for i, d in zip(close_calls, decimal_exp(x[close_calls]), strict=True):
        errors[i] = float(abs(decimal.Decimal(float(got[i])) - d) / decimal.Decimal(float(ulp[i])))
    return errors


def our_exp(x: Array) -> Array:
    from nn_numpy.training._numba_kernels import exp_nonpositive_array

    out = np.empty_like(x)
    exp_nonpositive_array(x, out)
    return out


def nonpositive_grid() -> Array:
    """Every region exp(-|z|) can see: [-1e-300, 0], the whole normal range, the subnormal
    results (x < -708.4) past the last nonzero one (-745.13), and the reduction's seams
    (x = -k ln2 / 2, where n changes)."""
    rng = np.random.default_rng(0)
    seams = -np.arange(2200) * np.log(2) / 2
    return np.concatenate(
        [
            -np.linspace(0.0, 760.0, 1_500_001),
            -rng.uniform(0, 760, 500_000),
            -(10.0 ** rng.uniform(-320, 0, 100_000)),
            np.concatenate([seams, np.nextafter(seams, 0), np.nextafter(seams, -np.inf)]),
            -rng.uniform(708, 746, 200_000),
        ]
    )


def test_exact_exp_agrees_with_decimal_to_2_60_on_every_region() -> None:
    """The dense grid's reference is itself checked: long double against decimal at 40 digits
    (correctly rounded), on a sample of every region of the grid, seams and subnormals included."""
    x = np.random.default_rng(1).choice(nonpositive_grid(), 4000, replace=False)
    x = np.concatenate([x, [0.0, -5e-324, -708.4, -745.13, -760.0]])
    for v, e, d in zip(x, exact_exp(x), decimal_exp(x), strict=True):
        assert abs(long_double_to_decimal(e) - d) <= d * decimal.Decimal(2.0**-60), v


def long_double_to_decimal(v: np.longdouble) -> decimal.Decimal:
    """The exact value of a long double (its 64-bit significand times a power of 2)."""
    mantissa, exponent = np.frexp(v)
    significand = int(np.ldexp(mantissa, 64))  # an integer: exact in long double and in int
    return DECIMAL.multiply(decimal.Decimal(significand), DECIMAL.power(2, int(exponent) - 64))


@needs_numba
def test_exp_error_below_1_ulp_of_the_exact_value_over_the_whole_nonpositive_range() -> None:
    x = nonpositive_grid()
    worst = float(np.max(exp_ulp_errors(x, our_exp(x))))
    assert worst < EXP_MAX_ULPS, worst


@needs_numba
def test_exp_edges_zero_infinity_nan_and_underflow() -> None:
    x = np.array([0.0, -0.0, -1e-300, -5e-324, -np.inf, np.nan, -746.0, -800.0, -1e308])
    got = our_exp(x)
    np.testing.assert_array_equal(got[:4], 1.0)
    np.testing.assert_array_equal(got[[4, 6, 7, 8]], 0.0)
    assert np.isnan(got[5])
    last = -745.13  # the last x with a nonzero (subnormal) result is near here
    x = np.linspace(last - 0.01, last + 0.01, 2001)
    correctly_rounded = np.array([float(d) for d in decimal_exp(x)])  # 0, 1 or 2 x 2^-1074
    np.testing.assert_array_equal(our_exp(x), correctly_rounded)


@needs_numba
def test_exp_error_measure_rejects_an_exp_one_ulp_worse() -> None:
    """The check above can fail: our exp one ulp up, a correctly rounded exp one ulp up, or a
    subnormal result 2 units off is caught."""
    x = -np.linspace(0.0, 760.0, 10_001)
    assert np.max(exp_ulp_errors(x, np.nextafter(our_exp(x), np.inf))) > EXP_MAX_ULPS
    nearest = exact_exp(x).astype(np.float64)
    assert np.max(exp_ulp_errors(x, nearest)) <= 0.5 + 2**-10  # the measure itself: honest
    assert np.max(exp_ulp_errors(x, np.nextafter(nearest, np.inf))) > EXP_MAX_ULPS
    subnormal = nearest < np.finfo(np.float64).tiny
    assert np.max(exp_ulp_errors(x, nearest + 2 * 5e-324 * subnormal)) > EXP_MAX_ULPS


# --------------------------------------------------------------------------- the decorator


@needs_numba
def test_a_function_numba_cannot_cache_is_compiled_without_the_cache() -> None:
    """Code with no writable cache location (here: no source file at all) still compiles."""
    from numba import njit

    from nn_numpy.training._numba_compile import compiled

    namespace: dict[str, object] = {}
    exec("def twice(x):\n    return 2.0 * x\n", namespace)
    with pytest.raises(RuntimeError, match="no locator available"):
        njit(cache=True)(namespace["twice"])  # what numba does with cache=True alone
    assert compiled()(namespace["twice"])(1.5) == 3.0


CACHE_PROBE = """
import json, numpy as np
from nn_numpy.training.fast_trainer import NumbaTrainer, load_kernels
from nn_numpy.network import init_params
X = np.ones((2, 40)); Y = np.ones((1, 40))
NumbaTrainer(X, Y, init_params(2, 3, seed=0), 0.1, threads=1).step()
stats = load_kernels().step_serial.stats
print(json.dumps([sum(stats.cache_hits.values()), sum(stats.cache_misses.values())]))
"""


@needs_numba
def test_a_second_process_loads_the_compiled_step_from_the_cache(tmp_path: Path) -> None:
    """cache=True: the first process compiles and writes NUMBA_CACHE_DIR, the next one loads."""
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}
    runs = [
        subprocess.run(
            [sys.executable, "-c", CACHE_PROBE], env=env, cwd=ROOT, capture_output=True, text=True
        )
        for _ in range(2)
    ]
    for run in runs:
        assert run.returncode == 0, run.stderr
    (hits1, misses1), (hits2, misses2) = (json.loads(r.stdout) for r in runs)
    assert (hits1, misses1) == (0, 1)  # compiled
    assert (hits2, misses2) == (1, 0)  # loaded
    assert any(tmp_path.rglob("*.nbi"))


# --------------------------------------------------------------------------- the CLI
