"""Numbers as people type them: the one parser of web forms, query strings, JSON bodies and
command lines (issue 13).

Only plain decimal writing is read: optional sign, ASCII digits, for decimals an optional
point. Everything else is refused with a message saying what to write, never an exception
that escapes as a crash: `²` and other Unicode digits (`str.isdigit` says yes, `int` says
no), `--5`, `1e999`, `nan`, `inf`, thousands of digits, values outside the range the
caller allows (a database integer, a CP-SAT seed). JSON numbers are accepted as numbers
when finite, integral where a whole number is asked for, and in range; `true` is not 1.
The standard library only (the solver is pure), so every floor can use it.
"""

from __future__ import annotations

import argparse
import math
import re
from collections.abc import Callable
from typing import Any

from .messages import pick

INT32 = 2**31 - 1  # the largest seed CP-SAT takes; ids and page numbers stay far below it
MAX_DIGITS = 30  # longer text is no number anybody typed (and int() of it costs time)
_WHOLE = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")

MESSAGES = {
    "not_whole": {
        "zh": "“{value}”不是整数（请用阿拉伯数字书写）",
        "en": "“{value}” is not a whole number (write it in digits 0-9)",
    },
    "not_number": {
        "zh": "“{value}”不是数字（请用阿拉伯数字书写，如 60 或 2.5）",
        "en": "“{value}” is not a number (write it in digits, e.g. 60 or 2.5)",
    },
    "out_of_range": {
        "zh": "“{value}”超出范围：应在 {least} 至 {most} 之间",
        "en": "“{value}” is out of range: it must be from {least} to {most}",
    },
}


class BadNumber(ValueError):
    """A value that is not a number in range; `text(lang)` says why."""

    def __init__(self, key: str, value: Any, **params: Any) -> None:
        self.key, self.params = key, {"value": shown(value), **params}
        super().__init__(self.text("en"))

    def text(self, lang: str = "zh") -> str:
        """The reason in the planner's language."""
        return pick(MESSAGES[self.key], lang).format(**self.params)

    def both(self) -> str:
        """The reason in Chinese and in English (command lines)."""
        return f"{self.text('zh')} / {self.text('en')}"


def shown(value: Any, width: int = 40) -> str:
    """A value as it may be repeated back: printable, cut to `width` characters."""
    text = "".join(c if c.isprintable() else "\ufffd" for c in str(value))
    return text if len(text) <= width else text[: width - 1] + "…"


def whole(value: Any, least: int = -INT32, most: int = INT32) -> int:
    """A whole number from `least` to `most` (text or a JSON number); `BadNumber` otherwise."""
    if isinstance(value, str):
        raw = value.strip()
        if not _WHOLE.fullmatch(raw):
            raise BadNumber("not_whole", value)
        number = int(raw) if len(raw) <= MAX_DIGITS else _far(raw, least, most)
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and math.isfinite(value) and value.is_integer():
        number = int(value)
    else:
        raise BadNumber("not_whole", value)
    return _in_range(number, value, least, most)


def decimal(value: Any, least: float, most: float) -> float:
    """A finite number from `least` to `most` (text or a JSON number); `BadNumber` otherwise."""
    if isinstance(value, str):
        raw = value.strip()
        if not _DECIMAL.fullmatch(raw):
            raise BadNumber("not_number", value)
        number = float(raw) if len(raw) <= MAX_DIGITS else _far(raw, least, most)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    else:
        raise BadNumber("not_number", value)
    if not math.isfinite(number):
        raise BadNumber("not_number", value)
    return _in_range(number, value, least, most)


def _far(raw: str, least: Any, most: Any) -> Any:
    """A number written with more digits than any range here holds: just past its end."""
    return least - 1 if raw.startswith("-") else most + 1


def _in_range(number: Any, value: Any, least: Any, most: Any) -> Any:
    if not least <= number <= most:
        raise BadNumber("out_of_range", value, least=_plain(least), most=_plain(most))
    return number


def _plain(bound: float) -> str:
    """A bound as people write it: 604800, not 604800.0; 0.001, not 1e-03."""
    return f"{bound:,.3f}".rstrip("0").rstrip(".") if bound != int(bound) else f"{int(bound):,}"


def argument(kind: Callable[..., Any], *bounds: Any) -> Callable[[str], Any]:
    """An argparse `type=`: the parser above, its refusal shown in both languages (exit 2)."""

    def read(text: str) -> Any:
        try:
            return kind(text, *bounds)
        except BadNumber as bad:
            raise argparse.ArgumentTypeError(bad.both()) from None

    read.__name__ = kind.__name__
    return read
