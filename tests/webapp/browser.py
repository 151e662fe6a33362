"""A real Chromium (Debian's `chromium`, launched by path: `playwright install` cannot
download here) driven by Playwright, for the planner's journeys. A plain module."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

# `make screenshots` (PANELPLAN_SCREENSHOTS=1) refreshes the committed ones in docs/;
# ordinary test runs write to a scratch folder so the working tree stays clean.
DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
# The flags the machine needs: no sandbox as root, no GPU, no calls home.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    """The system Chromium; .ci/run installs Debian's `chromium` when it is missing."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    assert found, "Chromium is not installed (.ci/run installs Debian's chromium package)"
    return found


@contextmanager
def browser_page(base_url: str) -> Iterator[Any]:
    """A fresh page in headless Chromium, 1280x800, with `base_url` for relative URLs."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=FLAGS)
        context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 800})
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot (docs/screenshots/ with PANELPLAN_SCREENSHOTS=1)."""
    folder = DOCS_SCREENSHOTS
    if not os.environ.get("PANELPLAN_SCREENSHOTS"):
        folder = Path(tempfile.gettempdir()) / "panelplan-screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{name}.png"
    page.screenshot(path=str(target), full_page=True)
    return target


def sign_in(page: Any, base_url: str, role: str, password: str) -> None:
    """Sign in through the login form and wait for the start page."""
    page.goto("/login")
    page.fill("input[name=username]", role)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base_url}/")


# A select shows its chosen option in a box of its own width: one too narrow cuts the text
# (no scrollWidth tells). The text is measured in the select's font, its arrow allowed for.
CUT_CHOICES = """() => {
  const canvas = document.createElement('canvas').getContext('2d');
  const bad = [];
  for (const el of document.querySelectorAll('select')) {
    const chosen = el.options[el.selectedIndex];
    if (!chosen || el.getBoundingClientRect().width === 0) continue;
    const style = getComputedStyle(el);
    canvas.font = style.font;
    const needed = canvas.measureText(chosen.text).width + parseFloat(style.paddingLeft)
      + parseFloat(style.paddingRight) + 20;
    if (needed > el.clientWidth + 1)
      bad.push('select “' + chosen.text.slice(0, 40) + '” cut: ' + Math.round(needed) + ' > '
        + el.clientWidth);
  }
  return bad;
}"""


def cut_choices(page: Any) -> list[str]:
    """The selects on `page` whose chosen option does not fit."""
    found: list[str] = page.evaluate(CUT_CHOICES)
    return found
