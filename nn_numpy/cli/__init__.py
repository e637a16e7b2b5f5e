"""The command-line programs: `nn-numpy-train` (cli.train) and `nn-numpy-predict` (cli.predict).

They live here rather than in ``nn_numpy/train.py`` and ``nn_numpy/predict.py`` because a submodule
named like a package attribute replaces it on import: ``nn_numpy.train`` and ``nn_numpy.predict``
are the network's functions. ``python -m nn_numpy.train`` still works through a small runner that
only ``-m`` executes (runpy does not bind it to the package).
"""
