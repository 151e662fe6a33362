"""H8 locks: a planner's fixed choices hold in every result.

A `member` lock holds when the examiner sits on the panel (leading or not);
a `leader` lock only when they lead it (SPEC 4.3, precise readings).
"""

from __future__ import annotations

from .context import Context


def apply(ctx: Context) -> None:
    """Force every locked seat."""
    for lock in ctx.facts.instance.locks:
        if lock.role == "leader":
            lit = ctx.v.lead(lock.session, lock.examiner)
        else:
            lit = ctx.v.sit(lock.session, lock.examiner)
        ctx.add(lit == 1, "H8", lock.session, lock.examiner)
