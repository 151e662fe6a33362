"""Records and settings pages, by feature like `services/`: `schedule/` (sessions, venues),
`discipline/` (warnings, revocations, refusals, conflicts, appointments and reviews),
`filing` (training plans, filing batches), `institution/` (occupations, users, policy).

Each feature module adds its routes to the one `records` blueprint (URLs under `/records`,
endpoints `records.*`); importing them here registers the routes.
"""

from __future__ import annotations

from . import filing
from .blueprint import blueprint
from .discipline import actions, conflicts, reviews
from .institution import occupations, policy, users
from .schedule import session_forms, sessions, venues

__all__ = [
    "actions",
    "blueprint",
    "conflicts",
    "filing",
    "occupations",
    "policy",
    "reviews",
    "session_forms",
    "sessions",
    "users",
    "venues",
]
