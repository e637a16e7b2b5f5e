"""Arrays whose data starts on a cache-line boundary, for the compiled step's inputs and scratch.

NumPy only promises the alignment of the element type (malloc gives 16 bytes), so a 512-bit
(64-byte) vector load from an array that starts 16 bytes past a line boundary spans two cache
lines on every load, and the compiled step's time moved between processes with where malloc put
its arrays (docs/performance.md, "Vector width", has the measurements). Starting every array on
a 64-byte boundary gives each process the aligned case; it changes no value.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import DTypeLike

CACHE_LINE = 64  # bytes: the widest vector (AVX-512) and the x86-64 cache line


def aligned_empty(shape: int | tuple[int, ...], dtype: DTypeLike = np.float64) -> np.ndarray:
    """An uninitialized C-contiguous array whose first element starts on a CACHE_LINE boundary.

    Parameters
    ----------
    shape : int or tuple of int
        The array's shape.
    dtype : data-type
        Its element type (default float64).

    Returns
    -------
    numpy.ndarray
        A view of a slightly larger byte buffer, writable and owning nothing else.
    """
    dt = np.dtype(dtype)
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    nbytes = int(np.prod(shape, dtype=np.int64)) * dt.itemsize
    buffer = np.empty(nbytes + CACHE_LINE, dtype=np.uint8)
    skip = -buffer.ctypes.data % CACHE_LINE  # bytes to the next boundary (0 if on one)
    return buffer[skip : skip + nbytes].view(dt).reshape(shape)


def aligned_copy(a: np.ndarray, dtype: DTypeLike) -> np.ndarray:
    """A C-contiguous copy of ``a`` converted to ``dtype``, starting on a CACHE_LINE boundary.

    Parameters
    ----------
    a : numpy.ndarray
        The values to copy.
    dtype : data-type
        The copy's element type.

    Returns
    -------
    numpy.ndarray
        ``np.ascontiguousarray(a, dtype)``'s values, aligned (always a copy).
    """
    out = aligned_empty(a.shape, dtype)
    out[...] = a
    return out
