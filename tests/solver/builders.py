"""Builders for small hand-made instances: raw JSON dicts a test can tweak, then load.

A plain module (not conftest) so tests import it by a name unique across tests/.
"""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from typing import Any

from solver.load import load_instance
from solver.schema import Instance

DAY = "2026-03-02"


def examiner(eid: str, **over: Any) -> dict[str, Any]:
    """An active, leader-eligible senior examiner qualified for occupation O1, all levels."""
    base: dict[str, Any] = {
        "id": eid,
        "name": f"考评员{eid}",
        "grade": "senior",
        "status": "active",
        "organization": f"单位{eid}",
        "assessing_since": "2020-01-01",
        "leader_eligible": True,
        "qualifications": [{"occupation": "O1", "top_level": 1}],
        "appointments": [{"start": "2025-01-01", "end": "2027-12-31"}],
        "unavailable": [],
    }
    base.update(over)
    return base


def session(sid: str, day: int = 0, venue: str = "V1", **over: Any) -> dict[str, Any]:
    """A half-day level-3 session of O1 on 2026-03-02 + `day` days; 3 candidates -> panel of 3."""
    date = f"2026-03-{2 + day:02d}"
    base: dict[str, Any] = {
        "id": sid,
        "venue": venue,
        "occupation": "O1",
        "level": 3,
        "start": f"{date}T08:30",
        "end": f"{date}T11:30",
        "candidate_count": 3,
    }
    base.update(over)
    return base


def raw_instance(
    n_examiners: int = 6, sessions: list[dict] | None = None, **over: Any
) -> dict[str, Any]:
    """A valid raw instance: examiners E1..En, venues V1..V3, occupation O1 (1:5)."""
    base: dict[str, Any] = {
        "format": "panel-instance/1",
        "institution": {"code": "3204005", "name": "测试机构"},
        "policy": {},
        "occupations": [{"code": "O1", "name": "车工", "candidates_per_examiner": 5}],
        "venues": [
            {"id": f"V{i}", "name": f"考点{i}", "organization": f"考点单位{i}"} for i in (1, 2, 3)
        ],
        "examiners": [examiner(f"E{i}") for i in range(1, n_examiners + 1)],
        "candidates": [{"id": f"C{i}", "organization": f"学校{i % 2}"} for i in range(1, 11)],
        "sessions": sessions if sessions is not None else [session("S1")],
        "conflicts": [],
        "history": [],
        "baseline": [],
        "locks": [],
    }
    base.update(over)
    return base


def load(raw: dict[str, Any]) -> Instance:
    """Load a raw instance that must be valid."""
    instance, _ = load_instance(copy.deepcopy(raw))
    return instance


def history_entry(
    sid: str, day: int, members: str, venue: str = "V1", occupation: str = "O1", **over: Any
) -> dict[str, Any]:
    """A served half-day session on 2026-03-02 + `day` days (negative: before); first member leads."""
    start = datetime(2026, 3, 2, 8, 30) + timedelta(days=day)
    past: dict[str, Any] = {
        "id": sid,
        "venue": venue,
        "occupation": occupation,
        "level": 3,
        "start": start.isoformat(timespec="minutes"),
        "end": (start + timedelta(hours=3)).isoformat(timespec="minutes"),
    }
    past.update(over)
    names = members.split()
    return {"session": past, "leader": names[0] if names else None, "members": names}


def second_occupation(raw: dict[str, Any]) -> dict[str, Any]:
    """Add occupation O2 (钳工, 1:5) to a raw instance and qualify every examiner for it."""
    raw["occupations"].append({"code": "O2", "name": "钳工", "candidates_per_examiner": 5})
    for e in raw["examiners"]:
        e["qualifications"] = [*e["qualifications"], {"occupation": "O2", "top_level": 1}]
    return raw
