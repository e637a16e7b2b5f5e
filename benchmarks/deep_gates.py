"""Ratio gates for the deep group (benchmarks/test_deep_shapes.py), added to conftest's GATES.

Only claims that held with room in every measured run of the group are gated. Measurements: 3
runs of ``pytest benchmarks/test_deep_shapes.py --benchmark-only``, every contender on one
thread, on the 2-core dev machine shared with other jobs (CPU "AMD EPYC", flags avx2, fma and
avx512f; OpenBLAS 0.3.31 SkylakeX kernels; load average 4.8-6.9 during the runs). Ratios of
minimum times seen (lowest to highest):

* readable / layered, 2-64-64-1: 1.50-1.54 (float64), 1.15-1.30 (float32); 2-16-16-16-16-1:
  1.19-1.65 (float64), 1.05-1.63 (float32); the wide shapes 0.52-1.81 (5 rounds of 0.1-0.3 s
  each under load: their minima move most). Gated: float64 2-64-64-1 only.
* sklearn / layered, the two narrow shapes: 2.31-9.8 (float64), 5.0-14.4 (float32).
* torch / layered, 2-16-16-16-16-1: 1.67-2.27 (float64), 1.47-1.64 (float32); 2-64-64-1 went
  down to 1.03, not gated.
* gemm / layered (the GEMM floor over the trainer's step), the two wide shapes: 0.84-1.95 and
  0.63-1.44 (float64), 0.72-0.83 and 0.89-1.02 (float32); above 1 only when load disturbed
  every round of the floor. A fourth run (the whole ``pytest benchmarks --benchmark-only``, 4
  min, load 3.5-4.8) gave 0.49 at 64-256-256-1 float64: gated at 0.4, not 0.5.
* jax / layered: 0.83-1.76 on the narrow shapes, 0.98-1.96 on the wide ones: not gated.

Thresholds sit at about 0.8x the lowest ratio seen (torch: 0.68x, as its rows are the noisiest).
A LayeredTrainer step that lost its preallocation (as slow as the readable one) or ran at 40%
of the GEMM rate fails a gate.
"""

from __future__ import annotations

from benchmarks.gates import Gate


def _name(dtype: str, shape: str, impl: str) -> str:
    return f"test_deep_shape_step[{dtype}-{shape}-{impl}]"


AHEAD = "the LayeredTrainer step must stay 1.2x ahead of the readable step"
SKLEARN_AHEAD = "the LayeredTrainer step must stay 1.8x ahead of sklearn's partial_fit"
TORCH_AHEAD = "the LayeredTrainer step must not be slower than eager torch at depth 5"
NEAR_GEMM = "the LayeredTrainer step must stay within 2.5x of the step's bare matrix multiplies"
NARROW = ("2-64-64-1", "2-16-16-16-16-1")
WIDE = ("64-256-256-1", "784-128-64-1")
DTYPES = ("float64", "float32")

DEEP_GATES = [
    Gate(_name("float64", "2-64-64-1", "readable"), _name("float64", "2-64-64-1", "layered"), 1.2,
         AHEAD),
    *(Gate(_name(d, s, "sklearn"), _name(d, s, "layered"), 1.8, SKLEARN_AHEAD)
      for d in DTYPES for s in NARROW),
    *(Gate(_name(d, "2-16-16-16-16-1", "torch"), _name(d, "2-16-16-16-16-1", "layered"), 1.0,
           TORCH_AHEAD) for d in DTYPES),
    *(Gate(_name(d, s, "gemm"), _name(d, s, "layered"), 0.4, NEAR_GEMM)
      for d in DTYPES for s in WIDE),
]  # fmt: skip
