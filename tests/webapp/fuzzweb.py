"""The web fuzzer's machinery: crawl the app as a signed-in user to learn its pages, forms and
query parameters, then send them bad values and judge each answer. A plain module.

A request fails the fuzz when it raises (the test client propagates what would be a 500),
answers 500, or is refused (anything but a redirect or 201) yet changed a row count.
"""

from __future__ import annotations

import html
import random
import re
from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Flask
from fuzztools import Tally, bad_value
from sqlalchemy import func, select
from webtools import Client

from models import Base

FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
ATTR = re.compile(r'(\w[\w-]*)="([^"]*)"')
FIELD = re.compile(r"<(input|select|textarea)\b([^>]*)>", re.I)
LINK = re.compile(r'href="(/[^"#]*)"')
# Never sent: signing out, switching users off, uploads (another fuzzer's), static files.
SKIP = re.compile(r"^/(logout|static/|records/users/\d+/deactivate|examiners/import)")
QUERY_NAMES = ("page", "q", "year", "from", "to", "offset", "limit", "all", "level", "status",
               "venue", "occupation", "grade", "kind", "examiners", "sessions", "week", "lang")  # fmt: skip
API_GETS = ("/api/examiners", "/api/sessions", "/api/plans", "/api/plans/1", "/api/jobs")


@dataclass
class Site:
    """What the crawl found: pages to GET, forms to POST (action, fields with their values)."""

    pages: list[str] = field(default_factory=list)
    forms: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)


def shape(path: str) -> str:
    """A path with its numbers and codes blanked: the pages of one kind share it."""
    return re.sub(r"\d+", "N", urlsplit(path).path)


def crawl(client: Client, start: list[str], most: int) -> Site:
    """Follow links from `start` (at most `most` pages, two of a kind), noting every form
    (two of a kind)."""
    site, seen, queue = Site(), set(start), deque(start)
    kinds: dict[str, int] = {}
    while queue and len(site.pages) < most:
        path = queue.popleft()
        response = client.get(path)
        if response.status_code != 200 or "html" not in (response.content_type or ""):
            continue
        site.pages.append(path)
        text = response.get_data(as_text=True)
        for attrs, body in FORM.findall(text):
            found = dict(ATTR.findall(attrs))
            action = html.unescape(found.get("action") or path)
            fields = {}
            for _tag, inner in FIELD.findall(body):
                named = dict(ATTR.findall(inner))
                if "name" in named:
                    fields[named["name"]] = html.unescape(named.get("value", ""))
            method = found.get("method", "get").lower()
            kind = f"{method} {shape(action)} {sorted(fields)}"
            kinds[kind] = kinds.get(kind, 0) + 1
            if not SKIP.match(action) and kinds[kind] <= 2:
                site.forms.append((method, action, fields))
        for link in LINK.findall(text):
            link = html.unescape(link)
            bare = urlsplit(link).path
            kinds[shape(link)] = kinds.get(shape(link), 0) + 1
            fresh = link not in seen and kinds[shape(link)] <= 2
            if fresh and not SKIP.match(bare) and "/download" not in bare:
                seen.add(link)
                queue.append(link)
    return site


def row_counts(app: Flask) -> dict[str, int]:
    """Rows per table (what a refused write must leave as it was)."""
    tables = Base.metadata.sorted_tables
    counts = [select(func.count()).select_from(t).scalar_subquery() for t in tables]
    session = app.extensions["panelplan.sessions"]()
    try:
        row = session.execute(select(*counts)).one()  # one round trip
        return {t.name: n for t, n in zip(tables, row, strict=True)}
    finally:
        session.rollback()
        session.close()


def bad_path(r: random.Random, path: str) -> str:
    """`path` with one number or code segment replaced by a bad one."""
    parts = path.split("/")
    spots = [i for i, p in enumerate(parts) if p and (p.isdigit() or any(c.isdigit() for c in p))]
    if not spots:
        return path
    value = r.choice(["99999999999999999999", "2147483648", "0", "-1", "1e999", "²", "%00",
                      "9" * 400, "%F0%9F%98%80", "..", "%2e%2e", "E0001%00"])  # fmt: skip
    parts[r.choice(spots)] = value
    return "/".join(parts)


def query(r: random.Random, names: list[str]) -> str:
    """A query string with one to three bad values."""
    chosen = r.sample(names, min(len(names), r.randint(1, 3)))
    return urlencode({name: bad_value(r) for name in chosen})


def send(client: Client, app: Flask, r: random.Random, site: Site, t: Tally) -> None:
    """One bad request of a random kind, judged."""
    kind = r.random()
    if kind < 0.45 and site.forms:
        method, action, fields = r.choice(site.forms)
        data = dict(fields)
        names = [n for n in data if n != "csrf_token"] or ["x"]
        for name in r.sample(names, min(len(names), r.randint(1, 3))):
            data[name] = bad_value(r)
        if method == "post":
            _judge_write(client, app, "POST " + action, lambda: client.post(action, data), t)
        else:
            _judge(f"GET {action}", lambda: client.get(action + "?" + urlencode(data)), t)
    elif kind < 0.7:
        page = r.choice(site.pages + list(API_GETS))
        path = urlsplit(page).path + "?" + query(r, list(QUERY_NAMES))
        _judge(f"GET {path}", lambda: client.get(path), t)
    elif kind < 0.85:
        path = bad_path(r, r.choice(site.pages + list(API_GETS)))
        _judge(f"GET {path}", lambda: client.get(path), t)
    else:
        body: Any = {"from": "2026-03-01", "to": "2026-03-31", "time_limit": 5, "seed": 0}
        for name in r.sample([*body, "workers", "x"], r.randint(1, 3)):
            body[name] = bad_value(r, json_too=True)
        if r.random() < 0.1:
            body = bad_value(r, json_too=True)
        headers = {"X-CSRFToken": client.token}
        _judge_write(client, app, f"POST /api/jobs {str(body)[:200]}",
                     lambda: client.client.post("/api/jobs", json=body, headers=headers), t)  # fmt: skip


def _judge(what: str, request: Any, t: Tally) -> Any:
    t.inputs += 1
    try:
        response = request()
    except Exception as error:  # the test client propagates what would be a 500
        t.fail(what, error)
        return None
    if response.status_code >= 500:
        t.fail(what, f"HTTP {response.status_code}")
    return response


def _judge_write(client: Client, app: Flask, what: str, request: Any, t: Tally) -> None:
    before = row_counts(app)
    response = _judge(what, request, t)
    if response is None or response.status_code in (201, 302, 303):
        return
    after = row_counts(app)
    changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
    changed.pop("audit_events", None) if what.startswith("POST /login") else None
    if changed:
        t.fail(what, f"refused ({response.status_code}) but wrote {changed}")
