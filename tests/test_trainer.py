"""The fast Trainer computes what the readable network computes: chunking, buffers, validation.

The claims every backend makes (gradients, steps, float32, dead units, copies) are tested for the
Trainer and the numba backend alike in tests/test_training_backends.py.

Every check compares against ``network.py`` (forward, backward, compute_cost, update_params),
itself checked against torch autograd elsewhere. Tolerances are relative to the size of the
quantity compared: ``close(a, b, tol)`` means |a - b| <= tol * (|b| + max|b|).
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nn_numpy import Params, Trainer, backward, compute_cost, forward, init_params, update_params
from nn_numpy.training.trainer import default_chunk_size
from tests.helpers import PARAM_NAMES, blobs, close, random_params, readable_grads


@settings(max_examples=40, deadline=None)
@given(
    n_x=st.integers(1, 6),
    n_h=st.integers(1, 12),
    m=st.integers(1, 300),
    chunk=st.integers(1, 320),
    seed=st.integers(0, 2**16),
)
def test_chunked_gradients_equal_unchunked_and_readable(
    n_x: int, n_h: int, m: int, chunk: int, seed: int
) -> None:
    X, Y = blobs(m, n_x, seed)
    p = random_params(n_x, n_h, seed)
    whole = Trainer(X, Y, p, 0.1, chunk_size=m).gradients()
    chunked = Trainer(X, Y, p, 0.1, chunk_size=chunk).gradients()
    for name, expected in readable_grads(p, X, Y).items():
        close(getattr(chunked, name), getattr(whole, name), 1e-12)
        close(getattr(whole, name), expected, 1e-12)


def test_chunks_cover_every_column_once_with_at_most_two_widths() -> None:
    X, Y = blobs(1000)
    t = Trainer(X, Y, random_params(2, 3, 0), 0.1, chunk_size=300)
    assert [ch.c.shape[1] for ch in t._chunks] == [250] * 4
    assert t.chunk_size == 250
    X, Y = blobs(1002)
    t = Trainer(X, Y, random_params(2, 3, 0), 0.1, chunk_size=300)
    assert [ch.c.shape[1] for ch in t._chunks] == [251, 251, 250, 250]
    xa = np.concatenate([ch.xa for ch in t._chunks], axis=1)
    np.testing.assert_array_equal(xa, np.vstack([X, np.ones((1, 1002))]))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_step_allocates_no_memory(dtype: type) -> None:
    """After the first call, step() only writes into buffers made by __init__."""
    X, Y = blobs(2000)
    trainer = Trainer(X, Y, random_params(2, 5, 0), 0.1, dtype=dtype, chunk_size=1000)
    trainer.step()
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        for _ in range(20):
            trainer.step()
        _, peak = tracemalloc.get_traced_memory()
        growth = tracemalloc.take_snapshot().compare_to(before, "filename")
    finally:
        tracemalloc.stop()
    # NumPy reports every array buffer to tracemalloc. The interpreter's own bookkeeping peaks
    # near 2 kB; one temporary row of a chunk, (1, 1000), would add 8 kB (4 kB in float32).
    assert peak < 3 * 1024, peak
    assert sum(stat.size_diff for stat in growth) < 1024


def test_extreme_logits_give_finite_cost_and_steps_without_warnings() -> None:
    X, Y = blobs(200)
    p = random_params(2, 5, 0)
    big = Params(W1=p.W1 * 1e3, b1=p.b1, W2=p.W2 * 1e3, b2=p.b2)  # |Z2| up to ~1e6
    trainer = Trainer(X, Y, big, 1e-3)
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow is harmless
        cost = trainer.cost()
        trainer.step()
    assert np.isfinite(cost)
    assert cost == pytest.approx(compute_cost(forward(big, X), Y), rel=1e-12)
    expected = update_params(big, backward(big, forward(big, X), X, Y), 1e-3)
    for name in PARAM_NAMES:
        close(trainer.params[name], expected[name], 1e-12)


@pytest.mark.parametrize(
    ("X_shape", "Y_shape", "n_h", "message"),
    [
        ((2,), (1, 2), 3, "X must be"),
        ((2, 0), (1, 0), 3, "X must be"),
        ((2, 5), (5,), 3, "Y must have shape"),
        ((2, 5), (1, 4), 3, "Y must have shape"),
    ],
)
def test_bad_data_shapes_are_rejected(
    X_shape: tuple[int, ...], Y_shape: tuple[int, ...], n_h: int, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        Trainer(np.zeros(X_shape), np.zeros(Y_shape), init_params(2, n_h, seed=0), 0.1)


def test_bad_params_dtype_and_chunk_size_are_rejected() -> None:
    X, Y = blobs(10)
    with pytest.raises(ValueError, match=r"params\.W1 must have shape"):
        Trainer(X, Y, init_params(3, 4, seed=0), 0.1)
    with pytest.raises(ValueError, match="dtype must be float32 or float64"):
        Trainer(X, Y, init_params(2, 4, seed=0), 0.1, dtype=np.int64)
    with pytest.raises(ValueError, match="chunk_size must be >= 1"):
        Trainer(X, Y, init_params(2, 4, seed=0), 0.1, chunk_size=0)


def test_default_chunk_size_keeps_small_batches_whole_and_splits_large_ones() -> None:
    assert default_chunk_size(2, 5) >= 2000  # the project's data set runs as one chunk
    assert default_chunk_size(2, 512) >= 128  # wide layers still get BLAS-sized chunks
    assert default_chunk_size(2, 5, np.float32) > default_chunk_size(2, 5, np.float64)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_default_chunk_size_counts_the_bytes_a_chunk_really_allocates_per_column(dtype) -> None:
    from nn_numpy.training.trainer import CACHE_BYTES

    n_x, n_h, w = 3, 7, 16
    X, Y = blobs(2 * w, n_x)
    trainer = Trainer(X, Y, random_params(n_x, n_h, seed=1), 0.1, dtype=dtype, chunk_size=w)
    chunk = trainer._chunks[0]  # [X; 1], A1a, [M; 1], zeros, ones, u * Xa: the chunk's buffers
    buffers = (chunk.xa, chunk.a1a, chunk.ma, chunk.zeros, chunk.ones, chunk.g)
    per_column = sum(b.nbytes for b in buffers) // w
    assert default_chunk_size(n_x, n_h, dtype) == CACHE_BYTES // per_column


def test_float32_trainer_sizes_chunks_for_float32_and_allocates_only_float32() -> None:
    n_x, n_h = 2, 5
    w = default_chunk_size(n_x, n_h, np.float32)
    X, Y = blobs(2 * w, n_x)
    trainer = Trainer(X, Y, random_params(n_x, n_h, seed=2), 0.1, dtype=np.float32)
    assert trainer.chunk_size == w  # not the (smaller) float64 chunk
    # Every buffer is float32; the O(m) data is [X; 1] and c = 1 - 2Y: (n_x + 2) m items.
    arrays = {k: v for k, v in vars(trainer).items() if isinstance(v, np.ndarray)}
    assert {k: v.dtype for k, v in arrays.items()} == dict.fromkeys(arrays, np.float32)
    assert trainer._c.size + trainer._Xa_blocks.size == (n_x + 2) * 2 * w


def test_params_snapshot_shares_no_memory_with_the_trainer_so_later_steps_leave_it_alone() -> None:
    X, Y = blobs(50)
    trainer = Trainer(X, Y, random_params(2, 4, 0), 0.1)
    snapshot = trainer.params
    before = {name: snapshot[name].copy() for name in PARAM_NAMES}
    trainer.step()
    for name in PARAM_NAMES:
        np.testing.assert_array_equal(snapshot[name], before[name])  # the step moved all four
        assert not np.array_equal(trainer.params[name], before[name])


@pytest.mark.parametrize("dtype", [np.float16, np.longdouble, np.complex128])
def test_trainer_accepts_only_float32_and_float64(dtype) -> None:
    X, Y = blobs(10)
    with pytest.raises(ValueError, match="dtype must be float32 or float64"):
        Trainer(X, Y, init_params(2, 4, seed=0), 0.1, dtype=dtype)


@pytest.mark.parametrize("name", PARAM_NAMES)
@pytest.mark.parametrize("bad_shape", [(1,), ()])
def test_a_parameter_of_the_wrong_shape_is_rejected_by_name(name: str, bad_shape) -> None:
    # (1,) and () broadcast into the Trainer's buffers, so only the check catches them.
    X, Y = blobs(10)
    p = init_params(2, 1, seed=0).as_dict()  # n_h = 1: every right shape has one element per row
    p[name] = np.full(bad_shape, 0.5)
    with pytest.raises(ValueError, match=rf"params\.{name} must have shape"):
        Trainer(X, Y, Params(**p), 0.1)
