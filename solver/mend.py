"""Mend a plan by seat exchanges where the flow cannot, then hand seats to idler examiners.

The flow of `solver.bound` spreads seats fairly but sees neither an examiner's runs at one
venue nor how much a panel differs from the one before it. On terms whose sessions crowd at
one venue, banning the seats the checker names and solving the flow again only moves the
runs elsewhere (three-sites/M: 31-55 of 150 sessions stay broken). Here the plan itself
changes by the moves of `solver.exchange`: a tabu search makes, at each step, the best move
touching a few broken places (fewest breaks, then least Σ load²), even one that breaks
more, except that nobody takes back a seat they just left. Once nothing is broken, seats
go from busier to idler examiners, directly or through a go-between, while nothing breaks.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from .exchange import Exchange, Move
from .facts import Facts

PLACES = 4  # broken places whose moves are weighed at each step
TENURE = 6  # steps during which nobody takes back a seat they left (plus up to as many more)
STEPS, STEPS_PER_BREAK = 300, 20  # most steps of one repair
MOVES, MOVES_PER_SEAT = 20_000, 60  # most moves weighed by one repair (1-2 s at M)
LEAN_MOVES, LEAN_MOVES_PER_SEAT = 2_000, 10  # and by one round of leaning (0.1-0.3 s at S-M)


def _budget(facts: Facts) -> int:
    return max(MOVES, MOVES_PER_SEAT * sum(facts.sizes.values()))


def exchanged(
    facts: Facts,
    panels: dict[str, set[str]],
    deadline: float | None = None,
    seed: int = 0,
    floor: int | None = None,
    polish: int | None = None,
) -> dict[str, set[str]] | None:
    """`panels` with every run, overlap and turnover mended by exchanges, or None.

    A tabu search: each step makes the best move touching a few broken places, even one that
    breaks more, except that nobody goes back for a while to a seat they just left. Then
    seats go to idler examiners until Σ load² reaches `floor` (a lower bound: the flow's),
    no move lowers it, or the polish has weighed `polish` moves (None: the repair's budget).
    """
    state = Exchange(facts, {s: set(m) for s, m in panels.items()}, deadline, _budget(facts))
    rng = random.Random(seed)
    tabu: dict[tuple[str, str], int] = {}  # (session, examiner) -> step until which it is tabu
    broken = state.breaks()
    steps = STEPS_PER_BREAK * len(broken) + STEPS
    for step in range(steps):
        if not broken:
            if polish is not None and state.budget is not None:
                state.budget = min(state.budget, state.weighed + polish)
            _polish(state, rng, floor)
            return state.members
        if state.stopped():
            return None
        rng.shuffle(broken)
        best: tuple[tuple[int, int], Move] | None = None
        for place in broken[:PLACES]:
            for move in state.moves(place):
                score = state.delta(move)
                if (best is None or score < best[0]) and (
                    score[0] < 0 or not any(tabu.get((s, b), -1) >= step for s, _, b in move)
                ):
                    best = (score, move)
        if best is None:
            return None
        state.apply(best[1])
        for s, leaving, _ in best[1]:
            tabu[(s, leaving)] = step + TENURE + rng.randrange(TENURE)
        broken = state.breaks()
    return state.members if not broken else None


def _polish(state: Exchange, rng: random.Random, floor: int | None) -> None:
    """Hand seats from busier examiners to idler ones while nothing breaks (Σ load² falls):
    directly, or through a go-between who passes on another seat of theirs; never past
    `floor`, which no plan goes below (at XL a polish past it weighed moves for minutes)."""
    while not state.stopped() and (floor is None or state.squares() > floor):
        seats = _busiest_seats(state, rng)
        if not any(state.stopped() or _descend(state, s, e) for s, e in seats) and not any(
            state.stopped() or _relay(state, s, e) for s, e in seats
        ):
            return


def _busiest_seats(state: Exchange, rng: random.Random) -> list[tuple[str, str]]:
    seats = [
        (s, e)
        for s, who in state.members.items()
        for e in sorted(who)
        if (s, e) not in state.locked
    ]
    rng.shuffle(seats)
    return sorted(seats, key=lambda seat: -state.loads[seat[1]])


def _descend(state: Exchange, s: str, e: str) -> bool:
    """Make the first shift of `e`'s seat at `s` to someone two sessions idler that breaks nothing."""
    for move in _lighter(state, s, e, state.loads[e]):
        if state.delta(move)[0] <= 0:
            state.apply(move)
            return True
    return False


def _relay(state: Exchange, s: str, e: str) -> bool:
    """`e` hands `s` to a go-between, who hands one of their seats to someone idler than `e`."""
    busy = state.loads[e]
    for other in state.facts.eligible[s]:
        if state.stopped():
            return False
        first: Move = ((s, e, other),)
        if not (state.may_leave(s, e, other) and state.may_join(s, other)):
            continue
        broke = state.delta(first)[0]
        if broke > 1:
            continue
        state.apply(first)
        for t in sorted(t for t in state.served[other] if t in state.members and t != s):
            for move in _lighter(state, t, other, busy):
                if broke + state.delta(move)[0] <= 0:
                    state.apply(move)
                    return True
        state.apply(first, undo=True)
    return False


def _lighter(state: Exchange, s: str, e: str, busy: int) -> Iterator[Move]:
    """Shifts of `e`'s seat at `s` to someone with at least two sessions fewer than `busy`."""
    if (s, e) in state.locked:
        return
    others = [x for x in state.facts.eligible[s] if state.loads[x] <= busy - 2]
    for x in sorted(others, key=state.loads.__getitem__):
        if state.may_leave(s, e, x) and state.may_join(s, x):
            yield ((s, e, x),)


def leaned(
    facts: Facts,
    panels: dict[str, set[str]],
    leaders: dict[str, str],
    deadline: float | None = None,
    seed: int = 0,
) -> dict[str, set[str]]:
    """`panels` with as many sessions as swaps allow holding their leader in `leaders`.

    `leaders` are the fairest leaders ignoring panels (`bound.relax_leaders`); where every
    panel holds its own, the leader level's bound is met. A swap (the leader takes the seat
    of a member, who takes one of the leader's other seats) keeps every load, so Σ load² is
    unchanged, and it is made only when it breaks nothing.
    """
    budget = max(LEAN_MOVES, LEAN_MOVES_PER_SEAT * sum(facts.sizes.values()))
    state = Exchange(facts, {s: set(m) for s, m in panels.items()}, deadline, budget)
    if state.breaks():
        return panels
    rng = random.Random(seed)
    for cycles in (False, True):  # every cheap swap first, then the dearer cycles
        improved = True
        while improved:
            improved = False
            missing = sorted(
                s for s, e in leaders.items() if s in state.members and e not in state.members[s]
            )
            rng.shuffle(missing)
            for s in missing:
                if state.stopped():
                    return state.members
                moves = _leader_moves(state, s, leaders, cycles)
                move = next((m for m in moves if state.delta(m)[0] <= 0), None)
                if move is not None:
                    state.apply(move)
                    improved = True
    return state.members


def _leader_moves(state: Exchange, s: str, leaders: dict[str, str], cycles: bool) -> Iterator[Move]:
    """Exchanges that seat `leaders[s]` at `s`, taking none of the seats they are to lead:
    swaps (the leader and a member trade seats) or, with `cycles`, three-way cycles (the
    member moves on to a third session, whose member takes the leader's old seat)."""
    lead = leaders[s]
    seats = [
        t
        for t in sorted(state.served[lead])
        if t in state.members and leaders.get(t) != lead and state.may_join(s, lead, t)
    ]
    for t in seats:
        for e in sorted(state.members[s]):
            if not state.may_leave(s, e, lead):
                continue
            if cycles:
                yield from _cycles(state, s, e, lead, t)
            elif state.may_leave(t, lead, e) and state.may_join(t, e, leaving=s):
                yield ((s, e, lead), (t, lead, e))


def _cycles(state: Exchange, s: str, e: str, lead: str, t: str) -> Iterator[Move]:
    """`lead` takes `e`'s seat at `s`, `e` a seat at some `u`, whose member takes `t`."""
    for u in state.members:
        if u in (s, t) or not state.may_join(u, e, leaving=s):
            continue
        for f in sorted(state.members[u]):
            if (
                f != lead
                and state.may_leave(u, f, e)
                and state.may_leave(t, lead, f)
                and state.may_join(t, f, leaving=u)
            ):
                yield ((s, e, lead), (u, f, e), (t, lead, f))
