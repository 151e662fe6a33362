"""H5 no double booking — an examiner is in one place at a time (notice art. 3, "执行考评任务").

Sessions are half-open intervals [start, end). For each examiner the
overlapping sessions form an interval graph, whose maximal cliques are the
sets of sessions running at some session's start; one "at most one" per such
set is the tight formulation (no pairwise constraints). History sessions the
examiner already served rule out every overlapping planned session.
`max_sessions` caps the planned sessions served.
"""

from __future__ import annotations

from .context import Context


def apply(ctx: Context) -> None:
    """At most one session at any moment per examiner; no more than `max_sessions`."""
    facts = ctx.facts
    for e, items in ctx.v.sessions_of().items():
        sessions = [(facts.sessions[s], lit) for s, lit in items]
        for clique in _cliques(sessions):
            ctx.add(sum(lit for _, lit in clique) <= 1, "H5", clique[-1][0].id, e)
        for s, lit in sessions:
            if (s.id, e) in facts.history_clashes:
                ctx.add(lit == 0, "H5", s.id, e)
        cap = facts.examiners[e].max_sessions
        if cap is not None and cap < len(sessions):
            ctx.add(sum(lit for _, lit in sessions) <= cap, "H5", None, e)


def _cliques(sessions: list) -> list[list]:
    """Maximal sets of mutually overlapping sessions (input in start order), size >= 2."""
    out: list[list] = []
    active: list = []
    for item in sessions:
        start = item[0].start
        active = [a for a in active if a[0].end > start]
        active.append(item)
        if len(active) >= 2:
            out.append(list(active))
    return _maximal(out)


def _maximal(cliques: list[list]) -> list[list]:
    """Drop a clique contained in the next one (the sweep only ever grows the last)."""
    keep = []
    for i, c in enumerate(cliques):
        nxt = cliques[i + 1] if i + 1 < len(cliques) else None
        if nxt is None or not {id(x) for x in c} <= {id(x) for x in nxt}:
            keep.append(c)
    return keep
