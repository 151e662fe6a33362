"""Users who sign in, with their role: admin (管理员), planner (计划员), viewer (查看).

Passwords are stored as scrypt hashes (standard library; the same scheme and format as
werkzeug's `scrypt:` hashes, so the web app can verify them either way).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import AuditEvent, Institution, User, audit
from models.base import Role
from services.messages import Problem, Refused

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
USERNAME = re.compile(r"[A-Za-z0-9_.\-]{2,80}")
MIN_PASSWORD = 8

MESSAGES = {
    "bad_username": {
        "zh": "用户名应为 2–80 位字母、数字、下划线、点或连字符",
        "en": "a username is 2-80 letters, digits, underscores, dots or hyphens",
    },
    "taken": {"zh": "用户名 {username} 已被使用", "en": "username {username} is taken"},
    "short_password": {
        "zh": "密码至少 {n} 位",
        "en": "a password has at least {n} characters",
    },
    "not_yourself": {"zh": "不能停用自己的账号", "en": "you cannot deactivate yourself"},
    "bad_login": {"zh": "用户名或密码不正确", "en": "wrong username or password"},
    "locked": {
        "zh": "登录失败次数过多，请 {minutes} 分钟后再试",
        "en": "too many failed sign-ins; try again in {minutes} minutes",
    },
    "bad_role": {
        "zh": "角色应为 admin（管理员）、planner（计划员）或 viewer（查看）",
        "en": "role must be admin, planner or viewer",
    },
}


def hash_password(password: str) -> str:
    """A salted scrypt hash: `scrypt:N:r:p$salt$hex`."""
    salt = secrets.token_hex(16)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt:{SCRYPT_N}:{SCRYPT_R}:{SCRYPT_P}${salt}${digest}"


def check_password(stored: str | None, password: str) -> bool:
    """True when `password` matches the stored hash."""
    if not stored or not stored.startswith("scrypt:"):
        return False
    method, salt, digest = stored.split("$", 2)
    n, r, p = (int(part) for part in method.split(":")[1:])
    return hmac.compare_digest(_scrypt(password, salt, n, r, p), digest)


def _scrypt(password: str, salt: str, n: int, r: int, p: int) -> str:
    raw = hashlib.scrypt(
        password.encode(), salt=salt.encode(), n=n, r=r, p=p, maxmem=132 * n * r * p
    )
    return raw.hex()


def create_user(
    session: Session,
    institution: Institution,
    username: str,
    role: str,
    password: str,
    display_name: str | None = None,
) -> User:
    """Create a user; refuse a bad or taken username, an unknown role, a short password."""
    problems = []
    if not USERNAME.fullmatch(username):
        problems.append(Problem.of(MESSAGES, "bad_username", "username"))
    elif session.scalar(select(User.id).where(User.username == username)) is not None:
        problems.append(Problem.of(MESSAGES, "taken", "username", username=username))
    if role not in {r.value for r in Role}:
        problems.append(Problem.of(MESSAGES, "bad_role", "role"))
    if len(password) < MIN_PASSWORD:
        problems.append(Problem.of(MESSAGES, "short_password", "password", n=MIN_PASSWORD))
    if problems:
        raise Refused(problems)
    user = User(
        institution_id=institution.id,
        username=username,
        display_name=display_name or username,
        role=Role(role),
        password_hash=hash_password(password),
    )
    session.add(user)
    audit(session, "create_user", username, institution.id, role=role)
    session.flush()
    return user


def deactivate_user(session: Session, user: User, by: User) -> None:
    """Stop `user` signing in (the record stays: their name is in the history); never oneself."""
    if user.id == by.id:
        raise Refused([Problem.of(MESSAGES, "not_yourself", "username")])
    user.active = False
    audit(session, "deactivate_user", user.username, user.institution_id)
    session.flush()


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with these credentials, or None."""
    user = session.scalar(select(User).where(User.username == username, User.active.is_(True)))
    return user if user is not None and check_password(user.password_hash, password) else None


def sign_in(
    session: Session, username: str, password: str, now: datetime, attempts: int, minutes: int
) -> User:
    """The user, or Refused: wrong credentials, or too many failures for this name lately.

    Failures are audit events, so the limit holds across web workers and restarts; the
    message never says whether the name exists.
    """
    since, subject = now - timedelta(minutes=minutes), failure_subject(session, username)
    failures = session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(
            AuditEvent.action == "login_failed",
            AuditEvent.subject == subject,
            AuditEvent.at >= since,
        )
    )
    if (failures or 0) >= attempts:
        raise Refused([Problem.of(MESSAGES, "locked", "username", minutes=minutes)])
    user = authenticate(session, username, password)
    if user is None:
        audit(session, "login_failed", subject).at = now
        session.flush()
        raise Refused([Problem.of(MESSAGES, "bad_login", "username")])
    audit(session, "login", username, user.institution_id).at = now
    return user


def failure_subject(session: Session, username: str) -> str:
    """What a failed sign-in records as typed: an existing user's name as is; any other text
    (perhaps a password typed into the name field) only as `?` and 4 hex digits of its hash,
    enough to count the failures of that name (so an unknown name locks like a known one and
    the lock tells nothing), too few to tell a password from 65,536 others."""
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        return username
    return "?" + hashlib.sha256(username.encode()).hexdigest()[:4]
