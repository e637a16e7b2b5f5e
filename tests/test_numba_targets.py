"""The exp bound and the compiled step's equality hold for every vector width, not just this CPU's.

A machine proves its own width by the ordinary tests, and the narrower ones here: the exp and
compiled-step tests (tests/test_numba_exp.py, tests/test_numba_backend.py) run again in a
subprocess whose numba compiles for an older CPU (``NUMBA_CPU_NAME`` with
``NUMBA_CPU_FEATURES=""``: that CPU's own features; the name alone keeps the host's, AVX-512
included) and whose NumPy leaves out its dispatch targets wider than that CPU
(``NPY_DISABLE_CPU_FEATURES``). haswell: AVX2 and FMA, 256-bit vectors; x86-64: SSE2 only,
128-bit vectors and no FMA (no contraction). An AVX-512 machine thus proves
512, 256 and 128 bits; an AVX2 machine 256 and 128.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from benchmarks.machine import cpu_info
from tests.helpers import needs_numba

ROOT = Path(__file__).parents[1]
pytestmark = needs_numba
# The tests rerun per target: exp against the exact value, its edges, the steps and gradients.
RERUN = (
    "exp_error_below or exp_edges"
    " or ((steps_equal_readable or gradients_and_cost_equal_readable) and numba)"
)
RERUN_COUNT = 1 + 1 + 2 + 3
# numba's CPU name, the flags it needs from the host, its widest vector, NumPy's widest kept.
TARGETS = {
    "haswell": (("avx2", "fma"), 256, ("AVX512", "X86_V4")),
    "x86-64": ((), 128, ("SSSE3", "SSE4", "POPCNT", "AVX", "F16C", "FMA", "X86_V")),
}
PROBE = """
import json
from numba.core import config
from numpy.core._multiarray_umath import __cpu_features__ as numpy_features
from benchmarks.machine import compiled_vector_bits
from nn_numpy.training._numba_kernels import exp_nonpositive_array
import numpy as np
x = np.zeros(64)
print(json.dumps({"cpu": config.CPU_NAME, "features": config.CPU_FEATURES,
                  "bits": compiled_vector_bits(exp_nonpositive_array, x, x),
                  "numpy": sorted(k for k, on in numpy_features.items() if on)}))
"""


def numpy_disabled(prefixes: tuple[str, ...]) -> list[str]:
    """NumPy's dispatch targets this CPU has that start with one of ``prefixes``."""
    umath = importlib.import_module(f"{numpy_core()}._multiarray_umath")
    features = umath.__cpu_features__
    return [f for f in umath.__cpu_dispatch__ if f.startswith(prefixes) and features.get(f)]


@pytest.mark.parametrize("cpu", list(TARGETS))
def test_exp_and_compiled_step_tests_pass_compiled_for_a_narrower_cpu(
    cpu: str, tmp_path: Path
) -> None:
    needs, bits, wider = TARGETS[cpu]
    missing = [f for f in needs if not cpu_info()["flags"].get(f)]
    if missing:
        pytest.skip(f"this CPU cannot run {cpu} code: no {', '.join(missing)}")
    env = {**os.environ, "NUMBA_CPU_NAME": cpu, "NUMBA_CPU_FEATURES": ""}
    env["NUMBA_CACHE_DIR"] = str(tmp_path)  # compiled for this target, not loaded
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    disabled = numpy_disabled(wider)
    if disabled:
        env["NPY_DISABLE_CPU_FEATURES"] = " ".join(disabled)
    probe = subprocess.run(
        [sys.executable, "-c", PROBE.replace("numpy.core", numpy_core())],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert probe.returncode == 0, probe.stderr
    seen = json.loads(probe.stdout)
    assert (seen["cpu"], seen["features"], seen["bits"]) == (cpu, "", bits), seen
    assert not set(disabled) & set(seen["numpy"]), seen  # NumPy took the narrower paths too
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q",
         "tests/test_numba_exp.py", "tests/test_numba_backend.py",
         "tests/test_training_backends.py", "-k", RERUN],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else run.stderr
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert re.match(rf"{RERUN_COUNT} passed, \d+ deselected in ", summary), summary


def numpy_core() -> str:
    """The module path of NumPy's compiled core: numpy._core from NumPy 2, numpy.core before."""
    return "numpy._core" if int(np.__version__.split(".")[0]) >= 2 else "numpy.core"
