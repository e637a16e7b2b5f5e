"""The decorator of every numba kernel: ``njit`` with the on-disk cache where numba can write one.

Plain Python (nothing here is compiled), so the kernels' cache does not depend on this file:
numba invalidates a cached kernel only when the source file that defines it changes, never when
a compiled function it calls from another file does. That is why the exp and every kernel that
calls it stay together in ``_numba_kernels``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from numba import njit


def compiled(**options: Any) -> Callable[[Callable[..., Any]], Any]:
    """``njit(cache=True, error_model="numpy", **options)``; where no directory is writable for
    numba's cache (install and user cache directories read-only, NUMBA_CACHE_DIR unset), numba
    refuses cache=True when decorating: the function then compiles in every process instead.

    error_model="numpy": x / 0 follows IEEE (no ZeroDivisionError check, which would stop the
    division from vectorizing).
    """

    def decorate(function: Callable[..., Any]) -> Any:
        try:
            return njit(cache=True, error_model="numpy", **options)(function)
        except RuntimeError:  # "cannot cache function ...: no locator available for file ..."
            return njit(error_model="numpy", **options)(function)

    return decorate
