"""`panelplan import examiners|sessions|candidates` on a SQLite file, in-process."""

from __future__ import annotations

import time
import zipfile
from datetime import date
from pathlib import Path

import pytest
from factories import resident_id
from sqlalchemy import func, select

from cli.main import main
from data.sheets import write_examiners, write_sessions
from models import AssessmentSession, Examiner, Occupation
from models.db import make_engine, session_factory, transaction

CODE = "3204005"


@pytest.fixture
def url(tmp_path: Path) -> str:
    """A migrated SQLite file with an institution and the catalogue's 车工 and 电工."""
    url = f"sqlite:///{tmp_path / 'pp.db'}"
    init = ["init-db", "--code", CODE, "--name", "示例机构", "--database", url]
    assert main([*init, "--no-catalogue"]) == 0  # the fixture adds its own occupations
    engine = make_engine(url)
    with transaction(session_factory(engine), "setup") as session:
        session.add_all(
            [Occupation(code="6-18-01-01", name="车工"), Occupation(code="6-31-01-03", name="电工")]
        )
    engine.dispose()
    return url


def count(url: str, model) -> int:
    engine = make_engine(url)
    with engine.connect() as connection:
        n = connection.scalar(select(func.count()).select_from(model))
    engine.dispose()
    return n


def examiner_file(path: Path, bad: bool) -> Path:
    good = {
        "姓名": "张伟",
        "性别": "男",
        "身份证号码": resident_id(date(1966, 6, 6), 3),
        "联系电话": "13912345678",
        "考评职业（工种）": "车工",
        "级别（考评员/高级考评员）": "考评员",
    }
    rows = [good, good | {"考评职业（工种）": "电工"}]
    if bad:
        rows.append(good | {"身份证号码": resident_id(date(1970, 1, 1), 5), "联系电话": "12345"})
    instance = {"institution": {"code": CODE, "name": "示例机构"}}
    return write_examiners(path, instance, rows=rows, extra=False)


def test_dry_run_then_import_with_a_bad_row_exits_1_and_lists_it(url, tmp_path, capsys):
    path = examiner_file(tmp_path / "e.xlsx", bad=True)
    assert main(["import", "examiners", str(path), "--dry-run", "--database", url]) == 1
    out = capsys.readouterr().out
    assert "试导入（未写入），共 3 行；新增 1，更新 0，未变 0；问题行 1" in out
    assert "  第6行（张伟，32040219700101051X） 联系电话：联系电话 12345 格式不符" in out
    assert count(url, Examiner) == 0
    assert main(["import", "examiners", str(path), "--database", url, "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert "e.xlsx: examiners imported, 3 rows; created 1" in out
    assert (
        "  row 6 (张伟, 32040219700101051X), 联系电话: phone 12345: a mobile has 11 digits" in out
    )
    assert count(url, Examiner) == 1


def test_strict_refuses_with_exit_2_and_a_clean_file_exits_0(url, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PANELPLAN_LANG", "en")
    bad = examiner_file(tmp_path / "bad.xlsx", bad=True)
    assert main(["import", "examiners", str(bad), "--strict", "--database", url]) == 2
    assert "refused, nothing written" in capsys.readouterr().out
    assert count(url, Examiner) == 0
    good = examiner_file(tmp_path / "good.xlsx", bad=False)
    assert main(["import", "examiners", str(good), "--database", url]) == 0
    assert main(["import", "examiners", str(good), "--database", url]) == 0
    assert "created 0, updated 0, unchanged 1" in capsys.readouterr().out
    assert count(url, Examiner) == 1


def test_sessions_and_candidates_commands(url, tmp_path, capsys):
    instance = {
        "institution": {"code": CODE, "name": "示例机构"},
        "occupations": [{"code": "6-18-01-01", "name": "车工"}],
        "venues": [{"id": "V01", "name": "刘国钧考点", "organization": "刘国钧学校"}],
        "candidates": [{"id": "C1", "organization": "天宁机械厂"}],
        "sessions": [
            {"id": "S1", "venue": "V01", "occupation": "6-18-01-01", "level": 3,
             "start": "2026-03-02T08:30", "end": "2026-03-02T11:30", "candidates": ["C1"]},
        ],
    }  # fmt: skip
    sessions = write_sessions(tmp_path / "s.xlsx", instance, candidates=False)
    candidates = write_sessions(tmp_path / "c.xlsx", instance, sessions=False)
    assert main(["import", "candidates", str(candidates), "--database", url]) == 1
    assert "场次 S1 既不在数据库中" in capsys.readouterr().out
    assert main(["import", "sessions", str(sessions), "--database", url]) == 0
    assert main(["import", "candidates", str(candidates), "--database", url]) == 0
    assert count(url, AssessmentSession) == 1


def test_an_unreadable_file_is_refused_without_a_traceback(url, tmp_path, capsys):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    assert main(["import", "examiners", str(path), "--database", url]) == 2
    err = capsys.readouterr().err
    assert "不支持的文件类型 old.xls" in err and "Traceback" not in err
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    assert main(["import", "examiners", str(broken), "--database", url, "--lang", "en"]) == 2
    assert "cannot read broken.xlsx" in capsys.readouterr().err


def test_a_decompression_bomb_is_refused_quickly_with_exit_2(url, tmp_path, capsys):
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", "<row/>" * 3_000_000)
    started = time.monotonic()
    assert main(["import", "examiners", str(bomb), "--database", url]) == 2
    assert time.monotonic() - started < 10
    assert "bomb.xlsx 的压缩比异常" in capsys.readouterr().err
    assert count(url, Examiner) == 0


def test_unknown_headings_are_named_on_the_command_line(url, tmp_path, capsys):
    path = tmp_path / "e.csv"
    number = resident_id(date(1970, 1, 1), 5)
    path.write_text(f"姓名,身份证号码,级别,等级字段\n张伟,{number},考评员,x\n", encoding="utf-8")
    assert main(["import", "examiners", str(path), "--dry-run", "--database", url]) == 0
    assert "  未识别的列“等级字段”：已忽略" in capsys.readouterr().out
    path.write_text(f"姓名,身份证\n张伟,{number}\n", encoding="utf-8")
    assert main(["import", "examiners", str(path), "--database", url, "--lang", "en"]) == 2
    out = capsys.readouterr()
    assert "unrecognised column “身份证”: ignored (did you mean “身份证号码”?)" in out.out + out.err
