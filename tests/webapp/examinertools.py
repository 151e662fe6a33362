"""Helpers of the examiner page tests: the generated S data as a template, reading the
database behind the app, and finding messages on a page. A plain module, so tests import it
by a name unique across tests/.

E0001 of the generated S data sits on the panels in force of two held sessions (H0003 on
2026-02-04 and H0010 on 2026-02-13, occupation 6-20-01-01).
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from sqlalchemy import select
from webtools import seed_template

from data.generate import generate
from models import Change, Examiner
from services.demo.loading import load_generated


def s_template(folder: Path) -> Path:
    """The generated S data set (40 examiners) with one user per role."""
    return seed_template(folder / "template.db", lambda s: load_generated(s, generate("S", 0)))


def in_db(app, work) -> Any:
    """Run `work(session)` on the app's database (committed)."""
    with app.app_context():
        from webapp.database import db

        result = work(db())
        db().commit()
        return result


def records(app, code: str = "E0001") -> dict:
    """The examiner's record ids and the fields a planner sets by hand."""

    def read(session):
        e = session.scalar(select(Examiner).where(Examiner.code == code))
        return {
            "status": e.status,
            "max_sessions": e.max_sessions,
            "qualifications": {q.occupation.code: q.id for q in e.qualifications},
            "appointments": [(a.id, a.start, a.end) for a in e.appointments],
            "certificates": [c.id for c in e.certificates],
            "unavailability": sorted((u.id, u.start, u.end, u.reason) for u in e.unavailability),
        }

    return in_db(app, read)


def deletes(app, entity: str) -> list[dict]:
    """The recorded removals of `entity` rows: who removed them, for which examiner."""

    def read(session):
        query = select(Change).where(Change.entity == entity, Change.action == "delete")
        return [{"actor": c.actor, "examiner_id": c.examiner_id} for c in session.scalars(query)]

    return in_db(app, read)


def edit_form(app, code: str = "E0001", **changes) -> dict:
    """The edit form as the page fills it in, with `changes`."""
    from webapp.examiners.forms import values_of

    def read(session):
        return values_of(session.scalar(select(Examiner).where(Examiner.code == code)))

    return in_db(app, read) | changes


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def errors_next_to(page: str, field: str) -> list[str]:
    """The error messages inside the label holding the input called `field`."""
    label = re.search(
        rf'<label>[^<]*<(?:input|select|textarea) name="{field}".*?</label>', page, re.S
    )
    assert label, f"no field {field}"
    return re.findall(r'class="field-error"[^>]*>([^<]+)<', label.group(0))


def row_errors(page: str, action: str) -> list[str]:
    """The error messages in the table row holding the form posting to `action`."""
    row = re.search(rf'<tr>(?:(?!</tr>).)*action="{re.escape(action)}".*?</tr>', page, re.S)
    assert row, f"no row with {action}"
    return re.findall(r'class="field-error"[^>]*>([^<]+)<', row.group(0))


def history(page: str) -> list[str]:
    """The change history lines on an examiner page, newest first."""
    found = re.search(r'<ol class="history">(.*?)</ol>', page, re.S)
    assert found, "no change history"
    return re.findall(r"<li>(.*?)</li>", found.group(1))
