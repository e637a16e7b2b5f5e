"""
A deep step over depth and width, on one and two threads
========================================================

Microseconds per full-batch training step of ReLU networks (n_x = 2, m = 2,000, float64) as the
hidden layers get more (left, centre: 1 to 6 layers of 16 and of 64 units) and wider (right: 2
layers of 16 to 512 units), for ``LayeredTrainer``, the readable step, eager torch, and the GEMM
floor (the step's matrix products alone, as bare ``np.dot`` calls); JAX jit is drawn too when it
was installed. Solid lines: one thread; dashed: two.

Nothing is measured while the documentation builds: the figure is drawn from a results file
recorded by ``python -m benchmarks.scaling_deep --json benchmarks/results/scaling_deep.json`` and
committed with the code; the command, the CPU, its flags, the threads each library ran on and the
versions printed below are read from that file. It was recorded on a 2-core machine **shared
with other jobs**: the load average (printed below and in the figure's title) stayed above 1,
and a two-thread step waits whenever its second thread is descheduled, so the dashed lines are
upper bounds, and 2 threads were often slower than 1 here. Trust the ratios at one thread more
than the absolute times.
"""

import json

# benchmarks/ is part of the repository, not of the package: outside the documentation build,
# run this from a checkout with `PYTHONPATH=. python examples/plot_scaling.py`.
from benchmarks.scaling_plot import RECORDED, figure, machine_line, times

results = json.loads(RECORDED.read_text(encoding="utf-8"))
machine = results["machine"]
print("command:", results["command"])
print("machine:", machine_line(results))
print("versions:", ", ".join(f"{k} {v}" for k, v in machine["versions"].items()))
for threads, seen in machine["threads_seen"].items():
    blas = "; ".join(f"{b['internal_api']} {b['version']} {b['num_threads']}" for b in seen["blas"])
    print(f"{threads} thread(s): BLAS threads {blas}; torch threads {seen['torch']}")

print("\nLayeredTrainer's time over the GEMM floor's, one thread:")
layered, floor = times(results, "layered", 1), times(results, "gemm", 1)
for hidden in sorted(layered, key=lambda h: (h[0], len(h))):
    print(f"  2-{'-'.join(map(str, hidden))}-1: {layered[hidden] / floor[hidden]:.2f}x")

scaling = figure(results)
