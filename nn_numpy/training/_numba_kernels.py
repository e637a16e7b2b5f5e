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
``backward``; the exp (``_numba_exp``) allows FMA contraction only, never reassociation, so
its operation order is as written.
Arithmetic is float64 for float32 data too (loads are widened, parameters rounded on store).
"""

from __future__ import annotations

import math

import numba
import numpy as np
from numba import prange

from nn_numpy.training._numba_exp import compiled, exp_nonpositive

# The block kernel's fast-math flags: reassociation (vectorized sums) and FMA contraction only;
# no assumption about NaN, infinity or signed zeros.
BLOCK_FLAGS = {"reassoc", "contract"}


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


@compiled()
def cost(X: np.ndarray, y: np.ndarray, theta: np.ndarray, n_h: int) -> float:
    """J = (1/m) sum_i max(h_i, 0) - y_i h_i + log1p(exp(-|h_i|)) (network.compute_cost)."""
    n_x, m = X.shape
    o_b1 = n_h * n_x
    o_w2 = o_b1 + n_h
    total = 0.0
    for i in range(m):
        h = float(theta[o_w2 + n_h])
        for j in range(n_h):
            z = float(theta[o_b1 + j])
            for k in range(n_x):
                z += float(theta[j * n_x + k]) * float(X[k, i])
            h += float(theta[o_w2 + j]) * (0.0 if z <= 0.0 else z)
        yi = float(y[i])
        total += (max(h, 0.0) - yi * h) + math.log1p(math.exp(-abs(h)))
    return total / m


def set_threads(threads: int) -> None:
    """numba's thread count for the parallel kernels (at most NUMBA_NUM_THREADS)."""
    numba.set_num_threads(threads)
