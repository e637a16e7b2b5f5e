"""The benchmark's machine description (benchmarks/machine.py) and the floor's vector width.

The floor is honest only if it runs at the step's vector width: both are compiled by numba for
the same target, and LLVM picks each loop's width. Compiled (never run) for AVX-512 targets, the
widths are read back from the assembly: both 256-bit on skylake-avx512 (LLVM prefers 256-bit
vectors there), both 512-bit on znver4, both 256-bit on znver4 told to prefer 256-bit vectors
(the README's way to compare the two widths on a Zen 4 machine).
"""

from __future__ import annotations

import pytest

from benchmarks.machine import describe, measure_vector_bits, parse_cpuinfo, vector_bits
from tests.helpers import needs_numba

CPUINFO = """processor\t: 0
vendor_id\t: AuthenticAMD
model name\t: AMD EPYC 9R14 96-Core Processor
flags\t\t: fpu sse2 avx fma avx2 avx512f avx512dq avx512bw avx512vl
bugs\t\t: sysret_ss_attrs

processor\t: 1
model name\t: Another CPU
flags\t\t: fpu sse2
"""


def test_cpuinfo_parser_reads_the_first_model_name_and_the_vector_flags() -> None:
    info = parse_cpuinfo(CPUINFO)
    assert info == {
        "model": "AMD EPYC 9R14 96-Core Processor",
        "flags": {"avx2": True, "fma": True, "avx512f": True},
    }
    no_avx = parse_cpuinfo("model name : AMD EPYC\nflags : fpu sse2 avx512fp16\n")
    assert no_avx["flags"] == {"avx2": False, "fma": False, "avx512f": False}  # whole words
    assert parse_cpuinfo("")["model"] == "unknown"
    line = describe(info, {"cpu": "znver4", "flags": "avx2 fma avx512f"})
    assert line == (
        "AMD EPYC 9R14 96-Core Processor (avx2=yes fma=yes avx512f=yes); "
        "numba compiles for znver4 (avx2 fma avx512f)"
    )


def test_vector_bits_is_the_widest_packed_arithmetic_register() -> None:
    assert vector_bits("\tvfmadd213pd\t%zmm1, %zmm2, %zmm3\n\tvaddpd\t%ymm0, %ymm1, %ymm1") == 512
    assert vector_bits("\tvmulpd\t(%rax), %ymm1, %ymm1\n\tvmovupd\t%zmm0, (%rdi)") == 256
    assert vector_bits("\tmulpd\t%xmm1, %xmm0\n") == 128  # SSE2
    assert vector_bits("\tvfmadd231sd\t%xmm1, %xmm2, %xmm0\n\tvaddsd\t%xmm0, %xmm1, %xmm1") == 64


@needs_numba
@pytest.mark.parametrize(
    ("cpu", "features", "bits"),
    [("skylake-avx512", "", 256), ("znver4", "", 512), ("znver4", "+prefer-256-bit", 256)],
)
def test_floor_and_step_are_compiled_at_the_same_vector_width(
    cpu: str, features: str, bits: int
) -> None:
    widths = measure_vector_bits({"NUMBA_CPU_NAME": cpu, "NUMBA_CPU_FEATURES": features})
    assert widths == {"floor": bits, "step float64": bits, "step float32": bits}
