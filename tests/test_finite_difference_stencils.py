"""The oracle's stencils on synthetic piecewise polynomials, where every value is known exactly.

``_derivative(J, theta, h)`` only sees J(t) -> (value, clean), clean meaning "t is on theta's
smooth piece" (in the oracle: the Z1 > 0 pattern is unchanged). Here J is a cubic with kinks at
chosen points; theta = 1 and h = 1/4 make every stencil point and value a small dyadic number,
so the expected derivatives (derived below with ``fractions.Fraction``) are exact and the tests
compare with ``==``. The evaluation points are recorded too: the claims are about which
stencil is taken (central, one-sided on the clean side, halved), not only about its value.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from nn_numpy.check.finite_differences import (
    MAX_HALVINGS,
    KinkError,
    _derivative,
    _one_sided,
)

THETA, H = 1.0, 0.25


def left(t: float | Fraction) -> float | Fraction:
    """The piece of J at and around theta: a cubic, so no stencil is exact by accident."""
    return t**3 - 2 * t**2 + 3 * t + 1


def right(t: float | Fraction) -> float | Fraction:
    """The piece beyond a kink: a different slope, so a stencil reaching it is visibly wrong."""
    return 5 * t**2 - 7 * t + 40


class Kinked:
    """J(t) = left(t) between the kinks around theta, right(t) beyond them; records each t."""

    def __init__(self, *kinks: float) -> None:
        self.kinks = kinks
        self.calls: list[float] = []

    def piece(self, t: float) -> tuple[bool, ...]:
        return tuple(t > k for k in self.kinks)  # like the Z1 > 0 pattern

    def __call__(self, t: float) -> tuple[float, bool]:
        self.calls.append(t)
        clean = self.piece(t) == self.piece(THETA)
        return float(left(t) if clean else right(t)), clean


def parabola_slope(t0: float, t1: float, t2: float) -> Fraction:
    """d/dt at t0 of the parabola through (t_k, left(t_k)), exactly (Lagrange, in Fractions)."""
    t = [Fraction(v) for v in (t0, t1, t2)]
    y = [Fraction(left(v)) for v in t]
    return (
        y[0] * (2 * t[0] - t[1] - t[2]) / ((t[0] - t[1]) * (t[0] - t[2]))
        + y[1] * (t[0] - t[2]) / ((t[1] - t[0]) * (t[1] - t[2]))
        + y[2] * (t[0] - t[1]) / ((t[2] - t[0]) * (t[2] - t[1]))
    )


def central(h: float) -> Fraction:
    """(left(theta + h) - left(theta - h)) / 2h, exactly."""
    return (Fraction(left(THETA + h)) - Fraction(left(THETA - h))) / (2 * Fraction(h))


def test_without_kinks_the_central_stencil_is_taken_once_at_the_full_step() -> None:
    J = Kinked()
    assert _derivative(J, THETA, H) == central(H)  # J'(1) + h^2 = 2 + 1/16
    assert central(H) == 2 + Fraction(1, 16)
    assert J.calls == [THETA + H, THETA - H]


def test_the_central_quotient_divides_by_the_rounded_step_actually_taken() -> None:
    """J(t) = t: (J(theta + h) - J(theta - h)) is the rounded step exactly, so dividing by it
    gives 1.0 exactly; dividing by the nominal 2h would not (the steps are chosen to differ)."""
    theta, h = 0.1, 1e-6
    assert (theta + h) - (theta - h) != 2 * h
    assert _derivative(lambda t: (t, True), theta, h) == 1.0


def test_a_kink_on_the_plus_side_takes_the_one_sided_stencil_on_the_minus_side() -> None:
    J = Kinked(THETA + 0.4 * H)  # theta + h crosses it; theta - h, theta - 2h do not
    got = _derivative(J, THETA, H)
    assert J.calls == [THETA + H, THETA - H, THETA, THETA - 2 * H]
    assert got == parabola_slope(THETA, THETA - H, THETA - 2 * H)
    # the one-sided stencil's error on a cubic is -h^2 J'''/3: J'(1) - 2 h^2 = 2 - 1/8
    assert got == 2 - Fraction(1, 8)


def test_a_kink_on_the_minus_side_takes_the_one_sided_stencil_on_the_plus_side() -> None:
    J = Kinked(THETA - 0.4 * H)
    got = _derivative(J, THETA, H)
    assert J.calls == [THETA + H, THETA - H, THETA, THETA + 2 * H]
    assert got == parabola_slope(THETA, THETA + H, THETA + 2 * H) == 2 - Fraction(1, 8)


def test_a_point_exactly_on_a_kink_takes_the_side_where_the_pattern_is_unchanged() -> None:
    """theta = k: "t > k" is false at theta and at theta - h, so the minus side is clean."""
    J = Kinked(THETA)
    assert _derivative(J, THETA, H) == parabola_slope(THETA, THETA - H, THETA - 2 * H)
    assert J.calls == [THETA + H, THETA - H, THETA, THETA - 2 * H]


def test_a_one_sided_stencil_whose_outer_point_crosses_a_kink_is_not_used() -> None:
    """Plus side crosses at h; minus side: theta - h clean, theta - 2h not. Halve: at h/2 the
    plus side still crosses, and the minus stencil theta - h/2, theta - h is clean."""
    J = Kinked(THETA - 1.5 * H, THETA + 0.3 * H)
    got = _derivative(J, THETA, H)
    h2 = H / 2
    assert J.calls == [
        THETA + H, THETA - H, THETA, THETA - 2 * H,  # no clean stencil at h
        THETA + h2, THETA - h2, THETA - 2 * h2,  # J(theta) is not evaluated twice
    ]  # fmt: skip
    assert got == parabola_slope(THETA, THETA - h2, THETA - 2 * h2)


def test_kinks_on_both_sides_halve_the_step_until_the_central_stencil_fits() -> None:
    J = Kinked(THETA - 0.2 * H, THETA + 0.2 * H)  # clean from h/8 = 0.125 h on
    got = _derivative(J, THETA, H)
    steps = [H, H / 2, H / 4, H / 8]
    plus = [t for t in J.calls if t > THETA]
    assert plus == [THETA + h for h in steps]
    assert J.calls.count(THETA) == 1
    assert got == central(H / 8)


def test_no_clean_stencil_raises_kinkerror_after_exactly_max_halvings_naming_the_step() -> None:
    J = Kinked(np.nextafter(THETA, 0.0), np.nextafter(THETA, 2.0))  # every stencil crosses one
    with pytest.raises(KinkError) as info:
        _derivative(J, THETA, H)
    plus = [t for t in J.calls if t > THETA]
    assert plus == [THETA + H / 2**k for k in range(MAX_HALVINGS + 1)]
    assert MAX_HALVINGS == 20  # the module docstring's "down to h / 2^20"
    last = H / 2**MAX_HALVINGS
    assert str(info.value) == f"no kink-free stencil around {THETA!r} down to step {last:.3g}"
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("t1", "t2"),
    [(1.5, 3.0), (0.5, -1.0), (1.125, 1.5), (0.75, 0.625)],  # unequal steps, both signs
)
def test_one_sided_is_the_slope_of_the_parabola_through_the_three_points(
    t1: float, t2: float
) -> None:
    """Exact but for the rounding of the formula's divisions (an ulp or two)."""
    t0 = 1.0
    got = _one_sided(t0, t1, t2, *(float(left(t)) for t in (t0, t1, t2)))
    assert got == pytest.approx(float(parabola_slope(t0, t1, t2)), rel=1e-15, abs=0)
    # and on a parabola it is the exact derivative whatever the steps: 2 * 3 * 1 - 2 = 4
    quad = [3 * t * t - 2 * t + 5 for t in (t0, t1, t2)]
    assert _one_sided(t0, t1, t2, *quad) == pytest.approx(4.0, rel=1e-15, abs=0)
