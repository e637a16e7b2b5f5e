"""Check a built HTML site: offline, and no broken internal link or image.

Usage: ``python docs/check_html.py [docs/_build/html]``; exit 0 when the site passes, 1 with one
line per problem otherwise. It fails when

- a ``<script src>``, ``<link href>``, ``<img src>``, ``<iframe>``, ``<source>``, ``<video>`` or
  ``<audio>`` or a CSS ``url()`` names anything but a file of the site (the site must work with the
  network off: no CDN, no web font);
- an internal ``href`` names a file that does not exist or an ``#anchor`` no element of that file
  has (``id`` or ``name``);
- a page shows unrendered mathematics (``$...$`` or ``\\(``/``\\[`` text left in the page, or a
  ``math`` element the build-time renderer did not replace by an image).

Links to other sites in ``<a href>`` are allowed (they cost nothing until clicked). Sphinx's
``linkcheck`` builder needs the network; this needs only the files.
"""

from __future__ import annotations

import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

LOADS = {
    "script": "src",
    "img": "src",
    "iframe": "src",
    "source": "src",
    "video": "src",
    "audio": "src",
    "link": "href",
}
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)")
TEX_LEFT = re.compile(r"\\\(|\\\[|\$\$|\\frac|\\sum|\\mathbf")


class Page(HTMLParser):
    """The links, loads, anchors and visible text of one HTML file."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.hrefs: list[str] = []
        self.loads: list[str] = []
        self.text: list[str] = []
        self.math_elements = 0
        self._skip = 0  # inside <script>, <style>, <pre> or <code>: not prose

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        for key in ("id", "name") if tag != "meta" else ():
            if a.get(key):
                self.ids.add(a[key])
        if tag in LOADS and a.get(LOADS[tag]):
            if not (tag == "link" and a.get("rel") in ("canonical",)):
                self.loads.append(a[LOADS[tag]])
        if tag == "a" and "href" in a:
            self.hrefs.append(a["href"])
        if "math" in a.get("class", "").split() and tag != "img" and tag != "div":
            self.math_elements += 1
        if tag == "math":
            self.math_elements += 1
        if tag in ("script", "style", "pre", "code"):
            self._skip += 1
        if "style" in a:
            self.loads.extend(CSS_URL.findall(a["style"]))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "pre", "code") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)


def _local(url: str) -> bool:
    parts = urlsplit(url)
    return (not parts.scheme and not parts.netloc) or parts.scheme == "data"


def check(site: Path) -> list[str]:
    """Every problem of the site under ``site``, one line each."""
    problems: list[str] = []
    pages: dict[Path, Page] = {}
    for path in sorted(site.rglob("*.html")):
        if "_static" in path.relative_to(site).parts:
            continue  # the theme's template fragments, not pages
        page = Page()
        page.feed(path.read_text(encoding="utf-8"))
        pages[path.resolve()] = page
    if not pages:
        return [f"{site}: no HTML files"]
    for css in sorted(site.rglob("*.css")):
        for url in CSS_URL.findall(css.read_text(encoding="utf-8", errors="replace")):
            if not _local(url):
                problems.append(f"{css.relative_to(site)}: loads {url}")
    for path, page in pages.items():
        name = path.relative_to(site.resolve())
        for url in page.loads:
            if not _local(url):
                problems.append(f"{name}: loads {url}")
            elif not url.startswith(("data:", "#")):
                target = (path.parent / unquote(urlsplit(url).path)).resolve()
                if not target.is_file():
                    problems.append(f"{name}: {url} does not exist")
        for href in page.hrefs:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc:
                continue  # another site, or mailto:
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                problems.append(f"{name}: link {href}: no such file")
            elif parts.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else set()
                if unquote(parts.fragment) not in ids:
                    problems.append(f"{name}: link {href}: no such anchor")
        if page.math_elements:
            problems.append(f"{name}: {page.math_elements} math element(s) not rendered")
        text = "".join(page.text)
        if TEX_LEFT.search(text):
            problems.append(f"{name}: TeX source in the page text: {TEX_LEFT.search(text)[0]!r}")
    return problems


def main(argv: list[str]) -> int:
    site = Path(argv[0] if argv else Path(__file__).parent / "_build" / "html")
    problems = check(site)
    for line in problems:
        print(line)
    print(f"check_html: {site}: {len(problems)} problem(s)", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
