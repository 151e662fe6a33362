"""H6 turnover — notice art. 4: "考评小组成员每次人员轮换不得少于三分之一".

Each planned session is compared with the previous panel of its lineage
(`Facts.previous`): at least ceil(size x turnover) of its members must be new.
When both panels are planned, "e sat on both" is a boolean that only needs a
lower bound (it only ever appears on the small side of the inequality).
"""

from __future__ import annotations

from .context import Context


def apply(ctx: Context) -> None:
    """Limit how many members a panel shares with the previous one."""
    facts, v = ctx.facts, ctx.v
    num, den = facts.policy.turnover
    for s in facts.instance.sessions:
        prev = facts.previous.get(s.id)
        if prev is None:
            continue
        members = v.members_of(s.id)
        if prev in facts.history_members:
            before = set(facts.history_members[prev])
            shared = [lit for e, lit in members if e in before]
        else:
            shared = [_both(ctx, s.id, prev, e, lit) for e, lit in members if (prev, e) in v.sits]
        if not shared:
            continue
        if facts.policy.allow_unfilled:
            # Panel size varies: den * new >= num * size is exactly new >= ceil(size * num / den).
            seated = sum(lit for _, lit in members)
            ctx.add(den * (seated - sum(shared)) >= num * seated, "H6", s.id)
        else:
            size = facts.sizes[s.id]
            limit = size - facts.policy.turnover_needed(size)
            if len(shared) > limit:
                ctx.add(sum(shared) <= limit, "H6", s.id)


def _both(ctx: Context, session: str, prev: str, examiner: str, lit):
    """A literal forced true when `examiner` sits on both `session` and `prev`."""
    both = ctx.model.new_bool_var(f"both[{prev},{session},{examiner}]")
    ctx.model.add_bool_or([lit.Not(), ctx.v.sits[prev, examiner].Not(), both])
    return both
