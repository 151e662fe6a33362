"""`panelplan warn`, `panelplan review YEAR`, `panelplan invalid-results` on a SQLite file."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from cli.main import main
from models import (
    Appointment,
    AssessmentSession,
    Candidate,
    Examiner,
    Institution,
    Occupation,
    Organization,
    PanelSeat,
    SessionCandidate,
    Venue,
)
from models.base import ConflictKind, DocumentType, Grade, SeatRole, SessionStatus, Sex
from models.db import make_engine, session_factory, transaction
from services.discipline.conflicts import register_conflict


@pytest.fixture
def url(tmp_path: Path) -> str:
    """A migrated SQLite file with an institution, an examiner and a held session."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    init = ["init-db", "--database", url, "--code", "3204005", "--name", "测试机构"]
    assert main([*init, "--no-catalogue"]) == 0  # the fixture adds its own occupation
    engine = make_engine(url)
    with transaction(session_factory(engine), "setup") as session:
        home = session.scalar(select(Institution))
        examiner = Examiner(
            institution_id=home.id, code="E1", name="张三", sex=Sex.MALE,
            document_type=DocumentType.PASSPORT, document_number="E1234567", grade=Grade.SENIOR,
        )  # fmt: skip
        school = Organization(institution_id=home.id, name="技师学院")
        occupation = Occupation(code="6-31-01-03", name="电工")
        session.add_all([examiner, school, occupation])
        session.flush()
        session.add(
            Appointment(examiner_id=examiner.id, start=date(2023, 1, 1), end=date(2025, 12, 31))
        )
        venue = Venue(institution_id=home.id, code="V1", name="一号考点", organization_id=school.id)
        pupil = Candidate(institution_id=home.id, code="C1", name="李四", organization_id=school.id)
        session.add_all([venue, pupil])
        session.flush()
        held = AssessmentSession(
            institution_id=home.id, code="S1", venue_id=venue.id, occupation_id=occupation.id,
            level=3, start=datetime(2025, 5, 6, 9), end=datetime(2025, 5, 6, 12),
            status=SessionStatus.HELD,
        )  # fmt: skip
        session.add(held)
        session.flush()
        session.add(SessionCandidate(session_id=held.id, candidate_id=pupil.id))
        session.add(PanelSeat(session_id=held.id, examiner_id=examiner.id, role=SeatRole.LEADER))
        session.flush()
        register_conflict(
            session, examiner, ConflictKind.RELATIVE, date(2025, 9, 1), candidate=pupil
        )
    engine.dispose()
    return url


def test_warn_twice_puts_the_examiner_in_revocation_pending(url: str, capsys) -> None:
    args = ["warn", "E1", "--database", url, "--date", "2025-06-01", "--session", "S1"]
    assert main([*args, "--reason", "迟到"]) == 0
    assert "E1 张三: 在聘" in capsys.readouterr().out
    assert main([*args, "--reason", "再次迟到", "--lang", "en"]) == 0
    assert "E1 张三: revocation pending" in capsys.readouterr().out


def test_an_unknown_examiner_is_refused_in_the_planners_language(url: str, capsys) -> None:
    assert main(["warn", "E9", "--database", url, "--reason", "x"]) == 2
    assert "没有编号为 E9 的考评员" in capsys.readouterr().err
    assert main(["warn", "E1", "--database", url, "--reason", "x", "--session", "S9"]) == 2
    assert "没有编号为 S9 的场次" in capsys.readouterr().err


def test_review_prints_each_proposal_with_its_reasons(url: str, capsys) -> None:
    assert main(["review", "2025", "--database", url]) == 0
    out = capsys.readouterr().out.strip().split("\t")
    assert out[:4] == ["E1", "张三", "续聘", "1"] and out[-1] == "考核合格"
    main(["warn", "E1", "--database", url, "--reason", "受贿", "--serious", "--date", "2025-07-01"])
    capsys.readouterr()
    assert main(["review", "2025", "--database", url, "--lang", "en"]) == 0
    line = capsys.readouterr().out
    assert "\tdismiss\t" in line and "a serious warning this year" in line


def test_invalid_results_lists_the_voided_result(url: str, capsys) -> None:
    assert main(["invalid-results", "--database", url]) == 0
    out = capsys.readouterr().out
    assert out.startswith("S1\t2025-05-06\t一号考点\tC1\t李四\t技师学院\t")
    assert "成绩无效" in out
