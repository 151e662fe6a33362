"""An admin's journey through the records in a real browser: the dashboard, two warnings
that open a revocation, the certifying unit's approval, and a policy change."""

from __future__ import annotations

import pytest
from browser import browser_page, screenshot, sign_in
from recordtools import one, records_template_path
from sqlalchemy import select
from webtools import PASSWORDS, LiveServer

from models import Examiner, Institution
from models.base import ExaminerStatus


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return records_template_path(tmp_path_factory)


def warn(page, code: str, reason: str) -> None:
    page.goto("/records/warnings")
    page.fill("input[name=examiner]", code)
    page.fill("input[name=issued_on]", "2026-11-02")
    page.fill("textarea[name=reason]", reason)
    page.click("text=给予警告 >> nth=-1")
    page.wait_for_load_state()


def test_an_admin_approves_a_revocation_and_tightens_the_policy(app) -> None:
    code = one(app, select(Examiner.code).order_by(Examiner.code).limit(1))
    with LiveServer(app) as server, browser_page(server.url) as page:
        sign_in(page, server.url, "admin", PASSWORDS["admin"])
        assert "未组成考评小组的场次" in page.content()
        warn(page, code, "无故迟到")
        warn(page, code, "再次无故迟到")
        assert "待发证单位审批" in page.content()
        page.goto("/dashboard")
        assert code in page.inner_text("#revocations")
        screenshot(page, "dashboard")
        page.click("text=记录审批决定")
        page.fill("input[name=certifying_unit]", "江苏省职业技能鉴定中心")
        page.fill("input[name=decision_reference]", "苏鉴〔2026〕18号")
        page.click("button[value=approve]")
        page.wait_for_load_state()
        assert "已批准取消" in page.content()
        page.goto("/records/policy")
        page.fill("input[name=min_panel_size]", "2")
        page.click("text=保存")
        page.wait_for_load_state()
        assert "宽于通知要求" in page.inner_text("form.card")
        page.fill("input[name=min_panel_size]", "5")
        page.click("text=保存")
        page.wait_for_load_state()
        assert "规则设置已保存" in page.content()
        screenshot(page, "policy")
    assert one(app, select(Examiner.status).where(Examiner.code == code)) == ExaminerStatus.REVOKED
    assert one(app, select(Institution.policy)) == {"min_panel_size": 5}
