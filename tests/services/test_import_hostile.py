"""Hostile and broken files are refused quickly, with the file and the reason in the planner's
language, and nothing is written: decompression bombs (crafted here, a few KB each), lying or
absent dimensions, huge cells, XML entities, hidden sheets, files that are not workbooks."""

from __future__ import annotations

import time
import zipfile
from datetime import date
from pathlib import Path

import pytest
from factories import resident_id
from openpyxl import Workbook
from sqlalchemy import func, select

from data.sheets import write_examiners
from models import Examiner
from services.imports.examiners import import_examiners
from services.imports.sheets import read_sheets
from services.imports.workbook import MAX_ROWS
from services.messages import Refused

SHEET = "xl/worksheets/sheet1.xml"
HEAD = '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
HEADER_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>身份证号码</t></is></c></row>'
)


def examiner_book(path: Path) -> Path:
    """A valid examiner workbook (one row) to start from."""
    instance = {"institution": {"code": "3204005", "name": "示例机构"}}
    row = {"姓名": "张伟", "性别": "男", "身份证号码": resident_id(date(1966, 6, 6), 3),
           "考评职业（工种）": "车工", "级别（考评员/高级考评员）": "考评员"}  # fmt: skip
    return write_examiners(path, instance, rows=[row], extra=False)


def with_sheet(path: Path, xml: str, dimension: str | None = None) -> Path:
    """The workbook at `path` with its first sheet's XML replaced by `xml` (rows only)."""
    crafted = path.with_name("crafted_" + path.name)
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    body = f"{HEAD}{dim}<sheetData>{xml}</sheetData></worksheet>"
    with (
        zipfile.ZipFile(path) as source,
        zipfile.ZipFile(crafted, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for item in source.infolist():
            data = body.encode() if item.filename == SHEET else source.read(item)
            out.writestr(item.filename, data, zipfile.ZIP_DEFLATED, compresslevel=9)
    return crafted


def refusal(path: Path, lang: str = "zh") -> str:
    started = time.monotonic()
    with pytest.raises(Refused) as refused:
        read_sheets(path)
    assert time.monotonic() - started < 10  # refused, not read through
    text = " ".join(refused.value.lines(lang))
    assert path.name in text and "Error" not in text and "KeyError" not in text
    return text


def test_a_bomb_of_empty_rows_is_refused_at_once_and_nothing_is_written(db, place, tmp_path):
    rows = "<row/>" * 3_000_000  # 18 MB of empty rows (each the next one) pack to ~20 KB
    bomb = with_sheet(examiner_book(tmp_path / "bomb.xlsx"), HEADER_ROW + rows)
    assert bomb.stat().st_size < 200_000
    started = time.monotonic()
    with pytest.raises(Refused) as refused:
        import_examiners(db, place, bomb)
    assert time.monotonic() - started < 10
    assert (
        "压缩比异常" in refused.value.lines()[0] and "crafted_bomb.xlsx" in refused.value.lines()[0]
    )
    assert db.scalar(select(func.count()).select_from(Examiner)) == 0


def test_a_declared_dimension_past_the_limit_is_refused_before_any_row_is_read(tmp_path):
    path = with_sheet(examiner_book(tmp_path / "e.xlsx"), HEADER_ROW, dimension="A1:B1048576")
    assert f"超过 {MAX_ROWS} 行" in refusal(path)
    path = with_sheet(examiner_book(tmp_path / "w.xlsx"), HEADER_ROW, dimension="A1:XFD3")
    assert "超过 1000 列" in refusal(path)


def test_rows_past_the_limit_are_refused_while_streaming_whatever_the_sheet_declares(tmp_path):
    far = f'<row r="{MAX_ROWS + 5}"><c r="A{MAX_ROWS + 5}"><v>1</v></c></row>'
    for dimension in (None, "A1:B2"):  # absent, or lying
        path = with_sheet(examiner_book(tmp_path / "far.xlsx"), HEADER_ROW + far, dimension)
        assert f"超过 {MAX_ROWS} 行" in refusal(path)
    wide = '<row r="2"><c r="ZZ2"><v>1</v></c></row>'  # column 702 is fine, ALM (1001) is not
    assert read_sheets(with_sheet(examiner_book(tmp_path / "ok.xlsx"), HEADER_ROW + wide))
    wider = '<row r="2"><c r="ALM2"><v>1</v></c></row>'
    assert "超过 1000 列" in refusal(with_sheet(examiner_book(tmp_path / "w.xlsx"), wider))


def test_a_cell_longer_than_excel_allows_is_refused_naming_the_row(tmp_path):
    long = '<row r="2"><c r="A2" t="inlineStr"><is><t>' + "长" * 40_000 + "</t></is></c></row>"
    text = refusal(with_sheet(examiner_book(tmp_path / "long.xlsx"), HEADER_ROW + long))
    assert "第 2 行" in text and "32767" in text


def test_xml_entities_are_refused(tmp_path):
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    )
    path = examiner_book(tmp_path / "ent.xlsx")
    crafted = with_sheet(path, '<row r="1"><c r="A1" t="inlineStr"><is><t>&b;</t></is></c></row>')
    with zipfile.ZipFile(crafted) as source:
        parts = {i.filename: source.read(i) for i in source.infolist()}
    parts[SHEET] = laughs.encode() + parts[SHEET]
    with zipfile.ZipFile(crafted, "w") as out:
        for name, data in parts.items():
            out.writestr(name, data)
    assert "XML 实体" in refusal(crafted)


def test_files_that_are_not_workbooks_say_why_in_both_languages(tmp_path):
    text = tmp_path / "notes.xlsx"
    text.write_text("姓名,身份证号码\n", encoding="utf-8")
    assert "不是有效的 .xlsx 工作簿" in refusal(text)
    assert "not a valid .xlsx workbook" in refusal(text, "en")
    old = tmp_path / "old.xlsx"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    assert "旧版 .xls" in refusal(old) and "password-protected" in refusal(old, "en")
    partial = tmp_path / "partial.xlsx"
    with zipfile.ZipFile(partial, "w") as out:
        out.writestr("[Content_Types].xml", "<Types/>")
    assert "不完整或已损坏" in refusal(partial)


def test_a_csv_past_the_row_limit_is_refused(tmp_path):
    path = tmp_path / "many.csv"
    path.write_text("姓名,身份证号码\n" + "x,1\n" * MAX_ROWS, encoding="utf-8")
    assert f"超过 {MAX_ROWS} 行" in refusal(path)


def test_a_table_on_a_hidden_sheet_is_refused_naming_the_sheet(db, place, tmp_path):
    path = examiner_book(tmp_path / "hidden.xlsx")
    book = Workbook()
    book.active.title = "说明"
    book.active.append(["见下一页"])
    hidden = book.create_sheet("考评人员")
    hidden.append(["姓名", "身份证号码", "考评职业（工种）", "级别（考评员/高级考评员）"])
    hidden.append(["张伟", resident_id(date(1966, 6, 6), 3), "车工", "考评员"])
    hidden.sheet_state = "hidden"
    book.save(path)
    with pytest.raises(Refused) as refused:
        import_examiners(db, place, path)
    assert refused.value.lines() == [
        "文件：hidden.xlsx 中的数据表位于隐藏的工作表“考评人员”中，未导入："
        "请在 Excel 中取消隐藏该工作表（或删除它）后重新导入"
    ]
    assert "hidden.xlsx is on the hidden sheet “考评人员”" in refused.value.lines("en")[0]
    assert db.scalar(select(func.count()).select_from(Examiner)) == 0
    hidden.sheet_state = "visible"
    book.save(path)
    assert import_examiners(db, place, path).outcomes["created"] == 1
