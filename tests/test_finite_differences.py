"""backward() matches finite differences of J to a relative error below 1e-6, every parameter.

The oracle (nn_numpy/check/finite_differences.py) only evaluates J = compute_cost(forward(...), Y);
it never sees a gradient formula. These tests need NumPy only (no torch).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nn_numpy import Params, backward, compute_cost, forward, init_params, train
from nn_numpy.check.finite_differences import KinkError, numerical_gradients
from nn_numpy.check.measures import relative_error

DATA = Path(__file__).resolve().parent.parent / "data"
TOL = 1e-6
EPS = 1e-6


def load_standardized(name: str) -> tuple[np.ndarray, np.ndarray]:
    """X (n_x, m) with zero-mean unit-variance rows, Y (1, m), from a CSV with a header line."""
    table = np.loadtxt(DATA / name, delimiter=",", skiprows=1, ndmin=2)
    X, Y = table[:, :-1].T, table[:, -1:].T
    X = (X - X.mean(axis=1, keepdims=True)) / X.std(axis=1, keepdims=True)
    return X, Y


def worst_errors(params: Params, X: np.ndarray, Y: np.ndarray) -> dict[str, float]:
    """relative_error(backward, finite differences) for each parameter."""
    grads = backward(params, forward(params, X), X, Y)
    numeric = numerical_gradients(params, X, Y, eps=EPS)
    return {name: relative_error(grads["d" + name], numeric[name]) for name in numeric}


def random_case(seed: int, n_x: int, n_h: int, m: int) -> tuple[Params, np.ndarray, np.ndarray]:
    """Random params (non-zero biases), inputs and 0/1 labels, kept clear of ReLU kinks.

    A central stencil moves Z1[j, i] by at most EPS * max(1, |X|). Examples with some |Z1[j, i]|
    under 100 times that are redrawn (the first m clean ones of 2m draws are kept), so no stencil
    can cross a kink and the oracle's plain central difference is what is tested.
    """
    rng = np.random.default_rng(seed)
    params = Params(
        W1=rng.standard_normal((n_h, n_x)),
        b1=rng.standard_normal((n_h, 1)),
        W2=rng.standard_normal((1, n_h)),
        b2=rng.standard_normal((1, 1)),
    )
    X = rng.standard_normal((n_x, 2 * m))
    margin = 100 * EPS * max(1.0, float(np.max(np.abs(X))))
    clean = np.all(np.abs(forward(params, X).Z1) > margin, axis=0)
    X = X[:, clean][:, :m]
    assert X.shape[1] == m, "too many examples near a ReLU kink; change the seed"
    Y = (rng.random((1, m)) < 0.5).astype(np.float64)
    return params, X, Y


@pytest.mark.parametrize("name", ["basic_dataset.csv", "large_dataset.csv"])
@pytest.mark.parametrize("steps", [0, 300])
def test_backward_matches_finite_differences_on_dataset(name: str, steps: int) -> None:
    X, Y = load_standardized(name)
    params = init_params(X.shape[0], 5, seed=42)
    if steps:  # also check away from the initial point, where gradients are smaller
        params, _ = train(X, Y, params, learning_rate=0.1, epochs=steps)
    errors = worst_errors(params, X, Y)
    assert max(errors.values()) < TOL, errors


@pytest.mark.parametrize(
    ("seed", "n_x", "n_h", "m"),
    [(1, 1, 1, 1), (2, 1, 3, 2), (3, 3, 4, 7), (4, 5, 8, 64), (5, 2, 16, 500)],
)
def test_backward_matches_finite_differences_on_random_cases(
    seed: int, n_x: int, n_h: int, m: int
) -> None:
    params, X, Y = random_case(seed, n_x, n_h, m)
    errors = worst_errors(params, X, Y)
    assert max(errors.values()) < TOL, errors


def test_oracle_detects_seed_box_2_with_mask_on_Z2() -> None:
    """The seed's literal box 2 masks with 1{Z[L] > 0}; the oracle must reject that gradient."""
    params, X, Y = random_case(4, 5, 8, 64)
    cache = forward(params, X)
    assert np.any(cache.Z2 > 0) and np.any(cache.Z2 <= 0)  # the wrong mask really differs
    dZ2 = cache.A2 - Y
    wrong_dZ1 = (params.W2.T @ dZ2) * (cache.Z2 > 0)  # mask on Z2 instead of Z1
    wrong = {"W1": wrong_dZ1 @ X.T / X.shape[1], "b1": wrong_dZ1.mean(axis=1, keepdims=True)}
    numeric = numerical_gradients(params, X, Y)
    for name, grad in wrong.items():
        assert relative_error(grad, numeric[name]) > 1e-2, name


@pytest.mark.parametrize("mistake", ["missing 1/m", "extra sigmoid' in dZ2", "no ReLU mask"])
def test_oracle_detects_other_plausible_mistakes(mistake: str) -> None:
    params, X, Y = random_case(3, 3, 4, 7)
    cache = forward(params, X)
    m = X.shape[1]
    good = backward(params, cache, X, Y)
    numeric = numerical_gradients(params, X, Y)
    if mistake == "missing 1/m":
        name, grad = "W2", good.dW2 * m
    elif mistake == "extra sigmoid' in dZ2":  # dL/da * sigma' already cancelled to A2 - Y
        dZ2 = (cache.A2 - Y) * cache.A2 * (1 - cache.A2)
        name, grad = "b2", dZ2.mean(axis=1, keepdims=True)
    else:
        dZ1 = params.W2.T @ good.dZ2
        name, grad = "b1", dZ1.mean(axis=1, keepdims=True)
    assert relative_error(good["d" + name], numeric[name]) < TOL
    assert relative_error(grad, numeric[name]) > 1e-2


def kink_case(z1_first: float) -> tuple[Params, np.ndarray, np.ndarray]:
    """n_x = n_h = 1, X = [[1, 2]], so Z1 = [z1_first, z1_first + 1]."""
    params = Params(
        W1=np.array([[1.0]]),
        b1=np.array([[z1_first - 1.0]]),
        W2=np.array([[1.5]]),
        b2=np.array([[-0.5]]),
    )
    return params, np.array([[1.0, 2.0]]), np.array([[1.0, 0.0]])


def naive_central(params: Params, X: np.ndarray, Y: np.ndarray, name: str, h: float) -> float:
    """Plain central difference for a (1, 1) parameter, blind to kinks."""

    def J(delta: float) -> float:
        arrays = params.as_dict()
        arrays[name] = arrays[name] + delta
        return compute_cost(forward(Params(**arrays), X), Y)

    return (J(h) - J(-h)) / (2 * h)


@pytest.mark.parametrize("z1_first", [0.0, 3e-7, -3e-7])
def test_oracle_steps_around_a_relu_kink(z1_first: float) -> None:
    """Z1 exactly on, or closer than the step to, 0: a naive central difference straddles the
    kink and is wrong, the oracle's one-sided stencil agrees with backward (mask 1{Z1 > 0})."""
    params, X, Y = kink_case(z1_first)
    grads = backward(params, forward(params, X), X, Y)
    numeric = numerical_gradients(params, X, Y, eps=EPS)
    for name in ("W1", "b1"):
        assert relative_error(grads["d" + name], numeric[name]) < TOL, name
        naive = np.array([[naive_central(params, X, Y, name, EPS)]])
        assert relative_error(naive, numeric[name]) > 1e-3, name


def test_oracle_refuses_a_point_where_J_is_not_differentiable() -> None:
    """Two examples on the kink moving in opposite directions: no one-sided stencil is smooth."""
    params = Params(
        W1=np.array([[1.0, 1.0]]),
        b1=np.zeros((1, 1)),
        W2=np.array([[2.0]]),
        b2=np.zeros((1, 1)),
    )
    X = np.array([[1.0, -1.0], [-1.0, 1.0]])  # Z1 = [0, 0]; W1[0, 0] + t gives Z1 = [t, -t]
    with pytest.raises(KinkError):
        numerical_gradients(params, X, np.array([[1.0, 0.0]]))


def test_relative_error_is_max_norm_ratio() -> None:
    assert relative_error([1.0, 2.0], [1.0, 4.0]) == 0.5  # max |diff| 2 over max |ref| 4
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error([1e-3, 0.0], [0.0, 0.0]) == 1e-3  # all-zero ref: absolute error
    with pytest.raises(ValueError, match="shape"):
        relative_error(np.zeros((2, 1)), np.zeros((1, 2)))


@pytest.mark.parametrize("eps", [0.0, -1e-6, float("nan"), -float("inf")])
def test_a_step_that_is_not_positive_is_rejected_naming_its_value(eps: float) -> None:
    params, X, Y = random_case(0, n_x=1, n_h=1, m=2)
    with pytest.raises(ValueError) as info:
        numerical_gradients(params, X, Y, eps=eps)
    assert str(info.value) == f"eps must be positive, got {eps!r}"


@pytest.mark.parametrize("dtype", [np.float32, np.longdouble])
@pytest.mark.parametrize("narrow", ["params", "X"])
def test_every_evaluation_is_in_float64_whatever_the_inputs_dtype(dtype: type, narrow: str) -> None:
    """float32 parameters are widened (their step is not rounded to float32), and longdouble
    ones or inputs rounded to float64 (not evaluated in extended precision): the result is the
    oracle's on the same float64 values, bit for bit."""
    if np.finfo(dtype).eps == np.finfo(np.float64).eps:
        pytest.skip("longdouble is float64 on this platform: nothing to round")
    params, X, Y = random_case(1, n_x=2, n_h=3, m=5)
    if narrow == "params":
        given = Params(**{k: v.astype(dtype) for k, v in params.as_dict().items()})
        X_given = X
    else:
        given, X_given = params, X.astype(dtype)
    as_float64 = Params(**{k: np.asarray(v, np.float64) for k, v in given.as_dict().items()})
    expected = numerical_gradients(as_float64, np.asarray(X_given, np.float64), Y)
    got = numerical_gradients(given, X_given, Y)
    for name, value in expected.items():
        assert got[name].dtype == np.float64, name
        np.testing.assert_array_equal(got[name], value, err_msg=name)
