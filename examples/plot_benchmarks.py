"""
The deep benchmark group against the GEMM floor
===============================================

One full-batch training step of issue 22's four deep and wide ReLU networks (synthetic data,
fixed seeds), every contender on one thread, each bar its best time over the GEMM floor's (the
step's full-batch matrix products alone, as bare ``np.dot`` calls) in the same run. A bar below 1
is possible: ``LayeredTrainer`` multiplies chunks of columns, which BLAS may run faster than the
floor's full-batch products, and on a loaded machine the floor's own best round can be slowed.
Every contender's first step was checked against the readable step before it was timed.

Nothing is measured while the documentation builds: the bars are drawn from a summary of one
``pytest benchmarks/test_deep_shapes.py --benchmark-only --benchmark-json=deep.json`` run
(``python -m benchmarks.bench_plot deep.json --summary benchmarks/results/deep_shapes.json``),
committed with the code; the CPU, its flags, the BLAS, the versions and the load average printed
below come from it. It was recorded on a 2-core machine **shared with other jobs** (the load
average is in the figure's title): the wide shapes' minima moved by up to 1.5x between such runs
(see the performance page), so read the bars as one run's ratios, not as the machine's speed.
"""

import json

# benchmarks/ is part of the repository, not of the package: outside the documentation build,
# run this from a checkout with `PYTHONPATH=. python examples/plot_benchmarks.py`.
from benchmarks.bench_plot import RECORDED, figure, ratios

results = json.loads(RECORDED.read_text(encoding="utf-8"))
machine = results["machine"]
print("command:", results["command"])
print("cpu:", machine["cpu_model"])
print("blas:", machine["blas"])
print("versions:", ", ".join(f"{k} {v}" for k, v in machine["versions"].items()))
print("load average (1, 5, 15 min) as the run ended:", machine["load_average"])
for dtype in ("float64", "float32"):
    print(f"\n{dtype}, LayeredTrainer's time over the GEMM floor's:")
    for shape, ratio in ratios(results, dtype)["layered"].items():
        print(f"  {shape}: {ratio:.2f}x")

bars = figure(results)
