"""The sphinx-gallery scraper for matplotlib Figures made without pyplot."""

from __future__ import annotations


def scrape(block: object, block_vars: dict, gallery_conf: dict) -> str:
    """Save the matplotlib Figures an example made without pyplot (as nn_numpy.plot draws them)."""
    from matplotlib.figure import Figure
    from sphinx_gallery.scrapers import figure_rst

    done = block_vars.setdefault("_nn_numpy_figures", set())
    paths = []
    for value in list(block_vars["example_globals"].values()):
        if isinstance(value, Figure) and id(value) not in done:
            done.add(id(value))
            path = next(block_vars["image_path_iterator"])
            value.savefig(path, dpi=100)
            paths.append(path)
    return figure_rst(paths, gallery_conf["src_dir"])
