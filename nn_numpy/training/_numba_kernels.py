"""Compiled kernels of the fused step (numba): one pass over the examples, block by block.

Importing this module imports numba; ``nn_numpy.training.fast_trainer`` imports it only for the
numba backend. Every kernel is ``cache=True`` (``compiled``): the first process compiles
(seconds) and writes the machine code next to this file or, if that directory is not writable,
under ``NUMBA_CACHE_DIR`` / the user cache directory (numba's own fallback); later processes load
it. With no writable directory at all, the kernels compile in every process.

The step for examples i and hidden units j, with theta = (W1, b1, W2, b2) and s = lr/m:

    z_ji = b1_j + sum_k W1_jk x_ki,   a_ji = max(z_ji, 0),   h_i = b2 + sum_j W2_j a_ji
    u_i  = sigma(h_i) - y_i = dZ[2]_i,        g_ji = u_i 1{z_ji > 0}  (so dZ[1]_ji = W2_j g_ji)
    W1_jk -= s W2_j sum_i g_ji x_ki,   b1_j -= s W2_j sum_i g_ji
    W2_j  -= s sum_i g_ji a_ji  (= sum_i u_i a_ji, as a_ji = 0 where g_ji = 0),   b2 -= s sum_i u_i

A block of examples is processed unit by unit (rows of A, a (n_h, B) buffer that stays in the
L1/L2 cache), so every inner loop runs over examples and LLVM vectorizes it; the sums over i are
reductions, vectorized because the block kernel allows reassociation (``fastmath`` flags
"reassoc", "contract"). Only the order of those sums differs from the readable
``backward``; the exp below allows FMA contraction only, never reassociation, so its operation
order is as written. The exp stays in this file with the kernels that call it: numba's cache of a
kernel is invalidated only when this file changes (``_numba_compile``).
Arithmetic is float64 for float32 data too (loads are widened, parameters rounded on store).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from llvmlite import ir
from numba import prange, types
from numba.extending import intrinsic

from nn_numpy.training._numba_compile import compiled
from nn_numpy.training._numba_cost import cost as cost  # re-exported: the kernels' one interface

# The block kernel's fast-math flags: reassociation (vectorized sums) and FMA contraction only;
# no assumption about NaN, infinity or signed zeros.
BLOCK_FLAGS = {"reassoc", "contract"}


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


@compiled(fastmath={"contract"})
def sigmoid_minus(h: float, y: float) -> float:
    """sigma(h) - y with e = exp(-|h|): 1/(1 + e) for h >= 0, e/(1 + e) below (as network.py)."""
    e = exp_nonpositive(-abs(h))
    numerator = 1.0 if h >= 0.0 else e
    return numerator / (1.0 + e) - y


@compiled(fastmath=BLOCK_FLAGS)
def _block(
    X: np.ndarray,
    y: np.ndarray,
    theta: np.ndarray,
    n_h: int,
    start: int,
    stop: int,
    A: np.ndarray,
    u: np.ndarray,
    S: np.ndarray,
) -> None:
    """Add examples start..stop-1 to the sums S; A (n_h, B) and u (B,) are scratch.

    theta = [W1 (row-major), b1, W2, b2]. S[j, k] += sum_i g_ji x_ki (k < n_x),
    S[j, n_x] += sum_i g_ji, S[j, n_x + 1] += sum_i g_ji a_ji, S[n_h, 0] += sum_i u_i.
    """
    n_x = X.shape[0]
    w = stop - start
    y = y[start:stop]  # 1-D contiguous views of the block: indices from 0, unit stride
    o_b1 = n_h * n_x
    o_w2 = o_b1 + n_h
    b2 = float(theta[o_w2 + n_h])
    for i in range(w):
        u[i] = b2  # h = b2 + sum_j W2_j a_j, accumulated below
    for j in range(n_h):  # forward: a_j = max(W1_j x + b1_j, 0), h += W2_j a_j
        bj = float(theta[o_b1 + j])
        w2 = float(theta[o_w2 + j])
        if n_x == 2:
            w0 = float(theta[j * 2])
            w1 = float(theta[j * 2 + 1])
            x0 = X[0, start:stop]
            x1 = X[1, start:stop]
            for i in range(w):
                z = bj + w0 * float(x0[i]) + w1 * float(x1[i])
                a = 0.0 if z <= 0.0 else z  # NaN stays NaN, like np.maximum
                A[j, i] = a
                u[i] += w2 * a
        else:
            for i in range(w):
                A[j, i] = bj
            for k in range(n_x):
                wk = float(theta[j * n_x + k])
                xk = X[k, start:stop]
                for i in range(w):
                    A[j, i] += wk * float(xk[i])
            for i in range(w):
                a = A[j, i]
                a = 0.0 if a <= 0.0 else a
                A[j, i] = a
                u[i] += w2 * a
    su = 0.0
    for i in range(w):  # u = sigma(h) - y = dZ[2]
        ui = sigmoid_minus(u[i], float(y[i]))
        u[i] = ui
        su += ui
    S[n_h, 0] += su
    for j in range(n_h):  # backward: g_j = u 1{z_j > 0}, sums against x, 1 and a_j
        sg = 0.0
        sga = 0.0
        if n_x == 2:
            s0 = 0.0
            s1 = 0.0
            x0 = X[0, start:stop]
            x1 = X[1, start:stop]
            for i in range(w):
                a = A[j, i]
                g = u[i] if a > 0.0 else 0.0
                sg += g
                sga += g * a
                s0 += g * float(x0[i])
                s1 += g * float(x1[i])
            S[j, 0] += s0
            S[j, 1] += s1
        else:
            for i in range(w):
                a = A[j, i]
                g = u[i] if a > 0.0 else 0.0
                sg += g
                sga += g * a
            for k in range(n_x):
                sk = 0.0
                xk = X[k, start:stop]
                for i in range(w):
                    g = u[i] if A[j, i] > 0.0 else 0.0
                    sk += g * float(xk[i])
                S[j, k] += sk
        S[j, n_x] += sg
        S[j, n_x + 1] += sga


@compiled()
def _sums_serial(
    X: np.ndarray, y: np.ndarray, theta: np.ndarray, n_h: int, A: np.ndarray, S: np.ndarray
) -> None:
    """S = the sums of ``_block`` over all examples, block after block; A is (1, n_h + 1, B)."""
    m = X.shape[1]
    B = A.shape[2]
    S[:] = 0.0
    for start in range(0, m, B):
        _block(X, y, theta, n_h, start, min(start + B, m), A[0, :n_h], A[0, n_h], S)


@compiled(parallel=True)
def _sums_parallel(
    X: np.ndarray,
    y: np.ndarray,
    theta: np.ndarray,
    n_h: int,
    A: np.ndarray,
    S_parts: np.ndarray,
    S: np.ndarray,
) -> None:
    """The same sums over T = A.shape[0] threads: thread t takes a contiguous run of blocks
    into S_parts[t] (its own accumulator), then S = sum_t S_parts[t] in a fixed order."""
    m = X.shape[1]
    B = A.shape[2]
    T = A.shape[0]
    n_blocks = (m + B - 1) // B
    for t in prange(T):
        S_parts[t] = 0.0
        for b in range(t * n_blocks // T, (t + 1) * n_blocks // T):
            start = b * B
            _block(X, y, theta, n_h, start, min(start + B, m), A[t, :n_h], A[t, n_h], S_parts[t])
    S[:] = 0.0
    for t in range(T):
        S += S_parts[t]


@compiled()
def _update(theta: np.ndarray, n_x: int, n_h: int, S: np.ndarray, lr_over_m: float) -> None:
    """theta -= lr dJ/dtheta from the sums (all four reads of W2 happen before W2 moves)."""
    o_b1 = n_h * n_x
    o_w2 = o_b1 + n_h
    for j in range(n_h):
        c = lr_over_m * float(theta[o_w2 + j])  # s W2_j: dZ[1] = W2 g
        for k in range(n_x):
            theta[j * n_x + k] -= c * S[j, k]
        theta[o_b1 + j] -= c * S[j, n_x]
        theta[o_w2 + j] -= lr_over_m * S[j, n_x + 1]
    theta[o_w2 + n_h] -= lr_over_m * S[n_h, 0]


@compiled()
def step_serial(
    X: np.ndarray,
    y: np.ndarray,
    theta: np.ndarray,
    n_h: int,
    A: np.ndarray,
    S: np.ndarray,
    lr_over_m: float,
) -> None:
    """One gradient-descent step on one thread: the sums, then the update, in one call."""
    _sums_serial(X, y, theta, n_h, A, S)
    _update(theta, X.shape[0], n_h, S, lr_over_m)


@compiled()
def step_parallel(
    X: np.ndarray,
    y: np.ndarray,
    theta: np.ndarray,
    n_h: int,
    A: np.ndarray,
    S_parts: np.ndarray,
    S: np.ndarray,
    lr_over_m: float,
) -> None:
    """One gradient-descent step with the sums split over A.shape[0] threads."""
    _sums_parallel(X, y, theta, n_h, A, S_parts, S)
    _update(theta, X.shape[0], n_h, S, lr_over_m)
