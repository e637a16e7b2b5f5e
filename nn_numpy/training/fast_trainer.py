"""The optional compiled backend: ``NumbaTrainer`` has the ``Trainer`` interface; its step is one
compiled pass over the examples (``nn_numpy.training._numba_kernels``;
``pip install 'nn-numpy[fast]'``).

``make_trainer(..., backend="numpy" | "numba")`` picks one. The numba kernels compute the same
step as ``network.backward`` / ``update_params`` (tests/test_numba_backend.py holds them to 1e-12
in float64); only the order of the sums over examples differs. NumPy stays the only required
dependency: numba is imported when the numba backend is asked for, and a missing numba is one
``NumbaUnavailableError`` (an ImportError) naming the extra.
"""

from __future__ import annotations

import importlib
import os
import time
from types import ModuleType
from typing import Any, Protocol

import numpy as np
from numpy.typing import DTypeLike

from nn_numpy.errors import BackendUnsupportedError, NumbaUnavailableError
from nn_numpy.network import GRAD_NAMES, PARAM_NAMES, Array, Params
from nn_numpy.records import Grads
from nn_numpy.training._aligned import aligned_copy, aligned_empty
from nn_numpy.training._validate import check_problem
from nn_numpy.training.layered import LayeredTrainer
from nn_numpy.training.trainer import Trainer, is_fused

BACKENDS = ("numpy", "numba")
# Examples per block. Measured (m = 20,000, one thread, 32 KiB L1 / 512 KiB+ L2, benchmarks/):
# n_h = 5 is fastest at 512 (the (n_h + 1, B) float64 scratch, 24 KiB, in L1); from n_h = 32 up,
# 256 (scratch in L2; 64 was 1.15x and 2048 1.4-1.8x slower at n_h = 128 and 512).
SMALL_BLOCK, LARGE_BLOCK, WIDE_LAYER = 512, 256, 32
# Below this many examples per thread, a second thread costs more than it saves (measured by
# benchmarks/scaling.py: the parallel launch is a few µs).
MIN_EXAMPLES_PER_THREAD = 8192


def load_kernels() -> ModuleType:
    """``nn_numpy.training._numba_kernels``, or NumbaUnavailableError naming what to install."""
    try:
        return importlib.import_module("nn_numpy.training._numba_kernels")
    except ImportError as exc:
        raise NumbaUnavailableError(
            f"the numba backend needs numba, which cannot be imported ({exc}); "
            "install it with: pip install 'nn-numpy[fast]'"
        ) from None


def block_size(n_h: int) -> int:
    """Examples per block: SMALL_BLOCK for narrow layers, LARGE_BLOCK from WIDE_LAYER units up."""
    return SMALL_BLOCK if n_h < WIDE_LAYER else LARGE_BLOCK


def numba_refusal(hidden_sizes: tuple[int, ...], activation: str) -> str | None:
    """Why the numba backend cannot train this network (one line), or None if it can."""
    if len(hidden_sizes) == 1 and activation == "relu":
        return None
    return (
        "the numba backend trains one hidden layer of ReLU units only, not hidden layers "
        f"{' '.join(map(str, hidden_sizes))} of {activation}; use --backend numpy"
    )


def default_threads() -> int:
    """NUMBA_NUM_THREADS if it is set, else 1: a second thread only pays on large batches and
    an idle core (on a busy machine it waits for its turn at every step; README, Performance)."""
    return int(os.environ.get("NUMBA_NUM_THREADS") or 1)


class NumbaTrainer:
    """Full-batch gradient descent like ``Trainer``, one compiled call per ``step()``.

    ``threads``: into how many parts the examples are split, each with its own gradient
    accumulator (default ``default_threads()``), capped so that each part gets at least
    MIN_EXAMPLES_PER_THREAD examples; numba's thread pool runs the parts (``numba.set_num_threads``
    caps the threads that run them). 1 runs the serial kernel. float32 data and parameters are
    stored in float32; the arithmetic is float64 (see ``_numba_kernels``).
    """

    def __init__(
        self,
        X: Array,
        Y: Array,
        params: Params,
        learning_rate: float,
        dtype: DTypeLike = np.float64,
        threads: int | None = None,
    ) -> None:
        if not is_fused(params):
            refusal = numba_refusal(params.hidden_sizes, params.activation)
            raise BackendUnsupportedError(refusal)
        self._k = load_kernels()
        dt, X, Y = check_problem(X, Y, params, dtype)
        if threads is None:
            threads = default_threads()
        if threads < 1:
            raise ValueError(f"threads must be >= 1, got {threads}")
        self.dtype = dt
        self.learning_rate = float(learning_rate)
        (self.n_x, self.m), self.n_h = X.shape, params.W1.shape[0]
        self.block_size = block_size(self.n_h)
        self.threads = max(1, min(threads, self.m // MIN_EXAMPLES_PER_THREAD))
        # data and scratch on cache-line boundaries: a vector load never spans two lines
        self._X = aligned_copy(X, dt)
        self._y = aligned_copy(Y[0], dt)
        # theta = [W1 row-major, b1, W2, b2]: one array, so one argument per call.
        self._theta = np.concatenate([params[name].ravel() for name in PARAM_NAMES])
        self._theta = self._theta.astype(dt)
        self._lr_over_m = self.learning_rate / self.m
        self._A = aligned_empty((self.threads, self.n_h + 1, self.block_size))
        self._S = np.empty((self.n_h + 1, self.n_x + 2))
        self._S_parts = np.empty((self.threads, *self._S.shape))

    def _sums(self) -> None:
        k, args = self._k, (self._X, self._y, self._theta, self.n_h, self._A)
        if self.threads == 1:
            k._sums_serial(*args, self._S)
        else:
            k._sums_parallel(*args, self._S_parts, self._S)

    def step(self) -> None:
        """theta <- theta - lr dJ/dtheta, in place: one compiled call, no allocation."""
        k, args = self._k, (self._X, self._y, self._theta, self.n_h, self._A)
        if self.threads == 1:
            k.step_serial(*args, self._S, self._lr_over_m)
        else:
            k.step_parallel(*args, self._S_parts, self._S, self._lr_over_m)

    def gradients(self) -> Grads:
        """dJ/dW1, dJ/db1, dJ/dW2, dJ/db2 at the current parameters: dZ[1] = W2 g, so
        dJ/dW1 = W2 (sum_i g x^T) / m, dJ/db1 = W2 sum_i g / m, dJ/dW2 = sum_i u a / m."""
        self._sums()
        n_x, n_h, m, S = self.n_x, self.n_h, self.m, self._S
        W2 = self._theta[n_h * (n_x + 1) : n_h * (n_x + 2), np.newaxis].astype(np.float64)
        grads = (
            W2 * S[:n_h, :n_x] / m,
            W2 * S[:n_h, n_x : n_x + 1] / m,
            S[:n_h, n_x + 1][np.newaxis] / m,
            S[n_h:, :1] / m,
        )
        return Grads(dict(zip(GRAD_NAMES, (g.astype(self.dtype) for g in grads), strict=True)))

    def cost(self) -> float:
        """J at the current parameters (network.compute_cost's formula, float64 sums)."""
        return float(self._k.cost(self._X, self._y, self._theta, self.n_h))

    @property
    def params(self) -> Params:
        """A copy of the current parameters."""
        n_x, n_h = self.n_x, self.n_h
        W1, b1, W2, b2 = np.split(self._theta.copy(), np.cumsum([n_h * n_x, n_h, n_h]))
        return Params(
            W1=W1.reshape(n_h, n_x), b1=b1.reshape(n_h, 1), W2=W2.reshape(1, n_h), b2=b2[None]
        )


def compile_kernels(dtype: DTypeLike = np.float64, threads: int = 1) -> float:
    """Compile (or load from numba's cache) the kernels for ``dtype``; return the seconds taken.

    The first use of each dtype pays this once per process; with the on-disk cache a later
    process only loads the machine code.
    """
    t0 = time.perf_counter()
    m = 2 * MIN_EXAMPLES_PER_THREAD * threads
    X = np.zeros((1, m), dtype=dtype)
    p = Params(np.zeros((1, 1)), np.zeros((1, 1)), np.zeros((1, 1)), np.zeros((1, 1)))
    trainer = NumbaTrainer(X, np.zeros((1, m)), p, 0.1, dtype=dtype, threads=threads)
    trainer.step()
    trainer.gradients()
    trainer.cost()
    return time.perf_counter() - t0


class TrainerLike(Protocol):
    """What a training loop needs: ``Trainer``, ``LayeredTrainer`` and ``NumbaTrainer`` have it."""

    def step(self) -> None: ...

    def cost(self) -> float: ...

    @property
    def params(self) -> Params: ...


def backend_problem(
    backend: str, hidden_sizes: tuple[int, ...] = (1,), activation: str = "relu"
) -> str | None:
    """Why ``backend`` cannot train a network of ``hidden_sizes`` and ``activation`` in this
    environment (one line), or None if it can."""
    if backend not in BACKENDS:
        return f"backend must be one of {', '.join(BACKENDS)}, not {backend!r}"
    if backend == "numba":
        if refusal := numba_refusal(tuple(hidden_sizes), activation):
            return refusal
        try:
            load_kernels()
        except NumbaUnavailableError as exc:
            return str(exc)
    return None


def make_trainer(
    X: Array,
    Y: Array,
    params: Params,
    learning_rate: float,
    dtype: DTypeLike = np.float64,
    backend: str = "numpy",
    **options: Any,
) -> Trainer | LayeredTrainer | NumbaTrainer:
    """The fastest trainer of ``backend`` for ``params``, any depth and hidden activation.

    Backend "numpy": the fused ``Trainer`` for one hidden ReLU layer, else ``LayeredTrainer``;
    "numba": ``NumbaTrainer`` (one hidden ReLU layer only: any other network is one
    ``BackendUnsupportedError``). ``options`` go to the chosen class (``chunk_size`` for numpy,
    ``threads`` for numba).
    """
    if backend == "numpy":
        cls = Trainer if is_fused(params) else LayeredTrainer
        return cls(X, Y, params, learning_rate, dtype=dtype, **options)
    if backend == "numba":
        return NumbaTrainer(X, Y, params, learning_rate, dtype=dtype, **options)
    raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, not {backend!r}")
