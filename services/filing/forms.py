"""Attachments 1 and 2 from the database: turn the examiners (`forms_rows`) into the forms'
rows and write the workbooks (`panelplan export attachment1|attachment2`: `cli.exports`).

Full ID numbers only when the caller says
`full_ids=True` (admins; the CLI is an admin tool, `--masked` for copies that leave the
office); each export with full numbers is an audit event. Phones are whole unless the caller
says `whole_phones=False` (viewers: `services.institution.privacy`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from models import Examiner, Institution, audit
from models.base import Grade, Sex
from services.exports import attachment1, attachment2
from services.exports.layout import file_name, mask_id, mask_phone
from services.filing.forms_rows import (
    Filed,
)
from services.messages import Problem, Refused
from services.planning.policy import effective_policy
from solver.schema import Policy

MESSAGES = {
    "nothing_to_export": {
        "zh": "没有符合条件的考评人员，未生成文件",
        "en": "no examiner matches; no file written",
    },
}
SEX_NAMES = {Sex.MALE: "男", Sex.FEMALE: "女"}
GRADE_NAMES = {Grade.EXAMINER: "考评员", Grade.SENIOR: "高级考评员"}
LEVEL_NAMES = {1: "一级", 2: "二级", 3: "三级", 4: "四级", 5: "五级"}


def form_rows(
    filed: Sequence[Filed], full_ids: bool, policy: Policy | None = None, whole_phones: bool = True
) -> list[attachment1.ExaminerForm]:
    """Attachment 1 rows (ID numbers full only when `full_ids`, phones when `whole_phones`)."""
    policy = policy or Policy()
    return [
        attachment1.ExaminerForm(
            name=f.examiner.name,
            sex=SEX_NAMES[f.examiner.sex],
            birth_month=f.examiner.birth_month,
            document_number=_document(f.examiner, full_ids),
            education=f.examiner.education,
            phone=f.examiner.phone if whole_phones else mask_phone(f.examiner.phone),
            occupations=occupation_levels(f.examiner, policy),
            certificate_number=f.certificate.number if f.certificate else None,
            organization=f.examiner.organization.name if f.examiner.organization else None,
            vocational_certificate=f.examiner.vocational_certificate,
            title=f.examiner.title,
            work_history=f.examiner.work_history,
        )
        for f in filed
    ]


def summary_rows(
    filed: Sequence[Filed], full_ids: bool, whole_phones: bool = True
) -> list[attachment2.SummaryRow]:
    """Attachment 2 rows (ID numbers full only when `full_ids`, phones when `whole_phones`)."""
    rows = []
    for f in filed:
        e, c = f.examiner, f.certificate
        rows.append(
            attachment2.SummaryRow(
                name=e.name,
                sex=SEX_NAMES[e.sex],
                document_number=_document(e, full_ids),
                phone=e.phone if whole_phones else mask_phone(e.phone),
                organization=e.organization.name if e.organization else None,
                occupations="、".join(_occupation_names(e)),
                grade=GRADE_NAMES[c.grade if c else e.grade],
                certificate_number=c.number if c else None,
                issue_date=c.issue_date if c else None,
                valid_until=c.valid_until if c else None,
            )
        )
    return rows


def occupation_levels(examiner: Examiner, policy: Policy) -> str:
    """考评职业/级别: 车工/三级、电工/四级 (the highest level the grade lets them assess)."""
    cap = policy.top_level(examiner.grade.value)
    parts = []
    for q in sorted(examiner.qualifications, key=lambda q: q.occupation.code):
        parts.append(f"{q.occupation.name}/{LEVEL_NAMES[max(q.top_level, cap)]}")
    return "、".join(parts)


def write_attachment1(
    session: Session,
    home: Institution,
    filed: Sequence[Filed],
    path: Path,
    *,
    full_ids: bool,
    whole_phones: bool = True,
) -> Path:
    """Write Attachment 1 (one sheet per examiner) to `path`; audit full-number exports."""
    _refuse_empty(filed)
    rows = form_rows(filed, full_ids, effective_policy(home), whole_phones)
    attachment1.build(rows).save(path)
    _audit(session, home, "export attachment1", path, filed, full_ids)
    return path


def write_attachment2(
    session: Session,
    home: Institution,
    year: int,
    filed: Sequence[Filed],
    path: Path,
    *,
    full_ids: bool,
    filled_on: date | None = None,
    whole_phones: bool = True,
) -> Path:
    """Write Attachment 2 (the year's 汇总表) to `path`; audit full-number exports."""
    _refuse_empty(filed)
    rows = summary_rows(filed, full_ids, whole_phones)
    attachment2.build(year, home.name, rows, filled_on or date.today()).save(path)
    _audit(session, home, "export attachment2", path, filed, full_ids)
    return path


def attachment1_name(home: Institution, label: str) -> str:
    """Default file name: 考评人员信息表_<label>.xlsx (Windows-valid)."""
    return file_name(f"{home.name}_考评人员信息表_{label}")


def attachment2_name(home: Institution, year: int, label: str = "") -> str:
    """Default file name: 2024年考评人员汇总表[_<label>].xlsx (Windows-valid)."""
    return file_name(f"{attachment2.title_text(year)}{'_' + label if label else ''}")


def _refuse_empty(filed: Sequence[Filed]) -> None:
    if not filed:
        raise Refused([Problem.of(MESSAGES, "nothing_to_export", "examiner")])


def _document(examiner: Examiner, full_ids: bool) -> str:
    return examiner.document_number if full_ids else mask_id(examiner.document_number)


def _occupation_names(examiner: Examiner) -> list[str]:
    return [
        q.occupation.name for q in sorted(examiner.qualifications, key=lambda q: q.occupation.code)
    ]


def _audit(
    session: Session,
    home: Institution,
    action: str,
    path: Path,
    filed: Sequence[Filed],
    full_ids: bool,
) -> None:
    audit(session, action, path.name, home.id, examiners=len(filed), full_ids=full_ids)
    session.flush()
