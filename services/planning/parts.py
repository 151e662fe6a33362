"""The part of a plan that one change can affect, for checking it quickly on large terms.

Replacing one seat of one session changes what the checker finds only on: the sessions of the
examiners coming and leaving (H5, H7 examiner sequence), the session's rotation lineage (H6),
its venue's sessions when the venue sequence counts (H7), and the locks on those (H8).
`around` cuts that part out of an instance and result; `lineage` the lineage alone. An
`Index` looks up what every cut needs once per candidate list.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from solver.schema import (
    Assignment,
    Candidate,
    Conflict,
    HistoryEntry,
    Instance,
    Lock,
    Result,
    SessionBase,
)
from solver.schema import Session as PlannedSession


@dataclass(frozen=True)
class Index:
    """Looked up once per candidate list: candidates by id, each examiner's sessions and
    history, and the sessions near each session (`near`, computed on first use)."""

    candidates: dict[str, Candidate]
    seats: dict[str, set[str]]
    history: dict[str, list[HistoryEntry]]
    conflicts: dict[str, list[Conflict]]
    locks: dict[str, list[Lock]]
    sessions: dict[str, tuple[int, PlannedSession]]  # with their place in the instance
    panels: dict[str, list[Assignment]]  # the result's assignments by session
    nearby: dict[str, Near] = field(default_factory=dict)

    @classmethod
    def of(cls, instance: Instance, result: Result) -> Index:
        seats: dict[str, set[str]] = defaultdict(set)
        for a in result.assignments:
            for m in a.members:
                seats[m].add(a.session)
        history: dict[str, list[HistoryEntry]] = defaultdict(list)
        for h in instance.history:
            for m in h.members:
                history[m].append(h)
        conflicts: dict[str, list[Conflict]] = defaultdict(list)
        for c in instance.conflicts:
            conflicts[c.examiner].append(c)
        locks: dict[str, list[Lock]] = defaultdict(list)
        for lock in instance.locks:
            locks[lock.session].append(lock)
        panels: dict[str, list[Assignment]] = defaultdict(list)
        for a in result.assignments:
            panels[a.session].append(a)
        candidates = {c.id: c for c in instance.candidates}
        sessions = {s.id: (i, s) for i, s in enumerate(instance.sessions)}
        return cls(
            candidates, dict(seats), dict(history), dict(conflicts), dict(locks), sessions,
            dict(panels),
        )  # fmt: skip

    def near(self, instance: Instance, session: str) -> Near:
        """The sessions and history whose findings a change on `session` may touch besides the
        examiners': its rotation lineage (H6) and, with the venue-sequence rule, its venue (H7)."""
        if session not in self.nearby:
            s = next(x for x in instance.sessions if x.id == session)
            policy = instance.policy
            by_venue = policy.consecutive_rule in ("venue_sequence", "both")
            by_occupation = policy.rotation_scope == "occupation"

            def line(x: SessionBase) -> bool:
                return x.occupation == s.occupation and (by_occupation or x.venue == s.venue)

            def near(x: SessionBase) -> bool:
                return line(x) or (by_venue and x.venue == s.venue)

            self.nearby[session] = Near(
                {x.id for x in instance.sessions if near(x)},
                {x.id for x in instance.sessions if line(x)},
                [h for h in instance.history if near(h.session)],
                [h for h in instance.history if line(h.session)],
            )
        return self.nearby[session]


@dataclass(frozen=True)
class Near:
    """What a change on one session may touch besides the examiners' own sessions."""

    sessions: set[str]  # the lineage and, with the venue-sequence rule, the venue
    line: set[str]  # the rotation lineage alone (H6 reads whole panels)
    history: list[HistoryEntry]  # of the sessions
    line_history: list[HistoryEntry]  # of the lineage


def around(
    instance: Instance,
    result: Result,
    session: str,
    examiner: str,
    index: Index | None = None,
    leaving: str | None = None,
    only_theirs: bool = False,
) -> tuple[Instance, Result]:
    """The part of the plan that `examiner` joining `session` can change the findings of.

    H5 and H7 (examiner sequence) read the panels of the examiner and of the one `leaving`,
    H6 the session's rotation lineage, H7 (venue sequence) the venue's sessions, H8 the locks
    on them; history is cut the same way. Checking this part instead of the whole plan keeps
    the candidate list quick on large terms (two checks per candidate). With `only_theirs`,
    the panels keep only those two examiners, and the locks only theirs: enough for H5, H7
    and H8, which judge everyone else the same before and after (H6 needs whole panels:
    `lineage`).
    """
    index = index or Index.of(instance, result)
    near = index.near(instance, session)
    # The one leaving the seat counts too: a visit elsewhere gone may join two runs (H7).
    people = {examiner, leaving or examiner}
    keep = near.sessions.union(*(index.seats.get(p, ()) for p in people))
    planned = sorted((i for i in keep if i in index.sessions), key=lambda i: index.sessions[i][0])
    sessions = tuple(index.sessions[i][1] for i in planned)
    history = {id(h): h for h in near.history}
    for p in people:
        history |= {id(h): h for h in index.history.get(p, ())}
    kept = [a for i in sorted(keep) for a in index.panels.get(i, ())]
    locks = [lock for i in keep for lock in index.locks.get(i, ())]
    examiners = instance.examiners
    if only_theirs:
        kept = [_theirs(a, people) for a in kept]
        history = {k: _theirs(h, people) for k, h in history.items()}
        locks = [lock for lock in locks if lock.examiner in people]
        examiners = tuple(e for e in examiners if e.id in people)
    listed = () if only_theirs else {c for x in sessions for c in x.candidates or ()}  # H4 only
    part = instance.model_copy(
        update={
            "sessions": sessions,
            "examiners": examiners,
            "locks": tuple(locks),
            # Everyone else's recusals read the same before and after: only theirs matter.
            "conflicts": tuple(c for p in people for c in index.conflicts.get(p, ())),
            "candidates": tuple(index.candidates[c] for c in listed if c in index.candidates),
            "history": tuple(history.values()),
        }
    )
    return part, result.model_copy(update={"assignments": kept})


def lineage(
    instance: Instance, result: Result, session: str, index: Index | None = None
) -> tuple[Instance, Result]:
    """The session's rotation lineage alone (planned panels and history, whole): all that H6
    reads when that session's panel changes."""
    index = index or Index.of(instance, result)
    near = index.near(instance, session)
    planned = sorted(
        (i for i in near.line if i in index.sessions), key=lambda i: index.sessions[i][0]
    )
    part = instance.model_copy(
        update={
            "sessions": tuple(index.sessions[i][1] for i in planned),
            "locks": (),
            "conflicts": (),
            "candidates": (),
            "history": tuple(near.line_history),
        }
    )
    kept = [a for i in sorted(near.line) for a in index.panels.get(i, ())]
    return part, result.model_copy(update={"assignments": kept})


def _theirs(a: Any, people: set[str]) -> Any:
    """An assignment or history entry with only `people` on its panel."""
    members = tuple(m for m in a.members if m in people)
    return a.model_copy(
        update={"members": members, "leader": a.leader if a.leader in people else None}
    )
