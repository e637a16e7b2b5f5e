"""reference/cases.py builds the cases the report's header says it measures.

The ranges and settings are read from the header ``python -m reference.report`` prints
(``render``), so the header and the cases cannot drift apart.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import reference.cases
from nn_numpy.check.cases import DATA_DIR, load_dataset
from nn_numpy.network import init_params
from reference.cases import dataset_cases, random_cases
from reference.report import render

CASES = dataset_cases() + random_cases(2, seed=0) + random_cases(2, seed=1, saturated=True)
HEADER = render([], CASES, erratum=1.0).split("\n\n")[0]


def _ints(pattern: str) -> list[int]:
    match = re.search(pattern, HEADER)
    assert match, (pattern, HEADER)
    return [int(g) for g in match.groups()]


def test_the_dataset_cases_are_the_standardized_files_with_the_stated_he_init():
    n_h, seed = _ints(r"He init, n_h = (\d+), seed (\d+), standardized features")
    cases = dataset_cases()
    assert [c.name for c in cases] == ["basic_dataset", "large_dataset"]
    for case in cases:
        X, Y = load_dataset(DATA_DIR / f"{case.name}.csv")
        assert np.array_equal(case.X, X) and np.array_equal(case.Y, Y)
        expected = init_params(X.shape[0], n_h, seed=seed)
        for name in ("W1", "b1", "W2", "b2"):
            assert np.array_equal(case.params[name], expected[name]), name
        assert case.family == "dataset" and not case.saturated


@pytest.mark.parametrize("saturated", [False, True])
def test_random_cases_span_exactly_the_shapes_the_header_states(saturated):
    ranges = [_ints(rf"{name} (\d+)\.\.(\d+)") for name in ("n_x", "n_h", "m")]
    cases = random_cases(3000, seed=0, saturated=saturated)
    shapes = np.array([(c.X.shape[0], c.params.W1.shape[0], c.X.shape[1]) for c in cases])
    for k, (low, high) in enumerate(ranges):
        assert (shapes[:, k].min(), shapes[:, k].max()) == (low, high)  # reached, not exceeded


def test_random_cases_are_named_by_family_index_and_shape():
    for family, saturated in (("random", False), ("saturated", True)):
        for k, case in enumerate(random_cases(3, seed=4, saturated=saturated)):
            n_x, m = case.X.shape
            n_h = case.params.W1.shape[0]
            assert case.name == f"{family}-{k} (n_x={n_x}, n_h={n_h}, m={m})"
            assert case.family == family and case.saturated is saturated


def test_weights_are_standard_normal_or_scaled_by_the_stated_factors(monkeypatch):
    low, high = (float(f) for f in re.findall(r"weights x (1e\d)\.\.(1e\d)", HEADER)[0])
    assert "weights N(0, 1)" in HEADER
    scales: list[tuple[bool, float]] = []
    random_params = reference.cases.random_params

    def recording(rng, n_x, n_h, scale):
        scales.append((saturated, scale))
        return random_params(rng, n_x, n_h, scale)

    monkeypatch.setattr(reference.cases, "random_params", recording)
    for saturated in (False, True):
        random_cases(500, seed=6, saturated=saturated)
    ordinary = [s for sat, s in scales if not sat]
    factors = np.array([s for sat, s in scales if sat])
    assert ordinary == [1.0] * 500
    assert low <= factors.min() < 1.1 * low and high / 1.1 < factors.max() <= high
    # drawn log-uniformly: as many below the geometric midpoint as above it, within noise
    assert abs(np.mean(factors < np.sqrt(low * high)) - 0.5) < 0.1
