"""save_examiner: one examiner checked and written, matched on the document number."""

from __future__ import annotations

from datetime import date

import pytest
from factories import resident_id
from sqlalchemy import func, select

from models import Examiner
from models.base import Grade, Sex
from services.messages import Refused
from services.people.checks import ExaminerIn, QualificationIn
from services.people.writes import save_examiner


def _data(**kw) -> ExaminerIn:
    base = dict(
        document_number=resident_id(date(1968, 4, 5), 21),
        name="王建国",
        sex=Sex.MALE,
        birth_month=date(1968, 4, 1),
        phone="13912345678",
        grade=Grade.EXAMINER,
        qualifications=[QualificationIn(occupation="车工")],
        appointments=[(date(2026, 1, 1), date(2028, 12, 31))],
    )
    return ExaminerIn(**(base | kw))


def test_saving_twice_updates_the_same_examiner(db, place):
    first = save_examiner(db, place, _data())
    again = save_examiner(db, place, _data(phone="13987654321"))
    assert again is first and again.phone == "13987654321"
    assert [q.occupation.name for q in again.qualifications] == ["车工"]
    count = db.scalar(
        select(func.count()).select_from(Examiner).where(Examiner.institution_id == place.id)
    )
    assert count == 1


def test_a_bad_examiner_is_refused_and_nothing_written(db, place):
    with pytest.raises(Refused) as refused:
        save_examiner(db, place, _data(phone="12", qualifications=[QualificationIn("无此职业")]))
    assert {p.field for p in refused.value.problems} >= {"phone", "occupation"}
    assert db.scalar(select(func.count()).select_from(Examiner)) == 0


def test_an_e_mail_address_is_kept_and_a_bad_one_refused(db, place):
    saved = save_examiner(db, place, _data(email="zhang.san@example.org"))
    assert saved.email == "zhang.san@example.org"
    for bad in ("zhang", "a@b", "a b@example.org", "=x@y.z<script>", "x" * 120 + "@example.org"):
        with pytest.raises(Refused) as refused:
            save_examiner(db, place, _data(email=bad))
        (problem,) = refused.value.problems
        assert problem.field == "email" and "电子邮箱" in problem.text("zh")
