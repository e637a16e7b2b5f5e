"""``python -m nn_numpy.predict``: the program ``nn-numpy-predict`` (``nn_numpy.cli.predict``).

Imported in any other way, it leaves ``nn_numpy.predict`` the function (see ``nn_numpy.train``).
"""

from nn_numpy._runner import run_or_step_aside

run_or_step_aside(__name__, "predict")
