"""A domain mutant: one exact edit of one file, and ``_m``, the short constructor the lists use."""

from __future__ import annotations

from typing import NamedTuple


class Mutant(NamedTuple):
    id: str  # unique, "<area>-<what>", used in equivalents.py and on the command line
    path: str  # relative to the repository root
    original: str  # must occur exactly once in the file
    replacement: str
    description: str  # the bug, as a person would make it


def _m(id: str, path: str, original: str, replacement: str, description: str) -> Mutant:
    return Mutant(id, path, original, replacement, description)
