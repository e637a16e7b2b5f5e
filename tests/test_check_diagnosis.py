"""nn-numpy-check names each catalogued mistake, on every case family where it shows.

Each mistake below is one line changed in an otherwise correct implementation, written the way
people write it. On every case family the checker either passes it (only when the mistake
changes nothing on that family, e.g. a missing 1/m at m = 1: checked independently here) or
fails the quantity and names the mistake.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from nn_numpy.check import check_gradients
from nn_numpy.check.api import TOLERANCE
from nn_numpy.check.cases import Case, checker_cases
from nn_numpy.check.diagnose import FORMULA_MISTAKES
from nn_numpy.check.measures import relative_error

CASES = checker_cases()
FAMILIES = sorted({case.family for case in CASES})


def implementation(mistake: str | None = None, with_dZ: bool = False) -> Callable[..., Any]:
    """f(W1, b1, W2, b2, X, Y) -> dict, correct except for ``mistake``."""

    def gradients(W1, b1, W2, b2, X, Y):
        m = X.shape[1]
        Z1 = W1 @ X + b1
        A1 = np.maximum(Z1, 0)
        Z2 = W2 @ A1 + b2
        A2 = 1 / (1 + np.exp(-Z2))
        dZ2 = {
            "extra sigma'": (A2 - Y) * A2 * (1 - A2),
            "sign flipped": Y - A2,
            "dZ2 divided by m": (A2 - Y) / m,
        }.get(mistake, A2 - Y)
        dZ1 = {
            "mask on Z2": (W2.T @ dZ2) * (Z2 > 0),
            "no mask": W2.T @ dZ2,
            "ReLU for its derivative": (W2.T @ dZ2) * A1,
            "tanh derivative": (W2.T @ dZ2) * (1 - np.power(A1, 2)),
            "sigmoid derivative": (W2.T @ dZ2) * A1 * (1 - A1),
        }.get(mistake, (W2.T @ dZ2) * (Z1 > 0))
        grads = {
            "dW1": dZ1 @ X.T / m,
            "db1": np.sum(dZ1, axis=1, keepdims=True) / m,
            "dW2": dZ2 @ A1.T / m,
            "db2": np.sum(dZ2, axis=1, keepdims=True) / m,
            "J": -np.mean(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)),
        }
        grads.update(
            {
                "missing 1/m": {"dW1": dZ1 @ X.T},
                "1/m twice": {"dW2": dZ2 @ A1.T / m / m},
                "transposed": {"dW1": X @ dZ1.T / m},
                "summed": {"db1": np.sum(dZ1, axis=1, keepdims=True)},
                "1-D db1": {"db1": np.mean(dZ1, axis=1)},
                "wrong axis": {"db1": np.sum(dZ1, axis=0, keepdims=True) / m},
                "Z1 for A1": {"dW2": dZ2 @ Z1.T / m},
                "J summed": {"J": -np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2))},
                "J sign": {"J": np.mean(Y * np.log(A2) + (1 - Y) * np.log(1 - A2))},
            }.get(mistake, {})
        )
        if with_dZ:
            grads.update(dZ1=dZ1, dZ2=dZ2)
        return grads

    return gradients


# mistake -> (the quantity it shows in first, words the diagnosis must contain)
CATALOGUE = {
    "extra sigma'": ("dW2", "extra sigma' factor"),
    "sign flipped": ("dW2", "sign flipped: Y - A2"),
    "dZ2 divided by m": ("dW2", "divided by m"),
    "mask on Z2": ("dW1", "ReLU mask on the output layer"),
    "no mask": ("dW1", "no ReLU mask"),
    "ReLU for its derivative": ("dW1", "ReLU instead of its derivative"),
    "tanh derivative": ("dW1", "tanh's derivative 1 - A1^2"),
    "sigmoid derivative": ("dW1", "sigmoid's derivative A1 (1 - A1)"),
    "missing 1/m": ("dW1", "missing 1/m"),
    "1/m twice": ("dW2", "1/m applied twice"),
    "transposed": ("dW1", "transposed: returned (3, 5), expected (5, 3)"),
    "summed": ("db1", "summed over the examples instead of averaged"),
    "1-D db1": ("db1", "wrong shape (5,), expected (5, 1) (the values are right)"),
    "wrong axis": ("db1", "summed over the units (axis 0)"),
    "Z1 for A1": ("dW2", "Z1 where A1 belongs"),
    "J summed": ("J", "summed instead of averaged"),
    "J sign": ("J", "sign flipped"),
}


def differs(mistake: str, quantity: str, cases: list[Case]) -> bool:
    """Whether the mistake changes ``quantity`` on any of ``cases`` (shape or value)."""
    good, bad = implementation(), implementation(mistake)
    for case in cases:
        args = (*case.params.as_dict().values(), case.X, case.Y)
        right, wrong = np.asarray(good(*args)[quantity]), np.asarray(bad(*args)[quantity])
        if right.shape != wrong.shape or relative_error(wrong, right) > TOLERANCE:
            return True
    return False


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("mistake", list(CATALOGUE))
def test_each_catalogued_mistake_is_diagnosed_by_name_on_each_case_family(mistake, family):
    quantity, words = CATALOGUE[mistake]
    cases = [case for case in CASES if case.family == family]
    report = check_gradients(implementation(mistake), cases=cases, use_torch=False)
    row = next(row for row in report.rows if row.quantity == quantity)
    if not differs(mistake, quantity, cases):
        assert report.ok, str(report)  # e.g. a missing 1/m at m = 1 is no mistake there
        return
    assert not row.ok
    if words.startswith(("transposed", "wrong shape")) and family != "shapes":
        words = words.split(":")[0].split(" (")[0]  # other families have other shapes
    if words not in row.diagnosis:  # allowed only if the named mistake is the same on this family
        named = [m for m, (q, w) in CATALOGUE.items() if q == quantity and w in row.diagnosis]
        assert named and not tell_apart(mistake, named[0], quantity, cases), str(report)


def tell_apart(mistake: str, other: str, quantity: str, cases: list[Case]) -> bool:
    """Whether two mistakes give different values of ``quantity`` on some case."""
    for case in cases:
        args = (*case.params.as_dict().values(), case.X, case.Y)
        a = np.asarray(implementation(mistake)(*args)[quantity])
        b = np.asarray(implementation(other)(*args)[quantity])
        if a.shape != b.shape or relative_error(a, b) > TOLERANCE:
            return True
    return False


@pytest.mark.parametrize("mistake", list(CATALOGUE))
def test_each_catalogued_mistake_fails_the_full_check_and_only_its_quantities(mistake):
    report = check_gradients(implementation(mistake), use_torch=False)
    quantity, words = CATALOGUE[mistake]
    failed = {row.quantity: row.diagnosis for row in report.rows if not row.ok}
    assert words in failed[quantity], str(report)
    error = next(row.error for row in report.rows if row.quantity == quantity)
    assert error is None or error >= 0.99  # None: a wrong shape; else far above TOLERANCE
    good = check_gradients(implementation(), use_torch=False)
    assert good.ok, str(good)
    for q in failed:  # every failing row really differs from the correct implementation
        assert differs(mistake, q, CASES), q


def test_each_mistake_shows_on_most_case_families():
    """The families are chosen so that mistakes cannot hide: each shows on at least half."""
    for mistake, (quantity, _) in CATALOGUE.items():
        shown = [
            f for f in FAMILIES if differs(mistake, quantity, [c for c in CASES if c.family == f])
        ]
        assert len(shown) >= len(FAMILIES) / 2, (mistake, shown)


@pytest.mark.parametrize(
    ("mistake", "upstream", "downstream"),
    [("no mask", "dZ1", ["dW1", "db1"]), ("extra sigma'", "dZ2", ["dZ1", "dW2", "db2"])],
)
def test_a_quantity_wrong_only_because_of_the_users_own_dZ_says_fix_that_first(
    mistake, upstream, downstream
):
    report = check_gradients(implementation(mistake, with_dZ=True), use_torch=False)
    rows = {row.quantity: row for row in report.rows}
    assert (
        not rows[upstream].ok
        and rows[upstream].diagnosis.split(":")[0] in (CATALOGUE[mistake][1].split(":")[0])
    )
    for q in downstream:
        assert rows[q].diagnosis == f"follows from your {upstream}: fix {upstream} first"


def test_a_downstream_mistake_on_top_of_a_wrong_dZ_is_named_with_fix_first():
    def gradients(W1, b1, W2, b2, X, Y):
        grads = implementation("no mask", with_dZ=True)(W1, b1, W2, b2, X, Y)
        grads["dW1"] = grads["dZ1"] @ X.T  # and the 1/m forgotten too
        return grads

    rows = {row.quantity: row for row in check_gradients(gradients, use_torch=False).rows}
    assert rows["dW1"].diagnosis == "missing 1/m: dW1 is m times too large; and your dZ1 is " \
        "wrong (fix dZ1 first)"  # fmt: skip


def test_dZ_returned_as_dJ_dZ_passes_with_a_note_when_the_gradients_are_right():
    """A user who returns dZ2 / m but computes dW2 = dZ2 A1^T (no 1/m) has right gradients: the
    batch convention dJ/dZ is accepted, and said."""

    def gradients(W1, b1, W2, b2, X, Y):
        g = implementation(with_dZ=True)(W1, b1, W2, b2, X, Y)
        m = X.shape[1]
        return {**g, "dZ2": g["dZ2"] / m, "dZ1": g["dZ1"] / m}

    report = check_gradients(gradients, use_torch=False)
    assert report.ok, report
    notes = {row.quantity: row.note for row in report.rows if row.note}
    assert notes == {
        "dZ2": "your dZ2 is dJ/dZ2 = (A2 - Y) / m; accepted",
        "dZ1": "your dZ1 is dJ/dZ1 = (W2^T dZ2 * 1{Z1 > 0}) / m; accepted",
    }
    assert "-> your dZ2 is dJ/dZ2 = (A2 - Y) / m; accepted" in str(report)


def test_dZ_as_dJ_dZ_with_another_1_over_m_downstream_is_named_1_over_m_twice():
    def gradients(W1, b1, W2, b2, X, Y):
        g = implementation(with_dZ=True)(W1, b1, W2, b2, X, Y)
        m = X.shape[1]
        return {**g, "dZ2": g["dZ2"] / m, "dZ1": g["dZ1"] / m, "dW2": g["dW2"] / m}

    report = check_gradients(gradients, use_torch=False)
    failed = {row.quantity: row.diagnosis for row in report.rows if not row.ok}
    assert set(failed) == {"dW2"}
    assert failed["dW2"].startswith("1/m applied twice: dW2 is m times too small")


def test_non_finite_values_fail_the_quantity_and_say_where():
    def gradients(W1, b1, W2, b2, X, Y):
        g = implementation()(W1, b1, W2, b2, X, Y)
        g["db2"] = g["db2"] * np.nan
        return g

    row = next(r for r in check_gradients(gradients, use_torch=False).rows if r.quantity == "db2")
    assert not row.ok and row.diagnosis.startswith("non-finite values (nan), first at [0, 0]")


def test_an_unknown_mistake_fails_without_a_made_up_diagnosis():
    def gradients(W1, b1, W2, b2, X, Y):
        g = implementation()(W1, b1, W2, b2, X, Y)
        g["dW2"] = g["dW2"] + 0.5
        return g

    report = check_gradients(gradients, use_torch=False)
    row = next(r for r in report.rows if r.quantity == "dW2")
    assert not row.ok and row.diagnosis == ""
    assert "no known mistake matches" in str(report)


def test_two_mistakes_in_one_quantity_are_both_named():
    def no_mask_and_no_1_over_m(W1, b1, W2, b2, X, Y):
        g = implementation("no mask")(W1, b1, W2, b2, X, Y)
        return {**g, "dW1": g["dW1"] * X.shape[1]}

    def transposed_and_no_1_over_m(W1, b1, W2, b2, X, Y):
        g = implementation()(W1, b1, W2, b2, X, Y)
        return {**g, "dW1": g["dW1"].T * X.shape[1]}

    def diagnosis(fn):
        report = check_gradients(fn, use_torch=False)
        return next(row.diagnosis for row in report.rows if row.quantity == "dW1")

    assert diagnosis(no_mask_and_no_1_over_m) == (
        "missing 1/m: dW1 is m times too large; and computed from a wrong dZ1: no ReLU mask: "
        "dZ1 = W2^T dZ2 needs * 1{Z1 > 0}"
    )
    assert diagnosis(transposed_and_no_1_over_m) == (
        "transposed: returned (3, 5), expected (5, 3); and missing 1/m: dW1 is m times too large"
    )


def test_two_different_dZ2_mistakes_are_not_blamed_on_one_of_them():
    """The output layer uses a sign-flipped dZ2, the hidden layer one with an extra sigma': no
    single dZ2 mistake explains all four quantities, so each is named where it shows."""

    def mixed(W1, b1, W2, b2, X, Y):
        m = X.shape[1]
        Z1 = W1 @ X + b1
        A1 = np.maximum(Z1, 0)
        A2 = 1 / (1 + np.exp(-(W2 @ A1 + b2)))
        flipped, extra = Y - A2, (A2 - Y) * A2 * (1 - A2)
        dZ1 = (W2.T @ extra) * (Z1 > 0)
        db1, db2 = dZ1.sum(axis=1, keepdims=True) / m, flipped.sum(axis=1, keepdims=True) / m
        return {"dW1": dZ1 @ X.T / m, "db1": db1, "dW2": flipped @ A1.T / m, "db2": db2}

    rows = {row.quantity: row.diagnosis for row in check_gradients(mixed, use_torch=False).rows}
    assert rows["dW2"] == "sign flipped: dW2 has the wrong sign"
    assert rows["db2"] == "sign flipped: db2 has the wrong sign"
    [extra_sigma] = [t for q, t, _ in FORMULA_MISTAKES if t.startswith("extra sigma'")]
    assert rows["dW1"] == rows["db1"] == "computed from a wrong dZ2: " + extra_sigma
