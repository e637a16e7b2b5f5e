"""The depth and width scaling script (benchmarks/scaling_deep.py): what it times is the right step,
its results file says what ran where, the recorded file the documentation draws is complete.

No timing is asserted: the script runs in its smallest configuration only to check its output.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

# Drawing needs matplotlib (the `plot` extra) and the script's thread limits threadpoolctl (the
# `test` extra): environments without them (package, bench, numba) skip this file, saying why.
pytest.importorskip("matplotlib", reason="matplotlib not installed (extra `plot`)")
pytest.importorskip("threadpoolctl", reason="threadpoolctl not installed (extra `test`)")

# matplotlib 3.5 (the oldest environment) calls pyparsing with a keyword pyparsing 3 deprecates:
# their warning, not ours.
pytestmark = pytest.mark.filterwarnings("ignore:'unquoteResults' argument is deprecated")

from benchmarks import scaling_deep
from benchmarks.deep_contenders import HAVE_TORCH, LEARNING_RATE, DeepProblem
from benchmarks.scaling_deep import (
    DEPTH_WIDTHS,
    DEPTHS,
    WIDTHS,
    check_first_step,
    contenders,
    main,
    networks,
    table,
)
from benchmarks.scaling_deep import config as sweep_config
from benchmarks.scaling_plot import RECORDED, figure
from nn_numpy import backward, forward, update_params
from nn_numpy.training import LayeredTrainer
from tests.helpers import close

ALWAYS = {"gemm", "layered", "readable"}  # torch and jax only where installed


def cfg_workers(results: dict[str, Any]) -> int:
    return results["config"]["rounds"] * len(results["config"]["threads"])


def assert_complete(results: dict[str, Any]) -> None:
    """Every network of both sweeps at every thread count, each contender once, with the
    machine's CPU, flags, cores, load and the threads each worker's BLAS ran on."""
    assert results["command"].startswith("python -m benchmarks.scaling_deep")
    machine = results["machine"]
    assert set(machine["cpu"]["flags"]) == {"avx2", "fma", "avx512f"}
    assert machine["cpu"]["model"] and machine["logical_cores"] >= 1
    assert len(machine["load_average"]) == 1 + cfg_workers(results)
    assert "numpy" in machine["versions"]
    cfg = results["config"]
    for threads in cfg["threads"]:
        blas = machine["threads_seen"][str(threads)]["blas"]
        assert blas and all(1 <= b["num_threads"] <= threads for b in blas)
    expected_names = ALWAYS | ({"torch"} if "torch" in machine["versions"] else set())
    found: dict[tuple[tuple[int, ...], int], list[str]] = {}
    for row in results["results"]:
        assert math.isfinite(row["seconds"]) and row["seconds"] > 0
        found.setdefault((tuple(row["hidden"]), row["threads"]), []).append(row["contender"])
    keys = {(h, t) for h in networks(cfg) for t in cfg["threads"]}
    assert set(found) == keys
    for names in found.values():
        assert len(names) == len(set(names)) and expected_names <= set(names)


def test_quick_run_writes_complete_results_and_a_png(tmp_path: Path) -> None:
    out, png = tmp_path / "results.json", tmp_path / "scaling.png"
    argv = [*"--quick --m 20 --repeat 1 --rounds 1".split(), "--json", str(out), "--plot", str(png)]
    assert main(argv) == 0
    results = json.loads(out.read_text(encoding="utf-8"))
    assert results["config"]["threads"] == [1, 2] and results["config"]["m"] == 20
    assert networks(results["config"]) == [(16,), (16, 16), (32, 32)]
    assert_complete(results)
    blas_1 = results["machine"]["threads_seen"]["1"]["blas"]
    assert all(b["num_threads"] == 1 for b in blas_1)
    if HAVE_TORCH:
        assert results["machine"]["threads_seen"]["1"]["torch"] == 1
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.json", "scaling.png"]


@pytest.mark.parametrize("hidden", [(16,), (16, 16, 16), (64, 64)])
def test_the_timed_layered_and_torch_steps_land_where_the_readable_step_lands(
    hidden: tuple[int, ...],
) -> None:
    problem = DeepProblem(((2, *hidden, 1), 300), "float64")
    p, X, Y = problem.params, problem.X, problem.Y
    expected = update_params(p, backward(p, forward(p, X), X, Y), LEARNING_RATE)
    built = contenders(problem)
    assert isinstance(built["layered"][0].__self__, LayeredTrainer)
    names = ["layered", "readable"] + (["torch"] if HAVE_TORCH else [])
    for name in names:
        run, current = built[name]
        run()
        for key, want in expected.items():
            close(current()[key], want, 1e-12)


def test_the_first_step_check_rejects_a_step_one_part_in_a_billion_off() -> None:
    problem = DeepProblem(((2, 16, 16, 1), 300), "float64")
    right = LayeredTrainer(problem.X, problem.Y, problem.params, LEARNING_RATE)
    wrong = LayeredTrainer(problem.X, problem.Y, problem.params, LEARNING_RATE * 1.01)
    right.step()
    wrong.step()
    check_first_step("layered", right.params, problem.stepped)
    with pytest.raises(AssertionError, match="layered"):
        check_first_step("layered", wrong.params, problem.stepped)
    nudged = dict(right.params)
    nudged["W2"] = nudged["W2"] * (1 + 1e-9)
    with pytest.raises(AssertionError, match="W2"):
        check_first_step("layered", nudged, problem.stepped)


def test_the_recorded_results_cover_both_sweeps_at_one_and_two_threads() -> None:
    results = json.loads(RECORDED.read_text(encoding="utf-8"))
    cfg = results["config"]
    assert cfg == sweep_config(False, 2000, cfg["repeat"], [1, 2], cfg["rounds"])
    assert cfg["depth"] == {"widths": DEPTH_WIDTHS, "depths": DEPTHS}
    assert cfg["width"]["widths"] == WIDTHS
    assert_complete(results)


def test_the_figure_has_a_panel_per_sweep_and_a_line_per_contender_and_thread_count() -> None:
    results = json.loads(RECORDED.read_text(encoding="utf-8"))
    axes = figure(results).axes
    assert len(axes) == len(DEPTH_WIDTHS) + 1
    contenders_recorded = {r["contender"] for r in results["results"]}
    for ax in axes:
        assert len(ax.get_lines()) == 2 * len(contenders_recorded)
        assert all(len(line.get_xdata()) >= len(DEPTHS) for line in ax.get_lines())


def test_the_performance_page_shows_the_recorded_table_with_its_machine_and_load() -> None:
    results = json.loads(RECORDED.read_text(encoding="utf-8"))
    page = (RECORDED.parents[2] / "docs" / "performance.md").read_text(encoding="utf-8")
    section = page[page.index("## Depth and width") :]
    assert table(results) in section
    machine, load = results["machine"], results["machine"]["load_average"]
    flags = " ".join(f"{f}={'yes' if on else 'no'}" for f, on in machine["cpu"]["flags"].items())
    assert f"{machine['cpu']['model']} ({flags};" in section
    assert f"load average {min(load):.1f}-{max(load):.1f}" in section
    assert f"numpy {machine['versions']['numpy']}" in section
    assert results["command"].split(" --plot")[0] in section


def test_the_gallery_caption_says_what_the_recorded_file_holds() -> None:
    results = json.loads(RECORDED.read_text(encoding="utf-8"))
    caption = (RECORDED.parents[2] / "examples" / "plot_scaling.py").read_text(encoding="utf-8")
    assert results["command"].split(" --plot")[0] in caption.replace("``", "")
    if "stayed above 1" in caption:
        assert min(results["machine"]["load_average"]) > 1


def test_the_worker_refuses_to_time_a_contender_whose_first_step_is_wrong(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def off_by_one_percent(problem: DeepProblem) -> dict[str, Any]:
        wrong = LayeredTrainer(problem.X, problem.Y, problem.params, LEARNING_RATE * 1.01)
        return {"layered": (wrong.step, lambda: wrong.params)}

    monkeypatch.setattr(scaling_deep, "contenders", off_by_one_percent)
    torch_threads = torch_num_threads()
    try:
        with pytest.raises(AssertionError, match="layered"):
            scaling_deep.worker(sweep_config(True, 20, 1, [1]), 1)
    finally:
        torch_num_threads(torch_threads)


def torch_num_threads(set_to: int | None = None) -> int | None:
    """torch's thread count (None without torch), first set to ``set_to`` if given."""
    if not HAVE_TORCH:
        return None
    import torch

    if set_to is not None:
        torch.set_num_threads(set_to)
    return int(torch.get_num_threads())


def test_the_one_thread_worker_runs_blas_on_one_thread_where_the_process_had_two() -> None:
    from threadpoolctl import threadpool_limits

    torch_threads = torch_num_threads()
    try:
        with threadpool_limits(limits=2):
            if max(b["num_threads"] for b in scaling_deep.blas_threads()) < 2:
                pytest.skip("this BLAS cannot run two threads here")
            seen = scaling_deep.worker(sweep_config(True, 20, 1, [1]), 1)["seen"]
    finally:
        torch_num_threads(torch_threads)
    assert seen["blas"] and all(b["num_threads"] == 1 for b in seen["blas"])
