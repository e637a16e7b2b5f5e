"""``python -m reference.report`` in process: its help, options, defaults, text and exit status.

(tests/test_autograd_report.py: the report passes on our code and fails on a wrong formula.)
"""

from __future__ import annotations

import re

import pytest

import reference.report as report
import reference.rows
from reference.cases import dataset_cases, deep_cases, random_cases
from reference.rows import Row, layer_rows, network_rows, piece_rows, seed_box2_literal_error

COLUMNS = ["formula", "autograd", "saturated", "fin.diff", "result"]


def _run(argv: list[str]) -> tuple[int, str]:
    lines: list[str] = []
    status = report.main(argv, out=lines.append)
    assert len(lines) == 1
    return status, lines[0]


def _help(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("COLUMNS", "200")  # argparse wraps at the terminal's width
    with pytest.raises(SystemExit) as exit_:
        report.main(["--help"])
    assert exit_.value.code == 0
    return capsys.readouterr().out


def test_help_names_the_command_its_summary_and_what_each_option_selects(capsys, monkeypatch):
    text = _help(capsys, monkeypatch)
    assert text.startswith("usage: python -m reference.report [-h] [--random RANDOM]")
    assert report.__doc__ is not None
    assert text.split("\n\n")[1] == report.__doc__.splitlines()[0]  # the summary line only
    assert re.search(r"--random RANDOM\s+random networks \(default \d+\)\n", text)
    assert re.search(r"--saturated SATURATED\s+saturated networks \(default \d+\)\n", text)
    assert re.search(r"--seed SEED\s+seed for the random cases \(default \d+; the saturated", text)


def test_the_report_runs_with_the_defaults_its_help_states(torch_ref, capsys, monkeypatch):
    text = _help(capsys, monkeypatch)
    n_random = int(re.search(r"random networks \(default (\d+)\)", text)[1])  # type: ignore[index]
    n_sat = int(re.search(r"saturated networks \(default (\d+)\)", text)[1])  # type: ignore[index]
    seed = int(re.search(r"random cases \(default (\d+);", text)[1])  # type: ignore[index]
    built: list[tuple[int, int, bool]] = []

    def recording(count: int, seed: int = 0, saturated: bool = False):
        built.append((count, seed, saturated))
        return random_cases(count, seed, saturated)

    monkeypatch.setattr(report, "random_cases", recording)
    # only the header is checked here: skip the rows of 40 networks (seconds)
    monkeypatch.setattr(report, "network_rows", lambda cases: {})
    _, out = _run([])
    assert built == [(n_random, seed, False), (n_sat, seed + 1, True)]
    assert f"+ {n_random} random networks" in out and f"+ {n_sat} saturated random" in out


def test_the_report_is_the_rows_of_the_cases_its_options_select(torch_ref):
    argv = ["--random", "2", "--saturated", "1", "--seed", "3", "--deep", "2"]
    status, out = _run([*argv, "--deep-saturated", "1"])
    cases = dataset_cases() + random_cases(2, 3) + random_cases(1, 4, saturated=True)
    rows = [*network_rows(cases).values(), *piece_rows().values()]
    deep = deep_cases(2, 5) + deep_cases(1, 6, saturated=True)
    deep_rows = list(layer_rows(deep, report.DEEP_L).values())
    assert cases[0].name == "basic_dataset"  # the erratum line names it
    erratum = seed_box2_literal_error(cases[0])
    assert out == report.render(rows, cases, erratum, deep_rows, deep)
    assert status == 0


def test_the_header_counts_the_random_and_the_saturated_networks_apart():
    cases = dataset_cases() + random_cases(2, 0) + random_cases(3, 1, saturated=True)
    text = report.render([Row("J")], cases, erratum=1.0)
    assert "cases: basic_dataset, large_dataset (He init" in text
    assert "\n       + 2 random networks, weights N(0, 1)" in text
    assert "\n       + 3 saturated random networks" in text


def test_figures_are_right_aligned_under_their_headers_words_left_aligned():
    row = Row("dW1")
    row.autograd.update(1.5e-16)
    row.fd.update(2.5e-9)  # saturated stays "-"
    text = report.render([row, Row("sigma'")], dataset_cases(), erratum=1.0)
    lines = text.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("formula "))
    table = [line.ljust(200) for line in lines[head : head + 4]]  # header, bound, the two rows
    starts = [table[0].index(name) for name in COLUMNS]
    for line in table[1:]:
        for k in (1, 2, 3):  # each figure ends where its header ends
            end = starts[k] + len(COLUMNS[k])
            assert line[end - 1] != " " and line[end] == " ", (COLUMNS[k], line)
        assert line[starts[0]] != " "  # the formula starts where its header starts
    assert [line[starts[4] : starts[4] + 4] for line in table[2:]] == ["pass", "pass"]


@pytest.mark.parametrize("erratum", [0.0, report.BOUND_AUTOGRAD])
def test_an_erratum_no_larger_than_the_bound_is_reported_not_caught(erratum):
    text = report.render([Row("J")], dataset_cases(), erratum)
    assert text.endswith(f"  relative error {erratum:.2f} vs autograd -> NOT caught")


@pytest.mark.parametrize("erratum", [report.BOUND_AUTOGRAD, 0.0])
def test_the_report_exits_1_when_the_seed_erratum_is_not_caught(torch_ref, monkeypatch, erratum):
    monkeypatch.setattr(report, "seed_box2_literal_error", lambda case: erratum)
    status, out = _run(["--random", "1", "--saturated", "1"])
    assert status == 1 and out.endswith("NOT caught") and "FAIL" not in out


def test_a_vacuous_error_measure_fails_the_report_instead_of_passing_it(torch_ref, monkeypatch):
    # every comparison "agrees" if the measure always says 0, the seed's erratum included
    monkeypatch.setattr(reference.rows, "relative_error", lambda mine, ref: 0.0)
    status, out = _run(["--random", "1", "--saturated", "1"])
    assert status == 1 and out.endswith("relative error 0.00 vs autograd -> NOT caught")
