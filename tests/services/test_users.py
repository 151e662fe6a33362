"""Users with roles, password hashes and `panelplan create-user`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from cli.main import main
from models import AuditEvent, User
from models.base import Role
from models.db import make_engine, session_factory
from services.institution.users import (
    authenticate,
    check_password,
    create_user,
    deactivate_user,
    hash_password,
    sign_in,
)
from services.messages import Refused


def test_a_password_hash_is_salted_and_verifies() -> None:
    first, second = hash_password("correct horse"), hash_password("correct horse")
    assert first != second  # salted
    assert check_password(first, "correct horse")
    assert not check_password(first, "correct hors")
    assert not check_password(None, "anything")


def test_create_user_and_authenticate(db, make) -> None:
    institution = make.institution()
    user = create_user(db, institution, "wang.planner", "planner", "s3cret-pass", "王计划")
    assert user.role is Role.PLANNER
    assert "s3cret" not in (user.password_hash or "")
    assert authenticate(db, "wang.planner", "s3cret-pass") is user
    assert authenticate(db, "wang.planner", "wrong-pass") is None
    user.active = False
    db.flush()
    assert authenticate(db, "wang.planner", "s3cret-pass") is None


def test_every_problem_with_a_new_user_is_reported_at_once(db, make) -> None:
    institution = make.institution()
    create_user(db, institution, "li", "viewer", "long-enough")
    with pytest.raises(Refused) as refused:
        create_user(db, institution, "li", "boss", "short")
    assert [p.field for p in refused.value.problems] == ["username", "role", "password"]
    assert "已被使用" in refused.value.lines("zh")[0]
    assert db.scalars(select(User)).all() == [db.scalar(select(User).where(User.username == "li"))]


def test_create_user_command(tmp_path, monkeypatch, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'users.db'}"
    assert main(["init-db", "--database", url, "--code", "3204005"]) == 0
    monkeypatch.setenv("PANELPLAN_PASSWORD", "admin-pass-1")
    assert main(["create-user", "zhang", "--role", "admin", "--database", url]) == 0
    monkeypatch.setenv("PANELPLAN_PASSWORD", "x")
    assert main(["create-user", "zhao", "--role", "viewer", "--database", url]) == 2
    assert "密码至少 8 位" in capsys.readouterr().err
    engine = make_engine(url)
    with engine.connect() as connection:
        assert connection.scalars(select(User.username)).all() == ["zhang"]
    engine.dispose()


def test_sign_in_is_refused_after_repeated_failures_within_the_window(db, make) -> None:
    institution = make.institution()
    create_user(db, institution, "qian", "planner", "right-pass-1")
    now = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    for minute in range(3):
        with pytest.raises(Refused):
            sign_in(db, "qian", "wrong", now + timedelta(minutes=minute), attempts=3, minutes=15)
    with pytest.raises(Refused) as locked:
        sign_in(db, "qian", "right-pass-1", now + timedelta(minutes=5), attempts=3, minutes=15)
    assert "15 分钟后再试" in locked.value.lines("zh")[0]
    later = now + timedelta(minutes=20)  # the failures have left the window
    assert sign_in(db, "qian", "right-pass-1", later, attempts=3, minutes=15).username == "qian"


def test_an_admin_deactivates_another_user_never_themselves(db, make) -> None:
    institution = make.institution()
    admin = create_user(db, institution, "boss", "admin", "boss-pass-1")
    other = create_user(db, institution, "temp", "viewer", "temp-pass-1")
    deactivate_user(db, other, admin)
    assert authenticate(db, "temp", "temp-pass-1") is None
    with pytest.raises(Refused) as refused:
        deactivate_user(db, admin, admin)
    assert "不能停用自己的账号" in refused.value.lines("zh")[0]
    assert admin.active


# Made by panelplan's own scrypt code before werkzeug.security took over (commit c77a2c0).
OLD_CODE_HASH = (
    "scrypt:32768:8:1$d90f4303c83c418e24d969770a0f7ecb$b7133cce013d1c3e792484d70111e44cee974d22"
    "3a9ce81edc8a721922875ff36436c4cfabc42d271255958c9a8677fcf74e05107574a28f47e7921b43987bd7"
)


def test_a_hash_made_by_the_old_code_still_verifies(db, make) -> None:
    assert check_password(OLD_CODE_HASH, "old-code-pass-1")
    assert not check_password(OLD_CODE_HASH, "old-code-pass-2")
    user = create_user(db, make.institution(), "zhou", "viewer", "placeholder-1")
    user.password_hash = OLD_CODE_HASH
    assert authenticate(db, "zhou", "old-code-pass-1") is user


def test_new_hashes_are_werkzeug_s(db) -> None:
    from werkzeug.security import check_password_hash

    stored = hash_password("correct horse")
    assert stored.startswith("scrypt:32768:8:1$") and check_password_hash(stored, "correct horse")


def test_an_unknown_name_costs_a_password_check_like_a_known_one(db, make, monkeypatch) -> None:
    from services.institution import users

    create_user(db, make.institution(), "sun", "planner", "right-pass-1")
    checked: list[str] = []
    real = users.check_password_hash
    monkeypatch.setattr(users, "check_password_hash", lambda h, p: checked.append(h) or real(h, p))
    assert authenticate(db, "sun", "wrong-pass") is None
    assert authenticate(db, "nobody", "wrong-pass") is None
    assert authenticate(db, "nobody", "") is None
    assert len(checked) == 3 and checked[1] == checked[2] == users.DUMMY_HASH
    assert checked[0] != users.DUMMY_HASH


def test_a_new_password_ends_the_sessions_and_an_old_one_no_longer_signs_in(db, make) -> None:
    from services.institution.users import set_password

    user = create_user(db, make.institution(), "wu", "planner", "first-pass-1")
    before = user.get_id()
    set_password(db, user, "second-pass-2")
    assert user.get_id() != before
    assert authenticate(db, "wu", "first-pass-1") is None
    assert authenticate(db, "wu", "second-pass-2") is user
    with pytest.raises(Refused):
        set_password(db, user, "short")
    assert "set_password" in db.scalars(select(AuditEvent.action)).all()


def test_set_password_and_deployment_admin_commands(tmp_path, monkeypatch, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'users.db'}"
    assert main(["init-db", "--database", url, "--code", "3204005", "--no-catalogue"]) == 0
    monkeypatch.setenv("PANELPLAN_PASSWORD", "admin-pass-1")
    assert main(["create-user", "zhang", "--role", "admin", "--database", url]) == 0
    assert main(["create-user", "city", "--role", "admin", "--deployment-admin",
                 "--database", url]) == 0  # fmt: skip
    monkeypatch.setenv("PANELPLAN_PASSWORD", "changed-pass-2")
    assert main(["set-password", "zhang", "--database", url]) == 0
    assert main(["deployment-admin", "zhang", "--database", url]) == 0
    assert main(["deployment-admin", "city", "--revoke", "--database", url]) == 0
    assert main(["set-password", "nobody", "--database", url]) == 2
    assert "没有用户 nobody" in capsys.readouterr().err
    engine = make_engine(url)
    with session_factory(engine)() as db:
        found = {u.username: u for u in db.scalars(select(User))}
        assert check_password(found["zhang"].password_hash, "changed-pass-2")
        assert found["zhang"].deployment_admin and not found["city"].deployment_admin
        assert found["zhang"].session_version == 2  # new password, new powers
        actions = db.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    engine.dispose()
    assert actions[-4:] == [
        "grant_deployment_admin", "set_password", "grant_deployment_admin",
        "revoke_deployment_admin",
    ]  # fmt: skip
