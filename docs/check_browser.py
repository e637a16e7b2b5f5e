"""Open the built site in headless Chromium with the network off and check every page.

Usage::

    python docs/check_browser.py [--site docs/_build/html] [--screenshots DIR] [--chromium PATH]

Needs Chromium (Debian: ``apt-get install chromium``) and nothing else: it speaks the DevTools
protocol over a pipe (``--remote-debugging-pipe``), so no browser driver or Python package is
involved. For each HTML page of the site it fails on

- a console error or an uncaught JavaScript exception;
- a request to anything but a ``file:``, ``data:`` or ``about:`` URL (the site must work offline;
  every other host is also made unresolvable, so such a request cannot succeed either);
- a resource of the site that fails to load, or an image that did not decode;
- mathematics left unrendered (TeX source in the page text, a ``math`` element not drawn).

It saves screenshots (the top 4000 px of each) of the home page, the mathematics page, a gallery
example and the API reference into ``--screenshots`` (default ``docs/_build/screenshots``).
Exit status 0 when every page passes, 1 otherwise (one line per problem), 2 if Chromium cannot
be started.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

DOCS = Path(__file__).parent
FLAGS = [
    "--headless",
    "--no-sandbox",  # needed as root in a container; the pages are our own files
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--host-resolver-rules=MAP * ~NOTFOUND",  # the network is off
    "--proxy-server=127.0.0.1:9",
    "--remote-debugging-pipe",
]
SCREENSHOTS = (
    "index.html",
    "mathematics.html",
    "auto_examples/plot_decision_boundary.html",
    "api.html",
)
LOCAL = ("file:", "data:", "about:", "chrome-error:")
PAGE_PROBLEMS = """(() => {
  const out = [];
  for (const img of document.images) {
    if (!img.complete || img.naturalWidth === 0) out.push("image not shown: " + img.src);
  }
  const text = document.body ? document.body.innerText : "";
  for (const tex of ["\\\\frac", "\\\\sum", "$$", "\\\\("]) {
    if (text.includes(tex)) out.push("unrendered math: " + tex);
  }
  for (const el of document.querySelectorAll("span.math, div.math, math")) {
    out.push("math element not drawn: " + el.outerHTML.slice(0, 60));
  }
  return out;
})()"""


class Browser:
    """Chromium over the DevTools pipe: fd 3 carries our commands, fd 4 its replies and events."""

    def __init__(self, chromium: str, profile: str) -> None:
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()
        self.proc = subprocess.Popen(
            [chromium, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(3, 4),
            preexec_fn=lambda: (os.dup2(to_chrome_r, 3), os.dup2(from_chrome_w, 4)) and None,
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._next = 0
        self._buffer = b""
        self.events: list[dict[str, Any]] = []

    def _read(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            chunk = os.read(self._from_chrome, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._to_chrome, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._next:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str, timeout: float) -> None:
        """Read events until ``method`` arrives (or the timeout passes)."""
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == method for e in self.events):
            if time.monotonic() > deadline:
                raise TimeoutError(method)
            self.events.append(self._read())

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except (RuntimeError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_chrome)
        os.close(self._from_chrome)


def _problems_in(events: list[dict[str, Any]]) -> list[str]:
    found = []
    for event in events:
        method, p = event.get("method"), event.get("params", {})
        if method == "Network.requestWillBeSent":
            url = p["request"]["url"]
            if not url.startswith(LOCAL):
                found.append(f"request to {url}")
        elif method == "Network.loadingFailed" and not p.get("canceled"):
            found.append(f"failed to load ({p.get('errorText')}): request {p.get('requestId')}")
        elif method == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            args = " ".join(str(a.get("value", a.get("description", ""))) for a in p["args"])
            found.append(f"console error: {args}")
        elif method == "Runtime.exceptionThrown":
            found.append(f"exception: {p['exceptionDetails'].get('text')}")
        elif method == "Log.entryAdded" and p["entry"].get("level") == "error":
            found.append(f"console error: {p['entry'].get('text')} {p['entry'].get('url', '')}")
    return found


def check_site(site: Path, screenshots: Path, chromium: str) -> list[str]:
    """Every problem of every page, one line each; screenshots saved on the way."""
    problems: list[str] = []
    pages = sorted(p for p in site.rglob("*.html") if "_static" not in p.relative_to(site).parts)
    screenshots.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="nn-numpy-chromium-") as profile:
        browser = Browser(chromium, profile)
        try:
            target = browser.send("Target.createTarget", url="about:blank")["targetId"]
            session = browser.send("Target.attachToTarget", targetId=target, flatten=True)[
                "sessionId"
            ]
            for domain in ("Page", "Runtime", "Log", "Network"):
                browser.send(f"{domain}.enable", session)
            browser.send(
                "Emulation.setDeviceMetricsOverride",
                session,
                width=1280,
                height=900,
                deviceScaleFactor=1,
                mobile=False,
            )
            for page in pages:
                name = page.relative_to(site).as_posix()
                browser.events.clear()
                browser.send("Page.navigate", session, url=page.resolve().as_uri())
                try:
                    browser.wait_for("Page.loadEventFired", timeout=30)
                except TimeoutError:
                    problems.append(f"{name}: did not finish loading in 30 s")
                    continue
                shown = browser.send(
                    "Runtime.evaluate", session, expression=PAGE_PROBLEMS, returnByValue=True
                )["result"].get("value", [])
                browser.send("Runtime.evaluate", session, expression="0")  # drain late events
                problems += [f"{name}: {p}" for p in [*_problems_in(browser.events), *shown]]
                if name in SCREENSHOTS:
                    size = browser.send("Page.getLayoutMetrics", session)["cssContentSize"]
                    clip = {"x": 0, "y": 0, "width": 1280, "height": min(size["height"], 4000)}
                    shot = browser.send(
                        "Page.captureScreenshot",
                        session,
                        format="png",
                        captureBeyondViewport=True,
                        clip={**clip, "scale": 1},
                    )
                    out = screenshots / (name.replace("/", "_").removesuffix(".html") + ".png")
                    out.write_bytes(base64.b64decode(shot["data"]))
        finally:
            browser.close()
    if not pages:
        problems.append(f"{site}: no HTML pages")
    print(f"check_browser: {len(pages)} pages, {len(problems)} problem(s)", file=sys.stderr)
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="check_browser.py", description=__doc__.split("\n")[0])
    parser.add_argument("--site", type=Path, default=DOCS / "_build" / "html")
    parser.add_argument("--screenshots", type=Path, default=DOCS / "_build" / "screenshots")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    args = parser.parse_args(argv)
    if shutil.which(args.chromium) is None:
        print(
            f"check_browser.py: {args.chromium} not found (apt-get install chromium)",
            file=sys.stderr,
        )
        return 2
    problems = check_site(args.site, args.screenshots, args.chromium)
    for line in problems:
        print(line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
