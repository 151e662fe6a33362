"""Removing an examiner's records by hand, ending a term early (by hand or by re-importing), and
the status and cap a planner sets (both backends)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from factories import resident_id
from sqlalchemy import func, select

from data.sheets import write_examiners
from models import (
    Appointment,
    AuditEvent,
    Certificate,
    Change,
    Examiner,
    Institution,
    Occupation,
    PanelSeat,
)
from models.base import ExaminerStatus, SeatRole, SessionStatus
from services.imports.examiners import import_examiners
from services.messages import Refused
from services.people.history import examiner_history
from services.people.records import (
    end_appointment,
    remove_appointment,
    remove_certificate,
    remove_qualification,
    shortened_term_problems,
)
from services.people.writes import Duty, set_duty

DAY = date(2026, 3, 2)


@pytest.fixture
def seated(db, make):
    """An examiner (term 2026-2028, certificate 2024-2029) on the panel in force of S on 2 March."""
    institution = make.institution()
    occupation = make.occupation()
    examiner = make.examiner(institution, occupation)
    assessment = make.session(institution, make.venue(institution), occupation)
    db.add(PanelSeat(session_id=assessment.id, examiner_id=examiner.id, role=SeatRole.MEMBER))
    db.flush()
    return examiner, assessment


def _deletes(db, examiner, entity: str) -> list[Change]:
    query = select(Change).where(
        Change.examiner_id == examiner.id, Change.entity == entity, Change.action == "delete"
    )
    return list(db.scalars(query))


def make_term(db, examiner, start: date, end: date) -> Appointment:
    term = Appointment(start=start, end=end)
    examiner.appointments.append(term)
    db.flush()
    return term


def _refusal(refused: pytest.ExceptionInfo[Refused], lang: str = "zh") -> str:
    return " ".join(refused.value.lines(lang))


# --- removals --------------------------------------------------------------------------------


def test_a_qualification_a_panel_in_force_relies_on_is_kept(db, seated) -> None:
    examiner, assessment = seated
    with pytest.raises(Refused) as refused:
        remove_qualification(db, examiner.qualifications[0])
    assert f"{assessment.code}（2026-03-02）" in _refusal(refused)
    assert "What if" in _refusal(refused, "en")
    assert len(examiner.qualifications) == 1 and _deletes(db, examiner, "qualifications") == []


def test_a_removed_qualification_is_in_the_change_history(db, seated) -> None:
    examiner, assessment = seated
    assessment.status = SessionStatus.CANCELLED  # a cancelled session relies on nothing
    qualification = examiner.qualifications[0]
    occupation_id = qualification.occupation_id
    remove_qualification(db, qualification)
    assert examiner.qualifications == []
    [change] = _deletes(db, examiner, "qualifications")
    assert change.changes["occupation_id"] == [occupation_id, None]
    assert change.actor == "tester"


def test_an_appointment_covering_a_panel_in_force_is_kept(db, seated) -> None:
    examiner, _ = seated
    with pytest.raises(Refused) as refused:
        remove_appointment(db, examiner.appointments[0])
    assert "聘约" in _refusal(refused) and len(examiner.appointments) == 1


def test_an_appointment_no_panel_relies_on_is_removed_with_its_history(db, seated) -> None:
    examiner, _ = seated
    examiner.appointments[0].end = date(2026, 12, 31)
    db.flush()
    later = make_term(db, examiner, date(2027, 1, 1), date(2027, 12, 31))
    remove_appointment(db, later)
    assert [a.start for a in examiner.appointments] == [date(2026, 1, 1)]
    [change] = _deletes(db, examiner, "appointments")
    assert change.changes["start"] == ["2027-01-01", None]


def test_a_term_ends_early_only_after_its_last_panel_in_force(db, seated) -> None:
    examiner, assessment = seated
    term = examiner.appointments[0]
    with pytest.raises(Refused) as refused:
        end_appointment(db, term, date(2026, 3, 1))
    assert "2026-03-01" in _refusal(refused) and assessment.code in _refusal(refused)
    end_appointment(db, term, date(2026, 3, 2))
    assert term.end == date(2026, 3, 2)
    [change] = db.scalars(
        select(Change).where(Change.entity == "appointments", Change.action == "update")
    )
    assert change.changes["end"] == ["2028-12-31", "2026-03-02"]


def test_a_new_last_day_is_checked_like_a_new_term(db, seated) -> None:
    examiner, _ = seated
    term = examiner.appointments[0]
    with pytest.raises(Refused) as before_start:
        end_appointment(db, term, date(2025, 12, 31))
    with pytest.raises(Refused) as too_long:
        end_appointment(db, term, date(2029, 1, 1))
    assert "早于聘期开始" in _refusal(before_start)
    assert "超过 3 年" in _refusal(too_long)
    assert term.end == date(2028, 12, 31)


def test_the_only_certificate_covering_a_panel_in_force_is_kept(db, seated) -> None:
    examiner, _ = seated
    with pytest.raises(Refused) as refused:
        remove_certificate(db, examiner.certificates[0])
    assert "考评证书" in _refusal(refused) and len(examiner.certificates) == 1


def test_a_certificate_goes_when_another_covers_its_panels(db, seated) -> None:
    examiner, _ = seated
    first = examiner.certificates[0]
    renewal = Certificate(
        number=first.number[:-4] + "9999",
        grade=first.grade,
        year=2024,
        serial=9999,
        issue_date=date(2026, 1, 1),
        valid_until=date(2030, 12, 31),
    )
    examiner.certificates.append(renewal)
    db.flush()
    remove_certificate(db, first)
    assert [c.number for c in examiner.certificates] == [renewal.number]
    assert len(_deletes(db, examiner, "certificates")) == 1


def test_a_refusal_names_a_few_sessions_and_counts_the_rest(db, seated, make) -> None:
    examiner, first = seated
    institution = db.get(Institution, examiner.institution_id)
    for day in range(3, 10):
        later = make.session(
            institution,
            first.venue,
            first.occupation,
            start=datetime(2026, 3, day, 9, 0),
        )
        db.add(PanelSeat(session_id=later.id, examiner_id=examiner.id, role=SeatRole.MEMBER))
    db.flush()
    with pytest.raises(Refused) as refused:
        remove_qualification(db, examiner.qualifications[0])
    assert "等 8 场" in _refusal(refused) and "and 3 more" in _refusal(refused, "en")


# --- status and cap ----------------------------------------------------------------------------


def test_suspending_needs_a_reason_and_is_audited(db, make) -> None:
    examiner = make.examiner(make.institution())
    with pytest.raises(Refused) as refused:
        set_duty(db, examiner, Duty(ExaminerStatus.SUSPENDED, 4), DAY)
    assert [p.field for p in refused.value.problems] == ["reason"]
    assert examiner.status == ExaminerStatus.ACTIVE and examiner.max_sessions is None
    set_duty(db, examiner, Duty(ExaminerStatus.SUSPENDED, 4, "因病休养"), DAY)
    assert examiner.status == ExaminerStatus.SUSPENDED and examiner.max_sessions == 4
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "suspend_examiner"))
    assert event is not None and event.details["reason"] == "因病休养"
    set_duty(db, examiner, Duty(ExaminerStatus.ACTIVE, None, "已康复"), DAY)
    assert examiner.status == ExaminerStatus.ACTIVE and examiner.max_sessions is None


def test_the_cap_is_a_positive_whole_number(db, make) -> None:
    examiner = make.examiner(make.institution())
    for bad in (0, -3, 1000):
        with pytest.raises(Refused) as refused:
            set_duty(db, examiner, Duty(None, bad), DAY)
        assert "1 至 999" in _refusal(refused)
    set_duty(db, examiner, Duty(None, 999), DAY)
    assert examiner.max_sessions == 999


@pytest.mark.parametrize("wanted", [ExaminerStatus.REVOKED, ExaminerStatus.REVOCATION_PENDING])
def test_revocation_is_never_set_by_hand(db, make, wanted) -> None:
    examiner = make.examiner(make.institution())
    with pytest.raises(Refused) as refused:
        set_duty(db, examiner, Duty(wanted, None, "严重违纪"), DAY)
    assert "审批" in _refusal(refused) and examiner.status == ExaminerStatus.ACTIVE


def test_a_pending_revocation_is_left_to_its_decision(db, make) -> None:
    examiner = make.examiner(make.institution(), status=ExaminerStatus.REVOCATION_PENDING)
    with pytest.raises(Refused) as refused:
        set_duty(db, examiner, Duty(ExaminerStatus.ACTIVE, None, "误会"), DAY)
    assert "待取消资格" in _refusal(refused)
    set_duty(db, examiner, Duty(ExaminerStatus.REVOCATION_PENDING, 3), DAY)  # unchanged: fine
    assert examiner.status == ExaminerStatus.REVOCATION_PENDING and examiner.max_sessions == 3


# --- an earlier last day, however it comes (detail page, add-term form, import) --------------


def test_only_an_earlier_end_of_a_stored_term_is_checked(db, seated) -> None:
    examiner, assessment = seated
    start = examiner.appointments[0].start
    assert shortened_term_problems(db, None, [(start, date(2026, 1, 31))]) == []
    assert shortened_term_problems(db, examiner, [(date(2025, 1, 1), date(2025, 3, 1))]) == []
    assert shortened_term_problems(db, examiner, [(start, date(2029, 12, 31))]) == []
    assert shortened_term_problems(db, examiner, [(start, date(2026, 3, 2))]) == []
    [problem] = shortened_term_problems(db, examiner, [(start, date(2026, 3, 1))])
    assert problem.field == "appointment"
    assert problem.reason("zh").startswith(
        f"2026-01-01 起的聘期不能改为 2026-03-01 结束：考评员 {examiner.name}（{examiner.code}）"
        f"在场次 {assessment.code}（2026-03-02）"
    )
    assert problem.reason("en").startswith(
        f"the term from 2026-01-01 cannot end on 2026-03-01: examiner {examiner.name} "
        f"({examiner.code}) sits on the panel in force of {assessment.code} (2026-03-02)"
    )


IMPORT_CODE = "3204005"
ZHANG = resident_id(date(1965, 3, 12), 12, male=True, region="320402")
LI = resident_id(date(1972, 8, 1), 34, male=False, region="320483")


def _sheet(path, zhang_end: date, li_phone: str = "0519-86123456"):
    """An Attachment 2 workbook: 张伟 (term from 2024-01-01 to `zhang_end`) and 李娟."""

    def person(name, sex, number, cert, **extra):
        return {
            "姓名": name, "性别": sex, "身份证号码": number, "工作单位": "天宁博远精密机械有限公司",
            "考评职业（工种）": "车工", "级别（考评员/高级考评员）": "高级考评员",
            "证书编号": cert, "证书有效期": "2027.12.31", "聘期开始": date(2024, 1, 1),
        } | extra  # fmt: skip

    rows = [
        person("张伟", "男", ZHANG, f"24{IMPORT_CODE}10001", 联系电话="13912345678",
               聘期结束=zhang_end),
        person("李娟", "女", LI, f"24{IMPORT_CODE}10002", 联系电话=li_phone,
               聘期结束=date(2026, 12, 31)),
    ]  # fmt: skip
    instance = {"institution": {"code": IMPORT_CODE, "name": "常州市示例评价机构"}}
    return write_examiners(path, instance, rows=rows)


@pytest.fixture
def imported(db, make, place, tmp_path):
    """张伟 and 李娟 imported from a real .xlsx; 张伟 then sits on a panel in force on 2 March."""
    report = import_examiners(db, place, _sheet(tmp_path / "first.xlsx", date(2026, 12, 31)))
    assert report.written and not report.problems
    zhang = db.scalar(select(Examiner).where(Examiner.document_number == ZHANG))
    lathe = db.scalar(select(Occupation).where(Occupation.code == "6-18-01-01"))
    assessment = make.session(place, make.venue(place), lathe)
    db.add(PanelSeat(session_id=assessment.id, examiner_id=zhang.id, role=SeatRole.MEMBER))
    db.flush()
    return place, zhang, assessment


def _written(db) -> tuple[int, int]:
    return (
        db.scalar(select(func.count()).select_from(Change)),
        db.scalar(select(func.count()).select_from(AuditEvent)),
    )


@pytest.mark.parametrize("dry_run", [True, False])
def test_a_re_import_refuses_a_row_that_would_shorten_a_term_under_a_panel_in_force(
    db, imported, tmp_path, dry_run
) -> None:
    place, zhang, assessment = imported
    before = _written(db)
    path = _sheet(tmp_path / "again.xlsx", date(2026, 2, 28), li_phone="13800000002")
    report = import_examiners(db, place, path, dry_run=dry_run)
    assert report.bad_rows == [4] and report.outcomes["updated"] == 1  # 李娟's row goes in
    [zh] = report.lines("zh")
    who = f"第4行（张伟，{zhang.document_number}）"
    assert zh.startswith(f"{who} 聘期开始：2024-01-01 起的聘期不能改为 2026-02-28 结束")
    assert f"张伟（{zhang.code}）" in zh and f"{assessment.code}（2026-03-02）" in zh
    assert "缺员替补" in zh
    [en] = report.lines("en")
    assert en.startswith(
        f"row 4 (张伟, {zhang.document_number}), 聘期开始: the term from 2024-01-01 cannot end on 2026-02-28"
    )
    assert "What if" in en
    db.expire_all()
    assert [(a.start, a.end) for a in zhang.appointments] == [
        (date(2024, 1, 1), date(2026, 12, 31))
    ]
    li = db.scalar(select(Examiner).where(Examiner.document_number == LI))
    assert li.phone == ("0519-86123456" if dry_run else "13800000002")
    assert (_written(db) == before) is dry_run  # a dry run writes nothing


def test_a_re_import_shortens_a_term_its_panels_still_fit_in(db, imported, tmp_path) -> None:
    place, zhang, _ = imported
    path = _sheet(tmp_path / "again.xlsx", date(2026, 6, 30))
    assert import_examiners(db, place, path, dry_run=True).outcomes["updated"] == 1
    report = import_examiners(db, place, path)
    assert report.written and report.outcomes["updated"] == 1 and not report.problems
    assert [a.end for a in zhang.appointments] == [date(2026, 6, 30)]
    changed = examiner_history(db, zhang)[0]
    assert "修改 聘约：聘期结束 2026-12-31 → 2026-06-30" in changed.text("zh")
