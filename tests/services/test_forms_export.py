"""Attachments 1 and 2 from the database (both backends) and through the CLI (SQLite file)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from factories import Factory, resident_id
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from cli.main import main
from models import AuditEvent, Certificate, Institution, Qualification
from models.base import ExaminerStatus, Grade, Sex
from models.db import make_engine, session_factory, transaction
from services.filing import batches as filing_batches
from services.filing import forms as forms_export
from services.filing import forms_rows
from services.filing import training as filing
from services.messages import Refused

ID_WITH_X = "11010519491231002X"  # the standard's own example: check character X


def people(make: Factory, home: Institution) -> list:
    """Two examiners: a senior 车工+电工 with an X in the ID, an examiner of 电工."""
    lathe = make.occupation(code="6-18-01-01", name="车工")
    electric = make.occupation(code="6-31-01-03", name="电工")
    unit = make.organization(home, "常州市某某机械有限公司")
    senior = make.examiner(
        home, lathe, name="张三", document_number=ID_WITH_X, sex=Sex.FEMALE,
        birth_month=date(1949, 12, 1), organization_id=unit.id, education="大专",
        work_history="1970—至今 车工",
    )  # fmt: skip
    make.db.add(Qualification(examiner_id=senior.id, occupation_id=electric.id, top_level=4))
    junior = make.examiner(home, electric, name="李四", grade=Grade.EXAMINER)
    make.db.flush()
    make.db.expire_all()
    return [senior, junior]


def test_rows_carry_the_forms_fields(db: Session, make: Factory) -> None:
    home = make.institution(name="常州市XX评价中心")
    senior, junior = people(make, home)
    filed = forms_rows.chosen_examiners(db, home, [senior.code, junior.code])
    forms = forms_export.form_rows(filed, full_ids=True)
    assert forms[0].document_number == ID_WITH_X and forms[0].sex == "女"
    assert forms[0].occupations == "车工/一级、电工/四级"
    assert forms[1].occupations == "电工/三级"  # an examiner's grade caps the level at 三级
    assert forms[0].organization == "常州市某某机械有限公司"
    rows = forms_export.summary_rows(filed, full_ids=False)
    assert rows[0].document_number == "110105********002X"
    assert (rows[0].occupations, rows[0].grade, rows[1].grade) == (
        "车工、电工",
        "高级考评员",
        "考评员",
    )
    assert rows[0].certificate_number == senior.certificates[0].number


def test_unknown_codes_are_all_named(db: Session, make: Factory) -> None:
    home = make.institution()
    with pytest.raises(Refused) as refused:
        forms_rows.chosen_examiners(db, home, ["X1", "X2"])
    assert refused.value.lines("en") == [
        "code: no examiner with code X1",
        "code: no examiner with code X2",
    ]


def test_the_year_roster_holds_those_valid_that_year(db: Session, make: Factory) -> None:
    home = make.institution()
    senior, junior = people(make, home)
    expired = make.examiner(home)
    for certificate in expired.certificates:
        certificate.issue_date, certificate.valid_until = date(2018, 1, 1), date(2020, 12, 31)
    revoked = make.examiner(home, status=ExaminerStatus.REVOKED)
    db.flush()
    codes = {f.examiner.code for f in forms_rows.year_roster(db, home, 2025)}
    assert codes == {senior.code, junior.code}
    assert expired.code in {f.examiner.code for f in forms_rows.year_roster(db, home, 2020)}
    assert revoked.code not in codes


def test_a_batch_files_the_certificate_issued_after_its_training(
    db: Session, make: Factory
) -> None:
    home = make.institution()
    senior, _ = people(make, home)
    plan = filing.add_training_plan(db, home, "2025年培训", date(2025, 3, 1), date(2025, 3, 10))
    filing.file_training_plan(db, plan, date(2025, 2, 1))
    renewed = Certificate(
        examiner_id=senior.id, number=f"25{home.code}10001", grade=Grade.SENIOR, year=2025,
        serial=1, issue_date=date(2025, 3, 20), valid_until=date(2028, 3, 19),
    )  # fmt: skip
    db.add(renewed)
    db.flush()
    db.expire(senior)
    batch = filing_batches.create_batch(db, home, date(2025, 4, 1), plan=plan)
    filed = forms_rows.batch_examiners(db, batch)
    assert [(f.examiner.code, f.certificate.number) for f in filed] == [
        (senior.code, renewed.number)
    ]


def test_writing_audits_and_refuses_nothing(db: Session, make: Factory, tmp_path: Path) -> None:
    home = make.institution()
    filed = forms_rows.chosen_examiners(db, home, [e.code for e in people(make, home)])
    first = forms_export.write_attachment1(db, home, filed, tmp_path / "a1.xlsx", full_ids=True)
    second = forms_export.write_attachment2(
        db, home, 2025, filed, tmp_path / "a2.xlsx", full_ids=False
    )
    assert load_workbook(first).sheetnames == ["张三", "李四"]
    assert load_workbook(first)["张三"]["B3"].value == ID_WITH_X
    assert load_workbook(second).active["D5"].value == "110105********002X"
    events = db.scalars(select(AuditEvent).where(AuditEvent.institution_id == home.id)).all()
    assert {(e.action, e.details["full_ids"]) for e in events} == {
        ("export attachment1", True),
        ("export attachment2", False),
    }
    with pytest.raises(Refused):
        forms_export.write_attachment2(db, home, 2025, [], tmp_path / "x.xlsx", full_ids=True)
    assert not (tmp_path / "x.xlsx").exists()


@pytest.fixture
def url(tmp_path: Path) -> str:
    """A migrated SQLite file with an institution and three certified examiners."""
    url = f"sqlite:///{tmp_path / 'forms.db'}"
    init = ["init-db", "--database", url, "--code", "3204005", "--name", "常州市XX评价中心"]
    assert main(init) == 0
    with transaction(session_factory(make_engine(url)), "setup") as session:
        make = Factory(session)
        home = session.scalar(select(Institution))
        for n in range(3):
            make.examiner(home, document_number=resident_id(date(1970, 1, 1 + n), n))
    return url


def test_cli_exports_and_files_a_batch(url: str, tmp_path: Path, capsys) -> None:
    db = ["--database", url]
    out = tmp_path / "out"
    out.mkdir()
    assert main(["export", "attachment2", "--year", "2025", "-o", str(out), *db]) == 0
    roster = out / "2025年考评人员汇总表.xlsx"
    assert load_workbook(roster).active.max_row == 4 + 3 + 1  # header rows, 3 lines, footnote
    assert main(["export", "attachment1", "--examiner", "E0001", "E0002", "-o", str(out), *db]) == 0
    assert (out / "常州市XX评价中心_考评人员信息表_E0001.xlsx").exists()
    plan = ["filing", "training-plan"]
    assert (
        main([*plan, "add", "2025年培训", "--start", "2025-03-01", "--end", "2025-03-10", *db]) == 0
    )
    assert main([*plan, "file", "1", "--date", "2025-03-01", *db]) == 2  # too late
    assert "培训开始（2025-03-01）前报备" in capsys.readouterr().err
    assert main([*plan, "file", "1", "--date", "2025-02-20", *db]) == 0
    batch = ["filing", "batch"]
    assert (
        main([*batch, "create", "--examiner", "E0001", "E0003", "--date", "2025-04-01", *db]) == 0
    )
    assert main([*batch, "file", "1", "--date", "2025-04-02", *db]) == 0
    assert main([*batch, "add", "1", "--examiner", "E0002", *db]) == 2  # filed: no change
    assert main([*batch, "export", "1", "-o", str(out), "--masked", *db]) == 0
    summary = load_workbook(out / "2025年考评人员汇总表_批次1.xlsx").active
    assert summary.max_row == 4 + 2 + 1 and "*" in summary["D5"].value
    assert main([*batch, "accept", "1", "--date", "2025-04-09", "--lang", "en", *db]) == 0
    assert main(["filing", "list", "--lang", "en", *db]) == 0
    printed = capsys.readouterr().out
    assert "batch 1: accepted" in printed and "plan 1\t2025年培训" in printed
    assert main(["export", "attachment1", "--batch", "9", *db]) == 2
