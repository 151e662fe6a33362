"""How rows look in JSON (the shapes the OpenAPI document describes)."""

from __future__ import annotations

from typing import Any

from models import AssessmentSession, Examiner, Plan
from models.jobs import SolveJob
from services.exports.layout import mask_id, mask_phone
from services.institution.privacy import Sight
from services.planning.solve_jobs import status_name


def examiner_json(e: Examiner, seen: Sight, detail: bool = False) -> dict[str, Any]:
    """An examiner; ID numbers and phones whole or masked as the reader `seen`s them."""
    out: dict[str, Any] = {
        "code": e.code,
        "name": e.name,
        "sex": e.sex.value,
        "grade": e.grade.value,
        "status": e.status.value,
        "organization": e.organization.name if e.organization else None,
        "document_number": e.document_number if seen.ids else mask_id(e.document_number),
        "leader_eligible": e.leader_eligible,
        "assessing_since": _iso(e.assessing_since),
    }
    if detail:
        out["phone"] = e.phone if seen.phones else (mask_phone(e.phone) or None)
        out["qualifications"] = [
            {"occupation": q.occupation.code, "name": q.occupation.name, "top_level": q.top_level}
            for q in e.qualifications
        ]
        out["appointments"] = [{"start": _iso(a.start), "end": _iso(a.end)} for a in e.appointments]
        out["certificates"] = [
            {"number": c.number, "grade": c.grade.value, "valid_until": _iso(c.valid_until)}
            for c in e.certificates
        ]
    return out


def session_json(s: AssessmentSession, listed: int) -> dict[str, Any]:
    """An assessment session with `listed` candidates on its list (none: its stated count)."""
    return {
        "code": s.code,
        "venue": s.venue.code,
        "venue_name": s.venue.name,
        "occupation": s.occupation.code,
        "occupation_name": s.occupation.name,
        "level": s.level,
        "start": s.start.isoformat(timespec="minutes"),
        "end": s.end.isoformat(timespec="minutes"),
        "status": s.status.value,
        "candidates": listed or s.candidate_count,
    }


def plan_json(
    p: Plan, result: dict[str, Any] | None = None, assignments: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """A plan version (its `result`, when already read); given `assignments` (a page of its
    panels), those with the plan's empty seats and diagnostics, whole (short lists)."""
    result = p.result if result is None else result
    out: dict[str, Any] = {
        "version": p.version,
        "status": p.status.value,
        "from": _iso(p.date_from),
        "to": _iso(p.date_to),
        "solver_status": p.solver_status,
        "objective": result.get("objective"),
        "bound": result.get("bound"),
        "solver_version": p.solver_version,
        "seed": p.seed,
        "created_by": p.created_by,
        "published_at": p.published_at.isoformat() if p.published_at else None,
    }
    if assignments is not None:
        out["assignments"] = assignments
        out["unfilled"] = result.get("unfilled", [])
        out["diagnostics"] = result.get("diagnostics", [])
    return out


def job_json(j: SolveJob, lang: str) -> dict[str, Any]:
    """A solve job and its progress."""
    return {
        "id": j.id,
        "kind": j.kind.value,
        "status": j.status.value,
        "status_text": status_name(j.status, lang),
        "from": _iso(j.date_from),
        "to": _iso(j.date_to),
        "parameters": j.parameters,
        "level": j.level,
        "objective": j.objective,
        "bound": j.bound,
        "elapsed": j.elapsed,
        "plan_id": j.plan_id,
        "error": (j.error or {}).get(lang),
        "requested_by": j.requested_by,
    }


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
