"""Users who sign in, with their role: admin (管理员), planner (计划员), viewer (查看) of one
institution, or the city centre (市鉴定中心), who belongs to none and only reads filings.

Passwords are stored as werkzeug's `scrypt:N:r:p$salt$hex` hashes (`werkzeug.security`;
hashes made before by panelplan's own scrypt code have the same format and still verify).
A sign-in for an unknown name checks a dummy hash, so it takes as long as a wrong password
and its timing does not tell which names exist. Failed sign-ins for one name are counted
under a lock (`models.locks`), so the limit holds however many attempts arrive at once.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from models import AuditEvent, Institution, User, audit
from models.base import Role
from models.locks import hold
from services.messages import Problem, Refused

HASH_METHOD = "scrypt"  # werkzeug's default parameters: N=2**15, r=8, p=1
# Checked for a name that does not exist (or has no password) so that it costs the same
# time as a wrong password; a hash of a random string nobody knows, same parameters.
DUMMY_HASH = (
    "scrypt:32768:8:1$LnigNs7bUPZbPNXM$534b675fa6f078f3075b557d07fde1c5c1544901fba353cb214c40638f3b"
    "3477c75e546274b790a64c49f9b7d31f53d9d054ed1ff19324a719b9cc2ec86702db"
)
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
    "unknown_user": {"zh": "没有用户 {username}", "en": "there is no user {username}"},
    "bad_role": {
        "zh": "角色应为 admin（管理员）、planner（计划员）、viewer（查看）或 city（市鉴定中心）",
        "en": "role must be admin, planner, viewer or city",
    },
    "city_of_no_institution": {
        "zh": "市鉴定中心的账号不属于任何评价机构：请不要指定机构",
        "en": "a city-centre account belongs to no institution: name none",
    },
    "institution_needed": {
        "zh": "请指明该用户所属的评价机构",
        "en": "name the institution the user belongs to",
    },
    "city_reads_only": {
        "zh": "市鉴定中心的账号只读，不能修改共享的职业目录",
        "en": "a city-centre account only reads; it cannot change the shared catalogue",
    },
}


def hash_password(password: str) -> str:
    """A salted scrypt hash: `scrypt:N:r:p$salt$hex` (werkzeug's format)."""
    return generate_password_hash(password, method=HASH_METHOD)


def check_password(stored: str | None, password: str) -> bool:
    """True when `password` matches the stored hash; a missing hash costs a dummy check."""
    if not stored or not stored.startswith("scrypt:"):
        check_password_hash(DUMMY_HASH, password)
        return False
    return check_password_hash(stored, password)


def create_user(
    session: Session,
    institution: Institution | None,
    username: str,
    role: str,
    password: str,
    display_name: str | None = None,
) -> User:
    """Create a user; refuse a bad or taken username, an unknown role, a short password, a
    city-centre user with an institution or any other user without one."""
    problems = _home_problems(institution, role)
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
    home = institution.id if institution is not None else None
    user = User(
        institution_id=home,
        username=username,
        display_name=display_name or username,
        role=Role(role),
        password_hash=hash_password(password),
    )
    session.add(user)
    audit(session, "create_user", username, home, role=role)
    session.flush()
    return user


def _home_problems(institution: Institution | None, role: str) -> list[Problem]:
    """The city centre belongs to no institution; every other user to one."""
    if role == Role.CITY and institution is not None:
        return [Problem.of(MESSAGES, "city_of_no_institution", "institution")]
    if role != Role.CITY and institution is None:
        return [Problem.of(MESSAGES, "institution_needed", "institution")]
    return []


def deactivate_user(session: Session, user: User, by: User) -> None:
    """Stop `user` signing in (the record stays: their name is in the history); never oneself."""
    if user.id == by.id:
        raise Refused([Problem.of(MESSAGES, "not_yourself", "username")])
    user.active = False
    end_sessions(user)
    audit(session, "deactivate_user", user.username, user.institution_id)
    session.flush()


def set_password(session: Session, user: User, password: str) -> None:
    """Give `user` a new password; every session they had open ends (cookies are stale)."""
    if len(password) < MIN_PASSWORD:
        raise Refused([Problem.of(MESSAGES, "short_password", "password", n=MIN_PASSWORD)])
    user.password_hash = hash_password(password)
    end_sessions(user)
    audit(session, "set_password", user.username, user.institution_id)
    session.flush()


def find_user(session: Session, username: str) -> User:
    """The user named `username` (of any institution); refused when there is none."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise Refused([Problem.of(MESSAGES, "unknown_user", "username", username=username)])
    return user


def set_deployment_admin(session: Session, user: User, granted: bool = True) -> None:
    """Let `user` change what every institution shares (the occupation catalogue), or stop it;
    never a city-centre user, who only reads."""
    if granted and user.role == Role.CITY:
        raise Refused([Problem.of(MESSAGES, "city_reads_only", "username")])
    if user.deployment_admin != granted:
        user.deployment_admin = granted
        end_sessions(user)  # a session opened with other powers ends with them
        action = "grant_deployment_admin" if granted else "revoke_deployment_admin"
        audit(session, action, user.username, user.institution_id)
        session.flush()


def end_sessions(user: User) -> None:
    """Make every session cookie issued to `user` so far stop working (sign-out)."""
    user.session_version += 1


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with these credentials, or None (an unknown name costs the same time)."""
    user = session.scalar(select(User).where(User.username == username, User.active.is_(True)))
    stored = user.password_hash if user is not None else None
    return user if check_password(stored, password) and user is not None else None


def sign_in(
    session: Session, username: str, password: str, now: datetime, attempts: int, minutes: int
) -> User:
    """The user, or Refused: wrong credentials, or too many failures for this name lately.

    Failures are audit events, so the limit holds across web workers and restarts; the
    count and the check run under a lock on the name, so concurrent attempts are counted one
    after another. The message never says whether the name exists.
    """
    hold(session, "sign_in", username)
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
