"""Input refused at the edge, before any view runs (issue 13): a NUL byte or another control
character, a lone surrogate, or a value far longer than anything a planner types, in the
query string, a form or a JSON body. PostgreSQL cannot store NUL and a value longer than its
column fails the statement; either would otherwise be a 500 deep inside a service. Also the
safety net behind it: a value the database still refuses (a column's length, an integer out
of range) is a 400 saying so, never a 500 or a log line holding the SQL parameters.

Routes' `<int:...>` parts stop at 2**31 - 1 (a larger id is no row of ours: 404, where the
databases would overflow).
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import DataError
from werkzeug.routing import IntegerConverter

from solver.messages import pick
from solver.numbers import INT32

from .language import service_lang

LONGEST = 10_000  # characters in one value: a work history fits, a pasted megabyte does not
LONGEST_SHORT = 200  # the sign-in name and searches: no column behind them is longer
SHORT = ("username", "q")
DEEPEST = 32  # nesting of a JSON body (the API's bodies are flat objects)
# C0 controls except tab, line feed and carriage return; DEL; UTF-16 surrogates.
_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")

MESSAGES = {
    "control": {
        "zh": "输入内容“{field}”含有不可见的控制字符（如 NUL），未被接受；请删除后重试",
        "en": "the input “{field}” holds an invisible control character (such as NUL) "
        "and was not accepted; remove it and try again",
    },
    "too_long": {
        "zh": "输入内容“{field}”过长（{length} 个字符，最多 {most} 个），未被接受",
        "en": "the input “{field}” is too long ({length} characters, at most {most}) "
        "and was not accepted",
    },
    "too_deep": {
        "zh": "JSON 内容嵌套过深（最多 {most} 层），未被接受",
        "en": "the JSON body is nested too deeply (at most {most} levels) and was not accepted",
    },
    "database": {
        "zh": "数据库拒绝了其中一个值（过长或超出范围），未保存任何内容；请检查后重试",
        "en": "the database refused one of the values (too long or out of range); "
        "nothing was saved - check the input and try again",
    },
}


class BoundedInt(IntegerConverter):
    """`<int:...>` in a route: 0 to 2**31 - 1 (both databases' INTEGER)."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", INT32)
        super().__init__(map, *args, **kwargs)


def init_app(app: Flask) -> None:
    """Bound `<int:...>` (before any blueprint adds a route) and check every request."""
    app.url_map.converters["int"] = BoundedInt
    app.before_request(check_request)
    app.register_error_handler(DataError, refused_by_database)


def problem_in(field: str, value: str) -> tuple[str, dict[str, Any]] | None:
    """What is wrong with one field's value (message key and parameters), or None."""
    most = LONGEST_SHORT if field in SHORT else LONGEST
    if _BAD.search(value) or _BAD.search(field):
        return "control", {"field": _shown(field)}
    if len(value) > most or len(field) > LONGEST_SHORT:
        return "too_long", {"field": _shown(field), "length": len(value), "most": most}
    return None


def check_request() -> ResponseReturnValue | None:
    """Refuse (400) a request whose path, query, form or JSON body holds a value no field
    takes."""
    for field, value in (request.view_args or {}).items():
        found = problem_in(field, value) if isinstance(value, str) else None
        if found:
            return _refuse(*found)
    for source in (request.args, request.form):
        for field, value in source.items(multi=True):
            found = problem_in(field, value)
            if found:
                return _refuse(*found)
    if request.is_json:
        found = _json_problem(request.get_json(silent=True))
        if found:
            return _refuse(*found)
    return None


def _json_problem(body: Any) -> tuple[str, dict[str, Any]] | None:
    """The first bad string (key or value) of a JSON body, walked without recursion."""
    stack: list[tuple[str, Any, int]] = [("", body, 0)]
    while stack:
        field, value, depth = stack.pop()
        if depth > DEEPEST:
            return "too_deep", {"most": DEEPEST}
        if isinstance(value, dict):
            for key, item in value.items():
                found = problem_in(str(key), "")
                if found:
                    return found
                stack.append((str(key), item, depth + 1))
        elif isinstance(value, list):
            stack.extend((field, item, depth + 1) for item in value)
        elif isinstance(value, str):
            found = problem_in(field, value)
            if found:
                return found
    return None


def refused_by_database(_error: DataError) -> ResponseReturnValue:
    """The net behind the edge: the database refused a value (nothing is committed)."""
    return _refuse("database", {})


def _refuse(key: str, params: dict[str, Any]) -> ResponseReturnValue:
    message = pick(MESSAGES[key], service_lang()).format(**params)
    if request.path.startswith("/api/"):
        return jsonify({"errors": [message]}), 400
    return render_template("error.html", code=400, message=message), 400


def _shown(field: str) -> str:
    """A field name as it may be repeated back: printable, at most 40 characters."""
    text = _BAD.sub("\ufffd", field)
    return text if len(text) <= 40 else text[:39] + "…"
