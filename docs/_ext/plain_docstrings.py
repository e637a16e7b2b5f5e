"""Docstrings written as plain text, read as reStructuredText without surprises.

The package's docstrings are numpydoc sections whose prose writes mathematics as text: ``|z|``
for an absolute value, ``D *= g'`` for an in-place product. In reStructuredText ``|z|`` is a
substitution and ``*=`` opens emphasis; both become build errors. Before numpydoc parses a
docstring this escapes ``|`` and an opening ``*`` outside literals (````code````, literal blocks
after ``::``), so the text shows as written. Bullets (``* item``) and ``**bold**`` are kept.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx

LITERAL = re.compile(r"(``.*?``)")
OPENING_STAR = re.compile(r"(?<![\w*\\])\*(?=[^\s*])")


def _escape(text: str) -> str:
    parts = LITERAL.split(text)
    for k in range(0, len(parts), 2):  # even parts are outside ``...``
        if "**" in parts[k]:
            parts[k] = parts[k].replace("|", "\\|")
            continue
        parts[k] = OPENING_STAR.sub(r"\\*", parts[k].replace("|", "\\|"))
    return "".join(parts)


def escape_lines(lines: list[str]) -> list[str]:
    """The docstring's lines with the plain-text ``|`` and ``*`` escaped (see the module)."""
    out: list[str] = []
    block_indent: int | None = None  # the indent of the line that opened a literal block
    for line in lines:
        indent = len(line) - len(line.lstrip())
        if block_indent is not None and (not line.strip() or indent > block_indent):
            out.append(line)  # inside a literal block: shown verbatim
            continue
        block_indent = None
        bullet = re.match(r"(\s*[*-] )(.*)", line)
        out.append(bullet[1] + _escape(bullet[2]) if bullet else _escape(line))
        if line.rstrip().endswith("::"):
            block_indent = indent
    return out


def _process(app: Sphinx, what: str, name: str, obj: Any, options: Any, lines: list[str]) -> None:
    lines[:] = escape_lines(lines)


def setup(app: Sphinx) -> dict[str, Any]:
    # Priority below numpydoc's (500): the escaping happens on the raw docstring.
    app.connect("autodoc-process-docstring", _process, priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
