"""Trainer: the fast gradient-descent step, checked against the readable network.

``network.py`` is the version to read; ``Trainer`` computes the same step (tests/test_trainer.py
holds it to 1e-12) with every buffer allocated once in ``__init__`` and five exact rewrites:

1. Biases folded into the products: Xa = [X; 1], W1a = [W1 | b1], A1a = [A1; 1], W2a = [W2 | b2],
   so Z[1] = W1a Xa and Z[2] = W2a A1a are one ``np.dot`` each.
2. sigma(z) = 1/2 + tanh(z/2)/2. Storing H2 = W2a/2 and c = 1 - 2Y gives h = Z[2]/2 = H2 A1a and
   u = tanh(h) + c = 2 (A[2] - Y) = 2 dZ[2]: the output error costs one tanh and one add.
3. No (n_h, m) matrix dZ[1]: with M = 1{Z[1] > 0}, dZ[1] = (W[2])^T dZ[2] * M = diag(H2) (M * u),
   so m dJ/dW1a = diag(H2) P with P = M (u * Xa)^T, a product of the mask with n_x + 1 rows.
4. dW[2] from the same P: A[1] = M * (W1a Xa), so sum_i u_i A1_ji = sum_k W1a_jk P_jk. A row
   [0 ... 0 1] under W1a and a row of ones under M make the same sum give sum_i u_i for db[2].
5. The mask without a bool temporary: M = ceil(min(A[1], 1)) is exactly 1{Z[1] > 0}.

Columns are processed in chunks of ``chunk_size`` examples (default: a ~2 MiB working set),
accumulating P, so the time per example and the memory stay flat as m grows.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from numpy.typing import DTypeLike, NDArray

from nn_numpy.records import Array, Grads, Params
from nn_numpy.training._validate import check_problem

# Working set per chunk. Measured (benchmarks/scaling.py, 1 MiB L2 per core, 32 MiB L3): 2 MiB
# chunks run at the in-cache speed per example; smaller ones pay per-call overhead, and much larger
# ones fall out of cache and cross OpenBLAS's threading threshold (slower, for these thin products).
CACHE_BYTES = 2 * 1024 * 1024
MIN_CHUNK = 128


def chunk_widths(m: int, chunk_size: int) -> list[int]:
    """Widths of the fewest chunks of at most ``chunk_size`` columns that cover m columns:
    at most two widths, q + 1 for the first m mod n_chunks chunks and q for the rest."""
    n_chunks = -(-m // chunk_size)
    q, extra = divmod(m, n_chunks)
    widths = [q + 1] * extra + [q] * (n_chunks - extra)
    return widths


def is_fused(params: Params) -> bool:
    """Whether ``Trainer``'s fused rewrites apply: one hidden layer of ReLU units."""
    return params.L == 2 and params.activation == "relu"


def default_chunk_size(n_x: int, n_h: int, dtype: DTypeLike = np.float64) -> int:
    """Columns per chunk so that one chunk's buffers fit in CACHE_BYTES (at least MIN_CHUNK).

    Per column a chunk touches Xa (n_x + 1), A1a and M (n_h + 1 each), the zeros and ones it
    compares against (n_h each) and the n_x + 1 rows of u * Xa.
    """
    per_column = np.dtype(dtype).itemsize * (4 * n_h + 2 * n_x + 4)
    return max(MIN_CHUNK, CACHE_BYTES // per_column)


class _Chunk(NamedTuple):
    """Views for one block of columns; the buffers behind them are shared by equal widths."""

    xa: NDArray[Any]  # Xa[:, cols]            (n_x + 1, w), a view of the data
    c: NDArray[Any]  # 1 - 2Y[:, cols]           (1, w)
    a1a: NDArray[Any]  # A1a                      (n_h + 1, w), last row ones
    a1: NDArray[Any]  # A1a[:n_h]
    ma: NDArray[Any]  # [M; 1]                   (n_h + 1, w)
    m: NDArray[Any]  # M
    zeros: NDArray[Any]  # (n_h, w)
    ones: NDArray[Any]  # (n_h, w)
    g: NDArray[Any]  # u * Xa                   (n_x + 1, w), last row is u itself
    u: NDArray[Any]  # g[n_x:]                   (1, w)
    scale: list[tuple[NDArray[Any], NDArray[Any], NDArray[Any]]]  # (x, u, out) for g[:n_x]
    p: NDArray[Any]  # where this chunk's M G^T goes: P for the first chunk, else a scratch


class Trainer:
    """Full-batch gradient descent on (X, Y), one in-place step per ``step()`` call.

    ``X`` is (n_x, m), ``Y`` is (1, m). ``dtype`` is float64 or float32. ``chunk_size`` caps the
    columns processed at once (default ``default_chunk_size``); any value gives the same result up
    to rounding in the order P is summed.
    """

    def __init__(
        self,
        X: Array,
        Y: Array,
        params: Params,
        learning_rate: float,
        dtype: DTypeLike = np.float64,
        chunk_size: int | None = None,
    ) -> None:
        dt, X, Y = check_problem(X, Y, params, dtype)
        if not is_fused(params):
            raise ValueError(
                "Trainer is the fused step of one hidden ReLU layer; for hidden layers "
                f"{params.hidden_sizes} of {params.activation} use make_trainer or LayeredTrainer"
            )
        (n_x, m), n_h = X.shape, params.W1.shape[0]
        if chunk_size is None:
            chunk_size = default_chunk_size(n_x, n_h, dt)
        if chunk_size < 1:
            raise ValueError(f"chunk_size must be >= 1, got {chunk_size}")

        self.dtype = dt
        self.learning_rate = float(learning_rate)
        self.n_x, self.n_h, self.m = n_x, n_h, m
        self._lr_over_m = dt.type(self.learning_rate / m)  # s = lr/m: every gradient is (1/m) sum

        # Data: c = 1 - 2Y and Xa = [X; 1], stored chunk by chunk (below): the only O(m) arrays.
        self._c = np.multiply(Y, -2.0, out=np.empty((1, m), dtype=dt))
        self._c += 1.0  # c = 1 - 2Y, exact for 0/1 labels, with no O(m) temporary
        self._Xa_blocks = np.empty((n_x + 1) * m, dtype=dt)

        # Parameters: W1aa = [[W1, b1], [0, 1]] (n_h + 1, n_x + 1) and H2 = [W2, b2] / 2.
        self._W1aa = np.zeros((n_h + 1, n_x + 1), dtype=dt)
        self._W1aa[:n_h, :n_x] = params.W1
        self._W1aa[:n_h, n_x:] = params.b1
        self._W1aa[n_h, n_x] = 1.0
        self._H2 = np.empty((1, n_h + 1), dtype=dt)
        self._H2[:, :n_h] = params.W2
        self._H2[:, n_h:] = params.b2
        self._H2 *= 0.5  # exact: a power of two
        self._W1a = self._W1aa[:n_h]  # views that follow the in-place updates
        self._H2col = self._H2[:, :n_h].T  # (n_h, 1)
        self._H2row = self._H2[0]  # (n_h + 1,)

        # Small buffers for the reduction P and the update.
        self._P = np.empty((n_h + 1, n_x + 1), dtype=dt)
        self._P_chunk = np.empty_like(self._P)
        self._P_top = self._P[:n_h]
        self._T = np.empty_like(self._P)
        self._R = np.empty(n_h + 1, dtype=dt)
        self._G1 = np.empty((n_h, n_x + 1), dtype=dt)
        self._s = np.full_like(self._P, self._lr_over_m)  # an array: scalars and broadcasts
        self._quarter = np.full(n_x + 1, 0.25, dtype=dt)  # cost ufuncs ~0.5 us each here
        self._loss = np.empty((1, min(chunk_size, m)), dtype=dt)

        # Chunks: at most two widths (q and q + 1), one set of buffers per width.
        widths = chunk_widths(m, chunk_size)
        self.chunk_size = max(widths)
        buffers = {w: self._chunk_buffers(w) for w in set(widths)}
        self._chunks: list[_Chunk] = []
        start = 0
        for i, w in enumerate(widths):
            cols = slice(start, start + w)
            # Each chunk's [X; 1] is one contiguous (n_x + 1, w) block: one stream from memory.
            xa = self._Xa_blocks[(n_x + 1) * start : (n_x + 1) * (start + w)].reshape(n_x + 1, w)
            xa[:n_x] = X[:, cols]
            xa[n_x] = 1.0
            p = self._P if i == 0 else self._P_chunk
            a1a, a1, ma, mask, zeros, ones, g = buffers[w]
            u = g[n_x:]
            # u * X: one ufunc call per row beats one broadcasting call while rows are few.
            if n_x <= 4:
                scale = [(xa[k], u[0], g[k]) for k in range(n_x)]
            else:
                scale = [(xa[:n_x], u, g[:n_x])]
            chunk = _Chunk(xa, self._c[:, cols], a1a, a1, ma, mask, zeros, ones, g, u, scale, p)
            self._chunks.append(chunk)
            start += w

    def _chunk_buffers(self, w: int) -> tuple[NDArray[Any], ...]:
        n_x, n_h, dt = self.n_x, self.n_h, self.dtype
        a1a = np.ones((n_h + 1, w), dtype=dt)
        ma = np.ones((n_h + 1, w), dtype=dt)
        g = np.empty((n_x + 1, w), dtype=dt)
        zeros = np.zeros((n_h, w), dtype=dt)
        ones = np.ones((n_h, w), dtype=dt)
        return a1a, a1a[:n_h], ma, ma[:n_h], zeros, ones, g

    def _accumulate(self) -> None:
        """P = sum over chunks of M (u * Xa)^T, at the current parameters."""
        W1a, H2, P, P_chunk = self._W1a, self._H2, self._P, self._P_chunk
        for xa, c, a1a, a1, ma, mask, zeros, ones, g, u, scale, p in self._chunks:
            np.dot(W1a, xa, out=a1)  # Z[1] = W1a Xa
            np.maximum(a1, zeros, out=a1)  # A[1] = max(Z[1], 0)
            np.minimum(a1, ones, out=mask)  # M = ceil(min(A[1], 1)) = 1{Z[1] > 0}
            np.ceil(mask, out=mask)
            np.dot(H2, a1a, out=u)  # h = Z[2]/2 = H2 A1a
            np.tanh(u, out=u)
            np.add(u, c, out=u)  # u = tanh(h) + 1 - 2Y = 2 dZ[2]
            for x_k, u_k, g_k in scale:  # G = u * Xa (its last row is u)
                np.multiply(x_k, u_k, out=g_k)
            np.dot(ma, g.T, out=p)  # P (+)= [M; 1] G^T
            if p is P_chunk:
                np.add(P, P_chunk, out=P)

    def step(self) -> None:
        """theta <- theta - lr dJ/dtheta for all four parameters, in place, allocating nothing.

        With s = lr/m: W1a -= s diag(H2) P and H2 -= (s/4) rowsum(W1aa * P) (rewrites 3 and 4).
        """
        self._accumulate()
        P, T, R, G1 = self._P, self._T, self._R, self._G1
        np.multiply(P, self._s, out=P)  # P <- s P
        np.multiply(self._W1aa, P, out=T)  # before W1a changes: dW2 needs the current W1a
        np.dot(T, self._quarter, out=R)  # R = (s/4) rowsum(W1aa * P) = (lr/2) dJ/dW2a
        np.multiply(self._P_top, self._H2col, out=G1)  # G1 = s diag(H2) P = lr dJ/dW1a
        np.subtract(self._W1a, G1, out=self._W1a)
        np.subtract(self._H2row, R, out=self._H2row)  # H2 = W2a/2 moves by (lr/2) dJ/dW2a

    def gradients(self) -> Grads:
        """dJ/dW1, dJ/db1, dJ/dW2, dJ/db2 at the current parameters, from the fast path, as
        ``Grads`` (the record of ``network.backward``, without its per-example dZ and dA)."""
        self._accumulate()
        n_x, n_h, m = self.n_x, self.n_h, self.m
        P = self._P
        dW1a = self._H2col * P[:n_h] / m  # m dJ/dW1a = diag(H2) P
        dW2a = (self._W1aa * P).sum(axis=1) / (2 * m)  # 2m dJ/dW2a = rowsum(W1aa * P)
        return Grads(
            dW1=dW1a[:, :n_x],
            db1=dW1a[:, n_x:],
            dW2=dW2a[np.newaxis, :n_h],
            db2=dW2a[n_h:].reshape(1, 1),
        )

    def cost(self) -> float:
        """J at the current parameters, from h = Z[2]/2 and c = 1 - 2Y.

        L = softplus(z) - y z = log(2 cosh(z/2)) + (1/2 - y) z = |h| + log1p(exp(-2|h|)) + c h,
        finite for every finite h; chunked like the step, reusing its buffers. Computed entirely
        in the training dtype (a float32 trainer's cost is a float32 number).
        """
        total = np.zeros((), dtype=self.dtype)  # accumulated in the training dtype
        H2, W1a = self._H2, self._W1a
        for ch in self._chunks:
            np.dot(W1a, ch.xa, out=ch.a1)
            np.maximum(ch.a1, ch.zeros, out=ch.a1)
            np.dot(H2, ch.a1a, out=ch.u)  # h
            loss = self._loss[:, : ch.u.shape[1]]
            np.multiply(ch.u, ch.c, out=loss)  # c h
            np.abs(ch.u, out=ch.u)
            loss += ch.u  # |h| + c h
            np.multiply(ch.u, -2.0, out=ch.u)
            np.exp(ch.u, out=ch.u)
            np.log1p(ch.u, out=ch.u)
            loss += ch.u
            total += np.sum(loss)
        return float(total / np.asarray(self.m, dtype=self.dtype))

    @property
    def params(self) -> Params:
        """A copy of the current parameters (W2, b2 = 2 H2, exactly)."""
        n_x, n_h = self.n_x, self.n_h
        W2a = 2 * self._H2
        return Params(
            W1=self._W1aa[:n_h, :n_x].copy(),
            b1=self._W1aa[:n_h, n_x:].copy(),
            W2=W2a[:, :n_h].copy(),
            b2=W2a[:, n_h:].copy(),
        )
