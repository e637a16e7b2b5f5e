"""``python -m nn_numpy.train``: the program ``nn-numpy-train`` (``nn_numpy.cli.train``).

Imported (as Sphinx, ``pkgutil.walk_packages`` and doctest collection do), this module leaves
``nn_numpy.train`` the training function (``nn_numpy._runner``).
"""

from nn_numpy._runner import run_or_step_aside

run_or_step_aside(__name__, "train")
