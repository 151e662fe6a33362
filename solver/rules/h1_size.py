"""H1 size — notice art. 3: a panel "generally not fewer than three" members.

Each session gets exactly its required number of members (SPEC R3); with
`allow_unfilled` the shortfall is the session's `empty` count, minimised first.
"""

from __future__ import annotations

from .context import Context


def apply(ctx: Context) -> None:
    """Members plus empty seats equal the required panel size."""
    for s in ctx.facts.instance.sessions:
        members = [lit for _, lit in ctx.v.members_of(s.id)]
        ctx.add(sum(members) + ctx.v.empty[s.id] == ctx.facts.sizes[s.id], "H1", s.id)
