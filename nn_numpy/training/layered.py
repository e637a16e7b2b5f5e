"""LayeredTrainer: the allocation-free gradient-descent step at any depth and hidden activation.

``network.py`` is the version to read; ``LayeredTrainer`` runs the same loop over the layers
(tests/test_layered_trainer.py holds it to 1e-12 in float64) with every buffer allocated once in
``__init__``, every operation written with ``out=``, and the examples in chunks as ``Trainer``
does. Biases are folded into the products as in ``Trainer``: Wa[l] = [W[l] | b[l]] and
Aa[l] = [A[l]; 1] (A[0] = X), so Z[l] = Wa[l] Aa[l-1] is one ``np.dot`` (a broadcast ``+ b``
with ``out=`` would copy its operand). The bias gradient stays ``np.sum`` (pairwise, as
``network.backward``), not a product with the ones row: in float32 a BLAS sum of m terms that
cancel to a small mean loses digits the pairwise sum keeps. Per chunk and layer it keeps Aa[l]
and one buffer D[l] for dA[l] and then dZ[l]:

* forward: A[l] = g(Wa[l] Aa[l-1]), the sigmoid (the output's, and hidden sigmoid layers') in
  the stable form of ``network.sigmoid``, its Z kept in the scratch S (Z[L] for the cost);
* backward: D[L] = A[L] - Y; for l = L..1 the chunk's dZ[l] A[l-1]^T and sum_i dZ[l](i) go
  into the accumulator, then D[l-1] = W[l]^T D[l] (the first rows of Wa[l]^T D[l]: a strided
  W[l] would be copied) and D[l-1] *= g'(Z[l-1]), with g' written over A[l-1] (no longer
  needed): 1{A > 0} = ceil(min(A, 1)) for ReLU (A > 0 exactly where Z > 0), 1 - A^2 for tanh,
  A (1 - A) for sigmoid, each with the readable network's operations in its order.

Chunks are at least GEMM_CHUNK columns wide: on wide layers the step is matrix-multiply bound,
and a chunk cut to the cache makes every product short in the examples' dimension (the weight
gradient's inner one), which BLAS runs well below its peak (64-256-256-1: 189 columns took
1.4x the full-batch products' time, 2000 columns 1.2x; the deep group of the benchmarks).

``Trainer`` (one hidden ReLU layer) keeps its fused rewrites; ``make_trainer`` picks the one
that fits the parameters.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import numpy as np
from numpy.typing import DTypeLike, NDArray

from nn_numpy.records import Array, Grads, Params
from nn_numpy.training._validate import check_problem
from nn_numpy.training.trainer import CACHE_BYTES, chunk_widths


def column_bytes(sizes: tuple[int, ...], dtype: DTypeLike = np.float64) -> int:
    """Bytes a chunk holds per example column for layer sizes (n_x, n_1, ..., n_L).

    Aa[l] (n_l + 1 rows) for l = 0..L-1 and A[L] (one row), Da[l] (n_l + 1 rows) for
    l = 1..L-1 and D[L] (one row), the float scratch S and the bool mask B (max_l n_l rows each).
    """
    s, n, widest = np.dtype(dtype).itemsize, sizes[1:], max(sizes[1:])
    return s * (sizes[0] + 2 * sum(n) + 2 * len(n) - 1 + widest) + widest


GEMM_CHUNK = 2048  # fewest columns per chunk by default: BLAS-sized products on wide layers


def layered_chunk_size(sizes: tuple[int, ...], dtype: DTypeLike = np.float64) -> int:
    """Columns per chunk so that one chunk's buffers fit in CACHE_BYTES, but at least
    GEMM_CHUNK (wide layers: the products' speed matters more than the cache)."""
    return max(GEMM_CHUNK, CACHE_BYTES // column_bytes(sizes, dtype))


def layered_bytes(
    sizes: tuple[int, ...], m: int, dtype: DTypeLike = np.float64, chunk_size: int | None = None
) -> int:
    """Bytes of every array a ``LayeredTrainer`` allocates, as Python integers (no overflow).

    The data, [X; 1] (n_x + 1, m) and Y (1, m); Wa[l] = [W[l] | b[l]] and two gradient
    accumulators of its size (the sum and one chunk's part); the step size and the cost's total
    (0-d); and for each of the (at most two) chunk widths w, ``column_bytes`` per column less
    the data's [X; 1].
    """
    s = np.dtype(dtype).itemsize
    n_params = sum(n * (n_prev + 1) for n_prev, n in pairwise(sizes))
    w = layered_chunk_size(sizes, dtype) if chunk_size is None else chunk_size
    n_chunks = -(-m // w)
    q, extra = divmod(m, n_chunks)
    widths = (q, q + 1) if extra else (q,)
    per_column = column_bytes(sizes, dtype) - s * (sizes[0] + 1)
    return s * (sizes[0] + 2) * m + 3 * s * n_params + 2 * s + per_column * sum(widths)


class _Chunk:
    """One block of columns: Aa[0] = [X[:, cols]; 1] and y = Y[:, cols], with the buffers of its
    width (shared by chunks of equal width): Aa[l], A[l] = Aa[l][:n_l] and D[l], S and B."""

    __slots__ = ("A", "Aa", "B", "D", "Da", "S", "y")

    def __init__(self, xa: NDArray[Any], y: NDArray[Any], buffers: tuple[Any, ...]) -> None:
        Aa, Da, S, B = buffers
        self.Aa: list[NDArray[Any]] = [xa, *Aa]
        self.A = [a[: a.shape[0] - 1] for a in self.Aa[:-1]] + [self.Aa[-1]]
        # Da[l] (n_l + 1, w) for l < L, last row the unused b[l+1]^T dZ[l+1]; D[l] = Da[l][:n_l]
        self.Da: list[NDArray[Any]] = [xa, *Da]  # index 0 is never written: no dA[0]
        self.D = [a[: a.shape[0] - 1] for a in self.Da[:-1]] + [self.Da[-1]]
        self.S, self.B, self.y = S, B, y


class LayeredTrainer:
    """Full-batch gradient descent on (X, Y) for parameters of any depth and hidden activation.

    The interface of ``Trainer``: ``step()`` (in place, allocating nothing), ``gradients()``,
    ``cost()``, ``params``. ``X`` is (n_x, m), ``Y`` is (1, m); ``dtype`` is float64 or float32;
    ``chunk_size`` caps the columns processed at once (default ``layered_chunk_size``); any value
    gives the same result up to rounding in the order the sums over examples are taken.
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
        self.sizes = params.layer_sizes
        (n_x, m), L = X.shape, params.L
        if chunk_size is None:
            chunk_size = layered_chunk_size(self.sizes, dt)
        if chunk_size < 1:
            raise ValueError(f"chunk_size must be >= 1, got {chunk_size}")
        self.dtype, self.activation, self.L, self.m = dt, params.activation, L, m
        self.learning_rate = float(learning_rate)

        # Wa[l] = [W[l] | b[l]] and its gradient sums, index l = 1..L (index 0 unused).
        self._Wa = [np.empty((0, 1), dt)]
        for l in range(1, L + 1):
            self._Wa.append(np.hstack([params[f"W{l}"], params[f"b{l}"]]).astype(dt))
        # Ga[l] = [sum_i dZ[l] A[l-1]^T | sum_i dZ[l]] = m [dJ/dW[l] | dJ/db[l]]; every operand
        # of the step is whole and contiguous (a strided or broadcast one makes NumPy copy it).
        self._G = [np.empty_like(Wa) for Wa in self._Wa]  # the sums over all chunks
        self._G_chunk = [np.empty_like(Wa) for Wa in self._Wa]  # one later chunk's part
        self._step_size = np.asarray(self.learning_rate / m, dtype=dt)  # lr/m: the 1/m of dJ
        self._total = np.zeros((), dtype=dt)

        # Data: one contiguous (n_x + 1, w) block [X; 1] per chunk, and Y in the training dtype.
        widths = chunk_widths(m, chunk_size)
        self.chunk_size = max(widths)
        self._Xa_blocks = np.empty((n_x + 1) * m, dtype=dt)
        self._Y = np.array(Y, dtype=dt, order="C")
        buffers = {w: self._chunk_buffers(w) for w in set(widths)}
        self._chunks: list[_Chunk] = []
        start = 0
        for w in widths:
            xa = self._Xa_blocks[(n_x + 1) * start : (n_x + 1) * (start + w)].reshape(n_x + 1, w)
            xa[:n_x] = X[:, start : start + w]
            xa[n_x] = 1.0
            self._chunks.append(_Chunk(xa, self._Y[:, start : start + w], buffers[w]))
            start += w

    def _chunk_buffers(self, w: int) -> tuple[Any, ...]:
        dt, n = self.dtype, self.sizes[1:]
        Aa = [np.ones((n_l + 1, w), dtype=dt) for n_l in n[:-1]] + [np.empty((1, w), dtype=dt)]
        Da = [np.empty((n_l + 1, w), dtype=dt) for n_l in n[:-1]] + [np.empty((1, w), dtype=dt)]
        return Aa, Da, np.empty((max(n), w), dtype=dt), np.empty((max(n), w), dtype=bool)

    def _forward(self, ch: _Chunk) -> None:
        """A[l] for l = 1..L, and Z[L] in S[:1]."""
        L, A, Aa, D = self.L, ch.A, ch.Aa, ch.D
        for l in range(1, L + 1):
            if l < L and self.activation != "sigmoid":
                np.dot(self._Wa[l], Aa[l - 1], out=A[l])  # Z[l] = W[l] A[l-1] + b[l]
                if self.activation == "relu":
                    np.maximum(A[l], 0.0, out=A[l])  # A[l] = max(Z[l], 0)
                else:
                    np.tanh(A[l], out=A[l])
                continue
            n_l = A[l].shape[0]
            Z, B = ch.S[:n_l], ch.B[:n_l]
            np.dot(self._Wa[l], Aa[l - 1], out=Z)
            # sigma(Z) = where(Z >= 0, 1, e) / (1 + e) with e = exp(-|Z|), as network.sigmoid
            np.abs(Z, out=A[l])
            np.negative(A[l], out=A[l])
            np.exp(A[l], out=A[l])
            np.add(A[l], 1.0, out=D[l])  # D[l] is free until the backward pass
            np.greater_equal(Z, 0.0, out=B)
            np.copyto(A[l], 1.0, where=B)
            np.divide(A[l], D[l], out=A[l])

    def _times_g_prime(self, ch: _Chunk, l: int) -> None:
        """D[l] <- D[l] * g'(Z[l]), with g' written over A[l] (the ones row of Aa[l] kept)."""
        A, D = ch.A[l], ch.D[l]
        if self.activation == "relu":
            np.minimum(A, 1.0, out=A)  # ceil(min(A, 1)) = 1{A > 0} = 1{Z > 0}, for A >= 0,
            np.ceil(A, out=A)  # with no bool array to cast (a cast buffers; np.sign is 10x slower)
        elif self.activation == "tanh":
            np.multiply(A, A, out=A)
            np.subtract(1.0, A, out=A)  # 1 - A^2
        else:
            S = ch.S[: A.shape[0]]
            np.subtract(1.0, A, out=S)
            np.multiply(A, S, out=A)  # A (1 - A)
        np.multiply(D, A, out=D)

    def _accumulate(self) -> None:
        """G[l] = [sum_i dZ[l](i) A[l-1](i)^T | sum_i dZ[l](i)], over every chunk."""
        L = self.L
        for i, ch in enumerate(self._chunks):
            G = self._G if i == 0 else self._G_chunk
            self._forward(ch)
            Aa, Da, D = ch.Aa, ch.Da, ch.D
            np.subtract(ch.A[L], ch.y, out=D[L])  # Box 1: dZ[L] = A[L] - Y
            for l in range(L, 0, -1):
                np.dot(D[l], Aa[l - 1].T, out=G[l])  # m dJ/dW[l] = dZ[l] (A[l-1])^T
                np.sum(D[l], axis=1, out=G[l][:, -1])  # Box 3: m dJ/db[l] = sum_i dZ[l](i)
                if l > 1:
                    # Box 2: dA[l-1] = W[l]^T dZ[l], in the first n_{l-1} rows of Wa[l]^T dZ[l]
                    np.dot(self._Wa[l].T, D[l], out=Da[l - 1])
                    self._times_g_prime(ch, l - 1)  # Box 2: dZ[l-1] = dA[l-1] * g'(Z[l-1])
            if i > 0:
                for l in range(1, L + 1):
                    np.add(self._G[l], G[l], out=self._G[l])

    def step(self) -> None:
        """theta <- theta - lr dJ/dtheta for every W[l], b[l], in place, allocating nothing."""
        self._accumulate()
        for l in range(1, self.L + 1):
            np.multiply(self._G[l], self._step_size, out=self._G[l])
            np.subtract(self._Wa[l], self._G[l], out=self._Wa[l])

    def gradients(self) -> Grads:
        """dJ/dW[l] and dJ/db[l] at the current parameters, as ``Grads`` (dW1, db1, ..., dbL)."""
        self._accumulate()
        m = np.asarray(self.m, dtype=self.dtype)
        grads: dict[str, Array] = {}
        for l in range(1, self.L + 1):
            G = self._G[l] / m
            grads[f"dW{l}"], grads[f"db{l}"] = G[:, :-1], G[:, -1:]
        return Grads(grads)

    def cost(self) -> float:
        """J from the logits Z[L], as ``network.compute_cost``: the mean of
        max(z, 0) - y z + log1p(exp(-|z|)), summed chunk by chunk in the training dtype."""
        L = self.L
        total = self._total
        total[...] = 0.0
        for ch in self._chunks:
            self._forward(ch)
            Z, loss, t = ch.S[:1], ch.D[L], ch.A[L]
            np.maximum(Z, 0.0, out=loss)
            np.multiply(ch.y, Z, out=t)
            np.subtract(loss, t, out=loss)  # max(z, 0) - y z
            np.abs(Z, out=t)
            np.negative(t, out=t)
            np.exp(t, out=t)
            np.log1p(t, out=t)
            np.add(loss, t, out=loss)
            total += np.sum(loss)
        return float(total / np.asarray(self.m, dtype=self.dtype))

    @property
    def params(self) -> Params:
        """A copy of the current parameters, with their activation."""
        arrays = {}
        for l in range(1, self.L + 1):
            Wa = self._Wa[l]
            arrays[f"W{l}"], arrays[f"b{l}"] = Wa[:, :-1].copy(), Wa[:, -1:].copy()
        return Params(**arrays, activation=self.activation)
