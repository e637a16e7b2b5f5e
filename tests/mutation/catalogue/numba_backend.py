"""The domain mutants of the numba backend (--backend numba): the compiled kernels, the compile
cache and the aligned buffers.
"""

from __future__ import annotations

from tests.mutation.catalogue.files import _ALIGNED, _COMPILE, _FAST, _KERNELS
from tests.mutation.catalogue.mutant import Mutant, _m

# fmt: off
MUTANTS: list[Mutant] = [
    # ------------------------------------------------------------ the numba backend (--backend)
    _m("numba-last-partial-block-dropped", _KERNELS,
       "for start in range(0, m, B):", "for start in range(0, m - m % B, B):",
       "the serial pass stops at the last full block: m % B examples never counted"),
    _m("numba-block-end-off-by-one", _KERNELS,
       "start, min(start + B, m), A[0, :n_h]", "start, min(start + B - 1, m), A[0, :n_h]",
       "a block ends one example early: the last example of every block skipped"),
    _m("numba-threads-remainder-blocks-dropped", _KERNELS,
       "range(t * n_blocks // T, (t + 1) * n_blocks // T)",
       "range(t * (n_blocks // T), (t + 1) * (n_blocks // T))",
       "thread partition divides first: the n_blocks % T last blocks belong to no thread"),
    _m("numba-relu-mask-on-dz2", _KERNELS,
       "g = u[i] if A[j, i] > 0.0 else 0.0", "g = u[i] if u[i] > 0.0 else 0.0",
       "dW1's ReLU mask (n_x != 2 path) taken on dZ[2] instead of Z[1]"),
    _m("numba-db1-dw2-sums-swapped", _KERNELS,
       "        S[j, n_x] += sg\n        S[j, n_x + 1] += sga",
       "        S[j, n_x] += sga\n        S[j, n_x + 1] += sg",
       "db1's sum (g) and dW2's sum (g a) stored in each other's column"),
    _m("numba-update-w2-sign", _KERNELS,
       "theta[o_w2 + j] -= lr_over_m * S[j, n_x + 1]",
       "theta[o_w2 + j] += lr_over_m * S[j, n_x + 1]",
       "W2 steps up the gradient"),
    _m("numba-update-reads-moved-w2", _KERNELS,
       "        c = lr_over_m * float(theta[o_w2 + j])  # s W2_j: dZ[1] = W2 g\n"
       "        for k in range(n_x):\n"
       "            theta[j * n_x + k] -= c * S[j, k]\n"
       "        theta[o_b1 + j] -= c * S[j, n_x]\n"
       "        theta[o_w2 + j] -= lr_over_m * S[j, n_x + 1]\n",
       "        theta[o_w2 + j] -= lr_over_m * S[j, n_x + 1]\n"
       "        c = lr_over_m * float(theta[o_w2 + j])  # s W2_j: dZ[1] = W2 g\n"
       "        for k in range(n_x):\n"
       "            theta[j * n_x + k] -= c * S[j, k]\n"
       "        theta[o_b1 + j] -= c * S[j, n_x]\n",
       "in-place update: W1 and b1 use W2 after W2 has already moved"),
    _m("numba-exp-no-cody-waite-split", _KERNELS,
       "r = (x - n_float * _LN2_HI) - n_float * _LN2_LO",
       "r = x - n_float * (_LN2_HI + _LN2_LO)",
       "exp's range reduction with ln 2 as one constant (n ln 2 rounded: ~1e-13 off at n ~ 1000)"),
    _m("numba-exp-polynomial-one-term-short", _KERNELS,
       "    p = _C13\n    p = p * r + _C12\n", "    p = _C12\n",
       "exp's Taylor polynomial stops at degree 12 (error ~3e-16: low bits only)"),
    _m("numba-cache-fallback-still-caches", _COMPILE,
       'return njit(error_model="numpy", **options)(function)',
       'return njit(cache=True, error_model="numpy", **options)(function)',
       "the no-cache fallback asks for the cache again: uncacheable code cannot compile"),
    _m("numba-lr-over-m-twice", _FAST,
       "self._lr_over_m = self.learning_rate / self.m",
       "self._lr_over_m = self.learning_rate / self.m / self.m",
       "the compiled step divides by m twice (1/m applied to the sums and to the rate)"),
    _m("numba-gradients-db1-without-w2", _FAST,
       "W2 * S[:n_h, n_x : n_x + 1] / m", "S[:n_h, n_x : n_x + 1] / m",
       "gradients(): db1 = sum g / m, forgetting dZ[1] = W2 g"),
    _m("numba-scratch-unaligned", _FAST,
       "self._A = aligned_empty((self.threads, self.n_h + 1, self.block_size))",
       "self._A = np.empty((self.threads, self.n_h + 1, self.block_size))",
       "the block scratch allocated with plain np.empty: wherever malloc puts it"),
    _m("aligned-skip-wrong-direction", _ALIGNED,
       "skip = -buffer.ctypes.data % CACHE_LINE", "skip = buffer.ctypes.data % CACHE_LINE",
       "skips the address's offset past the boundary instead of the bytes up to the next one"),
    _m("aligned-copy-values-left-empty", _ALIGNED,
       "    out[...] = a\n", "",
       "the aligned copy is allocated but never filled"),
]
# fmt: on
