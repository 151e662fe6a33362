"""Numbers in query strings and forms, read by the one parser (`solver.numbers`): a page
number past any real page, `²` or `1e999` is never a 500 (issue 13)."""

from __future__ import annotations

from flask import request

from solver.numbers import BadNumber, whole

FARTHEST = 1_000_000_000  # the largest page number or offset read (databases overflow past 2**63)


def page_arg(name: str = "page") -> int:
    """The page a query string asks for (from 1); the first page for anything unreadable."""
    try:
        return whole(request.args.get(name) or "1", 1, FARTHEST)
    except BadNumber:
        return 1
