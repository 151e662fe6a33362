"""Import of examiners from real .xlsx and .csv files in the Attachment 2 layout."""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

import pytest
from factories import resident_id
from openpyxl import load_workbook
from sqlalchemy import func, select

from data.sheets import ATTACHMENT2_HEADINGS, write_examiners
from models import AuditEvent, Certificate, Change, Examiner, Qualification
from models.base import DocumentType, Grade, Sex
from services.imports import examiners as importer
from services.imports.examiners import import_examiners
from services.messages import Refused

CODE = "3204005"
MALE = resident_id(date(1965, 3, 12), 12, male=True, region="320402")
FEMALE = resident_id(date(1972, 8, 1), 34, male=False, region="320483")
OTHER = resident_id(date(1978, 1, 5), 56, male=True, region="320406")


def unnamed(lines: list[str]) -> list[str]:
    """Report lines without the person each names (`第7行（王强，3204…） ` → `第7行 `)."""
    return [re.sub(r"^(第\d+行)（[^）]*）", r"\1", line) for line in lines]


def count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


def history(db) -> int:
    """Change rows beyond the catalogue the `place` fixture made (occupations are tracked)."""
    return db.scalar(select(func.count()).select_from(Change).where(Change.entity != "occupations"))


def row(name, sex, number, occupation, grade="高级考评员", cert=None, **extra):
    values = {
        "姓名": name,
        "性别": sex,
        "身份证号码": number,
        "联系电话": extra.pop("phone", "139 1234 5678"),
        "工作单位": "天宁博远精密机械有限公司",
        "考评职业（工种）": occupation,
        "级别（考评员/高级考评员）": grade,
        "证书编号": cert,
        "证书有效期": "2027.12.31",
    }
    return values | extra


def write(path: Path, rows: list[dict], extra: bool = True) -> Path:
    instance = {"institution": {"code": CODE, "name": "常州市示例评价机构"}}
    return write_examiners(path, instance, rows=rows, extra=extra)


GOOD = [
    row("张伟", "男", MALE, "车工", cert=f"24{CODE}10001", 考评级别="二级",
        聘期开始=date(2024, 1, 1), 聘期结束=date(2026, 12, 31), 可任组长="是"),
    row("张伟", "男", MALE, "电工", cert=f"24{CODE}10001", 考评级别="一级",
        聘期开始=date(2024, 1, 1), 聘期结束=date(2026, 12, 31), 可任组长="是"),
    row("李娟", "女", FEMALE, "电工/三级", grade="考评员", cert=f"24{CODE}20001",
        phone="0519-86123456"),
]  # fmt: skip
BAD = [
    row("王强", "男", MALE[:-1] + ("0" if MALE[-1] != "0" else "1"), "车工"),
    row("赵敏", "女", OTHER, "车工"),
    row("钱进", "男", resident_id(date(1969, 2, 2), 7), "车工",
        聘期开始=date(2024, 1, 1), 聘期结束=date(2027, 1, 1)),
    row("孙立", "男", resident_id(date(1970, 2, 2), 9), "车工", phone="86123456"),
    row("周全", "男", resident_id(date(1971, 2, 2), 11), "数控钳工"),
    row("吴凡", "男", resident_id(date(1972, 2, 2), 13), "车工", cert=f"24{CODE}1001"),
    row("张伟", "男", MALE, "车工", cert=f"24{CODE}10001"),
]  # fmt: skip


def test_every_bad_row_is_listed_with_row_column_and_reason(db, place, tmp_path):
    path = write(tmp_path / "examiners.xlsx", GOOD + BAD)
    report = import_examiners(db, place, path, dry_run=True)
    checksum_ok = MALE[:-1] + ("0" if MALE[-1] != "0" else "1")
    assert report.rows == 10 and report.bad_rows == [7, 8, 9, 10, 11, 12, 13]
    assert unnamed(report.lines()) == [
        f"第7行 身份证号码：身份证号码 {checksum_ok} 校验码不符（应为 {MALE[-1]}），请核对号码",
        "第8行 性别：身份证号码第 17 位表示男，与性别“女”不符",
        "第9行 聘期开始：聘期 2024-01-01 至 2027-01-01 超过 3 年（聘期最长 3 年，结束日应早于 2027-01-01）",
        "第10行 联系电话：联系电话 86123456 格式不符：手机为 11 位（1 开头），座机需带区号（如 0519-86123456）",
        "第11行 考评职业（工种）：职业（工种）“数控钳工”不在职业目录中（请用职业编码或目录中的名称）",
        f"第12行 证书编号：证书编号 24{CODE}1001 格式不符：应为 年份2位 + 机构代码{CODE} + 级别1位（1 高级考评员 / 2 考评员）+ 顺序号4位",
        "第13行 考评职业（工种）：重复：第4行已有该证件号码的这一职业",
    ]
    assert report.lines("en")[1] == (
        f"row 8 (赵敏, {OTHER}), 性别: the 17th digit of the resident ID says male, but sex is female"
    )
    assert report.outcomes["created"] == 2 and report.exit_code == 1


def test_dry_run_writes_nothing(db, place, tmp_path):
    path = write(tmp_path / "examiners.xlsx", GOOD + BAD)
    before = count(db, Change)
    report = import_examiners(db, place, path, dry_run=True)
    assert not report.written
    assert count(db, Examiner) == 0 and count(db, Qualification) == 0
    assert count(db, Change) == before and count(db, AuditEvent) == 0


def test_real_import_writes_the_valid_rows_with_history_and_an_audit_event(db, place, tmp_path):
    path = write(tmp_path / "examiners.xlsx", GOOD + BAD)
    report = import_examiners(db, place, path)
    assert report.written and report.exit_code == 1
    zhang = db.scalar(select(Examiner).where(Examiner.document_number == MALE))
    assert (zhang.code, zhang.name, zhang.sex, zhang.grade) == (
        "K0001",
        "张伟",
        Sex.MALE,
        Grade.SENIOR,
    )
    assert zhang.document_type == DocumentType.RESIDENT_ID and zhang.phone == "13912345678"
    assert zhang.birth_month == date(1965, 3, 1) and zhang.leader_eligible
    assert sorted((q.occupation.name, q.top_level) for q in zhang.qualifications) == [
        ("电工", 1),
        ("车工", 2),
    ]
    (cert,) = zhang.certificates
    assert (cert.year, cert.serial, cert.grade) == (2024, 1, Grade.SENIOR)
    # No 发证日期: validity minus 3 years falls outside the number's year, so 1 January.
    assert (cert.issue_date, cert.valid_until) == (date(2024, 1, 1), date(2027, 12, 31))
    assert [(a.start, a.end) for a in zhang.appointments] == [
        (date(2024, 1, 1), date(2026, 12, 31))
    ]
    li = db.scalar(select(Examiner).where(Examiner.document_number == FEMALE))
    assert li.code == "K0002" and li.phone == "0519-86123456"
    assert [(q.occupation.name, q.top_level) for q in li.qualifications] == [("电工", 3)]
    assert li.assessing_since == li.certificates[0].issue_date
    changes = db.scalars(select(Change).where(Change.examiner_id == zhang.id)).all()
    assert {c.entity for c in changes} >= {"examiners", "qualifications", "certificates"}
    assert {c.actor for c in changes} == {"tester"}
    (event,) = db.scalars(select(AuditEvent)).all()
    assert event.action == "import_examiners" and event.details["created"] == 2
    assert event.details["bad_rows"] == [7, 8, 9, 10, 11, 12, 13]


def test_reimport_updates_and_never_duplicates(db, place, tmp_path):
    first = import_examiners(db, place, write(tmp_path / "a.xlsx", GOOD))
    assert first.outcomes["created"] == 2 and first.exit_code == 0
    again = import_examiners(db, place, write(tmp_path / "b.xlsx", GOOD))
    assert again.outcomes["unchanged"] == 2 and again.outcomes["created"] == 0
    changed = [dict(r) for r in GOOD]
    changed[2]["联系电话"] = "13800001111"
    third = import_examiners(db, place, write(tmp_path / "c.xlsx", changed))
    assert (third.outcomes["updated"], third.outcomes["unchanged"]) == (1, 1)
    assert count(db, Examiner) == 2 and count(db, Certificate) == 2
    li = db.scalar(select(Examiner).where(Examiner.document_number == FEMALE))
    update = db.scalars(
        select(Change).where(Change.examiner_id == li.id, Change.action == "update")
    ).one()
    assert update.changes == {"phone": ["0519-86123456", "13800001111"]}


def test_existing_codes_are_kept_and_new_ones_follow_the_highest(db, place, make, tmp_path):
    make.examiner(place, code="K0007", document_number=MALE, name="张伟")
    rows = [row("张伟", "男", MALE, "车工"), GOOD[2]]
    assert import_examiners(db, place, write(tmp_path / "a.xlsx", rows)).exit_code == 0
    codes = dict(db.execute(select(Examiner.document_number, Examiner.code)).all())
    assert codes == {MALE: "K0007", FEMALE: "K0008"}


def test_certificate_held_by_another_examiner_and_overlapping_terms_are_row_errors(
    db, place, make, tmp_path
):
    held = make.examiner(place, document_number=OTHER, name="赵敏").certificates[0].number
    rows = [
        row("李娟", "女", FEMALE, "电工", grade=None, cert=held),
        row("张伟", "男", MALE, "车工", 聘期开始=date(2023, 6, 1), 聘期结束=date(2026, 5, 31)),
        row("张伟", "男", MALE, "电工", 聘期开始=date(2025, 6, 1), 聘期结束=date(2028, 5, 31)),
    ]
    report = import_examiners(db, place, write(tmp_path / "a.xlsx", rows), dry_run=True)
    assert unnamed(report.lines()) == [
        f"第4行 证书编号：证书编号 {held} 已属于另一名考评人员（证件号码 {OTHER}）",
        "第6行 聘期开始：聘期 2025-06-01 至 2028-05-31 与已有聘期 2023-06-01 至 2026-05-31 重叠",
    ]
    import_examiners(db, place, write(tmp_path / "b.xlsx", rows[1:2]))
    later = import_examiners(db, place, write(tmp_path / "c.xlsx", rows[2:]), dry_run=True)
    assert later.bad_rows == [4] and "重叠" in later.lines()[0]


def test_strict_mode_refuses_the_whole_file(db, place, tmp_path):
    report = import_examiners(db, place, write(tmp_path / "a.xlsx", GOOD + BAD[:1]), strict=True)
    assert report.refused and not report.written and report.exit_code == 2
    assert count(db, Examiner) == 0
    assert "已拒绝" in report.summary()


def test_a_failure_midway_leaves_nothing(db, place, tmp_path, monkeypatch):
    calls = []
    real = importer.apply

    def failing(lookups, data):
        calls.append(data)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(lookups, data)

    monkeypatch.setattr(importer, "apply", failing)
    with pytest.raises(RuntimeError):
        import_examiners(db, place, write(tmp_path / "a.xlsx", GOOD))
    assert len(calls) == 2
    assert count(db, Examiner) == 0 and history(db) == 0 and count(db, AuditEvent) == 0


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-8"])
def test_csv_in_the_encodings_excel_writes(db, place, tmp_path, encoding):
    path = tmp_path / "examiners.csv"
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["2024年考评人员汇总表"])
        writer.writerow(list(ATTACHMENT2_HEADINGS))
        for n, values in enumerate(GOOD, start=1):
            writer.writerow([n] + [values.get(h) or "" for h in ATTACHMENT2_HEADINGS[1:]])
    report = import_examiners(db, place, path)
    assert report.exit_code == 0 and report.outcomes["created"] == 2
    assert sorted(db.scalars(select(Examiner.name))) == ["张伟", "李娟"]


def test_attachment2_without_extra_columns_uses_the_documented_defaults(db, place, tmp_path):
    report = import_examiners(db, place, write(tmp_path / "a.xlsx", GOOD, extra=False))
    assert report.exit_code == 0
    zhang = db.scalar(select(Examiner).where(Examiner.document_number == MALE))
    assert {q.top_level for q in zhang.qualifications} == {1}  # senior: grade_top_level
    assert zhang.appointments == [] and not zhang.leader_eligible


def test_a_file_without_the_header_is_refused(db, place, tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("备注\n无\n", encoding="utf-8")
    with pytest.raises(Refused) as refused:
        import_examiners(db, place, path)
    assert refused.value.lines() == [
        "文件：notes.csv 中找不到表头行：缺少必需的列 姓名、身份证号码"
    ]


def test_generated_workbook_imports_cleanly(db, place, make, tmp_path):
    from data.generate import generate

    instance = generate("S", 0)
    for o in instance["occupations"][2:]:
        make.occupation(code=o["code"], name=o["name"])
    path = write_examiners(
        tmp_path / "s.xlsx", instance | {"institution": {"code": CODE, "name": "x"}}
    )
    report = import_examiners(db, place, path)
    assert report.problems == [] and report.outcomes["created"] == 40


def test_the_optional_e_mail_column_is_read_and_checked(db, place, tmp_path):
    rows = [
        row("张伟", "男", MALE, "车工", cert=f"24{CODE}10001"),
        row("李娟", "女", FEMALE, "电工/三级", grade="考评员", cert=f"24{CODE}20001"),
    ]
    path = write(tmp_path / "mail.xlsx", rows)
    book = load_workbook(path)
    sheet = book.active
    heading = next(c.row for c in sheet["B"] if c.value == "姓名")
    column = sheet.max_column + 1
    for offset, value in enumerate(("电子邮箱", " zhang.wei@example.org ", "李娟")):
        sheet.cell(row=heading + offset, column=column, value=value)
    book.save(path)
    report = import_examiners(db, place, path)
    zhang = db.scalar(select(Examiner).where(Examiner.document_number == MALE))
    assert zhang.email == "zhang.wei@example.org"
    (bad,) = [p for p in report.problems if p.field == "email"]
    assert bad.row == heading + 2 and "电子邮箱 李娟 格式不符" in bad.text("zh")
