"""The change history (R1) as planners read it: per examiner, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Change, Examiner

from .messages import label

ENTITY_NAMES = {
    "examiners": {"zh": "考评人员信息", "en": "examiner"},
    "appointments": {"zh": "聘约", "en": "appointment"},
    "qualifications": {"zh": "考评职业资格", "en": "qualification"},
    "certificates": {"zh": "考评证书", "en": "certificate"},
    "conflicts": {"zh": "回避关系", "en": "conflict of interest"},
    "unavailability": {"zh": "不可参加时段", "en": "unavailability"},
    "warnings": {"zh": "警告", "en": "warning"},
    "revocations": {"zh": "取消资格", "en": "revocation"},
    "plans": {"zh": "排班方案", "en": "plan"},
}
ACTION_NAMES = {
    "insert": {"zh": "新增", "en": "added"},
    "update": {"zh": "修改", "en": "changed"},
    "delete": {"zh": "删除", "en": "removed"},
}


@dataclass(frozen=True)
class HistoryLine:
    """One change, ready to show: when, who, what, and each field's old → new."""

    at: datetime
    actor: str | None
    entity: str
    action: str
    fields: dict[str, list[Any]]

    def text(self, lang: str = "zh") -> str:
        """`2026-03-01 09:00 planner 修改 考评人员信息: 联系电话 139… → 138…`."""
        what = ENTITY_NAMES.get(self.entity, {}).get(lang, self.entity)
        action = ACTION_NAMES[self.action][lang]
        changes = "; ".join(
            f"{label(name, lang)} {_show(old)} → {_show(new)}"
            for name, (old, new) in self.fields.items()
        )
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor or '-'} {action} {what}: {changes}"


def examiner_history(session: Session, examiner: Examiner) -> list[HistoryLine]:
    """Every recorded change to the examiner and their records, newest first."""
    rows = session.scalars(
        select(Change)
        .where(Change.examiner_id == examiner.id)
        .order_by(Change.at.desc(), Change.id.desc())
    )
    return [HistoryLine(r.at, r.actor, r.entity, r.action, r.changes) for r in rows]


def _show(value: Any) -> str:
    return "∅" if value is None or value == "" else str(value)
