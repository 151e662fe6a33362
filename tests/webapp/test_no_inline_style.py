"""The CSP allows no inline style or script: no template may carry one (the browser walk in
test_journey_security.py proves it on the pages it visits; this covers every template)."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "webapp" / "templates"
INLINE = re.compile(r"""\sstyle\s*=|<style\b|<script(?![^>]*\bsrc=)|\son[a-z]+\s*=""", re.I)


def test_no_template_has_inline_style_script_or_handler() -> None:
    found = [
        f"{path.relative_to(TEMPLATES)}:{n}: {line.strip()}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if INLINE.search(line)
    ]
    assert found == []
