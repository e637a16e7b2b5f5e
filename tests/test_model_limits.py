"""What save_model refuses before writing: names the reader could never produce, and parameters
whose output overflows the model's own dtype near the training mean; and the cost's print form."""

from __future__ import annotations

import numpy as np
import pytest

from nn_numpy.cli._outputs import format_cost
from nn_numpy.io.columns import Columns
from nn_numpy.io.data import Standardizer
from nn_numpy.io.model_io import save_model
from nn_numpy.network import Params


def _params(scale: float = 1.0) -> Params:
    return Params(
        np.full((1, 2), scale), np.zeros((1, 1)), np.full((1, 1), scale), np.zeros((1, 1))
    )


@pytest.mark.parametrize("name", [" a", "a\t", ""])
def test_a_name_with_surrounding_spaces_or_empty_is_refused(tmp_path, name):
    path = tmp_path / "m.npz"
    with pytest.raises(ValueError, match="column names must be non-empty without surrounding"):
        save_model(path, _params(), Standardizer.identity(2), "float64", Columns((name, "b"), "y"))
    assert not path.exists()


def test_a_float32_model_whose_output_overflows_float32_is_refused(tmp_path):
    big = _params(1e20)  # |Z2| up to 2e40 near the mean: past float32, within float64
    save_model(tmp_path / "ok64.npz", big, Standardizer.identity(2), "float64")
    with pytest.raises(ValueError, match="the output overflows even near the training mean"):
        save_model(tmp_path / "m32.npz", big, Standardizer.identity(2), "float32")


@pytest.mark.parametrize(
    "cost, text",
    [(0.1492561, "0.149256"), (999999.0, "999999.000000"), (1e6, "1.000000e+06"),
     (-2e6, "-2.000000e+06"), (-5.0, "-5.000000")],
)  # fmt: skip
def test_costs_from_a_million_up_in_size_are_printed_in_exponent_form(cost, text):
    assert format_cost(cost) == text
