"""``check_network`` and ``nn-numpy-check --contract params``: correct deep code in several styles
passes at every depth and activation, one row per quantity and layer, the course's conventions
accepted with a note, and the command's flags."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from nn_numpy.check import check_gradients
from nn_numpy.check.deep import check_network, row_order
from nn_numpy.check.deep_cases import DEPTHS, deep_cases
from nn_numpy.cli import check as cli
from nn_numpy.errors import UsageError, UserCodeError
from tests import deep_misbehaving as misbehaving
from tests import deep_users as users

USERS = Path(users.__file__).resolve()
MISBEHAVING = Path(misbehaving.__file__).resolve()


def rows(report):
    return {row.quantity: row for row in report.rows}


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
@pytest.mark.parametrize(
    "style", ["course", "course with dZ", "layers"], ids=lambda s: s.replace(" ", "-")
)
def test_correct_deep_code_passes_at_every_depth_and_activation(style, activation):
    fn = {
        "course": users.course(activation=activation),
        "course with dZ": users.course(activation=activation, dZ=True),
        "layers": users.layers(activation),
    }[style]
    report = check_network(fn, activation=activation, use_torch=False)
    assert report.ok, report
    assert max(row.error for row in report.rows) < 1e-12
    assert {c.split(" (")[1].split(",")[0].count("-") - 1 for c in report.cases} == set(DEPTHS)


def test_rows_as_examples_code_behind_an_adapter_passes_at_every_depth():
    report = check_network(users.rows, use_torch=False)
    assert report.ok and max(row.error for row in report.rows) < 1e-12, report


def test_float32_loop_with_the_cost_passes_within_the_tolerance():
    report = check_network(users.loop, use_torch=False)
    assert report.ok, report
    assert 1e-8 < max(row.error for row in report.rows) < 1e-4  # float32 rounding, measured
    assert "J" in rows(report) and report.not_returned == ["dA"]


def test_one_row_per_quantity_and_layer_deepest_first():
    report = check_network(users.course(dZ=True), use_torch=False)
    assert "\ncases: square, shapes, random, m=1 (hidden layers 1, 2, 4, relu; " in str(report)
    assert [row.quantity for row in report.rows] == row_order(5)[:-1]  # no J returned
    assert rows(report)["dW3"].formula == "dW3 = (1/m) dZ3 A2^T"
    # dZ2 is the output's at 1 hidden layer and a hidden layer's deeper
    assert rows(report)["dZ2"].formula == "dZ2 = dA2 * 1{Z2 > 0}; dZ2 = A2 - Y at L = 2"


def test_depth_fixes_the_cases_for_code_written_for_one_depth():
    def two_hidden(params, X, Y):
        assert len(params) == 6, "written for two hidden layers"
        return users.course()(params, X, Y)

    with pytest.raises(UserCodeError):
        check_network(two_hidden, use_torch=False)
    report = check_network(two_hidden, depths=(2,), use_torch=False)
    expected = [q for q in row_order(3) if not q.startswith("dZ") and q != "J"]
    assert report.ok and [row.quantity for row in report.rows] == expected


def test_the_older_one_higher_dA_keys_are_recognised_and_accepted_with_a_note():
    def one_higher(params, X, Y):
        grads = users.course()(params, X, Y)
        L = len(params) // 2
        return {**{k: v for k, v in grads.items() if not k.startswith("dA")},
                **{f"dA{l + 1}": grads[f"dA{l}"] for l in range(L)}}  # fmt: skip

    report = check_network(one_higher, use_torch=False)
    assert report.ok, report
    assert "one higher" in rows(report)["dA4"].note


def test_a_wrong_dA_under_one_higher_keys_fails_under_the_layer_it_belongs_to():
    def one_higher_wrong(params, X, Y):
        grads = users.course()(params, X, Y)
        L = len(params) // 2
        out = {k: v for k, v in grads.items() if not k.startswith("dA")}
        out.update({f"dA{l + 1}": grads[f"dA{l}"] for l in range(L)})
        out["dA2"] = -out["dA2"]
        return out

    failed = [row.quantity for row in check_network(one_higher_wrong, use_torch=False).rows
              if not row.ok]  # fmt: skip
    assert failed == ["dA1"]


def test_dZ_divided_by_m_is_accepted_with_a_note():
    def batch_dZ(params, X, Y):
        grads = users.course(dZ=True)(params, X, Y)
        return {k: v / X.shape[1] if k.startswith("dZ") else v for k, v in grads.items()}

    report = check_network(batch_dZ, use_torch=False)
    assert report.ok and "dJ/dZ" in rows(report)["dZ3"].note


def test_six_argument_tanh_code_is_checked_with_tanh_oracles_at_one_hidden_layer():
    report = check_gradients(users.planar_tanh, activation="tanh", use_torch=False)
    assert report.ok, report
    assert "tanh" in str(report)
    relu = check_gradients(users.planar_tanh, use_torch=False)
    assert not relu.ok  # the ReLU oracles disagree with a tanh network: the flag matters


def test_tanh_code_checked_as_relu_fails():
    report = check_network(users.layers("tanh"), use_torch=False)
    assert not report.ok


def test_a_random_result_is_refused():
    rng = np.random.default_rng()

    def dropout(params, X, Y):
        grads = users.course()(params, X, Y)
        return {k: v * rng.random() for k, v in grads.items()}

    with pytest.raises(UsageError, match="different"):
        check_network(dropout, use_torch=False)


def test_every_case_of_a_relu_network_is_clear_of_kinks_and_has_both_labels():
    from nn_numpy.network import forward

    for case in deep_cases():
        cache = forward(case.params, case.X)
        for l in range(1, case.params.L):
            assert np.min(np.abs(cache[f"Z{l}"])) >= 1e-3
        assert np.max(np.abs(cache[f"Z{case.params.L}"])) <= 8.0
        assert case.X.shape[1] == 1 or len(set(case.Y[0])) == 2


def run(capsys, *argv):
    code = cli.main(["--no-torch", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_contract_params_exits_0_for_correct_code_and_1_naming_the_layer(capsys):
    code, out, _ = run(capsys, f"{USERS}:loop", "--contract", "params")
    assert code == 0 and "all 16 quantities agree" in out
    code, out, _ = run(capsys, "--depth", "4", f"{USERS}:missing_one_m")
    assert code == 1
    assert [line.split()[0] for line in out.splitlines() if " FAIL " in line] == ["dW3"]
    assert "missing 1/m: dW3 is m times too large" in out


def test_cli_depth_checks_that_depth_only(capsys):
    code, out, _ = run(capsys, "--depth", "2", f"{USERS}:loop")
    assert code == 0 and "(hidden layers 2, relu;" in out and "dW4" not in out


def test_an_oracle_that_disagrees_with_finite_differences_stops_the_check(monkeypatch):
    from nn_numpy.check import deep
    from nn_numpy.errors import OracleDisagreement
    from nn_numpy.network import backward
    from tests.deep_mistakes import backward_with

    monkeypatch.setattr("nn_numpy.check.oracles.backward", backward_with("missing 1/m in dW3"))
    with pytest.raises(OracleDisagreement, match="dW3 finite differences disagree"):
        check_network(users.loop, depths=(2,), use_torch=False)
    assert deep.readable_layers is not None and backward is not None


def test_cli_activation_flag_reaches_the_oracles_for_both_contracts(capsys, tmp_path):
    code, out, _ = run(capsys, f"{USERS}:planar_tanh", "--activation", "tanh")
    assert code == 0 and "hidden layers 1, tanh" in out
    code, out, _ = run(capsys, f"{USERS}:tanh_layers", "--contract", "params", "--activation",
                       "tanh", "--json", str(tmp_path / "r.json"))  # fmt: skip
    assert code == 0
    assert json.loads((tmp_path / "r.json").read_text())["quantities"]["dW5"]["ok"]


def test_cli_code_that_fits_only_square_layers_exits_2_naming_the_case(capsys):
    code, _, err = run(capsys, f"{USERS}:off_by_one", "--contract", "params")
    assert code == 2
    assert "ran on the square cases" in err.splitlines()[-1]
    assert "shapes (3-5-4-1, m=7)" in err.splitlines()[-1]


@pytest.mark.parametrize("depth", ["0", "9", "two"])
def test_cli_depth_out_of_range_is_a_usage_error(capsys, depth):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--depth", depth, f"{USERS}:loop"])
    assert exit_.value.code == 2
    assert "--depth" in capsys.readouterr().err


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
def test_autograd_confirms_the_readable_network_on_every_deep_case(activation, torch_ref):
    report = check_network(users.layers(activation), activation=activation, use_torch=True)
    assert report.ok and "autograd" in report.oracles[-1]


@pytest.mark.parametrize(("target", "contract"), [("endless", "params"), ("endless_six", "six")])
def test_code_that_never_returns_exits_2_naming_the_case_after_the_timeout(
    capsys, target, contract
):
    import signal

    before = signal.getsignal(signal.SIGALRM)
    code, out, err = run(
        capsys, f"{MISBEHAVING}:{target}", "--contract", contract, "--timeout", "0.3"
    )
    assert code == 2 and out == ""
    assert err.startswith("nn-numpy-check: error: your function took more than 0.3 s on case '")
    assert len(err.splitlines()) == 1
    assert signal.getsignal(signal.SIGALRM) == before


def test_the_timeout_applies_per_call_and_correct_code_is_well_within_it(capsys):
    code, _, _ = run(capsys, f"{USERS}:loop", "--contract", "params", "--timeout", "5")
    assert code == 0


@pytest.mark.parametrize("value", ["-1", "nan", "soon"])
def test_cli_timeout_must_be_a_number_of_seconds(capsys, value):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--timeout", value, f"{USERS}:loop"])
    assert exit_.value.code == 2 and "--timeout" in capsys.readouterr().err
