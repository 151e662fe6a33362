"""The occupation catalogue: row checks, upsert on (code, edition), the bundled seed,
`panelplan import occupations` and `init-db`'s seeding, up to a new institution's first
examiner import."""

from __future__ import annotations

from pathlib import Path

import pytest
from dbtools import BACKENDS, POSTGRES_URL, drop_database, fresh_database
from openpyxl import Workbook
from sqlalchemy import func, select

from cli.main import main
from data.generate import generate
from data.names import OCCUPATIONS
from data.sheets import write_examiners
from models import AuditEvent, Examiner, Occupation, Qualification
from models.db import make_engine, session_factory
from services.imports.occupations import import_occupations
from services.institution.occupations import (
    OccupationIn,
    read_occupation,
    seed_catalogue,
    seed_if_empty,
    upsert_occupations,
)
from services.messages import Refused

HEADINGS = ("序号", "职业编码", "职业（工种）\n名称", "大典版本", "每名考评员\n对应考生数")


def count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


def workbook(path: Path, rows: list[tuple], headings: tuple = HEADINGS) -> Path:
    """An .xlsx as planners make it: a title row, the header, numbered rows, a footer."""
    book = Workbook()
    sheet = book.active
    sheet.append(["常州市职业技能等级评价机构职业目录"])
    sheet.append(list(headings))
    for n, values in enumerate(rows, start=1):
        sheet.append([n, *values])
    sheet.append([None, None, None, None, None])
    sheet.append(["填表人：张三"])
    book.save(path)
    return path


GOOD = [
    ("6-31-01-03", "电工", 2022, 8),
    ("6-18-01-01", "车工", "2022版", None),
    ("6-18-01-01", "车工", "2015", 5),  # same code, the 2015 edition: another row
    ("4-07-03-02", "企业人力资源管理师", None, 15),
]
BAD = [
    ("6-31-1-3", "电工", 2022, 8),  # row 7: code format
    ("6-20-01-01", None, 2022, 5),  # row 8: no name
    ("6-20-01-01", "装配钳工", "22", 0),  # row 9: edition and ratio
    ("6-31-01-03", "维修电工", 2022, 8),  # row 10: disagrees with row 3
    ("6-31-01-03", "电工", 2022, 8),  # row 11: the same as row 3, harmless
]


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (("6-31-01-03", "电工", None, None), OccupationIn("6-31-01-03", "电工", "2022", None)),
        ((" 6－31－01－03 ", "电 工", 2015, 5.0), OccupationIn("6-31-01-03", "电工", "2015", 5)),
        (
            ("6-30-99-00", "机器人操作员", "2022年版", "6"),
            OccupationIn("6-30-99-00", "机器人操作员", "2022", 6),
        ),
    ],
)
def test_read_occupation_normalises_the_cells(cells, expected) -> None:
    item, problems = read_occupation(*cells)
    assert problems == []
    assert item == expected


def test_read_occupation_lists_every_problem_in_both_languages() -> None:
    item, problems = read_occupation("63101", " ", "第三版", "0")
    assert item is None
    assert [p.field for p in problems] == [
        "occupation_code",
        "occupation_name",
        "edition",
        "candidates_per_examiner",
    ]
    assert (
        problems[0].text("zh")
        == "职业编码：“63101”格式不符：应为 大类-中类-小类-细类，如 6-31-01-03"
    )
    assert (
        problems[3].text("en")
        == "candidates per examiner: “0” must be a whole number of at least 1"
    )
    assert read_occupation(None, "电工")[1][0].text("zh") == "职业编码：缺少职业编码"


def test_upsert_matches_code_and_edition_and_records_a_rename(db) -> None:
    first = [
        OccupationIn("6-31-01-03", "维修电工", "2022", None),
        OccupationIn("6-31-01-03", "电工", "2015", 6),
    ]
    assert upsert_occupations(db, first) == {"created": 2}
    stored = db.scalar(select(Occupation).where(Occupation.edition == "2022"))
    assert stored.candidates_per_examiner == 5  # the national standards' 1:5
    again = [
        OccupationIn("6-31-01-03", "电工", "2022", None),
        OccupationIn("6-31-01-03", "电工", "2015", 6),
    ]
    assert upsert_occupations(db, again) == {"updated": 1, "unchanged": 1}
    assert count(db, Occupation) == 2
    assert (stored.name, stored.candidates_per_examiner) == ("电工", 5)  # empty ratio kept
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "rename_occupation"))
    assert (event.subject, event.details) == (
        "6-31-01-03 (2022)",
        {"old": "维修电工", "new": "电工"},
    )


def test_seed_catalogue_loads_the_bundled_list_once(db) -> None:
    assert seed_if_empty(db) == len(OCCUPATIONS)
    assert seed_if_empty(db) == 0
    assert seed_catalogue(db) == {"unchanged": len(OCCUPATIONS)}
    rows = {o.code: o for o in db.scalars(select(Occupation))}
    assert len(rows) == len(OCCUPATIONS)
    assert {o.edition for o in rows.values()} == {"2022"}
    assert (rows["6-31-01-03"].name, rows["6-31-01-03"].candidates_per_examiner) == ("电工", 5)
    assert {o.candidates_per_examiner for o in rows.values()} == {5}  # the 1:5 clause
    actions = db.scalars(select(AuditEvent.action)).all()
    assert actions == ["seed_occupations", "seed_occupations"]


def test_import_lists_every_bad_row_by_row_column_and_reason(db, make, tmp_path) -> None:
    home = make.institution()
    path = workbook(tmp_path / "职业目录.xlsx", GOOD + BAD)
    report = import_occupations(db, home, path)
    assert (report.rows, dict(report.outcomes), report.bad_rows) == (
        9,
        {"created": 4},
        [7, 8, 9, 10],
    )
    assert report.lines("zh") == [
        "第7行 职业编码：“6-31-1-3”格式不符：应为 大类-中类-小类-细类，如 6-31-01-03",
        "第8行 职业（工种）名称：缺少职业（工种）名称",
        "第9行 大典版本：“22”应为 4 位年份，如 2022 或 2015",
        "第9行 每名考评员对应考生数：“0”应为不小于 1 的整数",
        "第10行 职业（工种）名称：与第3行（同一职业编码和版本）不一致：那里是“电工”",
    ]
    assert report.exit_code == 1 and report.written
    stored = {
        (o.code, o.edition): (o.name, o.candidates_per_examiner)
        for o in db.scalars(select(Occupation))
    }
    assert stored == {
        ("6-31-01-03", "2022"): ("电工", 8),
        ("6-18-01-01", "2022"): ("车工", 5),
        ("6-18-01-01", "2015"): ("车工", 5),
        ("4-07-03-02", "2022"): ("企业人力资源管理师", 15),
    }
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "import_occupations"))
    assert event.details["bad_rows"] == [7, 8, 9, 10] and event.institution_id == home.id


def test_reimport_updates_and_never_duplicates(db, make, tmp_path) -> None:
    home = make.institution()
    import_occupations(db, home, workbook(tmp_path / "a.xlsx", GOOD))
    changed = [("6-31-01-03", "电工（电气设备安装）", 2022, 10), *GOOD[1:]]
    report = import_occupations(db, home, workbook(tmp_path / "b.xlsx", changed))
    assert dict(report.outcomes) == {"updated": 1, "unchanged": 3} and report.exit_code == 0
    assert count(db, Occupation) == 4
    stored = db.scalar(select(Occupation).where(Occupation.code == "6-31-01-03"))
    assert (stored.name, stored.candidates_per_examiner) == ("电工（电气设备安装）", 10)
    renames = db.scalars(select(AuditEvent).where(AuditEvent.action == "rename_occupation")).all()
    assert [e.details for e in renames] == [{"old": "电工", "new": "电工（电气设备安装）"}]


def test_dry_run_and_strict_write_nothing(db, make, tmp_path) -> None:
    home = make.institution()
    path = workbook(tmp_path / "c.xlsx", GOOD + BAD)
    report = import_occupations(db, home, path, dry_run=True)
    assert dict(report.outcomes) == {"created": 4} and len(report.bad_rows) == 4
    assert "试导入（未写入），共 9 行；新增 4" in report.summary("zh")
    assert not report.written
    strict = import_occupations(db, home, path, strict=True)
    assert strict.refused and strict.exit_code == 2
    assert count(db, Occupation) == 0 and count(db, AuditEvent) == 0


def test_csv_with_english_headings_and_a_file_without_the_columns(db, make, tmp_path) -> None:
    home = make.institution()
    path = tmp_path / "catalogue.csv"
    path.write_bytes("Code,Name,Edition,Ratio\n6-31-01-03,电工,2015,4\n".encode("gb18030"))
    report = import_occupations(db, home, path)
    assert dict(report.outcomes) == {"created": 1}
    assert db.scalar(select(Occupation.edition)) == "2015"
    workbook(tmp_path / "d.xlsx", [("x",)], headings=("序号", "姓名"))
    with pytest.raises(Refused) as refused:
        import_occupations(db, home, tmp_path / "d.xlsx")
    assert "职业编码、职业（工种）名称" in refused.value.lines("zh")[0]


@pytest.fixture(params=BACKENDS)
def url(request, tmp_path):
    """An empty migrated database (a SQLite file or a PostgreSQL schema) for CLI runs."""
    database = fresh_database(request.param, tmp_path)
    if database.schema is None:
        yield database.url
    else:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{database.schema}"
    drop_database(database)


def _catalogue(url: str) -> dict[str, str]:
    engine = make_engine(url)
    with session_factory(engine)() as session:
        found = {o.code: o.name for o in session.scalars(select(Occupation))}
    engine.dispose()
    return found


def test_init_db_seeds_an_empty_catalogue_once(url, tmp_path, capsys) -> None:
    assert main(["init-db", "--database", url, "--code", "3204005"]) == 0
    assert "职业目录已载入 16 个常见职业" in capsys.readouterr().out
    path = workbook(tmp_path / "e.xlsx", [("6-31-01-03", "维修电工", 2022, 8)])
    assert main(["import", "occupations", str(path), "--database", url]) == 0
    assert "职业目录导入，共 1 行；新增 0，更新 1，未变 0；问题行 0" in capsys.readouterr().out
    assert main(["init-db", "--database", url]) == 0
    assert "职业目录" not in capsys.readouterr().out
    catalogue = _catalogue(url)
    assert len(catalogue) == len(OCCUPATIONS) and catalogue["6-31-01-03"] == "维修电工"


def test_init_db_no_catalogue_leaves_the_table_empty(tmp_path, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    assert main(["init-db", "--database", url, "--no-catalogue"]) == 0
    assert "职业目录" not in capsys.readouterr().out
    assert _catalogue(url) == {}


def test_a_new_institution_imports_its_examiners_after_init_db(tmp_path, capsys) -> None:
    instance = generate("S", 0)
    url = f"sqlite:///{tmp_path / 'new.db'}"
    code = instance["institution"]["code"]
    assert main(["init-db", "--database", url, "--code", code, "--name", "新机构"]) == 0
    path = write_examiners(tmp_path / "examiners.xlsx", instance)
    assert main(["import", "examiners", str(path), "--database", url, "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert f"created {len(instance['examiners'])}" in out and "bad rows 0" in out
    engine = make_engine(url)
    with session_factory(engine)() as session:
        assert session.scalar(select(func.count()).select_from(Examiner)) == len(
            instance["examiners"]
        )
        used = session.scalars(select(Occupation.code).join(Qualification).distinct()).all()
    engine.dispose()
    assert set(used) == {o["code"] for o in instance["occupations"]}


def test_every_catalogue_change_is_audited_and_kept_in_the_change_history(db) -> None:
    from models import Change
    from services.institution.occupations import save_occupation

    assert save_occupation(db, OccupationIn("6-31-09-09", "测试工", "2022", 4)) == "created"
    assert save_occupation(db, OccupationIn("6-31-09-09", "测试工", "2022", 4)) == "unchanged"
    assert save_occupation(db, OccupationIn("6-31-09-09", "测试工二", "2022", 2)) == "updated"
    events = db.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.action, e.actor, e.institution_id) for e in events] == [
        ("add_occupation", "tester", None),
        ("rename_occupation", "tester", None),
        ("change_occupation_ratio", "tester", None),
    ]
    assert events[2].details == {"old": 4, "new": 2}
    history = db.scalars(
        select(Change).where(Change.entity == "occupations").order_by(Change.id)
    ).all()
    assert [(h.action, h.actor) for h in history] == [("insert", "tester"), ("update", "tester")]
    assert history[1].changes == {"name": ["测试工", "测试工二"], "candidates_per_examiner": [4, 2]}
