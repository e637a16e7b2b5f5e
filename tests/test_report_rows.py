"""reference.rows: each case measured the right way, in the right column; faults, wrong pieces.

A gradient off by a factor (1 + 1e-6) must show up in the report's row as a relative error of
1e-6 for an ordinary network, not the smaller term-scaled error meant for saturated networks,
and as the term-scaled error in the saturated column for a saturated one. (``errors`` itself
rejecting a wrong gradient: tests/test_check_measures_reject_wrong.py.)
"""

from __future__ import annotations

import numpy as np
import pytest

import nn_numpy.check.oracles
from nn_numpy import Grads, Params, backward, forward
from nn_numpy.check.cases import Case
from nn_numpy.check.measures import relative_error
from reference.cases import dataset_cases, random_cases
from reference.rows import (
    A_GRID,
    LABELS,
    Z_GRID,
    errors,
    network_rows,
    piece_rows,
    seed_box2_literal_error,
)

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


def test_errors_are_relative_unless_asked_for_term_scaled(wrong_dW1) -> None:
    case = wrong_dW1
    assert errors(case.params, case.X, case.Y)["dW1"] == pytest.approx(OFF, rel=1e-3)


def test_saturated_cases_are_measured_against_the_terms_in_their_own_column(torch_ref, monkeypatch):
    monkeypatch.setattr(nn_numpy.check.oracles, "backward", _dW1_off_by_a_factor)
    case = random_cases(1, seed=1, saturated=True)[0]
    term_scaled = errors(case.params, case.X, case.Y, scaled=True)["dW1"]
    # M >= |dW1| elementwise, so the term-scaled error is below the relative one (1e-6)
    assert term_scaled < OFF / 2 < errors(case.params, case.X, case.Y)["dW1"]
    rows = network_rows([case])
    assert rows["dW1"].saturated.error == term_scaled
    assert rows["dW1"].autograd.error is None and rows["dW1"].fd.error is None


def _wrong_only_where(m: int):
    """backward with dW1 off by (1 + OFF) on batches of m examples only."""

    def backward_(params, cache, X, Y) -> Grads:
        return (_dW1_off_by_a_factor if X.shape[1] == m else backward)(params, cache, X, Y)

    return backward_


@pytest.mark.parametrize("saturated", [False, True])
def test_each_column_names_the_case_of_its_worst_error(torch_ref, monkeypatch, saturated):
    cases = random_cases(3, seed=5, saturated=saturated)
    assert len({c.X.shape[1] for c in cases}) == 3  # m tells the cases apart
    wrong = cases[1]
    monkeypatch.setattr(nn_numpy.check.oracles, "backward", _wrong_only_where(wrong.X.shape[1]))
    row = network_rows(cases)["dW1"]
    columns = [row.saturated] if saturated else [row.autograd, row.fd]
    assert [w.case for w in columns] == [wrong.name] * len(columns)


FAULTS = {  # a wrong backward's floating-point faults, and what numpy's message calls them
    "overflow": lambda: np.float64(1e308) * 10.0,
    "divide by zero": lambda: np.float64(1.0) / 0.0,
    "invalid value": lambda: np.float64(0.0) / 0.0,
}


@pytest.mark.parametrize("fault", FAULTS)
def test_errors_raises_when_ours_overflows_divides_by_zero_or_is_invalid(
    torch_ref, monkeypatch, fault
):
    def faulty_backward(params, cache, X, Y) -> Grads:
        FAULTS[fault]()
        return backward(params, cache, X, Y)

    monkeypatch.setattr(nn_numpy.check.oracles, "backward", faulty_backward)
    case = dataset_cases()[0]
    with pytest.raises(FloatingPointError, match=fault):
        errors(case.params, case.X, case.Y)


def test_a_wrong_sigma_prime_reference_fails_the_sigma_row(torch_ref, monkeypatch):
    right = torch_ref.sigmoid_derivative
    monkeypatch.setattr(torch_ref, "sigmoid_derivative", lambda z: right(z) * (1 + OFF))
    row = piece_rows()["sigma'"]
    assert row.autograd.error == pytest.approx(OFF, rel=1e-3) and not row.passed()


@pytest.mark.parametrize("label", LABELS)
def test_a_dL_da_reference_wrong_for_one_label_fails_the_loss_row(torch_ref, monkeypatch, label):
    right = torch_ref.loss_derivative_wrt_output

    def wrong_for_label(a, y):
        return right(a, y) * np.where(np.asarray(y) == label, 1 + OFF, 1.0)

    monkeypatch.setattr(torch_ref, "loss_derivative_wrt_output", wrong_for_label)
    row = piece_rows()["dL/da"]
    assert row.autograd.error == pytest.approx(OFF, rel=1e-3) and not row.passed()


def test_the_dL_da_error_is_per_entry_so_a_wrong_smallest_derivative_fails_the_loss_row(
    torch_ref, monkeypatch
):
    """|dL/da| spans 1 .. 1e13 on A_GRID: a reference off by OFF only where |dL/da| is smallest
    (~1) is an error of OFF per entry, but ~OFF/1e13 measured against the largest entry."""
    right = torch_ref.loss_derivative_wrt_output

    def wrong_at_smallest(a, y):
        ref = right(a, y)
        return np.where(np.abs(ref) == np.min(np.abs(ref)), ref * (1 + OFF), ref)

    monkeypatch.setattr(torch_ref, "loss_derivative_wrt_output", wrong_at_smallest)
    row = piece_rows()["dL/da"]
    assert row.autograd.error == pytest.approx(OFF, rel=1e-3) and not row.passed()


def test_the_pieces_grids_reach_both_tails_the_peak_and_both_labels():
    assert Z_GRID.min() == -40.0 and Z_GRID.max() == 40.0 and 0.0 in Z_GRID
    assert np.diff(Z_GRID).max() == pytest.approx(0.01)
    assert A_GRID.min() < 1e-13 and A_GRID.max() > 1.0 - 1e-13 and 0.5 in A_GRID
    assert sorted(LABELS) == [0.0, 1.0]


def _seed_box2_entrywise(case: Case) -> np.ndarray:
    """The seed's box 2 as printed, entry by entry: W2[0, i] (A2[j] - Y[j]) 1{Z2[j] > 0}."""
    cache = forward(case.params, case.X)
    return np.outer(case.params.W2[0], (cache.A2 - case.Y)[0] * (cache.Z2[0] > 0))


def _with_a_zero_logit(case: Case) -> Case:
    """Zero biases and a zero first example (there Z1 = 0, A1 = 0, Z2 = 0, a = 1/2), labelled
    as the network predicts, so |a - y| < 1/2 elsewhere: example 0 in the literal box 2 (a
    mask 1{Z2 >= 0}) would make the largest difference from autograd's dZ1 = 0 there."""
    p = case.params
    params = Params(W1=p.W1, b1=np.zeros_like(p.b1), W2=p.W2, b2=np.zeros_like(p.b2))
    X = case.X.copy()
    X[:, 0] = 0.0
    Y = (forward(params, X).A2 > 0.5).astype(np.float64)
    return Case("zero logit", params, X, Y)


def test_the_erratum_is_the_error_of_the_seed_box2_with_its_strict_mask_on_z2(torch_ref):
    basic = dataset_cases()[0]
    for case in (basic, _with_a_zero_logit(basic)):
        m = case.X.shape[1]
        ref = m * torch_ref.autograd_gradients(case.params, case.X, case.Y).dJ_dZ1
        expected = relative_error(_seed_box2_entrywise(case), ref)
        assert seed_box2_literal_error(case) == pytest.approx(expected, rel=1e-12)
    assert forward(case.params, case.X).Z2[0, 0] == 0.0  # the strict mask drops example 0
