"""The records pages' actions write what they should; refusals show the reason next to the
field and write nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from recordtools import one, query, records_template_path
from sqlalchemy import func, select
from webtools import make_deployment_admin

from models import (
    Appointment,
    AssessmentSession,
    Conflict,
    Examiner,
    ExaminerWarning,
    FilingBatch,
    InvalidResult,
    Occupation,
    PanelSeat,
    Refusal,
    Review,
    Revocation,
    SessionCandidate,
    TrainingPlan,
    User,
)
from models.base import ExaminerStatus, SessionStatus
from models.discipline import RevocationStatus
from models.filing import FilingStatus


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return records_template_path(tmp_path_factory)


def count(app, model, *where) -> int:
    return one(app, select(func.count()).select_from(model).where(*where))


def examiner_codes(app, n: int) -> list[str]:
    return [r[0] for r in query(app, select(Examiner.code).order_by(Examiner.code).limit(n))]


def test_an_occupation_is_added_and_renamed_a_bad_code_is_refused(site) -> None:
    app, client = site
    make_deployment_admin(app)
    client.login("admin")
    page = client.post("/records/occupations/new", {"occupation_code": "6-31-1",
                       "occupation_name": "测试工"}).get_data(as_text=True)  # fmt: skip
    assert "格式不符" in page and count(app, Occupation, Occupation.name == "测试工") == 0
    data = {"occupation_code": "6-31-09-09", "occupation_name": "测试工", "edition": "2022",
            "candidates_per_examiner": "4"}  # fmt: skip
    assert client.post("/records/occupations/new", data).status_code == 302
    ident = one(app, select(Occupation.id).where(Occupation.code == "6-31-09-09"))
    response = client.post(f"/records/occupations/{ident}/edit",
                           {"occupation_name": "新测试工", "candidates_per_examiner": "0"})  # fmt: skip
    assert "不小于 1" in response.get_data(as_text=True)
    client.post(f"/records/occupations/{ident}/edit",
                {"occupation_name": "新测试工", "candidates_per_examiner": "6"})  # fmt: skip
    assert one(app, select(Occupation.name).where(Occupation.id == ident)) == "新测试工"


def two_warnings(client, code: str) -> None:
    for reason in ("迟到", "再次迟到"):
        response = client.post("/records/warnings",
                               {"examiner": code, "issued_on": "2026-11-01", "reason": reason})  # fmt: skip
        assert response.status_code == 302


def test_a_second_warning_opens_a_revocation_an_admin_approves_with_a_reference(site) -> None:
    app, client = site
    code = examiner_codes(app, 1)[0]
    client.login("planner")
    page = client.post("/records/warnings", {"examiner": code, "issued_on": "2026-11-01",
                       "reason": " "}).get_data(as_text=True)  # fmt: skip
    assert "请写明原因" in page and count(app, ExaminerWarning) == 0
    two_warnings(client, code)
    revocation = one(app, select(Revocation.id))
    client.login("admin")
    data = {
        "decision": "approve",
        "decided_on": "2026-11-20",
        "certifying_unit": "省职业技能鉴定中心",
    }
    page = client.post(f"/records/revocations/{revocation}/decide", data).get_data(as_text=True)
    assert "决定文号" in page
    assert one(app, select(Revocation.status)) == RevocationStatus.PENDING
    data["decision_reference"] = "苏鉴〔2026〕12号"
    assert client.post(f"/records/revocations/{revocation}/decide", data).status_code == 302
    assert one(app, select(Revocation.status)) == RevocationStatus.APPROVED
    assert one(app, select(Examiner.status).where(Examiner.code == code)) == ExaminerStatus.REVOKED


def test_a_rejected_revocation_returns_the_examiner_to_active(site) -> None:
    app, client = site
    code = examiner_codes(app, 1)[0]
    client.login("admin")
    two_warnings(client, code)
    revocation = one(app, select(Revocation.id))
    data = {"decision": "reject", "decided_on": "2026-10-01", "certifying_unit": "省中心"}
    page = client.post(f"/records/revocations/{revocation}/decide", data).get_data(as_text=True)
    assert "早于申请日期" in page  # decided before the request: refused
    data["decided_on"] = "2026-11-21"
    client.post(f"/records/revocations/{revocation}/decide", data)
    assert one(app, select(Examiner.status).where(Examiner.code == code)) == ExaminerStatus.ACTIVE


def test_a_refusal_is_offered_as_a_warning_and_an_admin_issues_or_dismisses_it(site) -> None:
    app, client = site
    first, second = examiner_codes(app, 2)
    client.login("planner")
    page = client.post("/records/refusals", {"examiner": first, "refused_on": "2026-11-02",
                       "valid_reason": "1"}).get_data(as_text=True)  # fmt: skip
    assert "请写明原因" in page and count(app, Refusal) == 0
    for code in (first, second):
        client.post("/records/refusals", {"examiner": code, "refused_on": "2026-11-02"})
    ids = [r[0] for r in query(app, select(Refusal.id).order_by(Refusal.id))]
    assert client.post(f"/records/refusals/{ids[0]}/warn").status_code == 403  # planner
    client.login("admin")
    client.post(f"/records/refusals/{ids[0]}/warn")
    client.post(f"/records/refusals/{ids[1]}/dismiss")
    assert count(app, ExaminerWarning) == 1
    assert one(app, select(Refusal.dismissed).where(Refusal.id == ids[1])) is True
    page = client.post(f"/records/refusals/{ids[1]}/warn").get_data(as_text=True)
    assert "已处理" in page and count(app, ExaminerWarning) == 1


def test_a_conflict_voids_results_of_held_sessions_and_a_bad_one_writes_nothing(site) -> None:
    app, client = site
    from models import Candidate

    session_id, examiner_id = query(app, (
        select(PanelSeat.session_id, PanelSeat.examiner_id)
        .join(AssessmentSession, AssessmentSession.id == PanelSeat.session_id)
        .where(AssessmentSession.status == SessionStatus.HELD).limit(1)))[0]  # fmt: skip
    candidate = one(app, select(func.min(Candidate.id)))
    with app.app_context():  # the generated held sessions carry no candidate list: give one
        from webapp.database import db

        db().add(SessionCandidate(session_id=session_id, candidate_id=candidate))
        db().commit()
    code = one(app, select(Examiner.code).where(Examiner.id == examiner_id))
    candidate_code = one(app, select(Candidate.code).where(Candidate.id == candidate))
    client.login("planner")
    before = count(app, Conflict)
    data = {"examiner": code, "kind": "relative", "candidate": candidate_code,
            "organization": "1", "declared_on": "2026-11-01"}  # fmt: skip
    page = client.post("/records/conflicts", data).get_data(as_text=True)
    assert "二者选一" in page and count(app, Conflict) == before
    data["organization"] = ""
    page = client.post("/records/conflicts", data).get_data(as_text=True)
    assert "成绩无效" in page and candidate_code in page
    assert count(app, InvalidResult, InvalidResult.candidate_id == candidate) == 1


def test_reviews_are_computed_and_an_admin_renews(site) -> None:
    app, client = site
    year = one(
        app, select(func.min(Appointment.end)).where(Appointment.end >= date(2026, 1, 1))
    ).year
    client.login("planner")
    client.post(f"/records/reviews/compute?year={year}")
    assert count(app, Review) > 0
    review, _proposal = query(app, select(Review.id, Review.proposal)
                             .where(Review.proposal != "continue").limit(1))[0]  # fmt: skip
    assert (
        client.post(f"/records/reviews/{review}/decide", {"decision": "renew"}).status_code == 403
    )
    client.login("admin")
    appointments = count(app, Appointment)
    page = client.post(f"/records/reviews/{review}/decide", {"decision": "renew", "years": "5"})
    assert "1 至 3 年" in page.get_data(as_text=True) and count(app, Appointment) == appointments
    client.post(f"/records/reviews/{review}/decide", {"decision": "dismiss"})
    assert one(app, select(Review.decision).where(Review.id == review)).value == "dismiss"


def test_a_training_plan_and_a_batch_go_through_filing_and_admins_download(site) -> None:
    app, client = site
    client.login("planner")
    start = date.today() + timedelta(days=30)
    data = {"title": "2027 考评员培训", "start": start.isoformat(),
            "end": (start - timedelta(days=1)).isoformat()}  # fmt: skip
    assert "早于开始日期" in client.post("/records/training-plans", data).get_data(as_text=True)
    assert count(app, TrainingPlan) == 0
    data["end"] = (start + timedelta(days=3)).isoformat()
    client.post("/records/training-plans", data)
    plan = one(app, select(TrainingPlan.id))
    client.post(f"/records/training-plans/{plan}/file")
    assert one(app, select(TrainingPlan.status)) == FilingStatus.FILED
    page = client.post("/records/filing-batches", {"examiners": "NOPE"}).get_data(as_text=True)
    assert "NOPE" in page and count(app, FilingBatch) == 0
    client.post("/records/filing-batches", {"examiners": " ".join(examiner_codes(app, 3))})
    batch = one(app, select(FilingBatch.id))
    client.post(f"/records/filing-batches/{batch}/file")
    assert one(app, select(FilingBatch.status)) == FilingStatus.FILED
    assert client.get(f"/records/filing-batches/{batch}/attachment1").status_code == 403
    client.login("admin")
    for number in (1, 2):
        response = client.get(f"/records/filing-batches/{batch}/attachment{number}")
        assert response.status_code == 200 and response.data[:2] == b"PK"
        assert "filename*=UTF-8''" in response.headers["Content-Disposition"]


def test_admins_create_and_deactivate_users(site) -> None:
    app, client = site
    client.login("admin")
    page = client.post("/records/users", {"username": "x", "role": "planner",
                       "password": "short"}).get_data(as_text=True)  # fmt: skip
    assert "至少 8 位" in page and "用户名应为" in page and count(app, User) == 3
    client.post("/records/users", {"username": "li.ming", "role": "viewer",
                "password": "long-enough-1", "display_name": "李明"})  # fmt: skip
    ident = one(app, select(User.id).where(User.username == "li.ming"))
    client.post(f"/records/users/{ident}/deactivate")
    assert one(app, select(User.active).where(User.id == ident)) is False
    me = one(app, select(User.id).where(User.username == "admin"))
    assert "不能停用自己" in client.post(f"/records/users/{me}/deactivate").get_data(as_text=True)
    assert one(app, select(User.active).where(User.id == me)) is True


def test_a_looser_policy_is_refused_next_to_its_field_a_stricter_one_saved(site) -> None:
    from models import Institution

    app, client = site
    client.login("admin")
    form = {"min_panel_size": "2", "max_consecutive_same_venue": "3",
            "leader_min_experience_days": "365", "turnover": "1/3",
            "rotation_scope": "venue_occupation", "consecutive_rule": "examiner_sequence",
            "grade_examiner": "3", "grade_senior": "1", "odd_panel_size": "1",
            "recuse_candidate_organization": "1"}  # fmt: skip
    page = client.post("/records/policy", form).get_data(as_text=True)
    assert "宽于通知要求" in page
    assert one(app, select(Institution.policy)) == {}
    client.post("/records/policy", {**form, "min_panel_size": "5", "turnover": "1/2"})
    assert one(app, select(Institution.policy)) == {"min_panel_size": 5, "turnover": [1, 2]}
