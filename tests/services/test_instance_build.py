"""Building a `panel-instance/1` from the database: generated data round trip, range, history,
certificates, statuses, baseline and locks (services/planning/instance.py, services/demo/loading.py)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from stdnum.cn import ric

from data.generate import generate
from models import Certificate, Examiner, PanelSeat, Unavailability
from models.base import ExaminerStatus, Grade, SeatRole, SessionStatus, Sex
from services.demo.loading import load_generated
from services.people.certificates import parse_number
from services.planning.instance import build_instance
from services.planning.instance_examiners import certificate_cover
from solver.check import verify
from solver.load import load_instance
from solver.solve import Options, solve

FAST = Options(time_limit=10, workers=1, deterministic=True)
S_FROM, S_TO = date(2026, 3, 2), date(2026, 4, 12)


@pytest.fixture(scope="module")
def generated() -> dict:
    return generate("S", seed=1)


def _touching(periods: list[dict], first: str, last: str) -> list[dict]:
    return [p for p in periods if p["start"] <= last and p["end"] >= first]


def test_built_instance_is_the_generated_one(db, generated):
    institution = load_generated(db, generated)
    built = build_instance(db, institution, S_FROM, S_TO)
    _, warnings = load_instance(built)
    assert warnings == []
    assert built["policy"] == generated["policy"]
    assert built["occupations"] == sorted(generated["occupations"], key=lambda o: o["code"])
    used = {
        s["venue"] for s in [*generated["sessions"], *(h["session"] for h in generated["history"])]
    }
    assert built["venues"] == [v for v in generated["venues"] if v["id"] in used]
    assert built["sessions"] == [
        s | ({"candidates": sorted(s["candidates"])} if "candidates" in s else {})
        for s in generated["sessions"]
    ]
    by_id = {c["id"]: c for c in generated["candidates"]}
    assert built["candidates"] == sorted(by_id.values(), key=lambda c: c["id"])
    key = lambda c: (c["examiner"], c.get("candidate") or "", c.get("organization") or "")  # noqa: E731
    assert built["conflicts"] == sorted(generated["conflicts"], key=key)
    history = lambda h: (tuple(sorted(h["session"].items())), h["leader"], frozenset(h["members"]))  # noqa: E731
    assert {history(h) for h in built["history"]} == {history(h) for h in generated["history"]}
    assert built["baseline"] == [] and built["locks"] == []


def test_built_examiners_keep_every_eligibility_input(db, generated):
    institution = load_generated(db, generated)
    built = {e["id"]: e for e in build_instance(db, institution, S_FROM, S_TO)["examiners"]}
    last_day = max(s["end"] for s in generated["sessions"])[:10]
    assert built.keys() == {e["id"] for e in generated["examiners"]}
    for e in generated["examiners"]:
        b = built[e["id"]]
        for field in (
            "name",
            "grade",
            "status",
            "organization",
            "assessing_since",
            "leader_eligible",
        ):
            assert b[field] == e[field], field
        assert b["max_sessions"] == e.get("max_sessions")
        assert b["qualifications"] == sorted(e["qualifications"], key=lambda q: q["occupation"])
        assert b["appointments"] == _touching(e["appointments"], S_FROM.isoformat(), last_day)
        assert b["unavailable"] == _touching(e["unavailable"], S_FROM.isoformat(), last_day)
        if "certified_until" in e:
            assert b["certified_until"] == e["certified_until"]
        else:  # certified beyond the term: no effect, as when the date is absent
            assert b["certified_until"] >= last_day


def test_built_instance_solves_to_the_same_optimum_as_the_generated_one(db, generated):
    institution = load_generated(db, generated)
    built, _ = load_instance(build_instance(db, institution, S_FROM, S_TO))
    original, _ = load_instance(generated)
    mine, theirs = solve(built, FAST), solve(original, FAST)
    assert mine.status == theirs.status == "OPTIMAL"
    assert mine.objective == theirs.objective
    assert verify(built, mine) == [] and verify(original, mine) == []
    inactive = {e.id for e in built.examiners if e.status != "active"}
    assert inactive and not inactive & {m for a in mine.assignments for m in a.members}


def test_loader_writes_realistic_attachment_one_fields(db, generated):
    institution = load_generated(db, generated)
    examiners = db.scalars(select(Examiner).where(Examiner.institution_id == institution.id)).all()
    assert len({e.document_number for e in examiners}) == len(examiners) == 40
    for e in examiners:
        # Not ric.is_valid: stdnum refuses districts created after the birth year (SPEC 7).
        assert ric.calc_check_digit(e.document_number) == e.document_number[-1]
        assert ric.get_birth_date(e.document_number).replace(day=1) == e.birth_month
        assert (int(e.document_number[16]) % 2 == 1) == (e.sex == Sex.MALE)
        assert e.phone and len(e.phone) == 11 and e.education and e.title and e.work_history
        assert e.appointments and all(a.allowance_per_session for a in e.appointments)
    certificates = db.scalars(select(Certificate)).all()
    assert len(certificates) == 40
    for c in certificates:
        parsed = parse_number(c.number, institution.code)
        assert (parsed.year, parsed.grade, parsed.serial) == (c.year, c.grade, c.serial)
        assert c.issue_date.year == c.year and c.issue_date <= c.valid_until
    held = db.scalar(select(func.count()).select_from(PanelSeat))
    assert held == sum(len(h["members"]) for h in generated["history"])


def test_only_planned_sessions_starting_in_the_range_are_staffed(db, make):
    inst = make.institution()
    occ, venue = make.occupation(), make.venue(inst)
    day = datetime(2026, 3, 2, 9)
    inside = make.session(inst, venue, occ, start=day)
    last = make.session(inst, venue, occ, start=day + timedelta(days=9, hours=10), hours=20)
    make.session(inst, venue, occ, start=day + timedelta(days=10))  # after the range
    make.session(inst, venue, occ, start=day + timedelta(days=1), status=SessionStatus.CANCELLED)
    make.session(inst, venue, occ, start=day - timedelta(days=1))  # before, no panel in force
    built = build_instance(db, inst, day.date(), day.date() + timedelta(days=9))
    assert [s["id"] for s in built["sessions"]] == [inside.code, last.code]
    assert built["history"] == []


def test_history_holds_served_panels_within_the_look_back_window(db, make):
    inst = make.institution()
    occ, venue = make.occupation(), make.venue(inst)
    people = [make.examiner(inst, occ) for _ in range(4)]
    day = datetime(2026, 3, 2, 9)
    old = make.session(inst, venue, occ, start=day - timedelta(days=400), status=SessionStatus.HELD)
    recent = make.session(
        inst, venue, occ, start=day - timedelta(days=30), status=SessionStatus.HELD
    )
    published = make.session(inst, venue, occ, start=day - timedelta(days=2))
    make.session(inst, venue, occ, start=day - timedelta(days=20), status=SessionStatus.HELD)
    make.session(inst, venue, occ, start=day)
    for s in (old, recent, published):
        for k, e in enumerate(people[:3]):
            role = SeatRole.LEADER if k == 1 else SeatRole.MEMBER
            db.add(PanelSeat(session_id=s.id, examiner_id=e.id, role=role))
    db.flush()
    built = build_instance(db, inst, day.date(), day.date() + timedelta(days=5))
    assert [h["session"]["id"] for h in built["history"]] == [recent.code, published.code]
    assert built["history"][0]["leader"] == people[1].code
    assert built["history"][0]["members"][0] == people[1].code  # leader first
    assert set(built["history"][0]["members"]) == {e.code for e in people[:3]}
    longer = build_instance(db, inst, day.date(), day.date(), look_back_days=500)
    assert len(longer["history"]) == 3
    load_instance(built)


def test_revoked_and_suspended_examiners_are_marked_and_never_serve(db, make):
    inst = make.institution()
    occ, venue = make.occupation(), make.venue(inst)
    active = [make.examiner(inst, occ) for _ in range(3)]
    revoked = make.examiner(inst, occ, status=ExaminerStatus.REVOKED)
    suspended = make.examiner(inst, occ, status=ExaminerStatus.SUSPENDED)
    make.session(inst, venue, occ)
    raw = build_instance(db, inst, date(2026, 3, 1), date(2026, 3, 31))
    status = {e["id"]: e["status"] for e in raw["examiners"]}
    assert status[revoked.code] == "revoked" and status[suspended.code] == "suspended"
    instance, _ = load_instance(raw)
    result = solve(instance, FAST)
    assert result.status == "OPTIMAL"
    assert set(result.assignments[0].members) == {e.code for e in active}


def test_a_certificate_expiring_mid_range_is_respected(db, make):
    inst = make.institution()
    occ, venue = make.occupation(), make.venue(inst)
    people = [make.examiner(inst, occ, grade=Grade.SENIOR) for _ in range(4)]
    lapsing = people[0]
    db.get(Examiner, lapsing.id).certificates[0].valid_until = date(2026, 3, 10)
    db.flush()
    early = make.session(inst, venue, occ, start=datetime(2026, 3, 2, 9))
    late = make.session(inst, make.venue(inst), occ, start=datetime(2026, 3, 20, 9))
    raw = build_instance(db, inst, date(2026, 3, 1), date(2026, 3, 31))
    mine = next(e for e in raw["examiners"] if e["id"] == lapsing.code)
    assert mine["certified_until"] == "2026-03-10"
    instance, _ = load_instance(raw)
    result = solve(instance, FAST)
    panels = {a.session: a.members for a in result.assignments}
    assert lapsing.code not in panels[late.code]
    assert len(panels[early.code]) == 3 and verify(instance, result) == []


def test_a_renewal_after_a_lapse_leaves_the_gap_unavailable(db, make):
    inst = make.institution()
    occ = make.occupation()
    e = make.examiner(inst, occ)
    e.certificates[0].valid_until = date(2026, 3, 10)
    db.add(
        Certificate(
            examiner_id=e.id, number=f"26{inst.code}10099", grade=Grade.SENIOR, year=2026,
            serial=99, issue_date=date(2026, 3, 20), valid_until=date(2029, 3, 19),
        )
    )  # fmt: skip
    db.add(Unavailability(examiner_id=e.id, start=date(2026, 4, 1), end=date(2026, 4, 2)))
    db.flush()
    make.session(inst, make.venue(inst), occ)
    raw = build_instance(db, inst, date(2026, 3, 1), date(2026, 4, 30))
    mine = next(x for x in raw["examiners"] if x["id"] == e.code)
    assert mine["certified_until"] == "2029-03-19"
    assert mine["unavailable"] == [
        {"start": "2026-03-11", "end": "2026-03-19"},
        {"start": "2026-04-01", "end": "2026-04-02"},
    ]


def test_certificate_cover_joins_renewals_and_reports_gaps():
    d = date
    assert certificate_cover([], d(2026, 3, 1), d(2026, 3, 31)) == (d(2026, 2, 28), [])
    renewed = [(d(2023, 1, 1), d(2026, 3, 10)), (d(2026, 3, 1), d(2029, 2, 28))]
    assert certificate_cover(renewed, d(2026, 3, 1), d(2026, 3, 31)) == (d(2029, 2, 28), [])
    lapsed = [(d(2023, 1, 1), d(2026, 3, 10)), (d(2026, 3, 15), d(2029, 3, 14))]
    assert certificate_cover(lapsed, d(2026, 3, 1), d(2026, 3, 31)) == (
        d(2029, 3, 14),
        [(d(2026, 3, 11), d(2026, 3, 14))],
    )
    later = [(d(2026, 4, 1), d(2029, 3, 31))]  # issued after the range: not yet certified
    assert certificate_cover(later, d(2026, 3, 1), d(2026, 3, 31)) == (d(2026, 2, 28), [])
    starts_mid = [(d(2026, 3, 5), d(2029, 3, 4))]
    assert certificate_cover(starts_mid, d(2026, 3, 1), d(2026, 3, 31)) == (
        d(2029, 3, 4),
        [(d(2026, 3, 1), d(2026, 3, 4))],
    )


def test_explicit_locks_are_kept_and_only_for_sessions_in_the_range(db, make):
    inst = make.institution()
    occ, venue = make.occupation(), make.venue(inst)
    e = make.examiner(inst, occ)
    s = make.session(inst, venue, occ)
    locks = [
        {"session": s.code, "examiner": e.code, "role": "leader"},
        {"session": s.code, "examiner": e.code, "role": "leader"},
        {"session": "S9999", "examiner": e.code, "role": "member"},
    ]
    raw = build_instance(db, inst, date(2026, 3, 1), date(2026, 3, 31), locks=locks)
    assert raw["locks"] == locks[:1]
