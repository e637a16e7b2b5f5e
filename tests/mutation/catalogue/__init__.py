"""The domain mutants: bugs people make implementing this derivation, as exact edits.

Each ``Mutant`` replaces ``original`` (which must occur exactly once in ``path``) by
``replacement``. Snippets are kept small so that unrelated edits to a file leave them valid;
when a change to the code makes one stale, ``python -m tests.mutation`` stops with an error
naming it (and ``tests/test_mutation_catalogue.py`` fails), so fix the snippet, do not drop it.

``TESTS`` maps each mutated file to the test files that should notice a bug in it, fastest and
most specific first (each mutant's run stops at the first failure, ``-x``). A mutant that
survives them is run once more against the whole of ``tests/`` before it counts as survived.

The entries are in topic modules, one ``MUTANTS`` list each, concatenated here in this order:
``network``, ``trainer``, ``pipeline``, ``numba_backend``, ``measuring``, ``red_team``,
``checker``, ``depth``, ``docs``, ``hardening``. ``files.py`` names the mutated files and the
groups of test files; ``suites_library.py`` and ``suites_checker.py`` hold the two halves of
``TESTS``; ``mutant.py`` holds the ``Mutant`` record.
"""

from __future__ import annotations

from tests.mutation.catalogue import (
    checker,
    depth,
    docs,
    hardening,
    measuring,
    network,
    numba_backend,
    pipeline,
    red_team,
    trainer,
)
from tests.mutation.catalogue.mutant import Mutant
from tests.mutation.catalogue.suites_checker import CHECKER_TESTS
from tests.mutation.catalogue.suites_library import LIBRARY_TESTS

__all__ = ["CATALOGUE", "TESTS", "Mutant"]

TESTS: dict[str, list[str]] = {**LIBRARY_TESTS, **CHECKER_TESTS}

CATALOGUE: list[Mutant] = [
    *network.MUTANTS,
    *trainer.MUTANTS,
    *pipeline.MUTANTS,
    *numba_backend.MUTANTS,
    *measuring.MUTANTS,
    *red_team.MUTANTS,
    *checker.MUTANTS,
    *depth.MUTANTS,
    *docs.MUTANTS,
    *hardening.MUTANTS,
]
