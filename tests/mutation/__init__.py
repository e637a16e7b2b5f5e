"""Mutation testing of the suite: does it fail when the code is wrong?

``python -m tests.mutation`` (``tox -e mutation``) breaks the code on purpose, one edit at a time,
in a temporary copy of the repository, and runs the tests that should notice. Two sources of
mutants:

* ``catalogue/``: hand-written domain mutants, the bugs people make implementing this
  derivation (a dropped 1/m, a mask on the wrong layer, a chunk off by one, a data leak, ...).
  Each is an exact (file, original snippet, replacement) edit; a snippet that is not found once
  is an error, so code drift cannot silently shrink the catalogue.
* mutmut (``tool.py``): its generic operator mutants on ``nn_numpy/network.py``,
  ``nn_numpy/training/trainer.py`` and ``reference/``.

Mutants that cannot change any observable result are listed, with the reason, in
``equivalents.py``; everything else must be killed (CONTRIBUTING.md, "Mutation testing").
Nothing here is collected by pytest (no ``test_*.py`` files); ``tests/test_mutation_catalogue.py``
tests the catalogue and the runner.
"""
