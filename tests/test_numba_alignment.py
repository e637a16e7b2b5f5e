"""The compiled step's arrays start on cache-line boundaries and hold the values they were given.

A 64-byte vector load from an array 16 bytes past a boundary spans two cache lines; the compiled
step's data and scratch are allocated aligned (nn_numpy/training/_aligned.py). The allocator is
checked over many sizes, so that some of its raw buffers start off a boundary whatever malloc
does, and the predicate itself is checked on a view known to be misaligned.
"""

from __future__ import annotations

import numpy as np
import pytest

from nn_numpy import init_params
from nn_numpy.training._aligned import CACHE_LINE, aligned_copy, aligned_empty
from tests.helpers import needs_numba

SIZES = range(1, 200)  # an empty array has no data to load
DTYPES = [np.float64, np.float32, np.int64, np.uint8]


def on_cache_line(a: np.ndarray) -> bool:
    return a.ctypes.data % CACHE_LINE == 0


def test_cache_line_predicate_rejects_a_view_8_bytes_past_a_boundary() -> None:
    base = aligned_empty(16)
    assert on_cache_line(base)
    assert not on_cache_line(base[1:])


@pytest.mark.parametrize("dtype", DTYPES)
def test_aligned_empty_starts_on_a_cache_line_for_every_size(dtype: type) -> None:
    raw_offsets = {np.empty(n + CACHE_LINE, np.uint8).ctypes.data % CACHE_LINE for n in SIZES}
    arrays = [aligned_empty(n, dtype) for n in SIZES]
    assert raw_offsets != {0}  # malloc's own buffers are not all aligned: the skip is exercised
    for n, a in zip(SIZES, arrays, strict=True):
        assert on_cache_line(a), (n, a.ctypes.data % CACHE_LINE)
        assert a.shape == (n,) and a.dtype == np.dtype(dtype)
        assert a.flags.c_contiguous and a.flags.writeable


def test_aligned_empty_arrays_do_not_overlap_and_keep_their_shape() -> None:
    a, b = aligned_empty((3, 4, 5)), aligned_empty((3, 4, 5))
    assert a.shape == (3, 4, 5) and a.strides == (160, 40, 8)
    a[...], b[...] = 1.0, 2.0
    assert np.all(a == 1.0) and np.all(b == 2.0)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_aligned_copy_holds_the_converted_values_and_is_a_copy(dtype: type) -> None:
    source = np.random.default_rng(0).standard_normal((2, 37)).T  # not C-contiguous
    copy = aligned_copy(source, dtype)
    assert on_cache_line(copy) and copy.flags.c_contiguous
    np.testing.assert_array_equal(copy, source.astype(dtype))
    copy[0, 0] = 99.0
    assert source[0, 0] != 99.0


@needs_numba
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_numba_trainer_data_and_scratch_start_on_cache_lines(dtype: str) -> None:
    from nn_numpy.training.fast_trainer import NumbaTrainer

    rng = np.random.default_rng(1)
    for m in (1, 7, 2000):  # whatever the sizes, so wherever malloc puts the buffers
        X = rng.standard_normal((2, m)).astype(dtype)
        Y = (rng.random((1, m)) < 0.5).astype(dtype)
        trainer = NumbaTrainer(X, Y, init_params(2, 5, seed=0, dtype=dtype), 0.1, dtype, 1)
        for name in ("_X", "_y", "_A"):
            assert on_cache_line(getattr(trainer, name)), (m, name)
        np.testing.assert_array_equal(trainer._X, X)
        np.testing.assert_array_equal(trainer._y, Y[0])
