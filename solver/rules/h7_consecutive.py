"""H7 consecutive venues — notice art. 4: "考评人员在同一考点从事考评工作不能连续超过三次".

`examiner_sequence`: in each examiner's own sequence of sessions (history
included, ordered by (start, id)) no run at one venue is longer than K. For
every venue a counter follows the examiner's visits there: it grows by one
per session served at that venue and may drop to zero only if a session at
another venue was served since the last one. The counters only need lower
bounds, so a plan is feasible exactly when the true run lengths stay <= K.
A run made only of history is not this plan's doing and is not constrained;
it only carries its length (capped at K) into the horizon.

`venue_sequence`: at each venue, in its sessions' order, no examiner sits on
more than K of any K + 1 consecutive sessions; windows made only of history
are skipped for the same reason.
"""

from __future__ import annotations

from collections import defaultdict

from .context import Context

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
    positions: dict[str, list[int]] = defaultdict(list)
    for i, (s, _) in enumerate(rest):
        positions[s.venue].append(i)
    for venue, idxs in positions.items():
        if carry.get(venue, 0) + len(idxs) <= k:
            continue
        _windows(ctx, examiner, rest, idxs, carry.get(venue, 0), k)
        _aggregate(ctx, examiner, rest, venue, carry.get(venue, 0), k)
        count, last = carry.get(venue, 0), -1
        for i in idxs:
            others = [lit for s, lit in rest[last + 1 : i] if s.venue != venue]
            count = _step(ctx, examiner, rest[i], count, others, k)
            last = i


def _windows(ctx: Context, examiner: str, rest: list, idxs: list[int], carry: int, k: int) -> None:
    """Redundant cuts for the LP: K + 1 visits in a row need a visit elsewhere in between.

    For consecutive visits p_j..p_{j+K} at the venue: served(p) - served(elsewhere between) <= K.
    The counters alone are exact but their big-M reset makes a weak relaxation.
    """
    venue = rest[idxs[0]][0].venue
    starts = [-1] * carry + idxs  # the history run counts as already-served visits
    for j in range(len(starts) - k):
        window = starts[j : j + k + 1]
        first = max(window[0], 0)
        served = [1 if rest[i][1] is HISTORY else rest[i][1] for i in window if i >= 0]
        others = [lit for s, lit in rest[first : window[-1]] if s.venue != venue]
        if any(o is HISTORY for o in others):
            continue
        ctx.add(
            sum(served) + (k + 1 - len(served)) - sum(others) <= k,
            "H7",
            rest[window[-1]][0].id,
            examiner,
        )


def _aggregate(ctx: Context, examiner: str, rest: list, venue: str, carry: int, k: int) -> None:
    """Redundant cut: visits here <= K x (1 + visits elsewhere) - carried run.

    The visits at the venue fall into runs separated by visits elsewhere, at
    most one more run than such visits, each at most K long, and the first
    one continues the history run when nothing else comes before it.
    """
    here = [1 if lit is HISTORY else lit for s, lit in rest if s.venue == venue]
    away = [1 if lit is HISTORY else lit for s, lit in rest if s.venue != venue]
    ctx.add(sum(here) <= k * (1 + sum(away)) - carry, "H7", None, examiner)


def _step(ctx: Context, examiner: str, item, count, others: list, k: int):
    """Next counter value after serving (or not) `item`; resets if another venue was served."""
    session, lit = item
    nxt = ctx.model.new_int_var(0, k, f"run[{examiner},{session.id}]")
    served = 1 if lit is HISTORY else lit
    if any(o is HISTORY for o in others):
        ctx.add(nxt >= served, "H7", session.id, examiner)
    elif others:
        moved = ctx.model.new_bool_var(f"moved[{examiner},{session.id}]")
        ctx.model.add(moved <= sum(others))
        # After a visit elsewhere the run restarts at this visit: nxt >= served, and
        # nxt >= count + served unless moved (count <= K, so K * moved relaxes it fully).
        ctx.add(nxt >= served, "H7", session.id, examiner)
        ctx.add(nxt >= count + served - k * moved, "H7", session.id, examiner)
    else:
        ctx.add(nxt >= count + served, "H7", session.id, examiner)
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
                if sum(1 for t in terms if t != 0) > k:
                    ctx.add(sum(terms) <= k, "H7", window[-1].id, e)


def _examiners_in(ctx: Context, window: list) -> set[str]:
    out: set[str] = set()
    for s in window:
        out.update(ctx.facts.history_members.get(s.id, ()))
        out.update(ctx.facts.eligible.get(s.id, ()))
    return out
