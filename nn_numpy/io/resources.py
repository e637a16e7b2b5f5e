"""Memory a run will need, checked against what the machine has before anything is allocated.

``--hidden-size 1000000000`` on 12 rows would otherwise grow to tens of GB before failing (or be
killed), and ``--hidden-size 10**20`` would fail inside NumPy with a traceback. The estimate is
the arrays' sizes in bytes (Python integers, so no size overflows); it is compared with
``MemAvailable`` from /proc/meminfo (physical memory where that is missing).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from itertools import pairwise
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from nn_numpy.errors import ResourceError
from nn_numpy.training.layered import layered_bytes
from nn_numpy.training.trainer import default_chunk_size


def available_memory() -> int:
    """Bytes of memory available to a new allocation (MemAvailable, else physical memory)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")


def training_bytes(
    n_x: int,
    n_h: int | Sequence[int],
    m_train: int,
    m_test: int,
    dtype: DTypeLike,
    activation: str = "relu",
) -> int:
    """Peak bytes of the arrays a training run allocates, to within a small factor.

    ``n_h`` is the hidden layer's width or the widths of the hidden layers in order. For one
    hidden ReLU layer (the fused ``Trainer``): init_params draws W1 (n_h, n_x) and W2 in float64
    and casts them; the Trainer holds Xa (n_x + 1, m), about six (n_h + 1, n_x + 1)
    parameter-sized buffers and, per chunk width w (at most two widths), four (n_h + 1, w) and
    one (n_x + 1, w); the accuracy pass runs the readable forward, about three (n_h, m) arrays
    for the larger split. Any other network: ``deep_training_bytes``.
    """
    sizes = (n_h,) if isinstance(n_h, int | np.integer) else tuple(n_h)
    if len(sizes) != 1 or activation != "relu":
        return deep_training_bytes((n_x, *sizes, 1), m_train, m_test, dtype)
    n_h = int(sizes[0])
    s = np.dtype(dtype).itemsize
    init = 2 * 8 * n_h * (n_x + 1)
    w = min(default_chunk_size(n_x, n_h, dtype), m_train)
    trainer = s * ((n_x + 2) * m_train + 6 * (n_h + 1) * (n_x + 1))
    chunks = 2 * s * (4 * (n_h + 1) + (n_x + 1)) * (w + 1)
    accuracy = 3 * s * n_h * max(m_train, m_test)
    return init + trainer + chunks + accuracy


def deep_training_bytes(sizes: tuple[int, ...], m_train: int, m_test: int, dtype: DTypeLike) -> int:
    """Peak bytes of a run of ``LayeredTrainer`` for layer sizes (n_x, n_1, ..., n_L = 1).

    init_params draws each W[l] in float64 (two (n_l, n_{l-1}) float64 arrays at a time) and
    keeps every W[l], b[l] in the run's dtype; the trainer's arrays are ``layered_bytes``; the
    accuracy pass runs the readable forward on the larger split, whose cache keeps Z[l] and A[l]
    for every layer, with up to three temporaries of the widest layer (the stable sigmoid's).
    """
    s, n = np.dtype(dtype).itemsize, sizes[1:]
    pairs = list(pairwise(sizes))
    init = 2 * 8 * max(a * b for a, b in pairs) + s * sum(b * (a + 1) for a, b in pairs)
    accuracy = s * max(m_train, m_test) * (2 * sum(n) + 3 * max(n))
    return init + layered_bytes(sizes, m_train, dtype) + accuracy


def require_memory(need: int, what: str, available: int | None = None) -> None:
    """Raise ResourceError if ``need`` bytes exceed the available memory."""
    have = available_memory() if available is None else available
    if need > have:
        raise ResourceError(
            f"{what} needs about {_size(need)} of memory, but only {_size(have)} is available"
        )


def _size(n: Any) -> str:
    value = float(n)
    for unit in ("bytes", "KB", "MB", "GB", "TB", "PB"):
        if value < 1000 or unit == "PB":
            break
        value /= 1000
    return f"{value:.0f} {unit}" if unit == "bytes" else f"{value:.3g} {unit}"
