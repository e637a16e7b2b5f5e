"""The command-line programs: argument parsing and presentation, nothing the library needs.

``nn-numpy-train`` (``cli.train``), ``nn-numpy-predict`` (``cli.predict``) and ``nn-numpy-check``
(``cli.check``); ``_inputs`` and ``_outputs`` check the files before a run, ``_errors`` turns
every failure into one line and an exit status.
"""
