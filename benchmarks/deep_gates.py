"""Ratio gates for the deep group (benchmarks/test_deep_shapes.py), added to conftest's GATES.

Only claims that held with room in every measured run of the group are gated. Measurements: 3
runs of ``pytest benchmarks/test_deep_shapes.py --benchmark-only``, every contender on one
thread, on the 2-core dev machine shared with other jobs (CPU "AMD EPYC", flags avx2, fma and
avx512f; OpenBLAS 0.3.31 SkylakeX kernels; load average 5.7-7.5 during the runs). Ratios of
minimum times seen (lowest to highest):

* readable / layered, 2-64-64-1: 1.30-1.40 (float64), 1.12-1.43 (float32); 2-16-16-16-16-1:
  0.91-1.25 (float64), 1.03-1.23 (float32): the two are close there, not gated.
* sklearn / layered, the two narrow shapes: 2.75-7.6 (float64), 3.25-8.0 (float32).
* torch / layered, 2-16-16-16-16-1: 1.25-1.76 (float64), 1.45-1.50 (float32); 2-64-64-1 went
  down to 0.94, not gated.
* gemm / layered (the GEMM floor over the trainer's step), the two wide shapes: 0.62-0.75 and
  0.67-0.90 (float64), 0.41-0.80 and 0.68-0.87 (float32).
* jax / layered: 0.84-1.36 on the narrow shapes, 0.83-1.71 on the wide ones: not gated.

Thresholds sit at about 0.8x the lowest ratio seen. A LayeredTrainer step that lost its
preallocation (as slow as the readable one) or ran at a third of the GEMM rate fails a gate.
"""

from __future__ import annotations

from benchmarks.gates import Gate


def _name(dtype: str, shape: str, impl: str) -> str:
    return f"test_deep_shape_step[{dtype}-{shape}-{impl}]"


NOT_SLOWER = "the LayeredTrainer step must not be slower than the readable step"
SKLEARN_AHEAD = "the LayeredTrainer step must stay at least 2x ahead of sklearn's partial_fit"
TORCH_AHEAD = "the LayeredTrainer step must not be slower than eager torch at depth 5"
NEAR_GEMM = "the LayeredTrainer step must stay within 3x of the step's bare matrix multiplies"
NARROW = ("2-64-64-1", "2-16-16-16-16-1")
WIDE = ("64-256-256-1", "784-128-64-1")
DTYPES = ("float64", "float32")

DEEP_GATES = [
    Gate(_name("float64", "2-64-64-1", "readable"), _name("float64", "2-64-64-1", "layered"), 1.0,
         NOT_SLOWER),
    *(Gate(_name(d, s, "sklearn"), _name(d, s, "layered"), 2.0, SKLEARN_AHEAD)
      for d in DTYPES for s in NARROW),
    *(Gate(_name(d, "2-16-16-16-16-1", "torch"), _name(d, "2-16-16-16-16-1", "layered"), 1.0,
           TORCH_AHEAD) for d in DTYPES),
    *(Gate(_name(d, s, "gemm"), _name(d, s, "layered"), 0.33, NEAR_GEMM)
      for d in DTYPES for s in WIDE),
]  # fmt: skip
