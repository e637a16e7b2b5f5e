"""The checker's cases are what the README promises: fixed, shaped to expose mistakes."""

from __future__ import annotations

import numpy as np
import pytest

import nn_numpy.check.cases as cases_module
from nn_numpy.check.cases import DATASETS, MAX_LOGIT, checker_cases, dataset_text
from nn_numpy.network import forward

CASES = checker_cases()


def by_family(family: str):
    return [case for case in CASES if case.family == family]


@pytest.mark.parametrize("name", DATASETS)
def test_datasets_regenerated_without_the_data_directory_equal_the_shipped_files(
    name, monkeypatch, tmp_path
):
    shipped = dataset_text(name)
    monkeypatch.setattr(cases_module, "DATA_DIR", tmp_path)  # as in an installed package
    assert dataset_text(name) == shipped


def test_cases_are_the_same_on_every_call():
    again = checker_cases()
    assert [c.name for c in again] == [c.name for c in CASES]
    for a, b in zip(again, CASES, strict=True):
        for key in ("W1", "b1", "W2", "b2"):
            assert np.array_equal(a.params[key], b.params[key])
        assert np.array_equal(a.X, b.X) and np.array_equal(a.Y, b.Y)


def test_shapes_case_lets_no_transpose_hide():
    (case,) = by_family("shapes")
    n_h, n_x = case.params.W1.shape
    m = case.X.shape[1]
    assert n_x != n_h and 1 not in (n_x, n_h) and m not in (n_x, n_h)


def test_the_families_cover_m_1_saturation_dead_units_and_both_signs_of_Z2():
    assert {"shapes", "dataset", "random", "m=1", "saturated", "dead units"} == {
        c.family for c in CASES
    }
    assert [c.X.shape[1] for c in by_family("m=1")] == [1]
    (saturated,) = by_family("saturated")
    Z2 = forward(saturated.params, saturated.X).Z2
    assert np.all(np.abs(Z2) >= MAX_LOGIT / 2) and np.all(np.abs(Z2) <= MAX_LOGIT)
    (dead,) = by_family("dead units")
    assert np.sum(np.all(forward(dead.params, dead.X).Z1 < 0, axis=1)) == 2
    for case in CASES:
        assert np.max(np.abs(forward(case.params, case.X).Z2)) <= MAX_LOGIT * (1 + 1e-12)
    mixed = [c for c in CASES if np.ptp(np.sign(forward(c.params, c.X).Z2)) == 2]
    assert len(mixed) >= 4  # a mask on Z2 instead of Z1 shows there


def test_random_params_draw_every_entry_biases_included_from_n_0_scale_squared():
    """The docstring's claim, entry for entry: W1, b1, W2, b2 are ``scale`` times the same
    generator's standard normal draws in that order (zero biases would leave every Z1 = W1 X)."""
    n_x, n_h, scale = 3, 4, 7.0
    draws = np.random.default_rng(5)
    expected = [scale * draws.standard_normal(s) for s in ((n_h, n_x), (n_h, 1), (1, n_h), (1, 1))]
    params = cases_module.random_params(np.random.default_rng(5), n_x, n_h, scale)
    for name, value in zip(("W1", "b1", "W2", "b2"), expected, strict=True):
        np.testing.assert_array_equal(params[name], value)
