"""Roles on every route: viewer < planner < admin inside one institution; the city centre
(`Role.CITY`, of no institution) only on its own read-only pages (`city_required`)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user, login_required

from models.base import Role

# The city centre has no rank here: every institution route refuses it (403).
RANK = {Role.VIEWER: 0, Role.PLANNER: 1, Role.ADMIN: 2}
View = TypeVar("View", bound=Callable[..., Any])


def role_required(minimum: Role) -> Callable[[View], View]:
    """Allow the view to signed-in users of an institution with `minimum` role or above;
    others (a lower role, the city centre) get 403."""
    return _only(lambda: may(minimum))


def _only(allowed: Callable[[], bool]) -> Callable[[View], View]:
    """A decorator letting through signed-in users for whom `allowed()` holds; others get 403."""

    def decorate(view: View) -> View:
        @wraps(view)
        @login_required
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not allowed():
                abort(403)
            return view(*args, **kwargs)

        return guarded  # type: ignore[return-value]

    return decorate


def city_required(view: View) -> View:
    """Allow the view only to the city centre (市鉴定中心); any institution's user gets 403."""
    return _only(is_city)(view)


def deployment_admin_required(view: View) -> View:
    """Allow the view only to deployment admins (who change what every institution shares,
    such as the occupation catalogue); any institution's user gets 403."""
    return _only(is_deployment_admin)(view)


def is_deployment_admin() -> bool:
    """True when the signed-in user is a deployment admin (never the city centre)."""
    return bool(
        current_user.is_authenticated
        and current_user.deployment_admin
        and current_user.role != Role.CITY
    )


def is_city() -> bool:
    """True when the signed-in user is the city centre."""
    return bool(current_user.is_authenticated and current_user.role == Role.CITY)


def may(minimum: Role) -> bool:
    """True when the signed-in user has `minimum` role or above (for templates); `Role.CITY`
    asks whether the user is the city centre."""
    if not current_user.is_authenticated:
        return False
    if minimum == Role.CITY:
        return bool(current_user.role == Role.CITY)
    rank = RANK.get(current_user.role)
    return rank is not None and rank >= RANK[minimum]
