"""Each term of the memory estimate, as its docstring states it, isolated by differences of
``training_bytes`` (every term is linear in the size it counts), and the estimate's units;
for any other network than one hidden ReLU layer, the deep estimate's terms and its cover of a
run's peak.

- init: W1 and W2 drawn in float64 whatever the run's dtype: 2 * 8 * n_h * (n_x + 1) bytes;
- trainer: Xa (n_x + 1, m) and the (n_x + 1)-row copy, plus six (n_h + 1, n_x + 1) buffers;
- chunks: two widths w of four (n_h + 1, w + 1) and one (n_x + 1, w + 1);
- accuracy: three (n_h, m) arrays for the larger of the two splits.
The tracemalloc comparison (estimate between 1x and 4x the measured peak) is in
tests/test_resource_limits.py; here the split that dominates is the test split.
"""

from __future__ import annotations

import os
import tracemalloc

import numpy as np
import pytest

from nn_numpy import forward, init_params
from nn_numpy.io import resources
from nn_numpy.io.resources import (
    ResourceError,
    _size,
    deep_training_bytes,
    require_memory,
    training_bytes,
)
from nn_numpy.training import make_trainer
from nn_numpy.training.layered import layered_bytes
from nn_numpy.training.trainer import MIN_CHUNK, default_chunk_size

pytestmark = pytest.mark.filterwarnings("error")
SMALL = 20  # m_train below MIN_CHUNK: the chunk width is m_train for every dtype


def test_init_is_float64_whatever_the_dtype():
    """Every other term scales with the itemsize; only init stays 16 bytes per W entry."""
    n_x, n_h, m = 3, 7, SMALL
    t64 = training_bytes(n_x, n_h, m, m, np.float64)
    t32 = training_bytes(n_x, n_h, m, m, np.float32)
    assert 2 * t32 - t64 == 2 * 8 * n_h * (n_x + 1)


def test_each_training_example_costs_its_data_copy_chunks_and_activations():
    n_x, n_h, s = 3, 7, 8
    assert SMALL + 1 < MIN_CHUNK
    step = training_bytes(n_x, n_h, SMALL + 1, 0, np.float64) - training_bytes(
        n_x, n_h, SMALL, 0, np.float64
    )
    # (n_x + 2) rows of data, 2 chunk widths one column wider, 3 (n_h,) activations
    assert step == s * (n_x + 2) + 2 * s * (4 * (n_h + 1) + (n_x + 1)) + 3 * s * n_h


def test_past_the_chunk_width_an_example_costs_only_its_data_copy_and_activations():
    n_x, n_h, s = 3, 7, 4
    w = default_chunk_size(n_x, n_h, np.float32)
    step = training_bytes(n_x, n_h, w + 6, 0, np.float32) - training_bytes(
        n_x, n_h, w + 5, 0, np.float32
    )
    assert step == s * (n_x + 2) + 3 * s * n_h


def test_the_accuracy_pass_counts_the_larger_split_only():
    n_x, n_h, s = 3, 7, 8
    base = training_bytes(n_x, n_h, SMALL, SMALL, np.float64)
    assert training_bytes(n_x, n_h, SMALL, SMALL - 5, np.float64) == base
    assert training_bytes(n_x, n_h, SMALL, SMALL + 5, np.float64) - base == 3 * s * n_h * 5


def test_each_hidden_unit_costs_its_weights_buffers_chunks_and_activations():
    n_x, m, s = 3, SMALL, 8
    n_h = 7
    step = training_bytes(n_x, n_h + 1, m, m, np.float64) - training_bytes(
        n_x, n_h, m, m, np.float64
    )
    init = 2 * 8 * (n_x + 1)
    trainer = s * 6 * (n_x + 1)
    chunks = 2 * s * 4 * (m + 1)
    accuracy = 3 * s * m
    assert step == init + trainer + chunks + accuracy


def test_each_feature_costs_its_weights_data_buffers_and_chunks():
    n_h, m, s = 7, SMALL, 8
    n_x = 3
    step = training_bytes(n_x + 1, n_h, m, m, np.float64) - training_bytes(
        n_x, n_h, m, m, np.float64
    )
    assert step == 2 * 8 * n_h + s * m + s * 6 * (n_h + 1) + 2 * s * (m + 1)


def test_the_estimate_is_exact_integers_for_sizes_past_any_float():
    big = 10**20
    need = training_bytes(2, big, 12, 3, np.float64)
    assert isinstance(need, int) and need > 16 * big * 3


def test_the_estimate_covers_the_peak_when_the_test_split_is_the_larger():
    n_x, n_h, m_train, m_test = 2, 400, 12, 3000
    rng = np.random.default_rng(0)
    X_test = rng.normal(size=(n_x, m_test))
    tracemalloc.start()
    try:
        params = init_params(n_x, n_h, seed=0)
        forward(params, X_test)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak <= training_bytes(n_x, n_h, m_train, m_test, np.float64)
    assert peak > training_bytes(n_x, n_h, m_train, m_train, np.float64)  # m_test is what counts


def test_exactly_the_available_memory_is_accepted_and_one_byte_more_refused():
    require_memory(999, "x", available=999)
    with pytest.raises(ResourceError, match="x needs about 1 KB of memory, but only 999 bytes"):
        require_memory(1000, "x", available=999)


def test_a_resource_error_is_a_data_error_exit_2():
    from nn_numpy.io.reader import DataError

    assert issubclass(ResourceError, DataError)


def test_the_available_memory_is_read_when_not_given(monkeypatch):
    monkeypatch.setattr(resources, "available_memory", lambda: 50)
    require_memory(50, "x")
    with pytest.raises(ResourceError, match="only 50 bytes"):
        require_memory(51, "x")


def test_memavailable_is_read_in_kibibytes(tmp_path, monkeypatch):
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal: 999 kB\nMemFree: 5 kB\nMemAvailable:    123 kB\n", "ascii")
    real_open = open

    def fake_open(path, *args, **kwargs):
        return real_open(meminfo if path == "/proc/meminfo" else path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", fake_open)
    assert resources.available_memory() == 123 * 1024


@pytest.mark.parametrize(
    "n, text",
    [(0, "0 bytes"), (999, "999 bytes"), (1000, "1 KB"), (1920, "1.92 KB"), (10**6, "1 MB"),
     (1234 * 10**6, "1.23 GB"), (10**12, "1 TB"), (10**15, "1 PB"), (10**21, "1e+06 PB")],
)  # fmt: skip
def test_sizes_are_printed_in_decimal_units_to_three_digits(n, text):
    assert _size(n) == text


@pytest.mark.parametrize("text", ["MemTotal: 999 kB\n", "MemAvailable: lots\n", None])
def test_without_a_readable_memavailable_the_physical_memory_is_used(tmp_path, monkeypatch, text):
    meminfo = tmp_path / "meminfo"
    if text is not None:
        meminfo.write_text(text, "ascii")
    real_open = open

    def fake_open(path, *args, **kwargs):
        return real_open(meminfo if path == "/proc/meminfo" else path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", fake_open)
    physical = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    assert resources.available_memory() == physical


def test_float32_chunks_are_as_wide_as_float32_sizes_them():
    n_x, n_h, s = 3, 7, 4
    w32, w64 = default_chunk_size(n_x, n_h, np.float32), default_chunk_size(n_x, n_h, np.float64)
    m = (w32 + w64) // 2  # wider than a float64 chunk, narrower than a float32 one
    assert w64 < m < w32
    step = training_bytes(n_x, n_h, m + 1, 0, np.float32) - training_bytes(
        n_x, n_h, m, 0, np.float32
    )
    assert step == s * (n_x + 2) + 2 * s * (4 * (n_h + 1) + (n_x + 1)) + 3 * s * n_h


# ------------------------------------------------------------------ any depth


def test_one_hidden_size_in_a_list_is_the_int_estimate_and_other_networks_the_deep_one():
    args = (3, 12, 4, np.float64)
    assert training_bytes(3, [7], *args[1:]) == training_bytes(3, 7, *args[1:])
    assert training_bytes(3, (7,), *args[1:], activation="tanh") == deep_training_bytes(
        (3, 7, 1), *args[1:]
    )
    assert training_bytes(3, (7, 5), *args[1:]) == deep_training_bytes((3, 7, 5, 1), *args[1:])


def test_the_deep_estimate_is_init_trainer_and_the_readable_forward():
    sizes, m_train, m_test, s = (3, 7, 5, 1), 300, 500, 4
    init = 2 * 8 * 7 * 5 + s * (7 * 4 + 5 * 8 + 1 * 6)  # two float64 W2 draws, every W[l], b[l]
    accuracy = s * m_test * (2 * (7 + 5 + 1) + 3 * 7)  # Z[l], A[l]; 3 temporaries of the widest
    assert deep_training_bytes(sizes, m_train, m_test, np.float32) == (
        init + layered_bytes(sizes, m_train, np.float32) + accuracy
    )


@pytest.mark.parametrize(
    ("hidden", "activation", "dtype"),
    [((8, 4), "relu", np.float64), ((32, 16, 8), "sigmoid", np.float32),
     ((5,), "tanh", np.float64), ((400, 3), "tanh", np.float64)],
)  # fmt: skip
def test_the_deep_estimate_covers_the_peak_of_a_run_within_4x(hidden, activation, dtype):
    """init, make_trainer, a step, the cost and the accuracy pass, as the training command."""
    n_x, m_train, m_test = 3, 3000, 1000
    rng = np.random.default_rng(0)
    X, X_test = rng.normal(size=(n_x, m_train)), rng.normal(size=(n_x, m_test))
    Y = (rng.random((1, m_train)) < 0.5).astype(np.float64)
    tracemalloc.start()
    try:
        p = init_params(n_x, hidden, seed=0, dtype=dtype, activation=activation)
        trainer = make_trainer(X, Y, p, 0.1, dtype=dtype)
        del p
        trainer.step()
        trainer.cost()
        forward(trainer.params, X.astype(dtype))
        forward(trainer.params, X_test.astype(dtype))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    estimate = training_bytes(n_x, hidden, m_train, m_test, dtype, activation)
    assert peak <= estimate <= 4 * peak


def test_a_million_hidden_sizes_past_any_float_are_one_exact_integer():
    need = training_bytes(2, [10**20] * 10**6, 12, 3, np.float64)
    assert isinstance(need, int) and need > 10**40 * 10**6
