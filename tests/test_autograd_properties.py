"""For any shape and any weight scale up to 1e3, backward agrees with autograd and stays finite.

Hypothesis draws n_x in 1..10, n_h in 1..32, m in 1..256, a weight scale 10^-3 .. 10^3 (from
ordinary networks to outputs saturated at 0 or 1 with logits near 1e9), a seed for the
N(0, 1)-times-scale weights and inputs, and the labels (random, all 0, all 1).

The measure is term-scaled: max|ours - ref| / max M, with M >= |ref| the size of the terms each
quantity is computed from (``reference.report.error_scales``). Against max|ref| alone 1e-10 is
not achievable here and would not mean anything: with weights ~1e3, db2 = mean(A2 - Y) adds
entries of +-1 that cancel to ~1e-17, and both float64 evaluations are right to ~u * M, not to
~u * |db2| (measured: relative error up to 1.0, term-scaled below 1e-15; README).
"""

from __future__ import annotations

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from nn_numpy import Params, backward, compute_cost, forward
from nn_numpy.check.cases import random_batch, random_params
from nn_numpy.check.oracles import BOUND_AUTOGRAD, QUANTITIES
from reference.rows import errors

EXAMPLES = 1000


@st.composite
def networks(draw: st.DrawFn):
    n_x, n_h, m = draw(st.integers(1, 10)), draw(st.integers(1, 32)), draw(st.integers(1, 256))
    scale = 10.0 ** draw(st.floats(-3.0, 3.0))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    params = random_params(rng, n_x, n_h, scale)
    X, Y = random_batch(rng, n_x, m)
    labels = draw(st.sampled_from(["random", "all 0", "all 1"]))
    if labels != "random":
        Y = np.full_like(Y, 0.0 if labels == "all 0" else 1.0)
    return params, X, Y


# Z2 = -713: A2 = sigma(-713) = 2.1e-310 is subnormal in NumPy and flushed to 0 by torch, an
# underflow the term-scaled measure must (and does) accept; found by a 2000-case random sweep.
SUBNORMAL_OUTPUT = (
    Params(
        W1=np.ones((1, 1)), b1=np.zeros((1, 1)), W2=np.full((1, 1), -713.0), b2=np.zeros((1, 1))
    ),
    np.ones((1, 1)),
    np.zeros((1, 1)),
)


@settings(max_examples=EXAMPLES)
@given(networks())
@example(SUBNORMAL_OUTPUT)
def test_every_gradient_and_cost_match_autograd_for_any_shape_and_weight_scale(torch_ref, network):
    params, X, Y = network
    worst = errors(params, X, Y, scaled=True)  # raises on NumPy overflow/divide/invalid
    assert set(worst) == set(QUANTITIES)
    for quantity, err in worst.items():
        assert err <= BOUND_AUTOGRAD, f"{quantity}: term-scaled error {err:.2e}"


@settings(max_examples=EXAMPLES)
@given(networks())
def test_cost_and_gradients_are_finite_with_no_floating_point_warning(network):
    params, X, Y = network
    with np.errstate(over="raise", divide="raise", invalid="raise"):  # underflow is harmless
        cache = forward(params, X)
        cost = compute_cost(cache, Y)
        grads = backward(params, cache, X, Y)
    assert np.isfinite(cost) and cost >= 0.0
    for name, value in grads.as_dict().items():
        assert np.all(np.isfinite(value)), name
