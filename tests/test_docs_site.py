"""The documentation site's own machinery: the offline link check rejects what it must, the
docstring escaping and the formula renderer do what they say, and the API reference lists every
public module and top-level name. (The site itself is built and checked by `tox -e docs`.)"""

from __future__ import annotations

import importlib.util
import pkgutil
import re
import shutil
from pathlib import Path
from types import ModuleType

import pytest

import nn_numpy

ROOT = Path(__file__).parents[1]
DOCS = ROOT / "docs"


def _load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


check_html = _load(DOCS / "check_html.py")
plain_docstrings = _load(DOCS / "_ext" / "plain_docstrings.py")

CLEAN = """<html><head><link rel="stylesheet" href="_static/site.css">
<script src="_static/site.js"></script></head><body>
<h1 id="top">Title</h1><p>See <a href="other.html#part">the part</a>, <a href="#top">top</a>,
<a href="https://example.org/">another site</a> and <a href="sub/">a folder</a>.</p>
<img class="math" src="_images/f.svg" alt="a - y"/><pre>$ nn-numpy-train \\frac</pre>
</body></html>"""


def _site(tmp_path: Path, index: str = CLEAN, css: str = "body { color: black; }") -> Path:
    (tmp_path / "_static").mkdir()
    (tmp_path / "_images").mkdir()
    (tmp_path / "sub").mkdir()
    (tmp_path / "_static" / "site.css").write_text(css, encoding="utf-8")
    (tmp_path / "_static" / "site.js").write_text("", encoding="utf-8")
    (tmp_path / "_images" / "f.svg").write_text("<svg/>", encoding="utf-8")
    (tmp_path / "index.html").write_text(index, encoding="utf-8")
    (tmp_path / "other.html").write_text('<p id="part">x</p>', encoding="utf-8")
    (tmp_path / "sub" / "index.html").write_text("<p>sub</p>", encoding="utf-8")
    return tmp_path


def test_a_self_contained_site_passes_the_html_check(tmp_path: Path) -> None:
    assert check_html.check(_site(tmp_path)) == []


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ('src="_static/site.js"', 'src="https://cdn.example.org/x.js"', "loads https://cdn"),
        ('href="_static/site.css"', 'href="//fonts.example.org/f.css"', "loads //fonts"),
        ('src="_images/f.svg"', 'src="_images/missing.svg"', "does not exist"),
        ('href="other.html#part"', 'href="other.html#nowhere"', "no such anchor"),
        ('href="other.html#part"', 'href="gone.html"', "no such file"),
        ('href="#top"', 'href="#bottom"', "no such anchor"),
        ("<p>See", r"<p>\(a - y\) See", "TeX source"),
        ("<p>See", '<p><span class="math">a - y</span> See', "not rendered"),
    ],
)
def test_the_html_check_rejects_a_site_that_needs_the_network_or_has_a_broken_link(
    tmp_path: Path, old: str, new: str, problem: str
) -> None:
    assert old in CLEAN
    problems = check_html.check(_site(tmp_path, CLEAN.replace(old, new)))
    assert len(problems) == 1 and problem in problems[0], problems


def test_the_html_check_rejects_a_web_font_in_a_style_sheet(tmp_path: Path) -> None:
    css = "@font-face { src: url('https://fonts.example.org/a.woff2'); }"
    problems = check_html.check(_site(tmp_path, css=css))
    assert problems == ["_static/site.css: loads https://fonts.example.org/a.woff2"]


def test_the_html_check_fails_on_an_empty_directory(tmp_path: Path) -> None:
    assert check_html.main([str(tmp_path)]) == 1


def test_plain_text_docstrings_are_escaped_outside_literals() -> None:
    lines = [
        "Relative error max|ours - ref| / max|ref|; D *= g' in place.",
        "``a | b`` stays, and so does **bold** and `x`.",
        "* a bullet with |z|",
        "A table::",
        "",
        "    | kept | as | is |",
        "Back to prose, |z|.",
    ]
    assert plain_docstrings.escape_lines(lines) == [
        r"Relative error max\|ours - ref\| / max\|ref\|; D \*= g' in place.",
        "``a | b`` stays, and so does **bold** and `x`.",
        r"* a bullet with \|z\|",
        "A table::",
        "",
        "    | kept | as | is |",
        r"Back to prose, \|z\|.",
    ]


# matplotlib 3.5 calls pyparsing with a keyword pyparsing 3 deprecates: their warning, not ours
@pytest.mark.filterwarnings("ignore:'unquoteResults' argument is deprecated")
def test_formulas_are_drawn_as_svg_paths_with_no_font_and_a_bad_one_is_refused() -> None:
    pytest.importorskip("matplotlib")
    mathtext_math = _load(DOCS / "_ext" / "mathtext_math.py")
    svg, depth = mathtext_math.render(r"\frac{\partial J}{\partial W^{[l]}} = dZ^{[l]}", 12.0)
    assert b"<path" in svg and b"<text" not in svg and b"font-family" not in svg
    assert depth > 0  # the fraction reaches below the baseline
    with pytest.raises(ValueError):
        mathtext_math.render(r"\frac{1}{", 12.0)


def _public_modules() -> set[str]:
    found = {"nn_numpy"}
    for info in pkgutil.walk_packages(nn_numpy.__path__, "nn_numpy."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            found.add(info.name)
    return found


def test_the_api_reference_lists_every_public_module_and_top_level_name() -> None:
    api = (DOCS / "api.rst").read_text(encoding="utf-8")
    listed = set(re.findall(r"^   (nn_numpy[\w.]*)$", api, re.M))
    # The command-line programs are documented from their parsers (docs/commands.md).
    commands = {"nn_numpy.cli", "nn_numpy.train", "nn_numpy.predict"}
    for module in _public_modules():
        if module in commands or module.startswith("nn_numpy.cli."):
            continue
        covered = any(module == m or module.startswith(m + ".") for m in listed)
        assert covered or module == "nn_numpy", f"{module} is not in docs/api.rst"
    for name in set(nn_numpy.__all__) - {"__version__"}:
        defined = getattr(nn_numpy, name)
        assert f"{defined.__module__}.{name}" in listed, name


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium not installed")
def test_the_browser_check_rejects_network_loads_console_errors_missing_images_and_raw_tex(
    tmp_path: Path,
) -> None:
    check_browser = _load(DOCS / "check_browser.py")
    site = tmp_path / "site"
    site.mkdir()
    (site / "ok.html").write_text("<html><body><p>fine</p></body></html>", encoding="utf-8")
    assert check_browser.main(["--site", str(site), "--screenshots", str(tmp_path / "s")]) == 0
    (site / "index.html").write_text(
        '<html><head><script src="https://cdn.example.org/x.js"></script></head><body>'
        '<p>\\frac{1}{m}</p><img src="missing.png"><script>console.error("boom")</script>'
        "</body></html>",
        encoding="utf-8",
    )
    problems = "\n".join(check_browser.check_site(site, tmp_path / "s", "chromium"))
    for expected in (
        "index.html: request to https://cdn.example.org/x.js",
        "index.html: console error: boom",
        "index.html: image not shown:",
        "index.html: unrendered math: \\frac",
    ):
        assert expected in problems
    assert (tmp_path / "s" / "index.png").is_file()
