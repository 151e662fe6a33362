"""Plan rows from the database (services/planning/sheet_rows.py) and `panelplan export plan |
dispatch | examiner | allowance | invalid` end to end."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from exports_rows import every_value, no_full_id
from icalendar import Calendar
from openpyxl import load_workbook
from sqlalchemy import select

from cli.main import main
from data.generate import generate
from models import Examiner
from models.db import make_engine, session_factory, transaction
from services.demo.loading import load_generated
from services.exports.assignments import plan_workbook, schedules
from services.exports.dispatch import dispatch_workbook
from services.exports.examiner_sheets import examiner_workbook
from services.exports.layout import mask_id
from services.institution.context import institution
from services.messages import Refused
from services.planning.plans import find_plan, solve_and_store, store_result
from services.planning.publishing import publish
from services.planning.sheet_rows import chosen, examiners_named, plan_header, plan_rows
from solver.schema import Assignment, Result
from solver.solve import Options

FAST = Options(time_limit=10, workers=1, deterministic=True, seed=3)
MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def small(make):
    """Four examiners; a session with a candidate list and one with a count, in March."""
    inst = make.institution(name="常州市测试评价机构")
    occ = make.occupation(name="车工")
    venue = make.venue(inst, name="第一考点", address="常州市天宁区1号")
    people = [make.examiner(inst, occ) for _ in range(4)]
    listed = [make.candidate(inst) for _ in range(7)]
    start = datetime(2026, 3, 2, 9)
    first = make.session(inst, venue, occ, start=start, candidates=listed)
    second = make.session(inst, venue, occ, start=start + timedelta(days=1), candidate_count=12)
    return inst, people, (first, second)


def test_rows_join_the_stored_result_with_the_database(db, make):
    inst, people, (first, second) = small(make)
    plan = solve_and_store(db, inst, *MARCH, FAST)
    rows = plan_rows(db, inst, plan)
    assert [r.code for r in rows] == [first.code, second.code]
    row = rows[0]
    assert (row.venue, row.venue_address, row.occupation_name) == (
        "第一考点",
        "常州市天宁区1号",
        "车工",
    )
    assert (row.level, row.start, row.unfilled) == (3, datetime(2026, 3, 2, 9), 0)
    assert (rows[0].candidates, rows[1].candidates) == (7, 12)
    panel = next(a for a in plan.result["assignments"] if a["session"] == first.code)
    assert row.leader is not None and row.leader.code == panel["leader"]
    assert row.members[0] == row.leader and {m.code for m in row.members} == set(panel["members"])
    by_code = {p.code: p for p in people}
    for member in row.members:
        person = by_code[member.code]
        assert (member.name, member.phone) == (person.name, person.phone)
        assert member.masked_id == mask_id(person.document_number) != person.document_number


def test_the_header_says_draft_then_published(db, make):
    inst, _, _ = small(make)
    plan = solve_and_store(db, inst, *MARCH, FAST)
    draft = plan_header(db, inst, plan)
    assert (draft.version, draft.status, draft.label()) == (1, "draft", "方案 v1（草稿）")
    assert draft.institution_code == inst.code and draft.span() == "2026-03-01 至 2026-03-31"
    publish(db, inst, plan.version)
    published = plan_header(db, inst, plan)
    assert published.label() == "方案 v1（已发布）" and published.stamp == plan.published_at


def test_unstaffed_sessions_keep_their_row_with_the_empty_seats(db, make):
    inst, people, (first, second) = small(make)
    raw = solve_and_store(db, inst, *MARCH, FAST).instance
    codes = [p.code for p in people]
    result = Result(
        status="FEASIBLE",
        assignments=[Assignment(session=first.code, leader=codes[1], members=tuple(codes[:2]))],
        unfilled=[{"session": first.code, "seats": 1}, {"session": second.code, "seats": 3}],
    )
    plan = store_result(db, inst, raw, result, FAST, *MARCH)
    rows = plan_rows(db, inst, plan)
    assert [m.code for m in rows[0].members] == [codes[1], codes[0]]  # leader first
    assert (rows[0].unfilled, rows[1].unfilled) == (1, 3)
    assert rows[1].leader is None and rows[1].members == ()


def test_unknown_sessions_and_examiners_are_refused_each_named(db, make):
    inst, people, _ = small(make)
    plan = solve_and_store(db, inst, *MARCH, FAST)
    rows = plan_rows(db, inst, plan)
    assert [r.code for r in chosen(rows, [rows[1].code], 1)] == [rows[1].code]
    with pytest.raises(Refused) as refused:
        chosen(rows, ["S9", rows[0].code, "S8"], 1)
    assert refused.value.lines("zh") == [
        "场次：方案 v1 中没有场次 S9",
        "场次：方案 v1 中没有场次 S8",
    ]
    assert refused.value.lines("en")[0] == "session: plan v1 has no session S9"
    named = examiners_named(db, inst, [people[2].code, people[0].code])
    assert [p.code for p in named] == [people[2].code, people[0].code]
    with pytest.raises(Refused) as refused:
        examiners_named(db, inst, ["NOPE"])
    assert refused.value.lines("zh") == ["考评人员：没有编号为 NOPE 的考评人员"]


def test_no_full_id_number_in_any_sheet_built_from_the_database(db, make, tmp_path):
    inst, people, _ = small(make)
    plan = solve_and_store(db, inst, *MARCH, FAST)
    header, rows = plan_header(db, inst, plan), plan_rows(db, inst, plan)
    numbers = [p.document_number for p in people]
    books = {
        "plan": plan_workbook(header, rows),
        "dispatch": dispatch_workbook(header, rows),
        "examiner": examiner_workbook(header, schedules(rows)),
    }
    for name, wb in books.items():
        wb.save(tmp_path / f"{name}.xlsx")
        assert no_full_id(every_value(tmp_path / f"{name}.xlsx"), numbers), name
    dispatch = every_value(tmp_path / "dispatch.xlsx")
    assert any(mask_id(n) in dispatch for n in numbers)


# --- the commands, on a SQLite file ---------------------------------------------------


@pytest.fixture
def url(tmp_path: Path) -> str:
    """A migrated SQLite file holding the generated S term, planned and published (v1)."""
    url = f"sqlite:///{tmp_path / 'export.db'}"
    assert main(["init-db", "--database", url, "--no-catalogue"]) == 0
    engine = make_engine(url)
    with transaction(session_factory(engine), "tester") as db:
        inst = load_generated(db, generate("S", seed=5))
        plan = solve_and_store(db, inst, date(2026, 3, 2), date(2026, 4, 12), FAST)
        publish(db, inst, plan.version)
    engine.dispose()
    return url


def test_export_commands_write_files_with_chinese_default_names(url, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["export", "plan", "1", "--database", url]) == 0
    assert main(["export", "dispatch", "1", "--database", url]) == 0
    assert main(["export", "examiner", "1", "--database", url]) == 0
    span = ["--from", "2026-01-01", "--to", "2026-12-31", "--include-planned"]
    assert main(["export", "allowance", "--database", url, *span]) == 0
    assert main(["export", "invalid", "--database", url]) == 0
    out = capsys.readouterr().out
    assert "考评小组安排表_v1.xlsx" in out and "考评人员派遣单_v1.xlsx" in out
    names = sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".xlsx")
    assert any(n.endswith("考评小组安排表_v1.xlsx") for n in names)
    assert any(n.endswith("考评人员津贴补助_20260101-20261231.xlsx") for n in names)
    assert any("成绩无效名单_" in n for n in names)
    (folder,) = [p for p in tmp_path.iterdir() if p.name.endswith("考评人员任务安排_v1")]
    institution = folder.name.removesuffix("考评人员任务安排_v1")
    assert institution  # the institution's name first, on every per-examiner file
    calendars = sorted(folder.glob("*.ics"))
    assert (folder / f"{institution}考评人员任务表_v1.xlsx").exists() and len(calendars) > 10
    assert all(c.name.startswith(f"{institution}_") for c in calendars)
    assert all(not set('<>:"/\\|?*') & set(p.name) for p in tmp_path.rglob("*"))
    events = Calendar.from_ical(calendars[0].read_bytes()).events
    assert events and all(str(e["uid"]).endswith("@panelplan") for e in events)


def test_export_selections_and_refusals(url, tmp_path, capsys):
    engine = make_engine(url)
    with session_factory(engine)() as db:
        codes = db.scalars(select(Examiner.code).order_by(Examiner.code)).all()
        sessions = [a["session"] for a in find_plan(db, institution(db), 1).result["assignments"]]
    engine.dispose()
    out = tmp_path / "two.xlsx"
    args = [
        "export",
        "dispatch",
        "1",
        "--database",
        url,
        "--session",
        *sessions[:2],
        "-o",
        str(out),
    ]
    assert main(args) == 0
    titles = [c.value for c in load_workbook(out).active["A"] if c.value == "考评人员派遣单"]
    assert len(titles) == 2
    mine = tmp_path / "mine"
    assert (
        main(
            ["export", "examiner", "1", "--database", url, "--examiner", codes[0], "-o", str(mine)]
        )
        == 0
    )
    assert len(list(mine.glob("*.ics"))) == 1
    capsys.readouterr()
    assert main(["export", "plan", "9", "--database", url]) == 2
    assert "没有版本号为 v9 的方案" in capsys.readouterr().err
    assert (
        main(["export", "dispatch", "1", "--database", url, "--session", "NOPE", "--lang", "en"])
        == 2
    )
    assert "plan v1 has no session NOPE" in capsys.readouterr().err
    assert main(["export", "examiner", "1", "--database", url, "--examiner", "ZZ"]) == 2
    assert "没有编号为 ZZ 的考评人员" in capsys.readouterr().err
    span = ["--from", "2026-05-01", "--to", "2026-04-01"]
    assert main(["export", "allowance", "--database", url, *span]) == 2
    assert "晚于结束日期" in capsys.readouterr().err
