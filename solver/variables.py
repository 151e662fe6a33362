"""The CP-SAT decision variables, named deterministically, and the plan they encode.

Rules and objective terms reach variables only through this container's
methods, never through each other's dictionaries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from .facts import Facts
from .schema import Assignment

Literal = cp_model.IntVar


@dataclass
class Variables:
    """`sits[s, e]`: e is on s's panel; `leads[s, e]`: e leads it; `empty[s]`: empty seats."""

    model: cp_model.CpModel
    facts: Facts
    sits: dict[tuple[str, str], Literal] = field(default_factory=dict)
    leads: dict[tuple[str, str], Literal] = field(default_factory=dict)
    empty: dict[str, cp_model.IntVar] = field(default_factory=dict)
    staffed: dict[str, Literal] = field(default_factory=dict)
    _by_examiner: dict[str, list[tuple[str, Literal]]] | None = None

    @classmethod
    def create(cls, model: cp_model.CpModel, facts: Facts) -> Variables:
        """One boolean per (session, eligible examiner) pair, created in a fixed order.

        H3 and H4 are enforced here: an ineligible pair has no variable at all.
        """
        v = cls(model, facts)
        allow_unfilled = facts.policy.allow_unfilled
        for s in facts.instance.sessions:
            for e in facts.eligible[s.id]:
                v.sits[s.id, e] = model.new_bool_var(f"sits[{s.id},{e}]")
            for e in facts.can_lead[s.id]:
                v.leads[s.id, e] = model.new_bool_var(f"leads[{s.id},{e}]")
            size = facts.sizes[s.id]
            v.empty[s.id] = model.new_int_var(0, size if allow_unfilled else 0, f"empty[{s.id}]")
            if allow_unfilled:
                v.staffed[s.id] = model.new_bool_var(f"staffed[{s.id}]")
        return v

    def sit(self, session: str, examiner: str) -> Literal | int:
        """The literal 'examiner sits on session', or 0 when that cannot be."""
        return self.sits.get((session, examiner), 0)

    def lead(self, session: str, examiner: str) -> Literal | int:
        """The literal 'examiner leads session', or 0 when that cannot be."""
        return self.leads.get((session, examiner), 0)

    def members_of(self, session: str) -> list[tuple[str, Literal]]:
        """(examiner, literal) for every examiner who could sit on `session`."""
        return [(e, self.sits[session, e]) for e in self.facts.eligible[session]]

    def leaders_of(self, session: str) -> list[Literal]:
        return [self.leads[session, e] for e in self.facts.can_lead[session]]

    def sessions_of(self) -> dict[str, list[tuple[str, Literal]]]:
        """Examiner -> (session, literal) pairs, sessions in (start, id) order (computed once)."""
        if self._by_examiner is None:
            self._by_examiner = self._sessions_by_examiner()
        return self._by_examiner

    def _sessions_by_examiner(self) -> dict[str, list[tuple[str, Literal]]]:
        out: dict[str, list[tuple[str, Literal]]] = {}
        order = {s.id: s.order_key for s in self.facts.instance.sessions}
        for (s, e), lit in sorted(
            self.sits.items(), key=lambda item: (order[item[0][0]], item[0][1])
        ):
            out.setdefault(e, []).append((s, lit))
        return out

    def led_by(self) -> dict[str, list[Literal]]:
        """Examiner -> literals of the sessions they could lead."""
        out: dict[str, list[Literal]] = {}
        for (_, e), lit in self.leads.items():
            out.setdefault(e, []).append(lit)
        return out

    def plan(self, value: Callable[[Literal], int]) -> list[Assignment]:
        """Read the plan out of a solution, sessions in instance order, members sorted."""
        out = []
        for s in self.facts.instance.sessions:
            members = sorted(e for e, lit in self.members_of(s.id) if value(lit))
            leader = next(
                (e for e in self.facts.can_lead[s.id] if value(self.leads[s.id, e])), None
            )
            out.append(Assignment(session=s.id, leader=leader, members=tuple(members)))
        return out

    def all_literals(self) -> Iterable[Literal]:
        yield from self.sits.values()
        yield from self.leads.values()
