"""Query parameters of the API: read one by one, every problem collected, then refused at
once with a 400 whose `errors` say what each parameter should be (planner's language)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from solver.numbers import BadNumber, whole

from ..language import service_lang
from ..numbers import FARTHEST

# (default, most) rows a response holds: a week of sessions at XL is about 50 (one page),
# a whole term's 2,500 sessions or panels take pages, each read in a few milliseconds.
LIMITS = {"sessions": (200, 1000), "assignments": (200, 1000)}


class BadParameters(Exception):
    """Query parameters the API cannot read; `errors` says why, one line each."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class Params:
    """The request's query parameters, parsed one at a time; problems collect in `errors`."""

    args: MultiDict[str, str] = field(default_factory=lambda: request.args)
    errors: list[str] = field(default_factory=list)

    def whole(self, name: str, default: int, least: int, most: int) -> int:
        """A whole number from `least` to `most`; `default` when absent."""
        raw = self.args.get(name, "").strip()
        if not raw:
            return default
        try:
            return whole(raw, least, most)
        except BadNumber:
            self.errors.append(_("Parameter %(name)s must be a whole number from %(least)s to "
                                 "%(most)s.", name=name, least=least, most=most))  # fmt: skip
            return default

    def number(self, name: str, kind: Callable[..., Any], bounds: tuple, raw: Any) -> Any:
        """A value of a JSON body read by the shared number parser (`solver.numbers`)."""
        try:
            return kind(raw, *bounds)
        except BadNumber as bad:
            self.errors.append(f"{name}: {bad.text(service_lang())}")
            return None

    def day(self, name: str, given: Any = None) -> date | None:
        """A date written YYYY-MM-DD (the query's, else `given`), or None when absent."""
        raw = self.args.get(name, "").strip() or given
        if not raw:
            return None
        try:
            return date.fromisoformat(raw)
        except (TypeError, ValueError):
            self.errors.append(
                _("Parameter %(name)s must be a date written YYYY-MM-DD.", name=name)
            )
            return None

    def days(self) -> tuple[date | None, date | None]:
        """`from` and `to` (either may be absent), refused when reversed."""
        first, last = self.day("from"), self.day("to")
        if first and last and first > last:
            text = _("The range is reversed: from %(first)s is after to %(last)s.",
                     first=first.isoformat(), last=last.isoformat())  # fmt: skip
            self.errors.append(text)
        return first, last

    def done(self) -> None:
        """Refuse the request (400) if any parameter was bad."""
        if self.errors:
            raise BadParameters(self.errors)


@dataclass(frozen=True)
class Window:
    """Which rows of a list one response holds: `limit` rows from `offset`."""

    offset: int
    limit: int

    def paging(self, total: int) -> dict[str, Any]:
        """The response's paging fields: offset, limit, total, and the path of the next page
        (the same parameters with the next offset; null on the last page)."""
        after = self.offset + self.limit
        following = None
        if after < total:
            args = {**(request.view_args or {}), **request.args.to_dict()}
            args.update(offset=after, limit=self.limit)
            following = url_for(str(request.endpoint), **args)
        return {"offset": self.offset, "limit": self.limit, "total": total, "next": following}


def window(params: Params, default: int, most: int) -> Window:
    """`offset` (from 0) and `limit` (1 to `most`, `default` when absent)."""
    return Window(params.whole("offset", 0, 0, FARTHEST), params.whole("limit", default, 1, most))
