"""The deep group's results file and figure (benchmarks/bench_plot.py), and the recorded run the
documentation's gallery draws (benchmarks/results/deep_shapes.json). No timing is asserted."""

from __future__ import annotations

import json
from typing import Any

import pytest

# Drawing needs matplotlib (the `plot` extra) and the script's thread limits threadpoolctl (the
# `test` extra): environments without them (package, bench, numba) skip this file, saying why.
pytest.importorskip("matplotlib", reason="matplotlib not installed (extra `plot`)")

# matplotlib 3.5 (the oldest environment) calls pyparsing with a keyword pyparsing 3 deprecates:
# their warning, not ours.
pytestmark = pytest.mark.filterwarnings("ignore:'unquoteResults' argument is deprecated")

from benchmarks.bench_plot import RECORDED, figure, main, ratios, summary
from benchmarks.deep_contenders import SHAPES

MACHINE = {
    "cpu_model": "Some CPU (avx2=yes fma=yes avx512f=no); numba compiles for x (avx2 fma)",
    "cpu_flags": {"avx2": True, "fma": True, "avx512f": False},
    "blas": "openblas", "versions": {"numpy": "2.4.6"}, "load_average": [0.5, 0.4, 0.3],
}  # fmt: skip


def bench(impl: str, seconds: float, shape: str = "2-64-64-1", dtype: str = "float64") -> Any:
    return {"params": {"dtype": dtype, "shape": shape, "impl": impl},
            "stats": {"min": seconds, "rounds": 5}}  # fmt: skip


def test_summary_keeps_the_deep_benchmarks_with_their_minimum_and_the_machine() -> None:
    other = {"params": {"problem": "float64", "impl": "trainer"}, "stats": {"min": 1.0}}
    run = {"benchmarks": [bench("gemm", 1e-3), other, bench("layered", 3e-3)],
           "machine_info": {**MACHINE, "node": "a host name"}}  # fmt: skip
    result = summary(run, "the command")
    assert result["command"] == "the command" and result["machine"] == MACHINE
    assert [(r["impl"], r["min"]) for r in result["rows"]] == [("gemm", 1e-3), ("layered", 3e-3)]
    assert ratios(result, "float64") == {"gemm": {"2-64-64-1": 1.0}, "layered": {"2-64-64-1": 3.0}}
    with pytest.raises(ValueError, match="no benchmark of the deep group"):
        summary({"benchmarks": [other], "machine_info": MACHINE}, "the command")


def test_the_command_writes_the_summary_and_a_png(tmp_path: Any) -> None:
    run = {"benchmarks": [bench("gemm", 1e-3), bench("torch", 2e-3)], "machine_info": MACHINE}
    (tmp_path / "deep.json").write_text(json.dumps(run), encoding="utf-8")
    out, png = tmp_path / "summary.json", tmp_path / "deep.png"
    assert main([str(tmp_path / "deep.json"), "--summary", str(out), "--plot", str(png)]) == 0
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written == summary(run, written["command"])
    assert written["command"].startswith("pytest benchmarks/test_deep_shapes.py --benchmark-only")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_recorded_run_has_every_shape_and_dtype_with_floor_layered_and_readable() -> None:
    results = json.loads(RECORDED.read_text(encoding="utf-8"))
    machine = results["machine"]
    assert "avx2=" in machine["cpu_model"] and set(machine["cpu_flags"]) == {
        "avx2",
        "fma",
        "avx512f",
    }
    assert len(machine["load_average"]) == 3 and "numpy" in machine["versions"]
    for dtype in ("float64", "float32"):
        found = ratios(results, dtype)
        for impl in ("gemm", "layered", "readable"):
            assert set(found[impl]) == set(SHAPES), (dtype, impl)


def test_the_figure_has_a_panel_per_dtype_and_a_bar_per_contender_and_shape() -> None:
    results = json.loads(RECORDED.read_text(encoding="utf-8"))
    axes = figure(results).axes
    assert len(axes) == 2
    for ax, dtype in zip(axes, ("float64", "float32"), strict=True):
        assert len(ax.patches) == sum(len(v) for v in ratios(results, dtype).values())


def test_the_gallery_caption_names_the_commands_of_the_recorded_run() -> None:
    results = json.loads(RECORDED.read_text(encoding="utf-8"))
    caption = (RECORDED.parents[2] / "examples" / "plot_benchmarks.py").read_text(encoding="utf-8")
    assert results["command"] in caption.replace("``", "")
    assert "python -m benchmarks.bench_plot deep.json --summary benchmarks/results/" in caption


def test_the_performance_page_states_the_recorded_runs_load() -> None:
    results = json.loads(RECORDED.read_text(encoding="utf-8"))
    page = (RECORDED.parents[2] / "docs" / "performance.md").read_text(encoding="utf-8")
    load = results["machine"]["load_average"][0]
    assert f"without JAX, load average {load:.1f} as it ended" in page.replace("\n", " ")
    assert "jax" not in {r["impl"] for r in results["rows"]}
