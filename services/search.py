"""Text search in SQL, one way for every list: what the planner typed is matched literally.

`contains` escapes LIKE's wildcards (`%`, `_`) and the escape character itself, so `?q=%`
finds a percent sign, never every row. `visible_contains` searches a masked field (ID
numbers, phones) only in the characters the reader sees: a viewer who sees
`320404********0899` must not learn the hidden digits by watching which searches keep the
examiner in the results, so those digits never take part in the match — not even an exact
match of the whole number, which would let a script try every birth date (about 3,000
guesses once the check character is known).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, case, func, or_

ESCAPE = "\\"

# Which characters a masked value keeps, by length: (shortest length, head, tail), longest
# first. The same rules as the masks people see (`services.exports.layout`).
ID_VISIBLE = ((15, 6, 4), (5, 2, 2), (1, 1, 1))
PHONE_VISIBLE = ((8, 3, 4), (1, 1, 1))


def like_pattern(text: str) -> str:
    """`%text%` with LIKE's wildcards and the escape character escaped."""
    for special in (ESCAPE, "%", "_"):
        text = text.replace(special, ESCAPE + special)
    return f"%{text}%"


def contains(column: Any, text: str) -> ColumnElement[bool]:
    """`column` contains `text` literally (no wildcard in `text` means anything)."""
    return column.like(like_pattern(text), escape=ESCAPE)  # type: ignore[no-any-return]


def visible_contains(
    column: Any, text: str, visible: tuple[tuple[int, int, int], ...]
) -> ColumnElement[bool]:
    """`text` is inside the kept head or the kept tail of `column` as masked by `visible`."""
    length = func.length(column)
    rules, (_, head_rest, tail_rest) = visible[:-1], visible[-1]

    def tail_of(keep: int) -> Any:
        return func.substr(column, length - (keep - 1))  # the last `keep` characters

    head = case(
        *((length >= least, func.substr(column, 1, keep)) for least, keep, _ in rules),
        else_=func.substr(column, 1, head_rest),
    )
    tail = case(
        *((length >= least, tail_of(keep)) for least, _, keep in rules), else_=tail_of(tail_rest)
    )
    return or_(contains(head, text), contains(tail, text))
