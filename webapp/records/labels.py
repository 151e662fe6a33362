"""Status and kind names as msgids (the extractor finds them; templates call `label`)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

LABELS = {
    # sessions and panels
    "planned": _l("planned"),
    "held": _l("held"),
    "cancelled": _l("cancelled"),
    "leader": _l("leader"),
    "member": _l("member"),
    # examiners
    "active": _l("active"),
    "suspended": _l("suspended"),
    "revocation_pending": _l("revocation pending"),
    "revoked": _l("revoked"),
    # revocations
    "pending": _l("pending"),
    "approved": _l("approved"),
    "rejected": _l("rejected"),
    # reviews
    "renew": _l("renew"),
    "dismiss": _l("dismiss"),
    "continue": _l("runs on"),
    # filing
    "draft": _l("draft"),
    "filed": _l("filed"),
    "accepted": _l("accepted (filed on record)"),
    "returned": _l("returned"),
    # grades
    "examiner_grade": _l("examiner"),
    "senior": _l("senior examiner"),
    # roles
    "admin": _l("admin"),
    "planner": _l("planner"),
    "viewer": _l("viewer"),
    "city": _l("city"),
    # conflicts
    "relative": _l("relative"),
    "teacher_student": _l("teacher and student"),
    "master_apprentice": _l("master and apprentice"),
    "interest": _l("other interest"),
}


def label(value: object) -> str:
    """The planner-facing name of an enum value (the value itself when unknown)."""
    key = getattr(value, "value", value)
    found = LABELS.get(str(key))
    return str(found) if found is not None else str(key)
