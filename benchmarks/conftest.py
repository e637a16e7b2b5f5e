"""Benchmark setup: the data, which tests run when, and the machine description.

* ``pytest --benchmark-only`` runs the benchmarks and deselects everything else (instead of
  pytest-benchmark's one skip per non-benchmark test), then checks the ratio gates in ``GATES``
  on that run's timings (``benchmarks/gates.py``): a broken gate fails the run.
* Plain ``pytest`` (paths from ``testpaths``) runs tests/ and the benchmarks with benchmarking
  disabled (``--benchmark-disable``: each benchmarked call runs once, untimed), so every test
  environment runs their correctness checks; ``pytest benchmarks`` runs them with timing, as asked.
* The header and the saved JSON (``machine_info``) name the CPU with its avx2 / fma / avx512f
  flags and numba's compile target (``benchmarks/machine.py``), the BLAS and the library versions.
"""

from __future__ import annotations

import importlib.util
import os
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from benchmarks.deep_gates import DEEP_GATES
from benchmarks.gates import Gate, GatePlugin
from benchmarks.machine import cpu_info, describe, numba_target

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "large_dataset.csv"
HAVE_PLUGIN = importlib.util.find_spec("pytest_benchmark") is not None

if not HAVE_PLUGIN:  # the `benchmark` fixture would be missing: say so in the header instead
    collect_ignore_glob = ["test_*.py"]

# Speed claims that fail `pytest --benchmark-only` when broken: min(slower) / min(faster) in the
# same run must be at least `at_least`. Add a gate by adding one row (names as pytest prints them;
# tests/test_benchmark_gates.py checks that every name exists).
# Thresholds: about 0.8x the lowest ratio seen in 13 runs of unchanged code on the 2-core dev
# machine shared with 6 other jobs (load average 2-10): readable/trainer 1.65-1.78 (float64) and
# 2.55-2.69 (float32); torch/trainer 3.8 and up (torch's minimum is the noisiest row: more margin).
# On a quiet machine the ratios were higher (readable/trainer 2.1-2.9 and 3.7-4.0). A Trainer.step
# that lost its fusion (as slow as the readable step, ratio ~1.0) fails every trainer gate.
# The compiled step (numba), 6 runs on the same machine: trainer/numba 6.3-7.8 (float64) and
# 3.3-4.1 (float32); floor/numba 0.75-0.97 (float64) and 0.69-0.87 (float32), gated at 0.55
# (numba within 1.8x of the floor). The trainer/numba ratio measures the Trainer's distance from
# the floor as much as numba's, and that moves most between machines: in a clean-clone CI run on
# an AVX2 machine it was 4.88 (float64) and 2.39 (float32); in 3 runs on an idle AVX-512 machine
# 2.63-3.99 (float64) and 2.09-2.39 (float32), where the float32 Trainer itself is 2.5x the floor.
# Gated at about 0.8x those lows: 2.0 (float64: numba at most half the Trainer's time) and 1.6
# (float32). The machine-independent claim is the floor gate. A compiled step whose loop stopped
# vectorizing (math.exp there took 2.5x the Trainer's time) fails all four.
STEP_AHEAD = "the fused Trainer step must stay well ahead of the readable step"
TORCH_AHEAD = "the fused Trainer step must stay ahead of eager torch"
COMPILED_AHEAD = "the compiled step must take at most 0.5x the Trainer's time"
COMPILED_AHEAD_32 = "the compiled float32 step must take at most 0.625x the Trainer's time"
NEAR_FLOOR = "the compiled step must stay within 1.8x of the machine's arithmetic floor"
GATES = [
    Gate("test_step[float64-readable]", "test_step[float64-trainer]", 1.3, STEP_AHEAD),
    Gate("test_step[float32-readable]", "test_step[float32-trainer]", 2.0, STEP_AHEAD),
    Gate("test_step[float64-torch]", "test_step[float64-trainer]", 2.0, TORCH_AHEAD),
    Gate("test_step[float32-torch]", "test_step[float32-trainer]", 2.0, TORCH_AHEAD),
    Gate("test_step[float64-trainer]", "test_step[float64-numba]", 2.0, COMPILED_AHEAD),
    Gate("test_step[float32-trainer]", "test_step[float32-numba]", 1.6, COMPILED_AHEAD_32),
    Gate("test_step[float64-floor]", "test_step[float64-numba]", 0.55, NEAR_FLOOR),
    Gate("test_step[float32-floor]", "test_step[float32-numba]", 0.55, NEAR_FLOOR),
    *DEEP_GATES,  # the deep group's, with their measurements: benchmarks/deep_gates.py
]


def load_data() -> tuple[np.ndarray, np.ndarray, str]:
    """X (2, m), Y (1, m) from data/large_dataset.csv, or synthetic data of the same shape."""
    if DATA.exists():
        table = np.loadtxt(DATA, delimiter=",", skiprows=1, ndmin=2)
        return table[:, :-1].T.copy(), table[:, -1:].T.copy(), str(DATA.relative_to(ROOT))
    rng = np.random.default_rng(0)
    Y = (rng.random((1, 2000)) < 0.5).astype(np.float64)
    X = rng.standard_normal((2, 2000)) + 1.5 * (2 * Y - 1)
    return X, Y, f"synthetic (2, 2000): {DATA.relative_to(ROOT)} not found"


def cpu_model() -> str:
    """The CPU's model name, its avx2 / fma / avx512f flags and numba's compile target."""
    return describe(cpu_info(), numba_target())


def blas_info() -> str:
    """The BLAS NumPy calls, as threadpoolctl sees it (NumPy's build config as a fallback)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        config: Any = np.show_config(mode="dicts") if hasattr(np, "show_config") else None
        try:
            blas = config["Build Dependencies"]["blas"]
            return f"{blas['name']} {blas['version']} (numpy build config)"
        except (TypeError, KeyError):
            return "unknown (install threadpoolctl)"
    libs = [i for i in threadpool_info() if i.get("user_api") == "blas"]
    return "; ".join(  # torch, once imported, brings a BLAS of its own: name each one's file
        f"{i['internal_api']} {i['version']} ({i.get('architecture')}, "
        f"{i['num_threads']} threads, {i.get('threading_layer')}, {Path(i['filepath']).name})"
        for i in libs
    )


CONTENDERS_AND_DEPS = (
    "numpy",
    "torch",
    "jax",
    "jaxlib",
    "scikit-learn",
    "scipy",
    "joblib",
    "threadpoolctl",
    "numba",
    "llvmlite",
)
CONSTRAINTS = ROOT / "benchmarks" / "constraints.txt"


def versions(names: tuple[str, ...] = CONTENDERS_AND_DEPS) -> dict[str, str]:
    """Installed versions of the named distributions (absent ones left out), without importing."""
    found = {}
    for name in names:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return found


def pins() -> dict[str, str]:
    """Every pin of benchmarks/constraints.txt: the installed version, or what differs from it."""
    wanted = dict(
        line.split("==", 1)
        for line in CONSTRAINTS.read_text(encoding="utf-8").splitlines()
        if "==" in line and not line.startswith("#")
    )
    have = versions(tuple(wanted))
    return {
        name: have.get(name, "absent")
        + ("" if have.get(name, "").split("+")[0] == v else f" (pin {v})")
        for name, v in wanted.items()
    }


def pytest_report_header(config: pytest.Config) -> list[str]:
    if not HAVE_PLUGIN:
        return ["benchmarks: not collected, pytest-benchmark is not installed (extra `bench`)"]
    X, _, source = load_data()
    return [
        f"cpu: {cpu_model()}, {os.cpu_count()} logical cores",
        f"blas: {blas_info()}",
        "versions: " + ", ".join(f"{k} {v}" for k, v in versions().items()),
        f"benchmark data: {source}, n_x = {X.shape[0]}, m = {X.shape[1]}",
    ]


@pytest.hookimpl(optionalhook=True)  # defined by pytest-benchmark, which may be absent
def pytest_benchmark_update_machine_info(config: pytest.Config, machine_info: dict) -> None:
    machine_info["cpu_model"] = cpu_model()
    machine_info["cpu_flags"] = cpu_info()["flags"]  # e.g. {"avx2": True, "avx512f": False}
    machine_info["numba_target"] = numba_target()  # {"cpu": ..., "flags": ...} or None
    machine_info["blas"] = blas_info()
    machine_info["versions"] = versions()
    machine_info["pins"] = pins()
    machine_info["load_average"] = list(os.getloadavg())  # 1, 5, 15 min, as the run ends


def pytest_configure(config: pytest.Config) -> None:
    if not HAVE_PLUGIN:
        return
    # Runs before pytest-benchmark reads its options (its pytest_configure is trylast).
    plain = getattr(config, "args_source", None) == pytest.Config.ArgsSource.TESTPATHS
    if (
        plain
        and not config.getoption("benchmark_only")
        and not config.getoption("benchmark_enable")
    ):
        config.option.benchmark_disable = True
    config.pluginmanager.register(GatePlugin(GATES), "nn-numpy-benchmark-gates")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not HAVE_PLUGIN or not config.getoption("benchmark_only"):
        return
    is_benchmark = {id(item): "benchmark" in getattr(item, "fixturenames", ()) for item in items}
    drop = [item for item in items if not is_benchmark[id(item)]]
    if drop:
        dropped = {id(item) for item in drop}
        config.hook.pytest_deselected(items=drop)
        items[:] = [item for item in items if id(item) not in dropped]
