"""Every catalogued deep mistake is diagnosed by name at every depth it shows at, with and without
dZ returned; the layer to fix first is the deepest wrong one; a mistake the catalogue does not
know fails naming the worst entry; a near miss reads as a tolerance matter."""

from __future__ import annotations

import pytest

from nn_numpy.check.deep import check_network
from nn_numpy.check.deep_cases import deep_cases
from nn_numpy.errors import UsageError, UserCodeError
from tests import deep_users as users

SQUARE = "square"  # mistakes that only run where every width is equal
# mistake: (activation, cases, words every failing row's diagnosis holds, rows that must fail)
EXPECTED = {
    "off by one layer": ("relu", SQUARE, "g' of the next layer's Z", {"dW1", "dA0"}),
    "output derivative on hidden layers": ("relu", "", "the output layer's sigma'(Z)", {"dW1"}),
    "hidden derivative on the output": ("relu", "", "the hidden layers' derivative", {"dW1"}),
    "dAL sign": ("relu", "", "dAL with the sign flipped", {"dW5", "dW1", "db1"}),
    "dAL no denominators": ("relu", "", "dAL without its denominators", {"dW5", "dW1"}),
    "dA_prev without W": ("relu", SQUARE, "dA_prev = dZ, without W", {"dW1"}),
    "dA_prev without transpose": ("relu", SQUARE, "dA_prev = W dZ, without", {"dA3", "dW1"}),
    "dW1 and dW2 swapped": ("relu", "", "stored under", {"dW1", "dW2"}),
    "first layer never computed": ("relu", "", "never computed (all zeros)", {"dW1", "db1"}),
    "missing 1/m in dW3": ("relu", "", "missing 1/m: dW3 is m times too large", {"dW3"}),
    "1 - A": ("tanh", "", "1 - A (tanh's derivative is 1 - A^2)", {"dW4", "dW1"}),
    "ReLU mask": ("tanh", "", "ReLU's mask 1{Z > 0} instead of tanh's 1 - A^2", {"dW1"}),
    "times 1.7 in dW2": ("relu", "", "no known mistake matches; the worst entry is dW2[", {"dW2"}),
    "epsilon in the logs": ("relu", "", "no formula mistake", {"db2"}),
}
FOLLOWING = ("follows from your dZ", "computed from a wrong dZ")


def check(mistake: str, dZ: bool):
    activation, family, _, _ = EXPECTED[mistake]
    cases = [c for c in deep_cases(activation=activation) if not family or c.family == family]
    return check_network(users.course(mistake, activation, dZ=dZ), activation=activation,
                         cases=cases, use_torch=False)  # fmt: skip


@pytest.mark.parametrize("dZ", [False, True], ids=["no-dZ", "dZ"])
@pytest.mark.parametrize("mistake", list(EXPECTED))
def test_each_deep_mistake_is_diagnosed_by_name(mistake, dZ):
    report = check(mistake, dZ)
    _, _, words, must_fail = EXPECTED[mistake]
    failed = {row.quantity: row.diagnosis for row in report.rows if not row.ok}
    assert must_fail <= set(failed), report
    for q, text in failed.items():  # its own words, or it follows from a wrong dZ that has them
        assert words in text or (dZ and text.startswith(FOLLOWING)), (q, text)
    assert any(words in text for text in failed.values())


def test_the_deepest_wrong_layer_is_named_first():
    report = check_network(users.course("no mask in layer 3", dZ=True), use_torch=False)
    failed = {row.quantity: row.diagnosis for row in report.rows if not row.ok}
    assert failed["dZ3"].startswith("no derivative at all (dZ = dA) instead of ReLU's")
    for q in ("dW3", "db3", "dA2", "dZ2", "dW2", "dZ1", "dW1", "db1", "dA0"):
        assert failed[q].startswith("follows from your dZ3: fix layer 3 first"), q
    assert not {"dZ5", "dW5", "dZ4", "dW4", "dA3"} & set(failed)


def test_without_dZ_the_wrong_layer_is_named_from_the_values():
    report = check_network(users.course("no mask in layer 3"), use_torch=False)
    failed = {row.quantity: row.diagnosis for row in report.rows if not row.ok}
    assert failed["dW1"] == (
        "computed from a wrong dZ3: no derivative at all (dZ = dA) instead of ReLU's "
        "1{Z > 0} in dZ3: fix layer 3 first"
    )


def test_a_mistake_in_one_layer_names_the_depths_it_shows_at():
    report = check_network(users.course("missing 1/m in dW3"), use_torch=False)
    (row,) = [row for row in report.rows if not row.ok]
    assert row.diagnosis.endswith("(with 4 hidden layers; right with 2)")


def test_a_near_miss_never_reads_as_a_formula_mistake():
    report = check(mistake="epsilon in the logs", dZ=True)
    for row in report.rows:
        assert row.ok or row.diagnosis.startswith("no formula mistake: off by 0.00"), row


@pytest.mark.parametrize(
    ("mistake", "hint"),
    [("first layer skipped", "does the backward loop stop before layer 1?"),
     ("layers counted from 0", "layers are numbered from 1")],
)  # fmt: skip
def test_a_loop_that_misses_a_layers_keys_is_a_usage_error_with_the_likely_cause(mistake, hint):
    with pytest.raises(UsageError, match="without dW1, db1") as error:
        check_network(users.course(mistake), use_torch=False)
    assert hint in str(error.value)


@pytest.mark.parametrize("mistake", ["off by one layer", "dA_prev without W"])
def test_code_that_fits_only_equal_widths_raises_with_the_reason(mistake):
    with pytest.raises(UserCodeError, match="ran on the square cases"):
        check_network(users.course(mistake), use_torch=False)
