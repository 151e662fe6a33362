"""H2 leader — notice art. 3 and 4: one named leader (考评组长) with a year's experience.

Leader variables exist only for eligible members who are `leader_eligible`
and experienced enough on the session's start date (see `Facts.can_lead`).
"""

from __future__ import annotations

from .context import Context


def apply(ctx: Context) -> None:
    """Exactly one leader per staffed session, and the leader is a member."""
    v = ctx.v
    for s in ctx.facts.instance.sessions:
        for e in ctx.facts.can_lead[s.id]:
            ctx.model.add_implication(v.leads[s.id, e], v.sits[s.id, e])
        leaders = v.leaders_of(s.id)
        if s.id not in v.staffed:
            ctx.add(sum(leaders) == 1, "H2", s.id)
            continue
        # allow_unfilled: a session with anyone on it is "staffed" and needs its leader.
        staffed = v.staffed[s.id]
        members = [lit for _, lit in v.members_of(s.id)]
        for lit in members:
            ctx.model.add_implication(lit, staffed)
        ctx.model.add(sum(members) >= staffed)
        ctx.add(sum(leaders) == staffed, "H2", s.id)
