"""reference.rows measures ordinary networks relative to max|ref|, not against the terms.

A gradient off by a factor (1 + 1e-6) must show up in the report's row as a relative error of
1e-6, not the smaller term-scaled error meant for saturated networks. (``errors`` itself
rejecting a wrong gradient: tests/test_check_measures.py.)
"""

from __future__ import annotations

import pytest

import nn_numpy.check.oracles
from nn_numpy import Grads, backward
from reference.cases import dataset_cases
from reference.rows import network_rows

OFF = 1e-6


def _dW1_off_by_a_factor(params, cache, X, Y) -> Grads:
    g = backward(params, cache, X, Y)
    return Grads(dZ2=g.dZ2, dZ1=g.dZ1, dW1=g.dW1 * (1 + OFF), db1=g.db1, dW2=g.dW2, db2=g.db2)


@pytest.fixture
def wrong_dW1(torch_ref, monkeypatch):
    monkeypatch.setattr(nn_numpy.check.oracles, "backward", _dW1_off_by_a_factor)
    return dataset_cases()[0]  # basic_dataset, an ordinary (not saturated) network


def test_ordinary_cases_are_measured_relative_to_the_reference_not_the_terms(wrong_dW1) -> None:
    rows = network_rows([wrong_dW1], with_fd=False)
    assert rows["dW1"].autograd.error == pytest.approx(OFF, rel=1e-3)
    assert rows["dW1"].saturated.error is None
    assert not rows["dW1"].passed()
