"""What the timings ran on: the CPU, the vector instructions it has, and what numba compiled for.

``/proc/cpuinfo`` often names only the family ("AMD EPYC"), which says nothing about the vector
width: the flags that decide it (avx2, fma, avx512f) are recorded beside the name. numba compiles
for the CPU name and feature list that LLVM detects (``NUMBA_CPU_NAME`` / ``NUMBA_CPU_FEATURES``
override them), and LLVM then picks the vector width per loop; ``vector_bits`` reads the width
actually used back from the generated assembly.

    python -m benchmarks.machine                  # the CPU line of the benchmark header
    python -m benchmarks.machine --vector-bits    # widths of the floor and the step, as JSON
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

FLAGS = ("avx2", "fma", "avx512f")  # the flags that decide the vector width and contraction
CPUINFO = Path("/proc/cpuinfo")
# Packed floating-point arithmetic (SSE and VEX/EVEX forms) and the widest register it names.
_PACKED = re.compile(
    r"^\s*v?(?:fn?m(?:add|sub)\d*|add|sub|mul|div|max|min|sqrt)p[sd]\b[^#]*?%(xmm|ymm|zmm)"
)
_BITS = {"xmm": 128, "ymm": 256, "zmm": 512}


def parse_cpuinfo(text: str) -> dict[str, Any]:
    """The first processor's model name and which of FLAGS it lists, from /proc/cpuinfo text."""
    model, flags = "unknown", set()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key = key.strip()
        if key == "model name" and model == "unknown":
            model = value.strip()
        elif key == "flags":
            flags = set(value.split())
            break  # the first processor's block is enough: the others repeat it
    return {"model": model, "flags": {f: f in flags for f in FLAGS}}


def cpu_info() -> dict[str, Any]:
    """parse_cpuinfo of this machine's /proc/cpuinfo (the flags unknown elsewhere)."""
    try:
        return parse_cpuinfo(CPUINFO.read_text())
    except OSError:
        return {"model": platform.processor() or "unknown", "flags": {}}


def numba_target() -> dict[str, str] | None:
    """The CPU name and features numba compiles for (host or NUMBA_CPU_*), None without numba."""
    try:
        from numba.core import codegen, config
    except ImportError:
        return None
    import llvmlite.binding as llvm

    name = config.CPU_NAME if config.CPU_NAME is not None else llvm.get_host_cpu_name()
    features = config.CPU_FEATURES
    if features is None:
        features = codegen.get_host_cpu_features()
    enabled = [f[1:] for f in features.split(",") if f.startswith("+")]
    return {"cpu": name, "flags": " ".join(f for f in FLAGS if f in enabled) or "(cpu defaults)"}


def vector_bits(asm: str) -> int:
    """The widest vector register used by packed floating-point arithmetic in ``asm``; 64 when
    there is none (scalar code)."""
    widths = [_BITS[m[1]] for line in asm.splitlines() if (m := _PACKED.match(line))]
    return max(widths, default=64)


def compiled_vector_bits(dispatcher: Any, *args: Any) -> int:
    """vector_bits of a numba function compiled (not run) for the types of ``args``; in a
    process whose NUMBA_CACHE_DIR is empty (numba shows no assembly for cached code)."""
    import numba

    signature = tuple(numba.typeof(a) for a in args)
    dispatcher.compile(signature)
    return vector_bits(dispatcher.inspect_asm(signature))


def kernel_vector_bits() -> dict[str, int]:
    """Widths of the floor and of the step (float64 and float32 data, n_x = 2, n_h = 5), compiled
    here for numba's target; run through ``measure_vector_bits``, which gives it a fresh cache."""
    import numpy as np

    from benchmarks.floor import BLOCK, floor_step
    from nn_numpy.training import _numba_kernels as kernels

    bits = {"floor": compiled_vector_bits(floor_step, np.zeros(BLOCK), 2000, 7)}
    for dtype in ("float64", "float32"):
        X, y, theta = np.zeros((2, 2000), dtype), np.zeros(2000, dtype), np.zeros(21, dtype)
        A, S = np.zeros((1, 6, 512)), np.zeros((6, 4))
        args = (X, y, theta, 5, A, S, 0.1)
        bits[f"step {dtype}"] = compiled_vector_bits(kernels.step_serial, *args)
    return bits


def measure_vector_bits(env: dict[str, str] | None = None) -> dict[str, int]:
    """kernel_vector_bits in a subprocess with an empty numba cache (compiles, runs nothing), for
    this process's numba target or the one ``env`` names (NUMBA_CPU_NAME, NUMBA_CPU_FEATURES)."""
    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as cache:
        run = subprocess.run(
            [sys.executable, "-m", "benchmarks.machine", "--vector-bits"],
            env={**os.environ, **(env or {}), "NUMBA_CACHE_DIR": cache},
            cwd=root, capture_output=True, text=True, check=True,
        )  # fmt: skip
    return dict(json.loads(run.stdout))


@functools.cache
def host_vector_bits() -> dict[str, int]:
    """measure_vector_bits for this process's target, measured once (about 20 s of compiling)."""
    return measure_vector_bits()


def record_vector_bits(benchmark: Any, kernel: str) -> None:
    """The width of ``kernel``'s code ("floor", "step float64" ...) into a timed run's JSON."""
    if not benchmark.disabled:
        benchmark.extra_info["vector_bits"] = host_vector_bits()[kernel]


def describe(info: dict[str, Any], target: dict[str, str] | None) -> str:
    """One line: model, flags, numba's target."""
    flags = " ".join(f"{f}={'yes' if on else 'no'}" for f, on in info["flags"].items())
    line = f"{info['model']} ({flags or 'flags unknown'})"
    if target is not None:
        line += f"; numba compiles for {target['cpu']} ({target['flags']})"
    return line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vector-bits", action="store_true", help="kernel widths, as JSON")
    if parser.parse_args(argv).vector_bits:
        print(json.dumps(kernel_vector_bits()))
    else:
        print(describe(cpu_info(), numba_target()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
