"""The report's sigma' and dL/da rows, and its exit status, reject known-wrong references.

``reference/rows.py``'s ``piece_rows`` compares the seed's closed forms, sigma' = s (1 - s) and
dL/da = (a - y) / (a (1 - a)), with autograd of sigma and of L(a, y). Each row must fail when
the autograd side is wrong where only part of the comparison looks: for one label, or in the
tails of sigma; and the exit status must count the seed erratum's check like a row.
"""

from __future__ import annotations

import numpy as np

from reference.rows import piece_rows


def test_report_pieces_pass_against_the_true_autograd_derivatives(torch_ref) -> None:
    assert all(row.passed() for row in piece_rows().values())


def test_dL_da_row_fails_when_autograd_is_off_for_label_1_only(torch_ref, monkeypatch) -> None:
    # dL/da = -1/a < 0 for y = 1: the row's ratio must use |ref| or a wrong negative
    # derivative would give a negative "error" and pass.
    true = torch_ref.loss_derivative_wrt_output

    def off_for_label_1(a, y):
        ref = true(a, y)
        return np.where(np.asarray(y) == 1.0, ref * (1 + 1e-6), ref)

    monkeypatch.setattr(torch_ref, "loss_derivative_wrt_output", off_for_label_1)
    row = piece_rows()["dL/da"]
    assert row.autograd.error is not None and row.autograd.error >= 0.9e-6
    assert not row.passed()


def test_sigma_prime_row_compares_the_tails_not_only_the_middle(torch_ref, monkeypatch) -> None:
    # A derivative that is right on [-5, 5] and flat at 1/4 outside (a linearized sigmoid) is
    # wrong by ~1/4 in the tails; the row covers z in [-40, 40] and must see it.
    true = torch_ref.sigmoid_derivative

    def wrong_tails(z):
        z = np.asarray(z, dtype=np.float64)
        return np.where(np.abs(z) <= 5.0, true(z), 0.25)

    monkeypatch.setattr(torch_ref, "sigmoid_derivative", wrong_tails)
    row = piece_rows()["sigma'"]
    assert row.autograd.error is not None and row.autograd.error > 0.9
    assert not row.passed()


def test_report_exits_1_when_the_seed_erratum_is_no_longer_caught(torch_ref, monkeypatch) -> None:
    # The erratum line is a check like the rows: if the seed's literal box 2 stopped disagreeing
    # with autograd (a reference that cannot tell the masks apart), the report must fail.
    import reference.report as report

    printed: list[str] = []
    monkeypatch.setattr(report, "seed_box2_literal_error", lambda case: 0.0)
    assert report.main(["--random", "1", "--saturated", "1"], out=printed.append) == 1
    assert "NOT caught" in printed[0]
