"""Sphinx configuration: the nn-numpy documentation site, built offline (no network, no CDN)."""

from __future__ import annotations

import sys
from pathlib import Path

DOCS = Path(__file__).parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(DOCS / "_ext"))

import nn_numpy  # noqa: E402

project = "nn-numpy"
author = "nn-numpy contributors"
copyright = "nn-numpy contributors, MIT licensed"
version = release = nn_numpy.__version__

extensions = [
    "myst_parser",
    "numpydoc",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx_gallery.gen_gallery",
    "sphinxarg.ext",
    "mathtext_math",
    "plain_docstrings",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
templates_path = ["_templates"]
exclude_patterns = ["_build", "_templates", "auto_examples/*.ipynb", "auto_examples/*.py"]
root_doc = "index"

# MyST: $...$ and $$...$$ math; heading anchors for links like formats.md#datasets.
myst_enable_extensions = ["dollarmath"]
myst_heading_anchors = 3

# Mathematics: drawn at build time as SVG by matplotlib's mathtext (docs/_ext/mathtext_math.py).
html_math_renderer = "mathtext"

# API reference: one page per public object, from the numpydoc docstrings.
autosummary_generate = True
# torch (nn_numpy.check.autograd) and numba (the compiled backend) are optional: mocked, so the
# reference is the same whether or not they are installed.
autodoc_mock_imports = ["torch", "numba"]
autodoc_default_options = {"members": True, "show-inheritance": False}
autodoc_typehints = "none"  # the numpydoc sections name the types
numpydoc_show_class_members = False
numpydoc_validation_checks: set[str] = set()

# The gallery: examples/ is run at build time (matplotlib, Agg) and its figures embedded.
sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "download_all_examples": False,
    "remove_config_comments": True,
    "matplotlib_animations": False,
    # Figures drawn without pyplot, as nn_numpy.plot draws them (docs/_ext/figure_scraper.py).
    "image_scrapers": ("figure_scraper.scrape",),
    "abort_on_example_error": True,
    "show_memory": False,
    # Its timing pages load DataTables from a CDN: not written, the site stays offline.
    "write_computation_times": False,
    "plot_gallery": "True",
}

html_theme = "pydata_sphinx_theme"
html_title = f"nn-numpy {release}"
html_static_path = ["_static"]
html_css_files = ["nn-numpy.css"]
html_show_sourcelink = False
html_copy_source = False
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "navbar_end": ["theme-switcher", "navbar-icon-links"],
    "icon_links": [],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
    "secondary_sidebar_items": ["page-toc"],
}
html_sidebars = {"**": ["sidebar-nav-bs"]}
# The theme reads its light/dark mode from localStorage, else this; left empty, it logs a console
# error on the first page a browser opens.
html_context = {"default_mode": "auto"}
