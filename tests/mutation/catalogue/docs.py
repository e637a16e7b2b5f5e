"""The domain mutants of the documentation tooling: the offline site check (docs/check_html.py)
and the docstrings' rendering (docs/_ext/plain_docstrings.py).
"""

from __future__ import annotations

from tests.mutation.catalogue.files import _CHECK_HTML, _PLAIN_DOCSTRINGS
from tests.mutation.catalogue.mutant import Mutant, _m

# fmt: off
MUTANTS: list[Mutant] = [
    # ------------------------------------------------------------ docs: the offline site check
    _m("docs-html-anchor-unchecked", _CHECK_HTML,
       "if unquote(parts.fragment) not in ids:", "if False:",
       "a link to a missing #anchor of an existing page passes the site check"),
    _m("docs-html-protocol-relative-allowed", _CHECK_HTML,
       "return (not parts.scheme and not parts.netloc) or", "return not parts.scheme or",
       "a //host/... URL (no scheme) counts as a file of the site: a CDN load passes offline"),
    _m("docs-docstring-pipe-unescaped", _PLAIN_DOCSTRINGS,
       r'parts[k].replace("|", "\\|"))', "parts[k])",
       "|z| in a docstring's prose is left as a reStructuredText substitution"),
]
# fmt: on
