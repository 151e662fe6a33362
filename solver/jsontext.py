"""JSON text as the solver reads it (instances and results from files): strictly JSON, and
nothing a result could not be written back with (issue 13).

`json.loads` alone accepts `NaN` and `Infinity`, keeps lone surrogates (`"\\ud800"`, which no
UTF-8 file can hold, so writing the result fails) and overflows Python's stack on a few
thousand nested brackets; each of those is refused here as bad input, with its reason.
"""

from __future__ import annotations

import json
import re
from typing import Any

DEEPEST = 64  # an instance nests about six levels; far deeper is no instance
_SURROGATE = re.compile(r"[\ud800-\udfff]")


class BadJson(ValueError):
    """Text that is not JSON the solver reads; the message says why (English, short)."""


def decode(text: str) -> Any:
    """The JSON value of `text`; `BadJson` for invalid, too deep or unwritable content."""
    try:
        value = json.loads(text, parse_constant=_constant)
    except RecursionError:
        raise BadJson(f"nested more than {DEEPEST} levels deep") from None
    except json.JSONDecodeError as error:
        raise BadJson(str(error)) from None
    _check(value)
    return value


def _constant(name: str) -> Any:
    raise BadJson(f"{name} is not a JSON number")


def _check(value: Any) -> None:
    """Walk without recursion: refuse deep nesting and strings with lone surrogates."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > DEEPEST:
            raise BadJson(f"nested more than {DEEPEST} levels deep")
        if isinstance(item, dict):
            for key, inner in item.items():
                _text(key)
                stack.append((inner, depth + 1))
        elif isinstance(item, list):
            stack.extend((inner, depth + 1) for inner in item)
        elif isinstance(item, str):
            _text(item)


def _text(text: str) -> None:
    found = _SURROGATE.search(text)
    if found:
        code = f"\\u{ord(found.group()):04x}"
        raise BadJson(f"a string holds a lone surrogate {code} (not a character)")
