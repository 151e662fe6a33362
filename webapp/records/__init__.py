"""Records and settings pages: sessions, venues, occupations, conflicts, discipline,
appointments and reviews, filing, users and the institution's policy.

Each topic module adds its routes to the one `records` blueprint; importing them here
registers the routes.
"""

from __future__ import annotations

from . import (
    catalog,
    conflicts,
    discipline,
    filing,
    policy,
    reviews,
    session_forms,
    sessions,
    users,
)
from .blueprint import blueprint

__all__ = [
    "blueprint",
    "catalog",
    "conflicts",
    "discipline",
    "filing",
    "policy",
    "reviews",
    "session_forms",
    "sessions",
    "users",
]
