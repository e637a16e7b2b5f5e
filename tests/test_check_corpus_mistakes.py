"""A red-team corpus: implementations written as new users write them, each with the verdict
nn-numpy-check must give -- exit status, the quantities that fail, the words of each diagnosis.

The wrong ones are one correct implementation (``BASE``, the README's dict style without the
dict) with one or two classic mistakes edited in, each run twice: returning dZ1, dZ2 and J, and
returning only the four gradients (then the diagnosis must find the mistake upstream by itself).
Correct implementations in other styles are in test_check_corpus_correct_*.py, usage errors in
test_check_corpus_unusable.py.
Every check runs through the command (``cli.main``, no torch: the NumPy-only install).
"""

from __future__ import annotations

import pytest

from tests.helpers_check import edited, run_user_code

UP1, UP2 = "computed from a wrong dZ1: ", "computed from a wrong dZ2: "
# name: (edits to BASE, {quantity: diagnosis words when dZ1, dZ2, J are returned},
#        {quantity: diagnosis words when only the gradients are}); "" means "any diagnosis".
MISTAKES: dict[str, tuple[list[tuple[str, str]], dict[str, str], dict[str, str]]] = {
    "missing 1/m everywhere": (
        [("A1.T / m", "A1.T"), ("X.T / m", "X.T"), ("keepdims=True) / m", "keepdims=True)")],
        {"dW1": "missing 1/m", "dW2": "missing 1/m",
         "db1": "summed over the examples instead of averaged",
         "db2": "summed over the examples instead of averaged"},
        {},
    ),
    "1/m twice in dW2": ([("A1.T / m", "A1.T / m / m")], {"dW2": "1/m applied twice"}, {}),
    "m = X.shape[0]": (
        [("m = X.shape[1]", "m = X.shape[0]")],
        {q: "divided by n_x = X.shape[0]" for q in ("dW1", "db1", "dW2", "db2")},
        {},
    ),
    "transposed dW1": ([("dW1 = dZ1 @ X.T / m", "dW1 = X @ dZ1.T / m")],
                       {"dW1": "transposed: returned (3, 5), expected (5, 3)"}, {}),
    "dW2 = A1 dZ2^T": ([("dZ2 @ A1.T / m", "A1 @ dZ2.T / m")], {"dW2": "transposed"}, {}),
    "seed's box 2: mask on Z2": (
        [("(Z1 > 0)", "(Z2 > 0)")],
        {"dZ1": "ReLU mask on the output layer", "dW1": "fix dZ1 first", "db1": "fix dZ1 first"},
        {"dW1": UP1 + "ReLU mask on the output layer", "db1": UP1 + "ReLU mask on the output"},
    ),
    "mask from A2 > 0.5": (
        [("(Z1 > 0)", "(A2 > 0.5)")],
        {"dZ1": "ReLU mask on the output layer", "dW1": "fix dZ1 first", "db1": "fix dZ1 first"},
        {"dW1": UP1 + "ReLU mask on the output layer", "db1": UP1 + "ReLU mask on the output"},
    ),
    "no ReLU mask": (
        [("(W2.T @ dZ2) * (Z1 > 0)", "(W2.T @ dZ2)")],
        {"dZ1": "no ReLU mask", "dW1": "fix dZ1 first", "db1": "fix dZ1 first"},
        {"dW1": UP1 + "no ReLU mask", "db1": UP1 + "no ReLU mask"},
    ),
    "ReLU applied to the gradient": (
        [("(W2.T @ dZ2) * (Z1 > 0)", "np.maximum(W2.T @ dZ2, 0)")],
        {"dZ1": "ReLU applied to the gradient", "dW1": "fix dZ1 first", "db1": "fix dZ1 first"},
        {"dW1": UP1 + "ReLU applied to the gradient", "db1": UP1 + "ReLU applied"},
    ),
    "multiplied by A1": (
        [("(Z1 > 0)", "A1")],
        {"dZ1": "ReLU instead of its derivative", "dW1": "fix dZ1", "db1": "fix dZ1"},
        {"dW1": UP1 + "ReLU instead of its derivative", "db1": UP1 + "ReLU instead"},
    ),
    "extra sigma'": (
        [("dZ2 = A2 - Y", "dZ2 = (A2 - Y) * A2 * (1 - A2)")],
        {"dZ2": "extra sigma' factor", "dZ1": "fix dZ2 first", "dW2": "fix dZ2 first",
         "db2": "fix dZ2 first", "dW1": "fix dZ1 first", "db1": "fix dZ1 first"},
        {q: UP2 + "extra sigma' factor" for q in ("dW1", "db1", "dW2", "db2")},
    ),
    "sign flipped": (
        [("dZ2 = A2 - Y", "dZ2 = Y - A2")],
        {"dZ2": "sign flipped: Y - A2", "dZ1": "fix dZ2 first", "dW2": "fix dZ2 first",
         "db2": "fix dZ2 first", "dW1": "fix dZ1 first", "db1": "fix dZ1 first"},
        {q: UP2 + "sign flipped: Y - A2" for q in ("dW1", "db1", "dW2", "db2")},
    ),
    "sign flipped and db2 summed": (
        [("dZ2 = A2 - Y", "dZ2 = Y - A2"), ("db2 = np.sum(dZ2, axis=1, keepdims=True) / m",
                                          "db2 = np.sum(dZ2)")],
        {"dZ2": "sign flipped: Y - A2", "dZ1": "fix dZ2 first", "dW2": "fix dZ2 first",
         "db2": "summed over the examples instead of averaged (missing 1/m): db2 is m times "
         "too large; and your dZ2 is wrong", "dW1": "fix dZ1 first", "db1": "fix dZ1 first"},
        {"dW1": UP2 + "sign flipped", "db1": UP2 + "sign flipped", "dW2": UP2 + "sign flipped",
         "db2": "(missing 1/m): db2 is m times too large; and " + UP2 + "sign flipped"},
    ),
    "no mask and no 1/m in dW1": (
        [("(W2.T @ dZ2) * (Z1 > 0)", "(W2.T @ dZ2)"), ("X.T / m", "X.T")],
        {"dZ1": "no ReLU mask", "dW1": "missing 1/m: dW1 is m times too large; and your dZ1 "
         "is wrong", "db1": "fix dZ1 first"},
        {"dW1": "missing 1/m: dW1 is m times too large; and " + UP1 + "no ReLU mask",
         "db1": UP1 + "no ReLU mask"},
    ),
    "db summed, not averaged": (
        [("keepdims=True) / m", "keepdims=True)")],
        {"db1": "summed over the examples instead of averaged",
         "db2": "summed over the examples instead of averaged"},
        {},
    ),
    "db2 = dZ2 / m, not summed": (
        [("db2 = np.sum(dZ2, axis=1, keepdims=True) / m", "db2 = dZ2 / m")],
        {"db2": "not summed over the examples: needs np.sum(dZ2, axis=1, keepdims=True) / m"},
        {},
    ),
    "db1 over axis 0": ([("np.sum(dZ1, axis=1,", "np.sum(dZ1, axis=0,")],
                        {"db1": "summed over the units (axis 0)"}, {}),
    "db1 of shape (n_h,)": ([("np.sum(dZ1, axis=1, keepdims=True)", "np.sum(dZ1, axis=1)")],
                            {"db1": "wrong shape (5,), expected (5, 1) (the values are right)"},
                            {}),
    "Z1 for A1 in dW2": ([("dZ2 @ A1.T", "dZ2 @ Z1.T")], {"dW2": "Z1 where A1 belongs"}, {}),
    "X for A1 in dW2": ([("dZ2 @ A1.T", "dZ2 @ X.T")], {"dW2": "X where A1 belongs"}, {}),
    "A1 for X in dW1": ([("dZ1 @ X.T", "dZ1 @ A1.T")], {"dW1": "A1 where X belongs"}, {}),
    "dZ2 / m and 1/m again in dW": (
        [("dZ2 = A2 - Y", "dZ2 = (A2 - Y) / m")],
        {q: "1/m applied twice" for q in ("dW1", "db1", "dW2", "db2")},
        {q: UP2 + "divided by m" for q in ("dW1", "db1", "dW2", "db2")},
    ),
    "J summed": ([("J = -np.mean(", "J = -np.sum(")], {"J": "summed instead of averaged"}, {}),
    "J without the minus": ([("J = -np.mean(", "J = np.mean(")], {"J": "sign flipped"}, {}),
}  # fmt: skip

GRADIENTS = ("dW1", "db1", "dW2", "db2")


def table_diagnoses(out: str) -> dict[str, str]:
    """{quantity: its '->' line} for each FAIL row of the printed table."""
    lines = out.splitlines()
    return {
        line.split()[0]: lines[i + 1].split("-> ", 1)[1]
        for i, line in enumerate(lines)
        if "  FAIL  " in line
    }


def expected_verdict(name: str, only_gradients: bool) -> dict[str, str]:
    _, full, short = MISTAKES[name]
    if not only_gradients:
        return full
    return short or {q: words for q, words in full.items() if q in GRADIENTS}


@pytest.mark.parametrize("only_gradients", [False, True], ids=["with dZ and J", "gradients only"])
@pytest.mark.parametrize("name", list(MISTAKES))
def test_each_users_mistake_fails_exactly_the_wrong_quantities_with_its_diagnosis(
    tmp_path, monkeypatch, capsys, name, only_gradients
):
    source = edited(MISTAKES[name][0], only_gradients)
    code, out, err, result = run_user_code(tmp_path, monkeypatch, capsys, source)
    expected = expected_verdict(name, only_gradients)
    assert code == (1 if expected else 0), out + err
    assert result is not None
    failing = {q: row["diagnosis"] for q, row in result["quantities"].items() if not row["ok"]}
    assert set(failing) == set(expected), out
    for q, words in expected.items():
        assert words in (failing[q] or ""), f"{q}: {failing[q]!r} lacks {words!r}\n{out}"
    assert table_diagnoses(out) == failing  # the table and the JSON say the same


SEED_LITERAL = """\
import numpy as np

class NeuralNetwork:
    '''The seed's L-layer notation, its box 2 copied as printed: dZ[L] with 1{Z[L] > 0}.'''

    def __init__(self, W1, b1, W2, b2):
        self.W = {1: W1, 2: W2}
        self.b = {1: b1, 2: b2}

    def forward(self, X):
        self.Z, self.A = {}, {0: X}
        for l in (1, 2):
            self.Z[l] = self.W[l] @ self.A[l - 1] + self.b[l]
            self.A[l] = np.maximum(0, self.Z[l]) if l == 1 else 1 / (1 + np.exp(-self.Z[l]))
        return self.A[2]

    def backward(self, Y):
        m, L = Y.shape[1], 2
        dZ = {L: self.A[L] - Y}
        dZ[L - 1] = (self.W[L].T @ dZ[L]) * (self.Z[L] > 0)
        grads = {"dZ1": dZ[1], "dZ2": dZ[2]}
        for l in (1, 2):
            grads[f"dW{l}"] = (1 / m) * dZ[l] @ self.A[l - 1].T
            grads[f"db{l}"] = (1 / m) * np.sum(dZ[l], axis=1, keepdims=True)
        return grads

def gradients(W1, b1, W2, b2, X, Y):
    net = NeuralNetwork(W1, b1, W2, b2)
    net.forward(X)
    return net.backward(Y)
"""


def test_the_seeds_box_2_copied_as_printed_is_named_and_the_fix_is_in_dZ1(
    tmp_path, monkeypatch, capsys
):
    code, out, _, _ = run_user_code(tmp_path, monkeypatch, capsys, SEED_LITERAL)
    assert code == 1
    assert table_diagnoses(out) == {
        "dZ1": "ReLU mask on the output layer: 1{Z2 > 0} instead of 1{Z1 > 0} (the seed's box 2 "
        "as printed)",
        "dW1": "follows from your dZ1: fix dZ1 first",
        "db1": "follows from your dZ1: fix dZ1 first",
    }
    fixed = SEED_LITERAL.replace("(self.Z[L] > 0)", "(self.Z[L - 1] > 0)")
    assert run_user_code(tmp_path, monkeypatch, capsys, fixed)[0] == 0


def test_a_wrong_shape_row_points_at_the_case_where_the_shape_is_wrong(
    tmp_path, monkeypatch, capsys
):
    """db2 = dZ2 / m has db2's shape at m = 1: the row used to show that case's <1e-12."""
    source = edited(MISTAKES["db2 = dZ2 / m, not summed"][0], only_gradients=True)
    code, out, _, result = run_user_code(tmp_path, monkeypatch, capsys, source)
    assert code == 1 and result is not None
    row = result["quantities"]["db2"]
    assert (row["error"], row["case"], row["index"]) == (None, "shapes (n_x=3, n_h=5, m=7)", [])
    line = next(line for line in out.splitlines() if line.startswith("db2"))
    assert line.endswith("FAIL              -  shapes (n_x=3, n_h=5, m=7)"), line
