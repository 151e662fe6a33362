"""Which institution and database a command works on."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Institution
from services.messages import Problem, Refused

MESSAGES = {
    "no_institution": {
        "zh": "数据库中还没有评价机构，请先运行 panelplan init-db",
        "en": "the database has no institution yet; run panelplan init-db first",
    },
    "which_institution": {
        "zh": "数据库中有多个评价机构，请用 --institution 指明机构代码",
        "en": "the database holds several institutions; name one with --institution CODE",
    },
    "unknown_institution": {
        "zh": "没有代码为 {code} 的评价机构",
        "en": "no institution with code {code}",
    },
}


def institution(session: Session, code: str | None = None) -> Institution:
    """The institution with `code`, or the only one in the database."""
    if code:
        found = session.scalar(select(Institution).where(Institution.code == code))
        if found is None:
            raise Refused(
                [Problem.of(MESSAGES, "unknown_institution", "institution_code", code=code)]
            )
        return found
    every = session.scalars(select(Institution).limit(2)).all()
    if not every:
        raise Refused([Problem.of(MESSAGES, "no_institution", "institution_code")])
    if len(every) > 1:
        raise Refused([Problem.of(MESSAGES, "which_institution", "institution_code")])
    return every[0]
