"""exp(x) for x <= 0 as arithmetic that numba vectorizes, and the decorator of every kernel.

The fused step (``_numba_kernels``) needs exp(-|h|) once per example; a call to the C library's
exp would stop LLVM from vectorizing the loop, so exp is written here as Cody-Waite reduction, a
Taylor polynomial and 2^n built from its bits. Its accuracy is measured against the exact value
in tests/test_numba_exp.py.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic


def compiled(**options: Any) -> Callable[[Callable[..., Any]], Any]:
    """``njit(cache=True, error_model="numpy", **options)``; where no directory is writable for
    numba's cache (install and user cache directories read-only, NUMBA_CACHE_DIR unset), numba
    refuses cache=True when decorating: the function then compiles in every process instead.

    error_model="numpy": x / 0 follows IEEE (no ZeroDivisionError check, which would stop the
    division from vectorizing).
    """

    def decorate(function: Callable[..., Any]) -> Any:
        try:
            return njit(cache=True, error_model="numpy", **options)(function)
        except RuntimeError:  # "cannot cache function ...: no locator available for file ..."
            return njit(error_model="numpy", **options)(function)

    return decorate


@intrinsic
def _float_to_bits(typingctx: Any, x: Any) -> Any:
    """The IEEE bits of a float64, as int64 (LLVM bitcast; no conversion)."""
    sig = types.int64(types.float64)

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        return builder.bitcast(args[0], ir.IntType(64))

    return sig, codegen


@intrinsic
def _bits_to_float(typingctx: Any, bits: Any) -> Any:
    """The float64 whose IEEE bits are ``bits`` (LLVM bitcast; no conversion)."""
    sig = types.float64(types.int64)

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        return builder.bitcast(args[0], ir.DoubleType())

    return sig, codegen


# exp(x) = 2^n exp(r), n = round(x / ln 2), r = x - n ln 2 in [-ln2/2, ln2/2] (+ rounding).
_LOG2E = 1.4426950408889634
_LN2_HI = 6.93147180369123816490e-01  # fdlibm's split: n * _LN2_HI is exact for |n| < 2^20
_LN2_LO = 1.90821492927058770002e-10
_ROUND = 6755399441055744.0  # 1.5 * 2^52: t = y + _ROUND holds round(y) in its low bits
_ROUND_BITS = 0x4338000000000000  # the bits of _ROUND
_EXP_MIN = -746.0  # exp(-746) < 2^-1075 rounds to 0; below it the result is 0 as well
# 1/k! for k = 13 ... 2: the Taylor remainder on |r| <= 0.35 is < 5e-18, far below an ulp.
_INV_FACT = tuple(1.0 / math.factorial(k) for k in range(13, 1, -1))
(_C13, _C12, _C11, _C10, _C9, _C8, _C7, _C6, _C5, _C4, _C3, _C2) = _INV_FACT


@compiled(fastmath={"contract"})
def exp_nonpositive(x: float) -> float:
    """exp(x) for x <= 0 (and -inf, NaN), as arithmetic that vectorizes: no call, no branch.

    Cody-Waite reduction r = (x - n ln2_hi) - n ln2_lo (exact products), Taylor polynomial to
    degree 13 with the 1 added last, and 2^n built from its bits in two halves so that subnormal
    results are rounded once. Error below 1 ulp of the exact exp(x) (measured against 80-bit
    and 40-digit references in tests/test_numba_exp.py: at most 0.991 ulp for normal
    results, 0.76 units of 2^-1074 for subnormal ones, with or without FMA).
    x < -746 gives 0, -inf gives 0, NaN gives NaN.
    """
    if x < _EXP_MIN:  # NaN compares false and stays NaN
        x = _EXP_MIN
    t = x * _LOG2E + _ROUND
    n_float = t - _ROUND
    # numba intrinsic: its typing context is supplied by numba, not at the call (hence the ignore)
    n = _float_to_bits(t) - _ROUND_BITS  # type: ignore[call-arg]  # n from the low bits of t
    r = (x - n_float * _LN2_HI) - n_float * _LN2_LO
    p = _C13
    p = p * r + _C12
    p = p * r + _C11
    p = p * r + _C10
    p = p * r + _C9
    p = p * r + _C8
    p = p * r + _C7
    p = p * r + _C6
    p = p * r + _C5
    p = p * r + _C4
    p = p * r + _C3
    p = p * r + _C2
    e_r = 1.0 + (r + (r * r) * p)  # exp(r) = 1 + r + r^2 p(r)
    half = n >> 1  # 2^n = 2^half 2^(n - half), both factors normal for n >= -1077
    return (e_r * _bits_to_float((half + 1023) << 52)) * _bits_to_float((n - half + 1023) << 52)


@compiled()
def exp_nonpositive_array(x: np.ndarray, out: np.ndarray) -> None:
    """out[i] = exp_nonpositive(x[i]), vectorized; for tests and the floor benchmark."""
    for i in range(x.shape[0]):
        out[i] = exp_nonpositive(x[i])
