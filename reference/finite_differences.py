"""The finite-difference oracle, now shipped in the package (``nn_numpy.check``), re-exported.

It lives in ``nn_numpy/check/finite_differences.py`` so that ``nn-numpy-check`` can use it
without torch and without this directory; ``relative_error`` lives in
``nn_numpy/check/measures.py``. Both are importable from here as before.
"""

from nn_numpy.check.finite_differences import KinkError, numerical_gradients
from nn_numpy.check.measures import relative_error

__all__ = ["KinkError", "numerical_gradients", "relative_error"]
