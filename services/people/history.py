"""The change history (R1) as planners read it: per examiner, newest first.

A line names each field as planners know it, enum values by the names the pages use, and
related rows by what identifies them (an occupation by code and name, an organisation or a
candidate by name, a session by its code). Keys (id, examiner_id, institution_id) and what a
certificate number already carries (its year and serial) are left out. An added row lists its
values, a removed one its last values, a change old → new. Document numbers are masked unless
the reader may see them whole; times are the institutions' time (Asia/Shanghai). `FIELDS`
names every column of the examiner's tables (a test keeps it so).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import AssessmentSession, Candidate, Change, Examiner, Occupation, Organization
from models.base import local_time
from services.discipline.conflict_lists import KIND_NAMES
from services.exports.layout import mask_id, mask_phone
from services.messages import Catalog, label
from services.people.certificates import GRADE_NAMES
from solver.messages import STATUS_NAMES, pick

LONG_TEXT = 60  # longer texts (a work history, an appointment's duties) are cut here
HIDDEN = frozenset({"id", "examiner_id", "institution_id"})  # keys, never shown
HIDDEN_BY_TABLE = {"certificates": frozenset({"year", "serial"})}  # the number carries them

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


def _names(**pairs: tuple[str, str]) -> dict[str, dict[str, str]]:
    return {key: {"zh": zh, "en": en} for key, (zh, en) in pairs.items()}


# Per table, the fields a line shows, in this order, named as on the examiner pages.
FIELDS: dict[str, dict[str, dict[str, str]]] = {
    "examiners": _names(
        code=("编号", "code"),
        name=("姓名", "name"),
        sex=("性别", "sex"),
        birth_month=("出生年月", "date of birth"),
        document_type=("证件类型", "document type"),
        document_number=("证件号码", "document number"),
        education=("学历", "education"),
        phone=("联系电话", "phone"),
        email=("电子邮箱", "e-mail"),
        organization_id=("工作单位", "employer"),
        title=("职称", "professional title"),
        vocational_certificate=("职业资格证书名称和编号", "vocational certificate"),
        work_history=("从事本职业（工种）工作简历", "work history"),
        grade=("级别", "grade"),
        status=("状态", "status"),
        assessing_since=("开始从事考评日期", "assessing since"),
        leader_eligible=("可任组长", "may lead a panel"),
        max_sessions=("每期最多场次", "most sessions per term"),
        data_confirmed_on=("信息核实日期", "data confirmed on"),
    ),
    "appointments": _names(
        start=("聘期开始", "term start"),
        end=("聘期结束", "term end"),
        allowance_per_session=("每场津贴（元）", "allowance per session (yuan)"),
        duties=("职责", "duties"),
        rights=("权利", "rights"),
        obligations=("义务", "obligations"),
        discipline=("纪律和处罚", "discipline"),
    ),
    "qualifications": _names(
        occupation_id=("考评职业（工种）", "occupation"),
        top_level=("最高考评等级", "highest level"),
    ),
    "certificates": _names(
        number=("证书编号", "certificate number"),
        grade=("级别", "grade"),
        issue_date=("发证日期", "issue date"),
        valid_until=("有效期至", "valid until"),
    ),
    "conflicts": _names(  # kind and note: not for viewers (UNTOLD)
        kind=("回避关系类型", "kind"),
        candidate_id=("回避考生", "candidate"),
        organization_id=("回避单位", "organisation"),
        since=("关系开始日期", "relationship since"),
        declared_on=("申报日期", "declared on"),
        note=("备注", "note"),
    ),
    "unavailability": _names(
        start=("开始日期", "from"),
        end=("结束日期", "to"),
        reason=("原因", "reason"),
        session_id=("退出场次", "withdrawn from session"),
    ),
    "warnings": _names(
        issued_on=("警告日期", "issued on"),
        reason=("原因", "reason"),
        serious=("情节严重", "serious"),
        session_id=("相关场次", "session"),
        issued_by=("签发人", "issued by"),
    ),
    "revocations": _names(
        requested_on=("申请日期", "requested on"),
        grounds=("理由", "grounds"),
        status=("审批状态", "status"),
        decided_on=("决定日期", "decision date"),
        certifying_unit=("发证单位", "certifying unit"),
        decision_reference=("决定文号", "decision reference"),
    ),
}
SEX_NAMES = _names(male=("男", "male"), female=("女", "female"))
DOCUMENT_NAMES = _names(
    resident_id=("居民身份证", "resident ID card"),
    passport=("护照", "passport"),
    hk_macau_permit=("港澳居民来往内地通行证/居住证", "Hong Kong / Macao permit"),
    taiwan_permit=("台湾居民来往大陆通行证/居住证", "Taiwan permit"),
    foreign_permanent_id=("外国人永久居留身份证", "foreign permanent residence ID"),
    other=("其他证件", "other document"),
)
EXAMINER_STATUS_NAMES = STATUS_NAMES | _names(active=("在岗", "active"))  # as the pages say
REVOCATION_STATUS_NAMES = _names(
    pending=("待审批", "pending approval"),
    approved=("已批准", "approved"),
    rejected=("未批准", "rejected"),
)
LEVEL_NAMES = {
    n: {"zh": f"{zh}级", "en": str(n)} for n, zh in zip(range(1, 6), "一二三四五", strict=True)
}
YES_NO = {True: {"zh": "是", "en": "yes"}, False: {"zh": "否", "en": "no"}}
# Enumerated fields: (table or "*" for any, field) -> the names of their values.
VALUE_NAMES: dict[tuple[str, str], Mapping[Any, Mapping[str, str]]] = {
    ("*", "sex"): SEX_NAMES,
    ("*", "document_type"): DOCUMENT_NAMES,
    ("*", "grade"): GRADE_NAMES,
    ("*", "kind"): KIND_NAMES,
    ("*", "top_level"): LEVEL_NAMES,
    ("examiners", "status"): EXAMINER_STATUS_NAMES,
    ("revocations", "status"): REVOCATION_STATUS_NAMES,
}
# Fields holding another row's id -> the kind of row, named through `HistoryLine.names`.
REFERENCES = {
    "occupation_id": "occupation",
    "organization_id": "organization",
    "candidate_id": "candidate",
    "session_id": "session",
}
GONE: Catalog = {"gone": {"zh": "（已删除）", "en": "(deleted)"}}
EMPTY = "∅"
UNTOLD = frozenset({"kind", "note"})  # what a conflict line tells only readers who see relations


@dataclass(frozen=True)
class HistoryLine:
    """One change, ready to show: when, who, what, and each field's old → new."""

    at: datetime
    actor: str | None
    entity: str
    action: str
    fields: dict[str, list[Any]]
    names: Mapping[str, Mapping[int, str]] = field(default_factory=dict)  # kind -> id -> name

    def text(
        self, lang: str = "zh", whole_ids: bool = False, whole_phones: bool = True,
        relations: bool = True,
    ) -> str:  # fmt: skip
        """`2026-03-01 17:00 planner 修改 考评人员信息：状态 在岗 → 暂停` (ID numbers masked
        unless `whole_ids`, phones unless `whole_phones`; a conflict's kind and note left out
        unless `relations`: `services.institution.privacy`)."""
        what = ENTITY_NAMES.get(self.entity, {}).get(lang, self.entity)
        action = ACTION_NAMES[self.action][lang]
        parts = []
        untold = UNTOLD if self.entity == "conflicts" and not relations else frozenset()
        for name in (n for n in self._shown() if n not in untold):
            old, new = (
                self.value(name, v, lang, whole_ids, whole_phones) for v in self.fields[name]
            )
            if self.action == "update":
                parts.append(f"{self._label(name, lang)} {old or EMPTY} → {new or EMPTY}")
            elif value := (new if self.action == "insert" else old):
                parts.append(f"{self._label(name, lang)} {value}")
        colon, semicolon = ("：", "；") if lang == "zh" else (": ", "; ")  # full-width in Chinese
        return (
            f"{local_time(self.at):%Y-%m-%d %H:%M} {self.actor or '-'} {action} {what}{colon}"
            + semicolon.join(parts)
        )

    def _shown(self) -> list[str]:
        """The fields to show: the table's order first, then any it does not know."""
        known = list(FIELDS.get(self.entity, {}))
        rest = [n for n in self.fields if n not in known and n not in hidden(self.entity)]
        return [n for n in known if n in self.fields] + rest

    def _label(self, name: str, lang: str) -> str:
        names = FIELDS.get(self.entity, {}).get(name)
        return pick(names, lang) if names else label(name, lang)

    def value(
        self, name: str, value: Any, lang: str = "zh", whole_ids: bool = False,
        whole_phones: bool = True,
    ) -> str:  # fmt: skip
        """`value` of field `name` as planners read it ("" when empty)."""
        if value is None or value == "":
            return ""
        if isinstance(value, bool):
            return YES_NO[value][lang]
        if name in REFERENCES:
            found = self.names.get(REFERENCES[name], {}).get(value)
            return found if found is not None else GONE["gone"][lang]
        if name == "document_number" and not whole_ids:
            return mask_id(str(value))
        if name == "phone" and not whole_phones:
            return mask_phone(str(value))
        names = VALUE_NAMES.get((self.entity, name)) or VALUE_NAMES.get(("*", name))
        if names is not None and value in names:
            return pick(names[value], lang)
        text = str(value)
        return text if len(text) <= LONG_TEXT else text[:LONG_TEXT] + "…"


def hidden(table: str) -> frozenset[str]:
    """The fields of `table` a line leaves out."""
    return HIDDEN | HIDDEN_BY_TABLE.get(table, frozenset())


def examiner_history(session: Session, examiner: Examiner) -> list[HistoryLine]:
    """Every recorded change to the examiner and their records, newest first."""
    rows = session.scalars(
        select(Change)
        .where(Change.examiner_id == examiner.id)
        .order_by(Change.at.desc(), Change.id.desc())
    ).all()
    names = referenced_names(session, (r.changes for r in rows))
    return [HistoryLine(r.at, r.actor, r.entity, r.action, r.changes, names) for r in rows]


def referenced_names(
    session: Session, changes: Iterable[Mapping[str, list[Any]]]
) -> dict[str, dict[int, str]]:
    """The names of the rows the changes refer to by id, one query per kind of row."""
    wanted: dict[str, set[int]] = {kind: set() for kind in REFERENCES.values()}
    for change in changes:
        for name, kind in REFERENCES.items():
            wanted[kind].update(v for v in change.get(name, ()) if isinstance(v, int))
    occupations = _rows(session, Occupation, wanted["occupation"])
    organizations = _rows(session, Organization, wanted["organization"])
    candidates = _rows(session, Candidate, wanted["candidate"])
    sessions = _rows(session, AssessmentSession, wanted["session"])
    return {
        "occupation": {o.id: f"{o.code} {o.name}" for o in occupations},
        "organization": {o.id: o.name for o in organizations},
        "candidate": {c.id: f"{c.name} {c.code}" for c in candidates},
        "session": {s.id: s.code for s in sessions},
    }


def _rows(session: Session, model: Any, ids: set[int]) -> list[Any]:
    """The rows of `model` with these ids (no query when there are none)."""
    return list(session.scalars(select(model).where(model.id.in_(ids)))) if ids else []
