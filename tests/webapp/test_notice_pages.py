"""Telling examiners on the web: the call list of a publication (page and workbook), the
personal link (no login) where an examiner confirms or declines, the decline on the
dashboard with the what-if prefilled, answers per seat on the plan and the timeline."""

from __future__ import annotations

import io
import re

import pytest
from edittools import coming_template
from openpyxl import load_workbook
from sqlalchemy import select
from webtools import Client, database

from models import Institution
from models.notices import Notice, NoticeStatus
from services.institution.users import create_user

SEAT = re.compile(r'name="seat-([^"]+)" value="confirm"')
LINK = re.compile(r'class="personal-link" href="http://localhost(/n/[^"]+)"')


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory):
    """S from tomorrow on, published as v1 (every seated examiner told), users of every role."""
    return coming_template(tmp_path_factory.mktemp("notices") / "published.db")


def links(planner: Client) -> list[str]:
    return LINK.findall(planner.get("/plans/1/notices").get_data(as_text=True))


def test_the_call_list_names_whom_to_tell_and_downloads(app, planner) -> None:
    page = planner.get("/plans/1").get_data(as_text=True)
    assert 'href="/plans/1/notices"' in page
    listing = planner.get("/plans/1/notices").get_data(as_text=True)
    with database(app) as db:
        told = db.scalars(select(Notice).where(Notice.status == NoticeStatus.PENDING)).all()
        assert told and all(n.plan.version == 1 for n in told)
        codes = {n.examiner.code for n in told}
    assert all(f'id="notice-{code}"' in listing for code in codes)
    assert "新增：" in listing and len(links(planner)) == len(codes)
    response = planner.get("/plans/1/notices.xlsx")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.data)).active
    assert ws["A1"].value.endswith("考评任务变更通知名单")
    assert {ws.cell(row=r, column=2).value for r in range(4, 4 + len(codes))} == codes
    assert ws.cell(row=4, column=6).value.startswith("新增：")


def test_a_viewer_sees_the_list_without_personal_links(app) -> None:
    viewer = Client(app.test_client())
    viewer.login("viewer")
    page = viewer.get("/plans/1/notices").get_data(as_text=True)
    assert 'id="call-list"' in page and "personal-link" not in page


def test_the_personal_link_declines_one_session_and_confirms_the_rest(app, planner) -> None:
    reader = Client(app.test_client())
    asked = {link: SEAT.findall(reader.get(link).get_data(as_text=True)) for link in links(planner)}
    link, (first, *rest) = next((k, v) for k, v in asked.items() if len(v) >= 2)
    other = next(k for k in asked if k != link)
    examiner = Client(app.test_client())
    page = examiner.get(link).get_data(as_text=True)
    assert 'id="notice-answer"' in page and "新增：" in page and "这一场您能参加吗？" in page
    assert "考评员" not in page.split('id="notice-seats"')[1].split("</ul>")[0]  # no other names
    examiner.refresh_token(link)
    nothing = examiner.post(link, {"answer": "seats"}).get_data(as_text=True)
    assert "请为每个场次选择“参加”或“不能参加”" in nothing
    bare = examiner.post(link, {"answer": "seats", f"seat-{first}": "decline"})
    text = bare.get_data(as_text=True)  # refused on the page, the choice kept, nothing recorded
    assert "请说明不能参加 " in text and "的原因" in text
    assert f'name="seat-{first}" value="decline" checked' in text
    reply = {"answer": "seats", f"seat-{first}": "decline", f"reason-{first}": "家中有事"}
    after = examiner.post(link, reply, follow_redirects=True).get_data(as_text=True)
    assert f"还有 {len(rest)} 个场次等待您的答复" in after
    assert "✗ 不能参加：家中有事" in after and f'name="seat-{first}"' not in after
    assert all(f'name="seat-{code}"' in after for code in rest)
    done = examiner.post(link, {"answer": "confirm_all"}, follow_redirects=True)
    done_text = done.get_data(as_text=True)
    assert 'id="notice-answer"' not in done_text and 'id="notice-status"' in done_text
    assert done_text.count("✓ 参加") == len(rest)
    again = examiner.post(link, {"answer": "confirm_all"}, follow_redirects=True)
    assert "已经答复" in again.get_data(as_text=True)
    examiner.refresh_token(other)
    examiner.post(other, {"answer": "confirm_all"})
    with database(app) as db:
        states = {n.status for n in db.scalars(select(Notice)) if n.answered_at}
        code = next(
            n.examiner.code for n in db.scalars(select(Notice)) if n.status.value == "declined"
        )
    assert states == {NoticeStatus.DECLINED, NoticeStatus.CONFIRMED}
    dashboard = planner.get("/").get_data(as_text=True)
    assert 'id="declines"' in dashboard and "原因：家中有事" in dashboard
    assert f'id="declined-{code}-{first}"' in dashboard
    assert not any(f'id="declined-{code}-{c}"' in dashboard for c in rest)  # only that session
    target = re.search(rf'href="(/whatif\?[^"]+)" id="whatif-{code}-{first}"', dashboard)
    assert target
    whatif = planner.get(target.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert 'id="substitutes"' in whatif and 'value="家中有事"' in whatif
    assert f'value="{first}" selected' in whatif  # the what-if names the declined session
    plan = planner.get("/plans/1?q=").get_data(as_text=True)
    assert 'id="answer-legend"' in plan
    timeline = planner.get("/plans/1/timeline?month=all").get_data(as_text=True)
    assert "seat-answer declined" in timeline and "seat-answer confirmed" in timeline
    calls = planner.get("/plans/1/notices").get_data(as_text=True)
    mine = calls.split(f'id="notice-{code}"')[1].split("</tr>")[0]
    assert "有 1 场不能参加" in mine and mine.count("✓ 参加") == len(rest)


@pytest.mark.parametrize("bad", ["/n/garbage", "/n/WzEsImFiYyJd.aaaa.bbbb", "/n/" + "x" * 500])
def test_a_forged_link_gets_a_plain_page(client, bad) -> None:
    response = client.get(bad)
    assert response.status_code == 404
    assert "链接无效" in response.get_data(as_text=True)
    assert client.post(bad, data={"answer": "confirm"}).status_code in (400, 404)


def test_a_tampered_link_opens_nothing(app, planner, client) -> None:
    link = links(planner)[0]
    payload, stamp, signature = link.removeprefix("/n/").split(".")
    tampered = f"/n/{payload[:-1]}{'A' if payload[-1] != 'A' else 'B'}.{stamp}.{signature}"
    assert client.get(tampered).status_code == 404


def test_another_institution_sees_none_of_it(app) -> None:
    with database(app) as db:
        other = Institution(code="3204999", name="另一评价机构")
        db.add(other)
        db.flush()
        create_user(db, other, "other", "planner", "other-pass-1")
        db.commit()
    stranger = Client(app.test_client())
    assert stranger.login("other", "other-pass-1").status_code == 302
    assert stranger.get("/plans/1/notices").status_code == 404
    assert stranger.get("/plans/1/notices.xlsx").status_code == 404
    assert 'id="declines"' not in stranger.get("/").get_data(as_text=True)


def test_an_examiner_s_and_a_session_s_sheets_are_one_click_away(app, planner) -> None:
    with database(app) as db:
        notice = db.scalars(select(Notice).order_by(Notice.id)).first()
        code, session = notice.examiner.code, notice.seats[0].session
        session_id, session_code = session.id, session.code
    page = planner.get(f"/examiners/{code}").get_data(as_text=True)
    sheet = re.search(r'href="([^"]+)" id="examiner-sheet"', page)
    calendar = re.search(r'href="([^"]+)" id="examiner-calendar"', page)
    assert sheet and calendar
    workbook = load_workbook(io.BytesIO(planner.get(sheet.group(1).replace("&amp;", "&")).data))
    assert len(workbook.worksheets) == 1
    ics = planner.get(calendar.group(1).replace("&amp;", "&"))
    assert ics.mimetype == "text/calendar" and code.encode() in ics.data
    assert planner.get("/plans/1/download/examiners?examiner=E9999").status_code == 404
    page = planner.get(f"/records/sessions/{session_id}").get_data(as_text=True)
    dispatch = re.search(r'href="([^"]+)" id="session-dispatch"', page)
    assert dispatch
    one = load_workbook(io.BytesIO(planner.get(dispatch.group(1).replace("&amp;", "&")).data))
    cells = " ".join(str(c.value) for row in one.active.iter_rows() for c in row if c.value)
    assert set(re.findall(r"S\d{4}", cells)) == {session_code}  # that session's sheet only
    assert planner.get("/plans/1/download/dispatch?session=S9999").status_code == 404


def test_an_examiner_s_e_mail_is_checked_and_shown(app, planner) -> None:
    with database(app) as db:
        notice = db.scalars(select(Notice).order_by(Notice.id)).first()
        code = notice.examiner.code
    page = planner.get(f"/examiners/{code}").get_data(as_text=True)
    assert 'id="examiner-email"' in page
