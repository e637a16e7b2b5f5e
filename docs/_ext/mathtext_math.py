"""Mathematics rendered at build time: each formula becomes an SVG drawn by matplotlib's mathtext.

The site then needs no MathJax or KaTeX and no network: the SVGs hold the glyphs as paths (no
fonts). mathtext reads a subset of TeX; a formula it cannot parse is a build warning (an error
under ``-W``), with the page and line.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx

INLINE_SIZE = 12.0  # points; the theme's body text is 16 px = 12 pt
BLOCK_SIZE = 14.0


def render(latex: str, size: float) -> tuple[bytes, float]:
    """The SVG of ``$latex$`` and its depth below the baseline, in points."""
    import matplotlib
    from matplotlib import mathtext
    from matplotlib.font_manager import FontProperties

    buffer = io.BytesIO()
    with matplotlib.rc_context({"mathtext.fontset": "cm", "svg.fonttype": "path"}):
        depth = mathtext.math_to_image(
            f"${latex}$", buffer, prop=FontProperties(size=size), dpi=72, format="svg"
        )
    return buffer.getvalue(), float(depth)


def _image(self: Any, node: nodes.Element, size: float) -> str:
    from docutils import nodes
    from sphinx.util import logging

    latex = " ".join(node.astext().split())
    try:
        svg, depth = render(latex, size)
    except ValueError as error:
        first = str(error).strip().splitlines()[0]
        logging.getLogger(__name__).warning(
            "mathtext cannot render %r: %s", latex, first, location=node
        )
        raise nodes.SkipNode from None
    name = hashlib.sha256(svg).hexdigest()[:20] + ".svg"
    out = Path(self.builder.outdir) / "_images" / "math"
    out.mkdir(parents=True, exist_ok=True)
    (out / name).write_bytes(svg)
    src = f"{self.builder.imgpath}/math/{name}"
    alt = self.encode(latex)
    return f'<img class="math" src="{src}" alt="{alt}" style="vertical-align: -{depth:.2f}pt"/>'


def visit_math(self: Any, node: nodes.Element) -> None:
    from docutils import nodes

    self.body.append(_image(self, node, INLINE_SIZE))
    raise nodes.SkipNode


def visit_math_block(self: Any, node: nodes.Element) -> None:
    from docutils import nodes

    img = _image(self, node, BLOCK_SIZE)
    self.body.append(f'<div class="math-block">{img}</div>\n')
    raise nodes.SkipNode


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_html_math_renderer("mathtext", (visit_math, None), (visit_math_block, None))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
