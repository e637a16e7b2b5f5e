"""The layer-by-layer Trainer at any depth: chunking, buffers, allocation, validation, the loop.

What every backend claims (gradients, steps, float32, dead units, copies, at depths 1-4) is in
tests/test_training_backends.py; here are the claims of ``LayeredTrainer``'s own machinery,
each against ``network.py`` (itself checked against torch autograd elsewhere).
"""

from __future__ import annotations

import tracemalloc
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nn_numpy import Params, Trainer, backward, compute_cost, forward, update_params
from nn_numpy.errors import Diverged
from nn_numpy.records import ACTIVATIONS, grad_names, param_names
from nn_numpy.training import LayeredTrainer, fit, make_trainer
from nn_numpy.training.layered import (
    CACHE_BYTES,
    GEMM_CHUNK,
    column_bytes,
    layered_bytes,
    layered_chunk_size,
)
from tests.helpers import blobs, close, deep_params, readable_grads


@settings(max_examples=40, deadline=None)
@given(
    n_x=st.integers(1, 5),
    hidden=st.lists(st.integers(1, 7), min_size=1, max_size=4).map(tuple),
    activation=st.sampled_from(ACTIVATIONS),
    m=st.integers(1, 300),
    chunk=st.integers(1, 320),
    seed=st.integers(0, 2**16),
)
def test_chunked_gradients_equal_unchunked_and_readable(
    n_x: int, hidden: tuple[int, ...], activation: str, m: int, chunk: int, seed: int
) -> None:
    X, Y = blobs(m, n_x, seed)
    p = deep_params(n_x, hidden, activation, seed)
    whole = LayeredTrainer(X, Y, p, 0.1, chunk_size=m).gradients()
    chunked = LayeredTrainer(X, Y, p, 0.1, chunk_size=chunk).gradients()
    for name, expected in readable_grads(p, X, Y).items():
        close(chunked[name], whole[name], 1e-12)
        close(whole[name], expected, 1e-12)


def test_chunks_cover_every_column_once_with_at_most_two_widths() -> None:
    X, Y = blobs(1002, 3)
    t = LayeredTrainer(X, Y, deep_params(3, (4, 2), "tanh", 0), 0.1, chunk_size=300)
    assert [ch.y.shape[1] for ch in t._chunks] == [251, 251, 250, 250]
    assert t.chunk_size == 251
    xa = np.concatenate([ch.Aa[0] for ch in t._chunks], axis=1)
    np.testing.assert_array_equal(xa, np.vstack([X, np.ones((1, 1002))]))
    np.testing.assert_array_equal(np.concatenate([ch.y for ch in t._chunks], axis=1), Y)


@pytest.mark.skipif(
    np.lib.NumpyVersion(np.__version__) < "2.4.0",
    reason="allocation-free from NumPy 2.4 (measured on 2.4.6); NumPy 2.2.6 peaked at 66 kB a "
    "step, a temporary of the chunk's size (which operation copies is not yet found)",
)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_step_allocates_no_memory(activation: str, dtype: type) -> None:
    """After the first call, step() only writes into buffers made by __init__."""
    X, Y = blobs(2000, 3)
    p = deep_params(3, (8, 6, 4), activation, 0)
    trainer = LayeredTrainer(X, Y, p, 0.1, dtype=dtype, chunk_size=1000)
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
    # One temporary row of a chunk, (1, 1000), would add 8 kB (4 kB in float32); the
    # interpreter's own bookkeeping peaks near 2 kB (tests/test_trainer.py).
    assert peak < 3 * 1024, peak
    assert sum(stat.size_diff for stat in growth) < 1024


def arrays_of(trainer: LayeredTrainer) -> dict[int, np.ndarray]:
    """Every array the trainer holds, by the id of the memory it owns (views count once)."""
    found: dict[int, np.ndarray] = {}

    def visit(value: Any) -> None:
        if isinstance(value, np.ndarray):
            base = value if value.base is None else value.base
            found[id(base)] = base
        elif isinstance(value, list | tuple):
            for item in value:
                visit(item)

    for value in vars(trainer).values():
        visit(value)
    for ch in trainer._chunks:
        for name in ch.__slots__:
            visit(getattr(ch, name))
    return found


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(("m", "chunk_size"), [(1000, None), (1002, 300), (40, 7)])
def test_layered_bytes_counts_every_array_the_trainer_allocates(
    m: int, chunk_size: int | None, dtype: type
) -> None:
    X, Y = blobs(m, 3)
    p = deep_params(3, (9, 4, 6), "sigmoid", 0)
    trainer = LayeredTrainer(X, Y, p, 0.1, dtype=dtype, chunk_size=chunk_size)
    held = sum(a.nbytes for a in arrays_of(trainer).values())
    assert layered_bytes(p.layer_sizes, m, dtype, chunk_size) == held


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_column_bytes_are_what_one_chunk_holds_per_column(dtype: type) -> None:
    w = 16
    X, Y = blobs(w, 3)
    p = deep_params(3, (9, 4, 6), "relu", 0)
    trainer = LayeredTrainer(X, Y, p, 0.1, dtype=dtype, chunk_size=w)
    (ch,) = trainer._chunks
    buffers = [*ch.Aa, *ch.Da[1:], ch.S, ch.B]
    assert column_bytes(p.layer_sizes, dtype) == sum(b.nbytes for b in buffers) // w
    assert layered_chunk_size(p.layer_sizes, dtype) == CACHE_BYTES // column_bytes(
        p.layer_sizes, dtype
    )


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_default_chunk_of_wide_layers_is_gemm_chunk_not_the_cache_share(dtype: type) -> None:
    sizes = (64, 256, 256, 1)  # a cache-sized chunk would be 189 (float64) or 358 columns
    assert CACHE_BYTES // column_bytes(sizes, dtype) < GEMM_CHUNK
    assert layered_chunk_size(sizes, dtype) == GEMM_CHUNK


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_extreme_logits_give_finite_cost_and_steps_without_warnings(activation: str) -> None:
    X, Y = blobs(200, 3)
    arrays = deep_params(3, (5, 4), activation, 0).as_dict()
    arrays["W3"] = arrays["W3"] * 1e6  # |Z3| up to ~1e6: exp(-|z|) underflows
    big = Params(**arrays, activation=activation)
    trainer = LayeredTrainer(X, Y, big, 1e-9)
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow is harmless
        cost = trainer.cost()
        trainer.step()
    assert np.isfinite(cost)
    assert cost == pytest.approx(compute_cost(forward(big, X), Y), rel=1e-12)
    expected = update_params(big, backward(big, forward(big, X), X, Y), 1e-9)
    for name in param_names(3):
        close(trainer.params[name], expected[name], 1e-12)


def test_gradients_are_one_record_with_the_readable_names_and_shapes() -> None:
    X, Y = blobs(100, 3)
    p = deep_params(3, (4, 2), "tanh", 0)
    g = LayeredTrainer(X, Y, p, 0.1).gradients()
    assert tuple(g) == grad_names(3) and g.L == 3
    assert {k: v.shape for k, v in g.items()} == {f"d{k}": v.shape for k, v in p.items()}


def test_the_fused_trainer_refuses_other_networks_and_names_make_trainer() -> None:
    X, Y = blobs(20)
    with pytest.raises(ValueError, match=r"hidden layers \(4, 2\) of relu use make_trainer"):
        Trainer(X, Y, deep_params(2, (4, 2), "relu", 0), 0.1)
    with pytest.raises(ValueError, match=r"hidden layers \(4,\) of tanh use make_trainer"):
        Trainer(X, Y, deep_params(2, (4,), "tanh", 0), 0.1)


@pytest.mark.parametrize(
    ("name", "shape", "shown"),
    [("W2", (3, 5), r"\(3, 4\)"), ("b2", (3,), r"\(3, 1\)"), ("W3", (2, 3), r"\(1, 3\)"),
     ("b3", (2, 1), r"\(1, 1\)"), ("W1", (4,), r"\(n_1, 2\)")],
)  # fmt: skip
def test_a_layer_of_the_wrong_shape_is_rejected_by_name(name: str, shape: tuple, shown: str):
    X, Y = blobs(20)
    arrays = deep_params(2, (4, 3), "relu", 0).as_dict()
    arrays[name] = np.full(shape, 0.5)
    with pytest.raises(ValueError, match=rf"params\.{name} must have shape {shown}"):
        make_trainer(X, Y, Params(**arrays), 0.1)


def test_bad_chunk_size_is_rejected() -> None:
    X, Y = blobs(20)
    with pytest.raises(ValueError, match="chunk_size must be >= 1"):
        LayeredTrainer(X, Y, deep_params(2, (4, 3), "relu", 0), 0.1, chunk_size=0)


def test_fit_records_the_readable_costs_at_depth() -> None:
    X, Y = blobs(400, 3)
    p = deep_params(3, (6, 4, 3), "tanh", 1)
    history = fit(make_trainer(X, Y, p, 0.3), 12)
    assert history.epochs == list(range(13))
    expected = []
    for _ in range(13):
        expected.append(compute_cost(forward(p, X), Y))
        p = update_params(p, backward(p, forward(p, X), X, Y), 0.3)
    np.testing.assert_allclose(history.costs, expected, rtol=1e-12)


def test_fit_raises_diverged_at_depth_when_the_cost_stops_being_finite() -> None:
    X, Y = blobs(200, 3)
    p = deep_params(3, (6, 4), "relu", 1)
    with pytest.raises(Diverged, match=r"cost is (nan|inf) at epoch"):
        fit(make_trainer(X, Y, p, 1e200), 50)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
def test_fit_raises_diverged_when_saturated_layers_keep_a_runaway_cost_finite(
    activation: str,
) -> None:
    X, Y = blobs(200, 3)
    trainer = make_trainer(X, Y, deep_params(3, (6, 4), activation, 1), 1e300)
    with pytest.raises(Diverged, match=r"cost is \S+e\+\d+ at epoch \d+, above "):
        fit(trainer, 50)


def test_fit_keeps_going_while_the_cost_rises_within_the_blowup_bound() -> None:
    """The bound is not a hair trigger: a step size that overshoots (J rises from its start,
    stays far below 1000 x) trains to the end."""
    X, Y = blobs(200, 3)
    history = fit(make_trainer(X, Y, deep_params(3, (6, 4), "tanh", 1), 30.0), 20)
    assert max(history.costs) > history.costs[0]  # it did rise: the case is the one claimed
    assert len(history.costs) == 21


class _Growing:
    """A trainer whose cost is multiplied by ``factor`` at every step (0.7 to start)."""

    def __init__(self, factor: float) -> None:
        self.J, self.factor = 0.7, factor

    def step(self) -> None:
        self.J *= self.factor

    def cost(self) -> float:
        return self.J


def test_the_blowup_bound_is_fixed_by_the_first_cost_not_the_latest() -> None:
    """100x per step: 70 at epoch 1, 7000 at epoch 2 > 1000 x 0.7, although each step is only
    100x the one before."""
    with pytest.raises(Diverged, match=r"at epoch 2, above 700$"):
        fit(_Growing(100.0), 5)  # type: ignore[arg-type]
