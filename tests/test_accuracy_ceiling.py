"""benchmarks/accuracy_ceiling.py: the Bayes rule for the circles generator, and its table."""

from __future__ import annotations

import re
import sys

import numpy as np
import pytest

from benchmarks.accuracy_ceiling import (
    DATA,
    bayes_predict,
    bayes_radius,
    circle_log_density,
    main,
)
from nn_numpy.cli.train import main as train_main
from nn_numpy.io.datasets import INNER_RADIUS, NOISE


def on_circle(radius: float, n: int = 16) -> np.ndarray:
    t = np.linspace(0.0, 2.0 * np.pi, n, endpoint=False) + 0.1
    return radius * np.vstack([np.cos(t), np.sin(t)])


def test_bayes_rule_labels_each_circle_with_its_class_and_far_points_outer() -> None:
    assert np.all(bayes_predict(on_circle(1.0)) == 0)
    assert np.all(bayes_predict(on_circle(INNER_RADIUS)) == 1)
    assert bayes_predict(np.zeros((2, 1)))[0, 0] == 1  # the centre is nearer the inner circle
    far = np.hstack([on_circle(r, 4) for r in (2.0, 10.0, 1e3)])
    assert np.all(bayes_predict(far) == 0)


def test_log_density_stays_finite_and_ordered_where_densities_underflow() -> None:
    r = np.array([5.0, 50.0, 1e3])  # exp(log density) is 0.0 in float64 here
    outer, inner = circle_log_density(r, 1.0), circle_log_density(r, INNER_RADIUS)
    assert np.all(np.isfinite(outer)) and np.all(np.isfinite(inner))
    assert np.all(np.exp(outer[1:]) == 0.0)
    assert np.all(outer > inner)


@pytest.mark.parametrize("radius", [1.0, INNER_RADIUS])
def test_angular_integral_matches_the_bessel_closed_form(radius: float) -> None:
    # 1/(2 pi) int exp(r R cos t / s^2) dt = I0(r R / s^2), so
    # p(r) = exp(-(r^2 + R^2) / (2 s^2)) I0(r R / s^2) / (2 pi s^2).
    r = np.array([0.0, 0.2, INNER_RADIUS, 0.7, 1.0, 1.5])
    s2 = NOISE**2
    closed = np.exp(-(r**2 + radius**2) / (2 * s2)) * np.i0(r * radius / s2) / (2 * np.pi * s2)
    np.testing.assert_allclose(np.exp(circle_log_density(r, radius)), closed, rtol=1e-10)


@pytest.mark.parametrize("radius", [1.0, INNER_RADIUS])
def test_class_density_integrates_to_one_over_the_plane(radius: float) -> None:
    r = np.linspace(0.0, radius + 12 * NOISE, 4001)
    f = np.exp(circle_log_density(r, radius)) * 2 * np.pi * r
    total = np.sum((f[1:] + f[:-1]) * np.diff(r)) / 2  # trapezoid rule (np.trapezoid needs NumPy 2)
    assert total == pytest.approx(1.0, abs=1e-6)


def test_bayes_radius_is_where_the_predicted_class_changes() -> None:
    r_star = bayes_radius()
    assert INNER_RADIUS < r_star < 1.0
    x = np.array([[r_star - 1e-9, r_star + 1e-9], [0.0, 0.0]])
    np.testing.assert_array_equal(bayes_predict(x), [[1, 0]])
    # Chunking does not change the answer.
    pts = np.random.default_rng(0).normal(size=(2, 1000))
    np.testing.assert_array_equal(bayes_predict(pts, chunk=7), bayes_predict(pts))


def test_main_prints_the_table_and_reproduces_the_cli_defaults(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert train_main(["--data-path", str(DATA)]) == 0
    cli = capsys.readouterr().out
    cli_train = re.search(r"train accuracy: (\d+\.\d\d%)", cli)
    cli_test = re.search(r"test accuracy: (\d+\.\d\d%)", cli)
    assert cli_train and cli_test

    # Without scikit-learn (importing it alone takes ~1 s; the script's run covers it).
    for name in ("sklearn", "sklearn.exceptions", "sklearn.neural_network"):
        monkeypatch.setitem(sys.modules, name, None)  # import raises ImportError
    assert main(["--seeds", "2", "--epochs", "20", "--fresh", "1000"]) == 0
    out = capsys.readouterr().out
    table = [line for line in out.splitlines() if line.startswith("|")]
    assert table[0] == "| 5 hidden ReLU units unless stated | train (1600) | test (400) |"
    cells = [[c.strip() for c in line.strip("|").split("|")] for line in table[2:]]
    rows = {label: values for label, *values in cells}
    defaults = rows["CLI defaults: GD lr 0.01 x 5000 epochs, init seed 42"]
    assert defaults == [cli_train.group(1), cli_test.group(1)]
    assert "GD lr 0.3 x 20 epochs, init seeds 0-1: median" in rows
    assert "GD lr 0.3 x 20 epochs, init seeds 0-1: max" in rows
    sk = "scikit-learn MLPClassifier((5,), relu, lbfgs), random_state 0-1"
    assert rows[sk] == ["not installed", "not installed"]
    assert "Bayes-optimal rule (no classifier does better on average)" in rows
    assert "on 1000 fresh points from the generator" in out


@pytest.mark.parametrize(
    "argv", [["--seeds", "0"], ["--fresh", "1"], ["--data-path", "no/such/file.csv"]]
)
def test_bad_arguments_exit_2_with_one_error_line(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.splitlines()[-1].startswith("python -m benchmarks.accuracy_ceiling: error: ")
    assert "Traceback" not in err
