"""Users with roles, password hashes and `panelplan create-user`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from cli.main import main
from models import User
from models.base import Role
from models.db import make_engine
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
