"""Roles on every route: viewer < planner < admin."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user, login_required

from models.base import Role

RANK = {Role.VIEWER: 0, Role.PLANNER: 1, Role.ADMIN: 2}
View = TypeVar("View", bound=Callable[..., Any])


def role_required(minimum: Role) -> Callable[[View], View]:
    """Allow the view to signed-in users of `minimum` role or above; others get 403."""

    def decorate(view: View) -> View:
        @wraps(view)
        @login_required
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if RANK[current_user.role] < RANK[minimum]:
                abort(403)
            return view(*args, **kwargs)

        return guarded  # type: ignore[return-value]

    return decorate


def deployment_admin_required(view: View) -> View:
    """Allow the view only to deployment admins (who change what every institution shares,
    such as the occupation catalogue); any institution's user gets 403."""

    @wraps(view)
    @login_required
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if not is_deployment_admin():
            abort(403)
        return view(*args, **kwargs)

    return guarded  # type: ignore[return-value]


def is_deployment_admin() -> bool:
    """True when the signed-in user is a deployment admin."""
    return bool(current_user.is_authenticated and current_user.deployment_admin)


def may(minimum: Role) -> bool:
    """True when the signed-in user has `minimum` role or above (for templates)."""
    return bool(current_user.is_authenticated and RANK[current_user.role] >= RANK[minimum])
