"""Planner-facing names of the examiner enums (English msgids, translated by Babel)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from models.base import ConflictKind, DocumentType, ExaminerStatus, Grade, Sex
from models.discipline import ReviewOutcome, RevocationStatus

LABELS = {
    Grade.EXAMINER: _l("Examiner (grade)"),
    Grade.SENIOR: _l("Senior examiner"),
    Sex.MALE: _l("Male"),
    Sex.FEMALE: _l("Female"),
    ExaminerStatus.ACTIVE: _l("Active"),
    ExaminerStatus.SUSPENDED: _l("Suspended"),
    ExaminerStatus.REVOCATION_PENDING: _l("Revocation pending"),
    ExaminerStatus.REVOKED: _l("Revoked"),
    DocumentType.RESIDENT_ID: _l("Resident ID card"),
    DocumentType.PASSPORT: _l("Passport"),
    DocumentType.HK_MACAU_PERMIT: _l("Hong Kong / Macao permit"),
    DocumentType.TAIWAN_PERMIT: _l("Taiwan permit"),
    DocumentType.FOREIGN_PERMANENT_ID: _l("Foreign permanent residence ID"),
    DocumentType.OTHER: _l("Other document"),
    ConflictKind.RELATIVE: _l("Relative"),
    ConflictKind.TEACHER_STUDENT: _l("Teacher and student"),
    ConflictKind.MASTER_APPRENTICE: _l("Master and apprentice"),
    ConflictKind.INTEREST: _l("Other interest"),
    RevocationStatus.PENDING: _l("Pending approval"),
    RevocationStatus.APPROVED: _l("Approved"),
    RevocationStatus.REJECTED: _l("Rejected"),
    ReviewOutcome.RENEW: _l("Renew"),
    ReviewOutcome.DISMISS: _l("Dismiss"),
    ReviewOutcome.CONTINUE: _l("Term continues"),
}
LEVELS = {1: _l("Level 1"), 2: _l("Level 2"), 3: _l("Level 3"), 4: _l("Level 4"), 5: _l("Level 5")}


def label(value: object) -> str:
    """The planner-facing name of an enum member (its value when it has none)."""
    found = LABELS.get(value)  # type: ignore[call-overload]
    return str(found) if found is not None else str(getattr(value, "value", value))
