"""H7 consecutive venues — notice art. 4: "考评人员在同一考点从事考评工作不能连续超过三次".

`examiner_sequence`: in each examiner's own sequence of sessions (history
included, ordered by (start, id)) no run at one venue is longer than K. For
every venue a counter follows the examiner's visits there: it grows by one
per session served at that venue and may drop to zero only if a session at
another venue was served since the last one. The counters only need lower
bounds, so a plan is feasible exactly when the true run lengths stay <= K.
A run made only of history is not this plan's doing and is not constrained;
it only carries its length (capped at K) into the horizon.

Each counter is also recorded as a `Chain`, from which the LP of a large term takes
windows in place of most counters (`rules.context.ForLp`).

`venue_sequence`: at each venue, in its sessions' order, no examiner sits on
more than K of any K + 1 consecutive sessions; windows made only of history
are skipped for the same reason.
"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from .context import Chain, Context

HISTORY = None  # marks a served history session: a constant "yes" in a sequence


def apply(ctx: Context) -> None:
    """Add the sequence rule(s) the policy asks for."""
    rule = ctx.facts.policy.consecutive_rule
    if rule in ("examiner_sequence", "both"):
        _examiner_sequences(ctx)
    if rule in ("venue_sequence", "both"):
        _venue_sequences(ctx)


def _served_history(ctx: Context) -> dict[str, list]:
    out: dict[str, list] = defaultdict(list)
    for h in ctx.facts.instance.history:
        for e in h.members:
            out[e].append((h.session, HISTORY))
    return out


def _examiner_sequences(ctx: Context) -> None:
    facts = ctx.facts
    history = _served_history(ctx)
    for e, items in ctx.v.sessions_of().items():
        seq = [(facts.sessions[s], lit) for s, lit in items] + history.get(e, [])
        seq.sort(key=lambda item: item[0].order_key)
        _runs(ctx, e, seq)


def _runs(ctx: Context, examiner: str, seq: list) -> None:
    """Counters per venue over one examiner's sequence (see module docstring)."""
    k = ctx.facts.policy.max_consecutive_same_venue
    first_planned = next((i for i, (_, lit) in enumerate(seq) if lit is not HISTORY), len(seq))
    carry: dict[str, int] = {}
    for s, _ in seq[:first_planned]:  # history prefix: only the last run matters
        carry = {s.venue: min(carry.get(s.venue, 0) + 1, k)}
    rest = seq[first_planned:]
    for venue in dict.fromkeys(s.venue for s, _ in rest):
        blocks = _blocks(rest, venue)
        if carry.get(venue, 0) + sum(len(items) for _, items in blocks) <= k:
            continue
        if any(lit is HISTORY for _, items in blocks for _, lit in items):
            _mixed_chain(ctx, examiner, blocks, carry.get(venue, 0), k)
            continue
        _aggregate(ctx, examiner, rest, venue, carry.get(venue, 0), k)
        count = carry.get(venue, 0)
        chain = Chain(k, count)
        for others, items in blocks:
            count, between, rows = _step(ctx, examiner, items, count, others, k)
            chain.blocks.append(([lit.index for _, lit in items], between))
            chain.rows.append(rows)
        ctx.lp.chains.append(chain)


def _blocks(rest: list, venue: str) -> list[tuple[list, list]]:
    """Maximal stretches of visits to `venue` with no session elsewhere between them.

    Inside a stretch a run can only grow, so one counter per stretch (at its
    end) is exact; each stretch comes with the sessions elsewhere before it.
    """
    blocks: list[tuple[list, list]] = []
    others: list = []
    for s, lit in rest:
        if s.venue != venue:
            others.append(lit)
        elif blocks and not others:
            blocks[-1][1].append((s, lit))
        else:
            blocks.append((others, [(s, lit)]))
            others = []
    return blocks


def _aggregate(ctx: Context, examiner: str, rest: list, venue: str, carry: int, k: int) -> None:
    """Redundant cut for the LP: visits here <= K x (1 + visits elsewhere) - carried run.

    The visits at the venue fall into runs separated by visits elsewhere, at
    most one more run than such visits, each at most K long, and the first
    one continues the history run when nothing else comes before it.
    """
    here = [1 if lit is HISTORY else lit for s, lit in rest if s.venue == venue]
    away = [1 if lit is HISTORY else lit for s, lit in rest if s.venue != venue]
    ctx.add(sum(here) <= k * (1 + sum(away)) - carry, "H7", None, examiner)


def _step(ctx: Context, examiner: str, items: list, count, others: list, k: int):
    """Run length at the end of a stretch, which restarts if a session elsewhere was served
    before it; what lies between (as `Chain.blocks` records it); and the counter's rows."""
    last = items[-1][0].id
    served = sum(1 if lit is HISTORY else lit for _, lit in items)
    nxt = ctx.model.new_int_var(0, k, f"run[{examiner},{last}]")
    between: int | bool = bool(others)  # True: a history session elsewhere
    if others and not any(o is HISTORY for o in others):
        moved = ctx.model.new_bool_var(f"moved[{examiner},{last}]")
        between = len(ctx.model.proto.constraints)
        ctx.model.add(moved <= sum(others))
    first = len(ctx.model.proto.constraints)
    if between is True:
        ctx.add(nxt >= served, "H7", last, examiner)
    elif between is False:
        ctx.add(nxt >= count + served, "H7", last, examiner)
    else:
        # After a visit elsewhere the run restarts with this stretch: nxt >= served; else it
        # continues: nxt >= count + served, relaxed by K * moved (count <= K).
        ctx.add(nxt >= served, "H7", last, examiner)
        ctx.add(nxt >= count + served - k * moved, "H7", last, examiner)
    return nxt, between, range(first, len(ctx.model.proto.constraints))


def _mixed_chain(ctx: Context, examiner: str, blocks: list, carry: int, k: int) -> None:
    """Exact chain when history visits sit between planned ones at this venue (rare).

    A run made only of history may be longer than K; one that holds a planned
    session may not. So the run length `r` (0..K+1) is tracked with a flag
    `f` "the run holds a planned session", history visits add min(r + 1, K + 1),
    and r + f <= K + 1 forbids a planned run longer than K.
    """
    model = ctx.model
    r: cp_model.LinearExpr | int = carry
    f: cp_model.LinearExpr | int = 0
    for others, items in blocks:
        if others:
            moved: cp_model.IntVar | int
            if any(o is HISTORY for o in others):
                moved = 1
            else:
                moved = model.new_bool_var(f"moved[{examiner},{items[0][0].id}]")
                model.add(moved <= sum(others))
            r = _restart(ctx, r, moved, k + 1, f"r0[{examiner},{items[0][0].id}]")
            f = _restart(ctx, f, moved, 1, f"f0[{examiner},{items[0][0].id}]")
        for session, lit in items:
            nr = model.new_int_var(0, k + 1, f"r[{examiner},{session.id}]")
            nf = model.new_bool_var(f"f[{examiner},{session.id}]")
            if lit is HISTORY:
                model.add_min_equality(nr, [r + 1, k + 1])
                model.add(nf >= f)
            else:
                ctx.add(nr >= r + lit, "H7", session.id, examiner)
                model.add(nf >= f)
                model.add(nf >= lit)
            ctx.add(nr + nf <= k + 1, "H7", session.id, examiner)
            r, f = nr, nf


def _restart(
    ctx: Context,
    value: cp_model.LinearExpr | int,
    moved: cp_model.IntVar | int,
    top: int,
    label: str,
) -> cp_model.IntVar:
    """`value`, or anything down to 0 once a visit elsewhere came between (lower bound)."""
    nxt = ctx.model.new_int_var(0, top, label)
    ctx.model.add(nxt >= value - top * moved)
    return nxt


def _venue_sequences(ctx: Context) -> None:
    facts, v = ctx.facts, ctx.v
    k = facts.policy.max_consecutive_same_venue
    by_venue: dict[str, list] = defaultdict(list)
    for s in facts.all_sessions:
        by_venue[s.venue].append(s)
    for sessions in by_venue.values():
        for start in range(len(sessions) - k):
            window = sessions[start : start + k + 1]
            if all(s.id in facts.history_members for s in window):
                continue
            for e in _examiners_in(ctx, window):
                terms = [
                    1 if e in facts.history_members.get(s.id, ()) else v.sit(s.id, e)
                    for s in window
                ]
                if sum(1 for t in terms if not isinstance(t, int) or t) > k:
                    ctx.add(sum(terms) <= k, "H7", window[-1].id, e)


def _examiners_in(ctx: Context, window: list) -> set[str]:
    out: set[str] = set()
    for s in window:
        out.update(ctx.facts.history_members.get(s.id, ()))
        out.update(ctx.facts.eligible.get(s.id, ()))
    return out
