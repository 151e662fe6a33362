"""Discipline (R5): warnings, revocation requests and decisions, suspension, refusals."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from models import AuditEvent, Change, ExaminerWarning, Refusal, Revocation
from models.base import ExaminerStatus
from models.discipline import RevocationStatus
from services.discipline.actions import (
    Suspension,
    approve_revocation,
    pending_revocation,
    pending_revocations,
    reinstate,
    reject_revocation,
    suspend,
    suspension,
    warn,
)
from services.discipline.refusals import (
    dismiss_offer,
    record_refusal,
    warn_for_refusal,
    warning_offers,
)
from services.messages import Refused

DAY = date(2026, 3, 2)


def _assessment(make, institution):
    # Factory.session is shadowed by the Factory's `session` attribute (the db session).
    return make.session(institution, make.venue(institution), make.occupation())


def _actions(db) -> list[str]:
    return list(db.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


# --- warnings and revocation requests -------------------------------------------------------


def test_a_first_warning_is_recorded_and_changes_nothing_else(db, make) -> None:
    institution = make.institution()
    examiner = make.examiner(institution)
    warning = warn(db, examiner, DAY, "迟到三十分钟", issued_by="admin")
    stored = db.get(ExaminerWarning, warning.id)
    assert (stored.reason, stored.issued_on, stored.serious) == ("迟到三十分钟", DAY, False)
    assert stored.issued_by == "admin"
    assert examiner.status == ExaminerStatus.ACTIVE
    assert pending_revocation(db, examiner) is None
    assert _actions(db) == ["warn_examiner"]
    # The warning is part of the examiner's change history (R1).
    entities = db.scalars(select(Change.entity).where(Change.examiner_id == examiner.id))
    assert "warnings" in set(entities)


def test_a_warning_may_name_the_session(db, make) -> None:
    institution = make.institution()
    examiner = make.examiner(institution)
    assessment = _assessment(make, institution)
    assert (
        warn(db, examiner, DAY, "违反考场纪律", assessment=assessment).session_id == assessment.id
    )


def test_the_second_warning_opens_a_revocation_request(db, make) -> None:
    institution = make.institution()
    examiner = make.examiner(institution)
    warn(db, examiner, date(2026, 1, 5), "迟到")
    warn(db, examiner, DAY, "徇私舞弊嫌疑")
    assert examiner.status == ExaminerStatus.REVOCATION_PENDING
    revocation = pending_revocation(db, examiner)
    assert revocation.requested_on == DAY
    assert revocation.status == RevocationStatus.PENDING
    assert "第2次警告" in revocation.grounds
    assert pending_revocations(db, institution) == [revocation]
    assert _actions(db)[-1] == "request_revocation"


def test_one_serious_case_opens_a_revocation_request(db, make) -> None:
    examiner = make.examiner(make.institution())
    warn(db, examiner, DAY, "收受考生财物", serious=True)
    assert examiner.status == ExaminerStatus.REVOCATION_PENDING
    assert pending_revocation(db, examiner).grounds.startswith("情节严重")


def test_a_suspended_examiner_warned_twice_is_also_pending(db, make) -> None:
    examiner = make.examiner(make.institution())
    suspend(db, examiner, DAY, "调查期间")
    warn(db, examiner, DAY, "一")
    warn(db, examiner, DAY, "二")
    assert examiner.status == ExaminerStatus.REVOCATION_PENDING


def test_a_third_warning_while_pending_adds_to_the_same_request(db, make) -> None:
    institution = make.institution()
    examiner = make.examiner(institution)
    for reason in ("一", "二", "三"):
        warn(db, examiner, DAY, reason)
    requests = db.scalars(select(Revocation).where(Revocation.examiner_id == examiner.id)).all()
    assert len(requests) == 1
    assert "第3次警告：三" in requests[0].grounds


def test_a_warning_needs_a_reason_and_a_revoked_examiner_is_not_warned(db, make) -> None:
    institution = make.institution()
    examiner = make.examiner(institution)
    with pytest.raises(Refused) as refused:
        warn(db, examiner, DAY, "  ")
    assert (
        refused.value.lines("zh") == ["reason：请写明原因"]
        or "请写明原因" in (refused.value.lines("zh")[0])
    )
    examiner.status = ExaminerStatus.REVOKED
    with pytest.raises(Refused) as refused:
        warn(db, examiner, DAY, "再犯")
    assert "已被取消" in refused.value.lines("zh")[0]
    assert db.scalars(select(ExaminerWarning)).all() == []


def test_a_session_of_another_institution_is_refused(db, make) -> None:
    examiner = make.examiner(make.institution())
    other = make.institution()
    assessment = _assessment(make, other)
    with pytest.raises(Refused) as refused:
        warn(db, examiner, DAY, "违纪", assessment=assessment)
    assert "不属于考评员" in refused.value.lines("zh")[0]


# --- decisions of the certifying unit -------------------------------------------------------


def _pending(db, make):
    institution = make.institution()
    examiner = make.examiner(institution)
    warn(db, examiner, DAY, "情节严重的违纪", serious=True)
    return institution, examiner, pending_revocation(db, examiner)


def test_approval_records_the_decision_and_revokes(db, make) -> None:
    institution, examiner, revocation = _pending(db, make)
    approve_revocation(
        db, revocation, date(2026, 4, 1), "江苏省职业技能鉴定中心", "苏鉴〔2026〕12号"
    )
    assert examiner.status == ExaminerStatus.REVOKED
    assert revocation.status == RevocationStatus.APPROVED
    assert (revocation.decided_on, revocation.decision_reference) == (
        date(2026, 4, 1),
        "苏鉴〔2026〕12号",
    )
    assert revocation.certifying_unit == "江苏省职业技能鉴定中心"
    assert pending_revocations(db, institution) == []
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "approve_revocation")).one()
    assert event.details["reference"] == "苏鉴〔2026〕12号"
    assert event.institution_id == institution.id
    assert event.actor == "tester"


def test_rejection_returns_the_examiner_to_active(db, make) -> None:
    _, examiner, revocation = _pending(db, make)
    reject_revocation(db, revocation, date(2026, 4, 1), "江苏省职业技能鉴定中心")
    assert examiner.status == ExaminerStatus.ACTIVE
    assert revocation.status == RevocationStatus.REJECTED
    assert revocation.decision_reference is None
    assert "reject_revocation" in _actions(db)


def test_after_a_rejection_the_next_warning_opens_a_new_request(db, make) -> None:
    _, examiner, revocation = _pending(db, make)
    reject_revocation(db, revocation, date(2026, 4, 1), "发证单位")
    warn(db, examiner, date(2026, 5, 1), "再次违纪")
    assert examiner.status == ExaminerStatus.REVOCATION_PENDING
    assert pending_revocation(db, examiner).id != revocation.id


def test_an_approval_needs_unit_reference_and_a_date_after_the_request(db, make) -> None:
    _, examiner, revocation = _pending(db, make)
    with pytest.raises(Refused) as refused:
        approve_revocation(db, revocation, date(2026, 1, 1), " ", "")
    fields = [p.field for p in refused.value.problems]
    assert fields == ["certifying_unit", "decided_on", "decision_reference"]
    assert "文号" in refused.value.lines("zh")[2]
    assert examiner.status == ExaminerStatus.REVOCATION_PENDING


def test_a_decided_request_cannot_be_decided_again(db, make) -> None:
    _, examiner, revocation = _pending(db, make)
    approve_revocation(db, revocation, date(2026, 4, 1), "发证单位", "文号1")
    for decide in (
        lambda: reject_revocation(db, revocation, date(2026, 4, 2), "发证单位"),
        lambda: approve_revocation(db, revocation, date(2026, 4, 2), "发证单位", "文号2"),
    ):
        with pytest.raises(Refused) as refused:
            decide()
        assert "已有决定" in refused.value.lines("zh")[0]
    assert examiner.status == ExaminerStatus.REVOKED


# --- suspension -----------------------------------------------------------------------------


def test_suspend_and_reinstate(db, make) -> None:
    home = make.institution()
    examiner, other = make.examiner(home), make.examiner(home)
    suspend(db, other, DAY, "另案")
    suspend(db, examiner, DAY, "病休")
    assert examiner.status == ExaminerStatus.SUSPENDED
    assert suspension(db, examiner) == Suspension(DAY, "病休", db.info.get("actor"))
    assert suspension(db, other).reason == "另案"  # each examiner's own
    reinstate(db, examiner, date(2026, 6, 1), "病愈")
    assert examiner.status == ExaminerStatus.ACTIVE and suspension(db, examiner) is None
    assert _actions(db) == ["suspend_examiner", "suspend_examiner", "reinstate_examiner"]


def test_a_revoked_examiner_is_never_reinstated(db, make) -> None:
    _, examiner, revocation = _pending(db, make)
    approve_revocation(db, revocation, date(2026, 4, 1), "发证单位", "文号")
    with pytest.raises(Refused) as refused:
        reinstate(db, examiner, date(2026, 5, 1), "误操作")
    assert "已取消资格" in refused.value.lines("zh")[0]
    assert "is revoked: cannot reinstate" in refused.value.lines("en")[0]
    with pytest.raises(Refused):
        suspend(db, examiner, date(2026, 5, 1), "暂停")
    assert examiner.status == ExaminerStatus.REVOKED


@pytest.mark.parametrize(
    "status", [ExaminerStatus.ACTIVE, ExaminerStatus.REVOCATION_PENDING, ExaminerStatus.REVOKED]
)
def test_only_a_suspended_examiner_is_reinstated(db, make, status: ExaminerStatus) -> None:
    examiner = make.examiner(make.institution(), status=status)
    with pytest.raises(Refused):
        reinstate(db, examiner, DAY, "恢复")
    assert examiner.status == status


@pytest.mark.parametrize(
    "status", [ExaminerStatus.SUSPENDED, ExaminerStatus.REVOCATION_PENDING, ExaminerStatus.REVOKED]
)
def test_only_an_active_examiner_is_suspended(db, make, status: ExaminerStatus) -> None:
    examiner = make.examiner(make.institution(), status=status)
    with pytest.raises(Refused) as refused:
        suspend(db, examiner, DAY, "暂停")
    assert "不能暂停" in refused.value.lines("zh")[0]
    assert examiner.status == status


def test_suspension_needs_a_reason(db, make) -> None:
    examiner = make.examiner(make.institution())
    with pytest.raises(Refused) as refused:
        suspend(db, examiner, DAY, "")
    assert [p.field for p in refused.value.problems] == ["reason"]


# --- refusals to serve ----------------------------------------------------------------------


def test_a_refusal_without_valid_reason_is_offered_as_a_warning(db, make) -> None:
    institution = make.institution()
    examiner = make.examiner(institution)
    assessment = _assessment(make, institution)
    unexcused = record_refusal(db, examiner, DAY, "不想去", assessment=assessment)
    record_refusal(db, examiner, DAY, "住院手术", valid_reason=True)
    assert warning_offers(db, institution) == [unexcused]
    assert warning_offers(db, make.institution()) == []


def test_a_valid_reason_must_be_stated(db, make) -> None:
    examiner = make.examiner(make.institution())
    with pytest.raises(Refused) as refused:
        record_refusal(db, examiner, DAY, " ", valid_reason=True)
    assert [p.field for p in refused.value.problems] == ["reason"]
    assert record_refusal(db, examiner, DAY).reason is None  # no reason: offered later


def test_issuing_the_offered_warning_links_it_and_closes_the_offer(db, make) -> None:
    institution = make.institution()
    examiner = make.examiner(institution)
    assessment = _assessment(make, institution)
    refusal = record_refusal(db, examiner, DAY, "临时有事", assessment=assessment)
    warning = warn_for_refusal(db, refusal, date(2026, 3, 5), issued_by="admin")
    assert refusal.warning_id == warning.id
    assert warning.session_id == assessment.id
    assert f"无正当理由拒绝参加考评（场次 {assessment.code}）：临时有事" == warning.reason
    assert warning_offers(db, institution) == []
    with pytest.raises(Refused) as refused:
        warn_for_refusal(db, refusal, date(2026, 3, 6))
    assert "已处理" in refused.value.lines("zh")[0]


def test_two_offered_warnings_lead_to_a_revocation_request(db, make) -> None:
    institution = make.institution()
    examiner = make.examiner(institution)
    for day in (date(2026, 3, 1), date(2026, 4, 1)):
        warn_for_refusal(db, record_refusal(db, examiner, day), day)
    assert examiner.status == ExaminerStatus.REVOCATION_PENDING
    assert "未说明理由" in pending_revocation(db, examiner).grounds


def test_dismissing_an_offer_removes_it_and_is_audited(db, make) -> None:
    institution = make.institution()
    examiner = make.examiner(institution)
    refusal = record_refusal(db, examiner, DAY, "交通中断")
    dismiss_offer(db, refusal, by="admin")
    assert db.get(Refusal, refusal.id).dismissed
    assert warning_offers(db, institution) == []
    assert "dismiss_warning_offer" in _actions(db)
    with pytest.raises(Refused):
        dismiss_offer(db, refusal)
    assert examiner.status == ExaminerStatus.ACTIVE


def test_a_refusal_with_a_valid_reason_is_never_a_warning(db, make) -> None:
    examiner = make.examiner(make.institution())
    refusal = record_refusal(db, examiner, DAY, "回避本单位考生", valid_reason=True)
    for act in (lambda: warn_for_refusal(db, refusal, DAY), lambda: dismiss_offer(db, refusal)):
        with pytest.raises(Refused) as refused:
            act()
        assert "正当理由" in refused.value.lines("zh")[0]
