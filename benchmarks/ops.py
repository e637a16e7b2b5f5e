"""The cost of each NumPy call in Trainer.step(), next to the alternatives it replaced.

    python -m benchmarks.ops [--m 2000] [--n-h 5] [--dtype float64]

Runs every call on the Trainer's own buffers (one chunk) and prints the best thread CPU time per
call over many repetitions, in µs. The "instead of" rows are the textbook or obvious versions;
their difference to the row above is what the trick saves per step.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from benchmarks.conftest import blas_info, cpu_model
from nn_numpy import Trainer, init_params


def calls(t: Trainer) -> list[tuple[str, Callable[[], Any]]]:
    xa, c, a1a, a1, ma, mask, zeros, ones, g, u, scale, _ = t._chunks[0]
    W1a, H2, P, n_x, n_h = t._W1a, t._H2, t._P, t.n_x, t.n_h
    x = xa[:n_x]
    W1, b1 = W1a[:, :n_x].copy(), W1a[:, n_x:].copy()
    z2 = np.empty_like(u)
    dz1 = np.empty_like(a1)
    out_h = np.empty((1, n_h + 1), dtype=t.dtype)
    bool_mask = np.empty(a1.shape, dtype=bool)
    W1_scratch, H2_scratch = W1a.copy(), t._H2row.copy()

    def unfolded_bias() -> None:
        np.dot(W1, x, out=a1)
        np.add(a1, b1, out=a1)

    def mask_min_ceil() -> None:
        np.minimum(a1, ones, out=mask)
        np.ceil(mask, out=mask)

    def exp_sigmoid() -> None:
        np.negative(u, out=z2)
        np.exp(z2, out=z2)
        np.add(z2, 1.0, out=z2)
        np.reciprocal(z2, out=z2)

    def outer_dz1() -> None:
        np.multiply(H2[:, :n_h].T, u, out=dz1)
        np.multiply(dz1, mask, out=dz1)

    def u_times_x_rows() -> None:
        for a, b, o in scale:
            np.multiply(a, b, out=o)

    return [
        ("Z1 = W1a Xa (bias folded in)", lambda: np.dot(W1a, xa, out=a1)),
        ("  instead of: W1 X, then + b1", unfolded_bias),
        ("A1 = maximum(Z1, zeros array)", lambda: np.maximum(a1, zeros, out=a1)),
        ("  instead of: maximum(Z1, 0.0)", lambda: np.maximum(a1, 0.0, out=a1)),
        ("M = ceil(minimum(A1, ones))", mask_min_ceil),
        ("  instead of: M = greater(A1, 0) cast to float", lambda: np.greater(a1, zeros, out=mask)),
        ("  instead of: bool mask (then dZ1 * mask)", lambda: np.greater(a1, zeros, out=bool_mask)),
        ("h = H2 A1a", lambda: np.dot(H2, a1a, out=u)),
        ("tanh(h)", lambda: np.tanh(u, out=u)),
        ("  instead of: 1/(1 + exp(-z)), 4 calls", exp_sigmoid),
        ("u = tanh(h) + c", lambda: np.add(u, c, out=u)),
        ("u * X, one call per row", u_times_x_rows),
        ("  instead of: one broadcasting call", lambda: np.multiply(x, u, out=g[:n_x])),
        ("P = [M; 1] G^T", lambda: np.dot(ma, g.T, out=P)),
        ("  instead of: dZ1 = W2^T dZ2 * M (outer product)", outer_dz1),
        ("  instead of: dW2 = dZ2 A1a^T (gemv over A1)", lambda: np.dot(u, a1a.T, out=out_h)),
        ("update from P (6 small calls)", lambda: _tail(t, W1_scratch, H2_scratch)),
        ("whole step()", t.step),
    ]


def _tail(t: Trainer, W1a: np.ndarray, H2: np.ndarray) -> None:
    """The update at the end of step(), into scratch parameters (P stays as it is)."""
    T, R, G1 = t._T, t._R, t._G1
    np.multiply(t._P, t._s, out=T)  # step() scales P in place; T keeps P unchanged here
    np.multiply(t._W1aa, T, out=T)
    np.dot(T, t._quarter, out=R)
    np.multiply(t._P_top, t._H2col, out=G1)
    np.subtract(W1a, G1, out=W1a)
    np.subtract(H2, R, out=H2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--m", type=int, default=2000)
    parser.add_argument("--n-h", type=int, default=5)
    parser.add_argument("--dtype", choices=["float64", "float32"], default="float64")
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    X = rng.standard_normal((2, args.m))
    Y = (rng.random((1, args.m)) < 0.5).astype(np.float64)
    t = Trainer(X, Y, init_params(2, args.n_h, seed=0), 0.01, args.dtype, chunk_size=args.m)
    t.step()
    print(f"cpu: {cpu_model()}; blas: {blas_info()}; numpy {np.__version__}")
    print(f"m = {args.m}, n_h = {args.n_h}, {args.dtype}; best thread CPU time per call\n")
    print("| call | µs |\n|---|---:|")
    with np.errstate(all="ignore"):
        for name, call in calls(t):
            best = float("inf")
            for _ in range(30):
                t0 = time.thread_time_ns()
                for _ in range(100):
                    call()
                best = min(best, (time.thread_time_ns() - t0) / 100 / 1e3)
            print(f"| {name} | {best:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
