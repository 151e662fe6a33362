"""Import of sessions (场次) and candidate lists (考生名单) from real .xlsx files."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from factories import resident_id
from openpyxl import Workbook
from sqlalchemy import func, select

from data.generate import generate
from data.sheets import CANDIDATE_HEADINGS, write_sessions
from models import AssessmentSession, AuditEvent, Candidate, Change, SessionCandidate, Venue
from models.base import SessionStatus
from services.imports import sessions as importer
from services.imports.sessions import import_sessions

CODE = "3204005"
SESSION_HEADINGS = ["场次编号", "考点", "考点单位", "职业（工种）", "级别", "开始时间", "结束时间",
                    "考生人数", "模块数", "小组人数"]  # fmt: skip
T = datetime(2026, 3, 2, 8, 30)


def count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


def history(db) -> int:
    """Change rows beyond the catalogue the `place` fixture made (occupations are tracked)."""
    return db.scalar(select(func.count()).select_from(Change).where(Change.entity != "occupations"))


def workbook(path: Path, sessions: list[list] | None, candidates: list[list] | None) -> Path:
    book = Workbook()
    book.remove(book.active)
    if sessions is not None:
        sheet = book.create_sheet("场次")
        sheet.append(["2026年春季考评场次安排"])
        sheet.append(SESSION_HEADINGS)
        for values in sessions:
            sheet.append(values)
    if candidates is not None:
        sheet = book.create_sheet("考生名单")
        sheet.append(list(CANDIDATE_HEADINGS))
        for values in candidates:
            sheet.append(values)
    book.save(path)
    return path


SESSIONS = [
    ["S001", "刘国钧考点", "常州刘国钧高等职业技术学校", "车工", "三级", T, T.replace(hour=11), 10, 2, None],
    ["S002", "刘国钧考点", "常州刘国钧高等职业技术学校", "6-31-01-03", "四级/中级工",
     "2026-03-03 08:30", "2026-03-03 11:30", 15, None, 5],
]  # fmt: skip
CANDIDATES = [
    ["S001", "A0001", "陈晨", resident_id(date(1998, 5, 1), 3, male=False), "天宁机械厂"],
    ["S001", "A0002", "刘洋", None, "武进电机厂"],
    ["S002", "A0001", "陈晨", None, "天宁机械厂"],
]
BAD_SESSIONS = [
    ["S003", "刘国钧考点", None, "钳工", "三级", T, T.replace(hour=11), 10, None, None],
    ["S004", "刘国钧考点", None, "车工", "六级", T, T.replace(hour=11), 10, None, None],
    ["S005", "刘国钧考点", None, "车工", "三级", T, T.replace(hour=8), 10, None, None],
    ["S006", "刘国钧考点", None, "车工", "三级", T, "明天", 10, None, 2],
    ["S001", "刘国钧考点", None, "车工", "三级", T, T.replace(hour=11), 10, None, None],
]
BAD_CANDIDATES = [
    ["S099", "A0003", "张三", None, None],
    ["S001", "A0004", "李四", "320402196503121230", None],
    ["S001", "A0002", "刘洋", None, "武进电机厂"],
    ["S002", "A0002", "刘阳", None, "武进电机厂"],
    ["S001", "A0005", None, None, None],
]


def test_sessions_and_candidates_of_one_workbook_are_imported_together(db, place, tmp_path):
    path = workbook(tmp_path / "term.xlsx", SESSIONS, CANDIDATES)
    sessions, candidates = import_sessions(db, place, path)
    assert sessions.outcomes["created"] == 2
    # A0001 is new on row 2 and newly listed for S002 on row 4: created 2, updated 1.
    assert dict(candidates.outcomes) == {"created": 2, "updated": 1}
    assert sessions.exit_code == candidates.exit_code == 0
    s1 = db.scalar(select(AssessmentSession).where(AssessmentSession.code == "S001"))
    assert (s1.occupation.name, s1.level, s1.start, s1.end) == ("车工", 3, T, T.replace(hour=11))
    assert (s1.candidate_count, s1.modules, s1.panel_size) == (10, 2, None)
    assert s1.venue.name == "刘国钧考点" and s1.venue.organization.name.startswith("常州刘国钧")
    s2 = db.scalar(select(AssessmentSession).where(AssessmentSession.code == "S002"))
    assert (s2.occupation.name, s2.level, s2.panel_size) == ("电工", 4, 5)
    assert count(db, Venue) == 1 and count(db, Candidate) == 2 and count(db, SessionCandidate) == 3
    chen = db.scalar(select(Candidate).where(Candidate.code == "A0001"))
    assert chen.organization.name == "天宁机械厂" and chen.document_number == CANDIDATES[0][3]
    actions = sorted(db.scalars(select(AuditEvent.action)))
    assert actions == ["import_candidates", "import_sessions"]


def test_every_bad_session_and_candidate_row_is_listed(db, place, tmp_path):
    path = workbook(tmp_path / "term.xlsx", SESSIONS + BAD_SESSIONS, CANDIDATES + BAD_CANDIDATES)
    sessions, candidates = import_sessions(db, place, path, dry_run=True)
    assert sessions.lines() == [
        "第5行 职业（工种）：职业“钳工”不在职业目录中",
        "第6行 级别：“六级”不是级别（一级/高级技师 … 五级/初级工，或 1–5）",
        "第7行 结束时间：结束时间 2026-03-02 08:30 不晚于开始时间 2026-03-02 08:30",
        "第8行 结束时间：“明天”不是日期时间（可写 2026-03-02 08:30）",
        "第8行 小组人数：“2”应为不小于 3 的整数",
        "第9行 场次编号：重复：第3行已有该场次编号",
    ]
    bad_id = "320402196503121230"
    assert candidates.lines() == [
        "第5行（张三） 场次编号：场次 S099 既不在数据库中，也不在本文件的场次表中",
        f"第6行（李四，{bad_id}） 身份证号码：身份证号码 {bad_id} 校验码不符（应为 1），请核对号码",
        "第7行（刘洋） 准考证号：重复：第3行已有该考生",
        "第8行（刘阳） 姓名：考生 A0002 与第3行的姓名不一致",
        "第9行 姓名：不能为空",
    ]
    assert count(db, AssessmentSession) == 0 and count(db, Candidate) == 0
    assert sessions.exit_code == 1 and sessions.outcomes["created"] == 2


def test_reimport_updates_and_never_duplicates(db, place, tmp_path):
    import_sessions(db, place, workbook(tmp_path / "a.xlsx", SESSIONS, CANDIDATES))
    again = import_sessions(db, place, workbook(tmp_path / "b.xlsx", SESSIONS, CANDIDATES))
    assert [r.outcomes["unchanged"] for r in again] == [2, 3]
    moved = [list(r) for r in SESSIONS]
    moved[0][7] = 12
    extra = [*CANDIDATES, ["S002", "A0002", "刘洋", None, "武进电机厂"]]
    sessions, candidates = import_sessions(db, place, workbook(tmp_path / "c.xlsx", moved, extra))
    assert (sessions.outcomes["updated"], candidates.outcomes["updated"]) == (1, 1)
    assert count(db, AssessmentSession) == 2 and count(db, SessionCandidate) == 4
    assert count(db, Candidate) == 2


def test_a_re_import_writes_the_change_history_that_wakes_the_revalidation(db, place, tmp_path):
    import_sessions(db, place, workbook(tmp_path / "a.xlsx", SESSIONS, CANDIDATES))
    assert history(db) == 0  # new sessions are nobody's panel yet
    later = [list(r) for r in SESSIONS]
    later[0][5], later[0][6] = T.replace(hour=13), T.replace(hour=16)  # S001 moves to 13:00
    extra = [*CANDIDATES, ["S002", "A0002", "刘洋", None, "武进电机厂"]]
    import_sessions(db, place, workbook(tmp_path / "b.xlsx", later, extra))
    changed = db.scalars(select(Change).where(Change.entity != "occupations")).all()
    rows = {c.entity_id: c.changes for c in changed}
    s001, s002 = (db.scalar(select(AssessmentSession.id).where(AssessmentSession.code == c))
                  for c in ("S001", "S002"))  # fmt: skip
    assert rows[s001] == {
        "start": [T.isoformat(), T.replace(hour=13).isoformat()],
        "end": [T.replace(hour=11).isoformat(), T.replace(hour=16).isoformat()],
    }
    assert rows[s002] == {"candidates": [None, "+1: A0002"]}
    assert all(c.entity == "sessions" for c in changed)


def test_candidate_list_in_a_separate_file_joins_stored_sessions(db, place, tmp_path):
    import_sessions(db, place, workbook(tmp_path / "s.xlsx", SESSIONS, None))
    (report,) = import_sessions(
        db, place, workbook(tmp_path / "c.xlsx", None, CANDIDATES), kinds=("candidates",)
    )
    assert report.kind == "candidates" and report.outcomes["created"] == 2
    assert count(db, SessionCandidate) == 3


def test_held_sessions_are_never_changed(db, place, tmp_path):
    import_sessions(db, place, workbook(tmp_path / "s.xlsx", SESSIONS, None))
    held = db.scalar(select(AssessmentSession).where(AssessmentSession.code == "S001"))
    held.status = SessionStatus.HELD
    db.flush()
    moved = [list(r) for r in SESSIONS]
    moved[0][4] = "二级"
    (report,) = import_sessions(db, place, workbook(tmp_path / "t.xlsx", moved, None))
    assert report.lines() == ["第3行 场次编号：场次 S001 已举行，不能再修改"]
    assert held.level == 3


def test_strict_refuses_both_sheets_when_one_has_a_bad_row(db, place, tmp_path):
    path = workbook(tmp_path / "term.xlsx", SESSIONS, CANDIDATES + BAD_CANDIDATES[:1])
    reports = import_sessions(db, place, path, strict=True)
    assert all(r.refused and r.exit_code == 2 for r in reports)
    assert count(db, AssessmentSession) == 0 and count(db, Candidate) == 0


def test_a_failure_midway_leaves_nothing(db, place, tmp_path, monkeypatch):
    def failing(catalog, items):
        yield "created"
        raise RuntimeError("connection lost")

    monkeypatch.setattr(importer, "_save_candidates", failing)
    with pytest.raises(RuntimeError):
        import_sessions(db, place, workbook(tmp_path / "term.xlsx", SESSIONS, CANDIDATES))
    assert count(db, AssessmentSession) == 0 and count(db, Venue) == 0
    assert count(db, AuditEvent) == 0


def test_generated_session_workbook_imports_cleanly(db, place, make, tmp_path):
    instance = generate("S", 0)
    for o in instance["occupations"][2:]:
        make.occupation(code=o["code"], name=o["name"])
    sessions, candidates = import_sessions(db, place, write_sessions(tmp_path / "g.xlsx", instance))
    assert sessions.problems == [] and candidates.problems == []
    assert sessions.outcomes["created"] == 30
    assert count(db, Venue) == len(instance["venues"])
    listed = sum(len(s.get("candidates") or []) for s in instance["sessions"])
    assert count(db, SessionCandidate) == listed
