"""The error scales and underflow floors at depth, on one network worked out term by term.

``error_scales`` carries M >= |q| through every layer: forwards M_Z[l] = |W[l]| M_A[l-1] + |b[l]|
and, for a tanh layer, M_A = |A| + g' M_Z (A's size plus Z's error through g' = 1 - A^2);
backwards M_dA[l-1] = |W[l]|^T M_dZ[l] and M_dZ = M_dA g' + |dA| M_g', where M_g' = 1 + A^2
+ 2|A| M_A is the size of g''s terms plus A's error through d g'/dA = -2A. Here every scale is
written out for one unit per layer (n_x = n_1 = n_2 = 1, m = 1), with NumPy only.
"""

from __future__ import annotations

import math

import numpy as np

from nn_numpy import Params
from nn_numpy.check.measures import error_scales, underflow_floors
from nn_numpy.check.oracles import layer_quantities

PARAMS = Params(
    W1=np.array([[0.5]]), b1=np.array([[-0.25]]), W2=np.array([[-2.0]]), b2=np.array([[0.5]]),
    W3=np.array([[1.5]]), b3=np.array([[-1.0]]), activation="tanh",
)  # fmt: skip
X, Y = np.array([[2.0]]), np.array([[1.0]])


def test_tanh_scales_of_every_layer_are_the_terms_carried_through_the_network() -> None:
    a1 = math.tanh(0.5 * 2.0 - 0.25)
    a2 = math.tanh(-2.0 * a1 + 0.5)
    z3 = 1.5 * a2 - 1.0
    a3 = 1.0 / (1.0 + math.exp(-z3))
    s1, s2 = 1 - a1 * a1, 1 - a2 * a2
    m_z1 = 0.5 * 2.0 + 0.25
    m_a1 = abs(a1) + s1 * m_z1
    m_z2 = 2.0 * m_a1 + 0.5
    m_a2 = abs(a2) + s2 * m_z2
    m_z3 = 1.5 * m_a2 + 1.0
    m_g1, m_g2 = 1 + a1 * a1 + 2 * abs(a1) * m_a1, 1 + a2 * a2 + 2 * abs(a2) * m_a2
    d3 = a3 + 1.0 + a3 * (1 - a3) * m_z3
    dA2 = abs(1.5 * (a3 - 1.0))  # |W3^T dZ3|, the formula's value
    d2 = 1.5 * d3 * s2 + dA2 * m_g2
    dA1 = abs(-2.0 * 1.5 * (a3 - 1.0) * s2)
    d1 = 2.0 * d2 * s1 + dA1 * m_g1
    softplus = math.log1p(math.exp(-abs(z3))) + max(z3, 0.0)
    expected = {
        "J": softplus + abs(z3) + abs(a3 - 1.0) * m_z3,
        "dZ3": d3, "db3": d3, "dW3": d3 * m_a2, "dA2": 1.5 * d3, "g'2": m_g2,
        "dZ2": d2, "db2": d2, "dW2": d2 * m_a1, "dA1": 2.0 * d2, "g'1": m_g1,
        "dZ1": d1, "db1": d1, "dW1": d1 * 2.0,
    }  # fmt: skip
    scales = error_scales(PARAMS, X, Y)
    assert set(scales) == set(expected) == set(layer_quantities(3))
    for name, value in expected.items():
        np.testing.assert_allclose(scales[name], np.reshape(value, np.shape(scales[name]) or ()),
                                   rtol=1e-14, err_msg=name)  # fmt: skip


def test_the_floors_of_a_smooth_network_are_a_few_tiny_not_a_real_error() -> None:
    """Floors only forgive underflow: on this ordinary network each is at most ~10 tiny."""
    tiny = np.finfo(np.float64).tiny
    floors = underflow_floors(PARAMS, X, Y)
    assert set(floors) == set(layer_quantities(3))
    for name, value in floors.items():
        assert 0 <= np.max(value) <= 10 * tiny, name


def test_sigmoid_hidden_layers_get_a_floor_for_outputs_torch_flushes_to_zero() -> None:
    sigmoid_net = Params(**PARAMS.as_dict(), activation="sigmoid")
    tiny = np.finfo(np.float64).tiny
    floors = underflow_floors(sigmoid_net, X, Y)
    assert np.max(floors["dW2"]) >= tiny * 0.1  # dZ2 |A1 floor|: A1 may be flushed
    assert np.max(floors["g'1"]) >= tiny
