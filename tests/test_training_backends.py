"""The contract every fast training backend keeps: it computes what the readable network computes.

One test per claim, run for each backend: the fused NumPy ``Trainer`` (``trainer``), the
layer-by-layer ``LayeredTrainer`` (``layered``, any depth and hidden activation) and the compiled
``NumbaTrainer`` (``numba``, one thread unless a test asks for more). The claims at depth (1-4
hidden layers, relu / tanh / sigmoid, float64 and float32) are made of what ``make_trainer``
returns for those parameters, and of the numba backend's refusal. The reference is
``network.py`` (forward, backward, compute_cost, update_params), itself checked against torch
autograd elsewhere; ``close`` (tests/helpers.py) bounds errors relative to the quantity's size.
Without numba its cases skip with the reason, except under ``NN_NUMPY_REQUIRE_NUMBA=1``, where a
missing numba stops the run (tests/helpers.py). What only one backend has (chunking, threads,
the compiled exp) is tested in tests/test_trainer.py and tests/test_numba_backend.py.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from numpy.typing import DTypeLike

from nn_numpy import Params, Trainer, backward, compute_cost, forward, update_params
from nn_numpy.errors import BackendUnsupportedError, UsageError
from nn_numpy.records import ACTIVATIONS, grad_names, param_names
from nn_numpy.training import LayeredTrainer, make_trainer
from nn_numpy.training.fast_trainer import NumbaTrainer, backend_problem
from tests.helpers import (
    GRAD_NAMES,
    PARAM_NAMES,
    assert_gradients_and_cost_equal_readable,
    blobs,
    close,
    deep_params,
    needs_numba,
    random_params,
)

BACKENDS = [
    pytest.param("trainer"),
    pytest.param("layered"),
    pytest.param("numba", marks=needs_numba),
]
# 1 to 4 hidden layers, each a different width, narrowing and widening
HIDDEN = [(5,), (8, 4), (6, 3, 7), (7, 3, 5, 2)]


def make(
    backend: str,
    X: np.ndarray,
    Y: np.ndarray,
    p: Params,
    learning_rate: float,
    dtype: DTypeLike = np.float64,
    **options: Any,
) -> Trainer | NumbaTrainer:
    """The backend's trainer; ``options``: ``chunk_size`` (trainer) or ``threads`` (numba)."""
    if backend == "numba":
        return NumbaTrainer(X, Y, p, learning_rate, dtype=dtype, threads=options.get("threads", 1))
    cls = LayeredTrainer if backend == "layered" else Trainer
    return cls(X, Y, p, learning_rate, dtype=dtype, chunk_size=options.get("chunk_size"))


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("n_h", [1, 5, 64])
def test_gradients_and_cost_equal_readable_backward_to_1e12(backend: str, n_h: int) -> None:
    X, Y = blobs(2000)
    p = random_params(2, n_h, seed=n_h)
    assert_gradients_and_cost_equal_readable(make(backend, X, Y, p, 0.1), p, X, Y)


@pytest.mark.parametrize(
    ("backend", "options"),
    [
        pytest.param("trainer", {"chunk_size": None}, id="trainer"),
        pytest.param("trainer", {"chunk_size": 97}, id="trainer-chunks-of-97"),
        pytest.param("layered", {"chunk_size": None}, id="layered"),
        pytest.param("layered", {"chunk_size": 97}, id="layered-chunks-of-97"),
        pytest.param("numba", {"threads": 1}, id="numba", marks=needs_numba),
        pytest.param("numba", {"threads": 2}, id="numba-2-threads", marks=needs_numba),
    ],
)
def test_steps_equal_readable_forward_backward_update(
    split_small_batches: None, backend: str, options: dict[str, Any]
) -> None:
    X, Y = blobs(2000)
    p = random_params(2, 5, seed=3)
    t = make(backend, X, Y, p, 0.5, **options)
    for _ in range(25):
        assert t.cost() == pytest.approx(compute_cost(forward(p, X), Y), rel=1e-12)
        t.step()
        p = update_params(p, backward(p, forward(p, X), X, Y), learning_rate=0.5)
    for name in PARAM_NAMES:
        close(t.params[name], p[name], 1e-12)


@pytest.mark.parametrize("backend", BACKENDS)
def test_float32_agrees_with_the_float64_trainer_to_1e5(backend: str) -> None:
    X, Y = blobs(2000)
    p = random_params(2, 5, seed=4)
    t64 = Trainer(X, Y, p, 0.5, dtype=np.float64)
    t32 = make(backend, X, Y, p, 0.5, dtype=np.float32)
    g64, g32 = t64.gradients(), t32.gradients()
    for name in GRAD_NAMES:
        assert getattr(g32, name).dtype == np.float32
        close(getattr(g32, name), getattr(g64, name), 1e-5)
    for _ in range(50):
        t64.step()
        t32.step()
    assert t32.cost() == pytest.approx(t64.cost(), rel=1e-5)
    for name in PARAM_NAMES:
        assert t32.params[name].dtype == np.float32
        close(t32.params[name], t64.params[name], 1e-5)


@pytest.mark.parametrize("backend", BACKENDS)
def test_dead_unit_has_zero_gradient_like_readable(backend: str) -> None:
    """A unit with Z1 = 0 on every example gets 1{0 > 0} = 0: no gradient flows through it."""
    X, Y = blobs(100)
    p = random_params(2, 3, 0)
    W1, b1 = p.W1.copy(), p.b1.copy()
    W1[1] = 0.0
    b1[1] = 0.0
    p = Params(W1=W1, b1=b1, W2=p.W2, b2=p.b2)
    fast = make(backend, X, Y, p, 0.1).gradients()
    assert np.all(fast.dW1[1] == 0.0) and fast.db1[1, 0] == 0.0 and fast.dW2[0, 1] == 0.0
    assert_gradients_and_cost_equal_readable(make(backend, X, Y, p, 0.1), p, X, Y)


@pytest.mark.parametrize("backend", BACKENDS)
def test_params_are_copies_and_inputs_are_not_modified(backend: str) -> None:
    X, Y = blobs(50)
    p = random_params(2, 4, 0)
    X0, Y0, p0 = X.copy(), Y.copy(), {k: v.copy() for k, v in p.as_dict().items()}
    t = make(backend, X, Y, p, 0.1)
    t.step()
    for name in PARAM_NAMES:
        np.testing.assert_array_equal(p[name], p0[name])
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(Y, Y0)
    snapshot = t.params
    snapshot.W1[...] = 123.0
    assert not np.any(t.params.W1 == 123.0)


# ------------------------------------------------------------------ any depth and activation


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("hidden", HIDDEN, ids=str)
def test_deep_gradients_and_cost_equal_readable_backward_to_1e12(
    hidden: tuple[int, ...], activation: str
) -> None:
    X, Y = blobs(1500, 3)
    p = deep_params(3, hidden, activation, seed=len(hidden))
    t = make_trainer(X, Y, p, 0.1)
    assert type(t) is (Trainer if (hidden, activation) == ((5,), "relu") else LayeredTrainer)
    assert_gradients_and_cost_equal_readable(t, p, X, Y)


@pytest.mark.parametrize("chunk_size", [None, 97], ids=["one-chunk", "chunks-of-97"])
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("hidden", HIDDEN[1:], ids=str)
def test_deep_steps_equal_readable_forward_backward_update(
    hidden: tuple[int, ...], activation: str, chunk_size: int | None
) -> None:
    X, Y = blobs(1000, 3, seed=1)
    p = deep_params(3, hidden, activation, seed=2)
    t = make_trainer(X, Y, p, 0.5, chunk_size=chunk_size)
    for _ in range(15):
        assert t.cost() == pytest.approx(compute_cost(forward(p, X), Y), rel=1e-12)
        t.step()
        p = update_params(p, backward(p, forward(p, X), X, Y), learning_rate=0.5)
    assert t.params.activation == activation
    for name in param_names(p.L):
        close(t.params[name], p[name], 1e-12)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("hidden", HIDDEN, ids=str)
def test_deep_float32_agrees_with_the_float64_readable_step_to_1e5(
    hidden: tuple[int, ...], activation: str
) -> None:
    """float32 carries ~7 digits, so 1e-12 is out of its reach: 1e-5, as for one layer."""
    X, Y = blobs(1000, 3, seed=2)
    p = deep_params(3, hidden, activation, seed=3)
    t32 = make_trainer(X, Y, p, 0.5, dtype=np.float32)
    g32 = t32.gradients()
    g64 = backward(p, forward(p, X), X, Y)
    for name in grad_names(p.L):
        assert g32[name].dtype == np.float32
        close(g32[name], g64[name], 1e-5)
    for _ in range(20):
        t32.step()
        p = update_params(p, backward(p, forward(p, X), X, Y), learning_rate=0.5)
    assert t32.cost() == pytest.approx(compute_cost(forward(p, X), Y), rel=1e-5)
    for name in param_names(p.L):
        assert t32.params[name].dtype == np.float32
        close(t32.params[name], p[name], 1e-5)


def test_a_dead_unit_in_a_middle_layer_passes_no_gradient_like_readable() -> None:
    """A unit of layer 2 with Z = 0 on every example: 1{0 > 0} = 0 below and above it."""
    X, Y = blobs(300, 3)
    arrays = deep_params(3, (6, 4, 5), "relu", seed=0).as_dict()
    arrays["W2"][1] = 0.0
    arrays["b2"][1] = 0.0
    p = Params(**arrays)
    fast = make_trainer(X, Y, p, 0.1).gradients()
    assert np.all(fast.dW2[1] == 0.0) and fast.db2[1, 0] == 0.0 and np.all(fast.dW3[:, 1] == 0.0)
    assert_gradients_and_cost_equal_readable(make_trainer(X, Y, p, 0.1), p, X, Y)


@pytest.mark.parametrize(
    ("hidden", "activation"), [((8, 4), "relu"), ((5,), "tanh"), ((5,), "sigmoid")]
)
def test_the_numba_backend_refuses_other_networks_in_one_usage_line(
    hidden: tuple[int, ...], activation: str
) -> None:
    """Before numba is imported: the refusal holds whether or not numba is installed."""
    X, Y = blobs(50)
    p = deep_params(2, hidden, activation, seed=0)
    with pytest.raises(BackendUnsupportedError) as info:
        make_trainer(X, Y, p, 0.1, backend="numba")
    message = str(info.value)
    assert isinstance(info.value, UsageError) and "\n" not in message
    assert f"hidden layers {' '.join(map(str, hidden))} of {activation}" in message
    assert message.endswith("use --backend numpy")
    assert backend_problem("numba", hidden, activation) == message
    assert backend_problem("numpy", hidden, activation) is None
