"""Mutants that survive because no observable result can change, each with the reason.

The runner counts a surviving mutant listed here as *equivalent* (not as survived); a listed
mutant that gets killed is reported, so the list cannot hide a real survivor for long.
CONTRIBUTING.md ("Mutation testing") has the same table for readers.

``CATALOGUE_EQUIVALENTS``: catalogue id -> reason.
``TOOL_EQUIVALENTS``: mutmut mutant name -> (the mutated line as ``mutmut show`` prints it after
``+``, stripped; the reason). The line is checked, so a renumbered mutant is not mislabelled.
"""

from __future__ import annotations

CATALOGUE_EQUIVALENTS: dict[str, str] = {}

TOOL_EQUIVALENTS: dict[str, tuple[str, str]] = {}
