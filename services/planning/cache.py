"""Stored plans loaded once per process: their instance, result, and what is read from them.

A plan's `instance` and `result` never change once stored (an edit or a what-if stores a new
version; publishing changes only the status). Loading them is the slow part of every plan page
at XL (a 4 MB instance validated into the solver's objects, the checker reading 2 500 panels),
so a `PlanCache` keeps the last few plans loaded, keyed by the plan row's identity, and each
`LoadedPlan` computes the checker's reading, findings and eligibility facts once, on first use.
The JSON API, which sends panels as stored, asks for the result alone (the instance is read
the first time a page needs it).

A cache belongs to one database (the web app keeps one per app): row ids are only unique
within a database. It relies on stored plans never changing: code that ever rewrote a plan's
`instance` or `result` in place would have to give it a new `created_at` (the key) or clear
the cache.
"""

from __future__ import annotations

import gc
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Hashable
from functools import cached_property
from typing import Any, TypeVar

from models import Plan
from services.messages import level_words
from services.planning.plans import loaded
from solver.check import Plan as Reading
from solver.check import check, read_plan
from solver.facts import Facts
from solver.schema import Assignment, Diagnostic, Instance, Result, Session

T = TypeVar("T")
DEFAULT_SIZE = 4  # plans kept loaded (an XL plan with its findings: about 41 MiB, measured)
MEMO_SIZE = 256  # derived results kept per plan


class LoadedPlan:
    """One stored plan as the solver's objects, with what the pages read from it, computed once."""

    def __init__(self, raw_result: dict[str, Any], instance: Instance | None = None) -> None:
        self.raw_result = raw_result  # as stored (the JSON API sends it as it is)
        self._instance = instance
        self._lock = threading.RLock()  # a computation may use another one
        self._memo: OrderedDict[Hashable, Any] = OrderedDict()

    @classmethod
    def of(cls, plan: Plan) -> LoadedPlan:
        """`plan` loaded here and now, outside any cache."""
        return cls(plan.result, loaded(plan.instance)[0])

    @property
    def instance(self) -> Instance:
        """The instance that was solved (loaded by `PlanCache.get` unless told not to)."""
        if self._instance is None:
            raise LookupError("the plan's instance was not loaded")
        return self._instance

    @cached_property
    def result(self) -> Result:
        """The stored result as the solver's object."""
        return Result.model_validate(self.raw_result)

    @cached_property
    def sessions(self) -> list[Session]:
        """The planned sessions in time order (start, id)."""
        return sorted(self.instance.sessions, key=lambda s: s.order_key)

    @cached_property
    def panels(self) -> dict[str, Assignment]:
        """Each session's (first) assignment."""
        panels: dict[str, Assignment] = {}
        for a in self.result.assignments:
            panels.setdefault(a.session, a)
        return panels

    def panel_dicts(self) -> list[dict[str, Any]]:
        """The panels as `services.whatif.rerun.differences` reads them."""
        return [
            {"session": a.session, "leader": a.leader, "members": list(a.members)}
            for a in self.panels.values()
        ]

    @cached_property
    def names(self) -> dict[str, str]:
        """Examiner names by code."""
        return {e.id: e.name for e in self.instance.examiners}

    @cached_property
    def places(self) -> dict[str, str]:
        """Venue names by id (the id when a venue has no name)."""
        return {v.id: v.name or v.id for v in self.instance.venues}

    @cached_property
    def trades(self) -> dict[str, str]:
        """Occupation names by code (the code when one has no name)."""
        return {o.code: o.name or o.code for o in self.instance.occupations}

    def session_labels(self, lang: str = "zh") -> dict[str, str]:
        """Per session, when, where and what: `2026-03-02 08:30 · venue · occupation 五级`."""
        return {
            s.id: f"{s.start:%Y-%m-%d %H:%M} · {self.places.get(s.venue, s.venue)} · "
            f"{self.trades.get(s.occupation, s.occupation)} {level_words(s.level, lang)}"
            for s in self.instance.sessions
        }

    @cached_property
    def search_text(self) -> dict[str, str]:
        """Per session, what a search matches (lower case): its code, venue, occupation and
        the codes and names of its panel."""
        venues = {v.id: f"{v.id} {v.name or ''}" for v in self.instance.venues}
        trades = {o.code: f"{o.code} {o.name or ''}" for o in self.instance.occupations}
        texts = {}
        for s in self.instance.sessions:
            a = self.panels.get(s.id)
            people = [f"{m} {self.names.get(m, '')}" for m in (a.members if a else ())]
            parts = [s.id, venues.get(s.venue, s.venue), trades.get(s.occupation, s.occupation)]
            texts[s.id] = " ".join([*parts, *people]).lower()
        return texts

    def matches(self, session: Session, query: str) -> bool:
        """Whether the search `query` matches `session` (see `search_text`)."""
        return query.strip().lower() in self.search_text.get(session.id, "")

    @cached_property
    def facts(self) -> Facts:
        """The solver's eligibility facts (H2-H4 reasons), for candidate lists."""
        return Facts(self.instance)

    def reading(self, lang: str) -> Reading:
        """The checker's reading of the plan (panels, timeline) with sentences in `lang`."""
        return self.memo(f"reading/{lang}", lambda: read_plan(self.instance, self.result.assignments, lang)[0])  # fmt: skip

    def findings(self, lang: str) -> list[Diagnostic]:
        """Every finding of the checker on the plan, in `lang`."""
        return self.memo(f"findings/{lang}", lambda: check(self.instance, self.result, lang))

    def findings_by_session(self, lang: str) -> dict[str | None, list[Diagnostic]]:
        """The findings grouped by session (plan-wide ones under None)."""

        def group() -> dict[str | None, list[Diagnostic]]:
            grouped: dict[str | None, list[Diagnostic]] = defaultdict(list)
            for d in self.findings(lang):
                grouped[d.session].append(d)
            return dict(grouped)

        return self.memo(f"by_session/{lang}", group)

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """`compute()`, computed once for this plan under `key` (the pages' own derived data:
        findings, a seat's candidates); the least recently used go past `MEMO_SIZE`."""
        with self._lock:  # one computation per key, even with several requests at once
            if key not in self._memo:
                self._memo[key] = compute()
                while len(self._memo) > MEMO_SIZE:
                    self._memo.popitem(last=False)
            self._memo.move_to_end(key)
            return self._memo[key]  # type: ignore[no-any-return]


class PlanCache:
    """The last `size` plans loaded (least recently used first out); safe across threads."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self._plans: OrderedDict[Hashable, LoadedPlan] = OrderedDict()
        self._lock = threading.Lock()
        self._loading: dict[Hashable, threading.Lock] = {}

    def __len__(self) -> int:
        return len(self._plans)

    def get(self, plan: Plan, instance: bool = True) -> LoadedPlan:
        """`plan` loaded (without `instance`, only its result, as the JSON API needs); its JSON
        columns are read from the database only on a miss, once however many requests ask."""
        key = (plan.id, plan.version, plan.created_at)
        with self._lock:
            found = self._plans.get(key)
            if found is not None:
                self._plans.move_to_end(key)
                if found._instance is not None or not instance:
                    return found
            loading = self._loading.setdefault(key, threading.Lock())
        with loading:
            with self._lock:
                found = self._plans.get(key)
            if found is None:
                found = LoadedPlan(plan.result)
            if instance and found._instance is None:
                found._instance = loaded(plan.instance)[0]
            # A loaded XL plan is millions of objects that stay: kept out of the collector's
            # full passes, which would otherwise walk them all and stall every request in
            # flight (reference counting still frees them when the plan leaves the cache).
            gc.freeze()
            with self._lock:
                self._plans[key] = found
                self._plans.move_to_end(key)
                self._loading.pop(key, None)
                while len(self._plans) > self.size:
                    self._plans.popitem(last=False)
        return found
