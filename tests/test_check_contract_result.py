"""The checker's contract with the user's function: what is read from the result (keys, values,
shapes, objects, tensors), what stops the check (exit 2, one line), and the copies the user's
function is called with."""

from __future__ import annotations

import re
from types import SimpleNamespace

import numpy as np
import pytest

from nn_numpy.check import UsageError, UserCodeError
from nn_numpy.check.cases import checker_cases
from nn_numpy.check.contract import call_user, read_result

GRADS = {"dW1": np.ones((2, 3)), "db1": np.ones((2, 1)), "dW2": np.ones((1, 2)),
         "db2": np.ones((1, 1))}  # fmt: skip


def test_every_required_key_missing_is_named():
    with pytest.raises(UsageError, match=r"without db1, db2 \(needs dW1"):
        read_result({"dW1": 1.0, "dW2": 1.0}, "f")


def test_a_tuple_result_is_refused_with_the_dict_to_return_instead():
    with pytest.raises(UsageError, match="returned a tuple of 4 values; return a dict"):
        read_result((1, 2, 3, 4), "f")


def test_none_is_refused_as_a_missing_return_statement():
    with pytest.raises(UsageError, match=r"returned None \(a missing return statement"):
        read_result(None, "f")


def test_keys_differing_only_in_case_are_pointed_out():
    with pytest.raises(UsageError, match="keys are case-sensitive, found dw1"):
        read_result({"dw1": 1, "db1": 1, "dW2": 1, "db2": 1}, "f")


def test_at_most_eight_keys_are_listed():
    keys = {f"k{i}": 1 for i in range(9)}
    with pytest.raises(UsageError, match=r"its keys are k0, k1, k2, k3, k4, k5, k6, k7, \.\.\.$"):
        read_result(keys, "f")
    with pytest.raises(UsageError, match=r"its keys are k0, k1, k2, k3, k4, k5, k6, k7$"):
        read_result(dict(list(keys.items())[:8]), "f")


def test_an_object_with_attributes_is_read_like_a_dict_and_extra_keys_are_ignored():
    values = read_result(SimpleNamespace(**GRADS, extra="text"), "f")
    assert set(values) == set(GRADS)


def test_the_cost_is_read_as_J_and_J_wins_over_cost():
    assert read_result({**GRADS, "cost": 0.5}, "f")["J"] == 0.5
    assert read_result({**GRADS, "cost": 0.5, "J": 0.25}, "f")["J"] == 0.25
    assert "J" not in read_result(GRADS, "f")


def test_optional_dZ_values_are_read():
    values = read_result({**GRADS, "dZ1": np.zeros((2, 4)), "dZ2": np.zeros((1, 4))}, "f")
    assert values["dZ1"].shape == (2, 4) and values["dZ2"].shape == (1, 4)


@pytest.mark.parametrize("value", [np.ones(2, dtype=complex), np.ones(2, dtype=bool), "zero",
                                   np.array([object()])])  # fmt: skip
def test_a_value_that_is_not_real_numbers_stops_the_check(value):
    with pytest.raises(UsageError, match="dW2 is not an array of real numbers"):
        read_result({**GRADS, "dW2": value}, "f")


def test_integer_values_are_real_numbers():
    assert read_result({**GRADS, "db2": np.array([[0]])}, "f")["db2"].dtype.kind == "i"


def test_an_object_whose_array_conversion_raises_is_their_exception_not_a_contract_error():
    class Bad:
        def __array__(self, *args, **kwargs):
            raise RuntimeError("no")

    with pytest.raises(RuntimeError, match=r"^no$"):
        read_result({**GRADS, "db1": Bad()}, "f")


def test_a_ragged_value_numpy_cannot_convert_stops_the_check_in_one_line():
    # NumPy >= 1.24 refuses a ragged list; older NumPy makes an object array of it
    ragged = r"^db1 (cannot be read as an array \(ValueError: |is not an array of real numbers)"
    with pytest.raises(UsageError, match=ragged):
        read_result({**GRADS, "db1": [[1.0, 2.0], [3.0]]}, "f")


def test_a_torch_tensor_with_grad_is_read():
    torch = pytest.importorskip("torch")
    t = torch.ones((2, 3), requires_grad=True) * 2
    assert np.array_equal(read_result({**GRADS, "dW1": t}, "f")["dW1"], np.full((2, 3), 2.0))


def test_the_user_gets_float64_copies_and_changing_them_does_not_change_the_case():
    case = checker_cases()[0]
    before = case.X.copy()
    seen = []

    def fn(W1, b1, W2, b2, X, Y):
        seen.append([a.dtype for a in (W1, b1, W2, b2, X, Y)])
        X[...] = 0
        return GRADS

    call_user(fn, case, "f")
    assert np.array_equal(case.X, before)
    assert seen == [[np.dtype(np.float64)] * 6]


@pytest.mark.parametrize("exc", [ValueError("theirs"), SystemExit(3)])
def test_an_exception_in_the_user_function_is_theirs(exc):
    def fn(*args):
        raise exc

    case = checker_cases()[0]
    with pytest.raises(UserCodeError, match=re.escape(f"raised on case '{case.name}'")) as info:
        call_user(fn, case, "f")
    assert info.value.__cause__ is exc


def test_a_broadcast_view_too_large_to_compare_stops_the_check_in_one_line_not_out_of_memory():
    view = np.broadcast_to(np.float64(0), (10**6, 10**6))  # 8 TB if it were held
    with pytest.raises(UsageError, match=r"^dW1 has shape \(1000000, 1000000\), 10{12} entries"):
        read_result({**GRADS, "dW1": view}, "f")


def test_a_wrong_shape_that_fits_in_memory_is_read_for_the_diagnosis():
    outer = np.broadcast_to(np.float64(1), (1000, 1000))  # an (m, m) broadcasting mistake
    assert read_result({**GRADS, "db2": outer}, "f")["db2"].shape == (1000, 1000)
