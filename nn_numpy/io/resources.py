"""Memory a run will need, checked against what the machine has before anything is allocated.

``--hidden-size 1000000000`` on 12 rows would otherwise grow to tens of GB before failing (or be
killed), and ``--hidden-size 10**20`` would fail inside NumPy with a traceback. The estimate is
the arrays' sizes in bytes (Python integers, so no size overflows); it is compared with
``MemAvailable`` from /proc/meminfo (physical memory where that is missing).
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from nn_numpy.errors import ResourceError
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


def training_bytes(n_x: int, n_h: int, m_train: int, m_test: int, dtype: DTypeLike) -> int:
    """Peak bytes of the arrays a training run allocates, to within a small factor.

    init_params draws W1 (n_h, n_x) and W2 in float64 and casts them; the Trainer holds
    Xa (n_x + 1, m), about six (n_h + 1, n_x + 1) parameter-sized buffers and, per chunk
    width w (at most two widths), four (n_h + 1, w) and one (n_x + 1, w); the accuracy
    pass runs the readable forward, about three (n_h, m) arrays for the larger split.
    """
    s = np.dtype(dtype).itemsize
    init = 2 * 8 * n_h * (n_x + 1)
    w = min(default_chunk_size(n_x, n_h, dtype), m_train)
    trainer = s * ((n_x + 2) * m_train + 6 * (n_h + 1) * (n_x + 1))
    chunks = 2 * s * (4 * (n_h + 1) + (n_x + 1)) * (w + 1)
    accuracy = 3 * s * n_h * max(m_train, m_test)
    return init + trainer + chunks + accuracy


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
