"""Read values out of spreadsheet cells the way planners type them.

Every parser takes a raw cell value (str, int, float, date, datetime or None) and returns
`(value, problems)`: the value is None when the cell is empty or unreadable, and
`problems` says why in Chinese and English. Empty cells are never a problem here; whether a
field is required is the importer's business.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar

from models.base import Grade, Sex
from services.messages import Problem
from solver.numbers import BadNumber, whole

T = TypeVar("T")
Parsed = tuple[T | None, list[Problem]]

MESSAGES = {
    "bad_date": {
        "zh": "“{value}”不是日期（可写 2024-03-01、2024/3/1、2024.3.1 或 2024年3月1日）",
        "en": "“{value}” is not a date (write 2024-03-01, 2024/3/1, 2024.3.1 or 2024年3月1日)",
    },
    "bad_month": {
        "zh": "“{value}”不是年月（可写 1968.05、1968-05、1968年5月 或 196805）",
        "en": "“{value}” is not a year and month (write 1968.05, 1968-05, 1968年5月 or 196805)",
    },
    "bad_datetime": {
        "zh": "“{value}”不是日期时间（可写 2026-03-02 08:30）",
        "en": "“{value}” is not a date and time (write 2026-03-02 08:30)",
    },
    "bad_sex": {"zh": "“{value}”应为 男 或 女", "en": "“{value}” must be 男 (male) or 女 (female)"},
    "bad_grade": {
        "zh": "“{value}”应为 考评员 或 高级考评员",
        "en": "“{value}” must be 考评员 (examiner) or 高级考评员 (senior examiner)",
    },
    "bad_level": {
        "zh": "“{value}”不是级别（一级/高级技师 … 五级/初级工，或 1–5）",
        "en": "“{value}” is not a level (一级/高级技师 … 五级/初级工, or 1-5)",
    },
    "bad_bool": {"zh": "“{value}”应为 是 或 否", "en": "“{value}” must be 是 (yes) or 否 (no)"},
    "count_too_large": {
        "zh": "“{value}”过大：最多 {most}",
        "en": "“{value}” is too large: at most {most}",
    },
    "bad_count": {
        "zh": "“{value}”应为不小于 {least} 的整数",
        "en": "“{value}” must be a whole number of at least {least}",
    },
}

FIRST_YEAR, LAST_YEAR = 1900, 2999
MOST_COUNT = 100_000  # candidates, modules, panel seats: far past any session
# Excel's day 0 (the 1900 leap-year bug makes 30 December 1899 the working epoch).
EXCEL_EPOCH = date(1899, 12, 30)
_DAY = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_MONTH = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?")
_CLOCK = re.compile(r"(\d{1,2})\s*[:：时点]\s*(\d{2})?")
LEVEL_WORDS = {
    1: ("一级", "高级技师", "1级"),
    2: ("二级", "技师", "2级"),
    3: ("三级", "高级工", "3级", "高级"),
    4: ("四级", "中级工", "4级", "中级"),
    5: ("五级", "初级工", "5级", "初级"),
}
_YES = {"是", "y", "yes", "true", "1", "√", "可", "可以", "能"}
_NO = {"否", "n", "no", "false", "0", "×", "不可", "不能"}


def text(value: Any) -> str | None:
    """The cell as trimmed text, None when empty (integral floats lose their `.0`)."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    out = str(value).strip()
    return out or None


def _problem(key: str, field: str, value: Any, **params: Any) -> list[Problem]:
    return [Problem.of(MESSAGES, key, field, value=text(value), **params)]


def excel_day(serial: float) -> date:
    """The date of an Excel serial day number."""
    return EXCEL_EPOCH + timedelta(days=int(serial))


def parse_date(value: Any, field: str) -> Parsed[date]:
    """A calendar date from a date cell, an Excel serial or common Chinese spellings, in the
    years 1900-2999 (year 1 or 9999 is a typing slip, and date arithmetic overflows there)."""
    day, problems = _any_date(value, field)
    if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
        return None, _problem("bad_date", field, value)
    return day, problems


def _any_date(value: Any, field: str) -> Parsed[date]:
    if text(value) is None:
        return None, []
    if isinstance(value, datetime):
        return value.date(), []
    if isinstance(value, date):
        return value, []
    if isinstance(value, int | float) and 1 <= value < 2958466:
        return excel_day(value), []
    raw = text(value) or ""
    match = _DAY.fullmatch(raw) or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", raw)
    if match:
        try:
            return date(*(int(g) for g in match.groups())), []
        except ValueError:
            pass
    return None, _problem("bad_date", field, value)


def parse_month(value: Any, field: str) -> Parsed[date]:
    """The first day of a year-month (出生年月): 1968.05, 1968-05, 1968年5月, 196805, a date."""
    if text(value) is None:
        return None, []
    if isinstance(value, date):
        return date(value.year, value.month, 1), []
    if isinstance(value, float) and math.isfinite(value):
        # Excel turns a typed 1968.10 into the number 1968.1: read two decimals as the month.
        year = int(value)
        return _year_month(year, round((value - year) * 100), field, value)
    raw = text(value) or ""
    if re.fullmatch(r"\d{6}", raw):
        return _year_month(int(raw[:4]), int(raw[4:]), field, value)
    day = _DAY.fullmatch(raw)
    match = day or _MONTH.fullmatch(raw)
    if match:
        return _year_month(int(match.group(1)), int(match.group(2)), field, value)
    return None, _problem("bad_month", field, value)


def _year_month(year: int, month: int, field: str, value: Any) -> Parsed[date]:
    if 1 <= month <= 12 and 1000 <= year <= 9999:
        return date(year, month, 1), []
    return None, _problem("bad_month", field, value)


def parse_datetime(value: Any, field: str, day: date | None = None) -> Parsed[datetime]:
    """A local date and time; a bare time of day (08:30) is taken on `day` when given."""
    if text(value) is None:
        return None, []
    if isinstance(value, datetime):
        if not FIRST_YEAR <= value.year <= LAST_YEAR:
            return None, _problem("bad_datetime", field, value)
        return value.replace(second=0, microsecond=0, tzinfo=None), []
    if isinstance(value, time) and day is not None:
        return datetime.combine(day, value.replace(second=0, microsecond=0)), []
    if isinstance(value, int | float) and 1 <= value < 2958465:  # before Excel's last day
        minutes = round((value - int(value)) * 24 * 60)
        return datetime.combine(excel_day(value), time()) + timedelta(minutes=minutes), []
    raw = text(value) or ""
    match = _DAY.match(raw) or re.match(r"(\d{4})(\d{2})(\d{2})", raw)
    when = day
    rest = raw
    if match:
        when, problems = parse_date(match.group(0), field)
        rest = raw[match.end() :].strip(" T")
        if problems:
            return None, _problem("bad_datetime", field, value)
    clock = _CLOCK.fullmatch(rest) if rest else None
    if when is None or (rest and clock is None):
        return None, _problem("bad_datetime", field, value)
    hour, minute = (int(clock.group(1)), int(clock.group(2) or 0)) if clock else (0, 0)
    if hour > 23 or minute > 59:
        return None, _problem("bad_datetime", field, value)
    return datetime.combine(when, time(hour, minute)), []


def parse_sex(value: Any, field: str = "sex") -> Parsed[Sex]:
    """男/女 (also male/female, M/F)."""
    raw = (text(value) or "").lower()
    if not raw:
        return None, []
    if raw in {"男", "male", "m", "男性"}:
        return Sex.MALE, []
    if raw in {"女", "female", "f", "女性"}:
        return Sex.FEMALE, []
    return None, _problem("bad_sex", field, value)


def parse_grade(value: Any, field: str = "grade") -> Parsed[Grade]:
    """考评员 / 高级考评员 (also examiner / senior)."""
    raw = re.sub(r"\s+", "", (text(value) or "").lower())
    if not raw:
        return None, []
    if raw in {"高级考评员", "高级", "senior", "seniorexaminer", "1"}:
        return Grade.SENIOR, []
    if raw in {"考评员", "examiner", "2"}:
        return Grade.EXAMINER, []
    return None, _problem("bad_grade", field, value)


def parse_level(value: Any, field: str = "top_level") -> Parsed[int]:
    """A skill level 1–5: 三级, 高级工, 三级/高级工, 3."""
    raw = re.sub(r"\s+", "", text(value) or "")
    if not raw:
        return None, []
    if raw in {"1", "2", "3", "4", "5"}:
        return int(raw), []
    found = {lvl for part in re.split(r"[/（）()、]", raw) if part for lvl in _levels(part)}
    if len(found) == 1:
        return found.pop(), []
    return None, _problem("bad_level", field, value)


def _levels(word: str) -> set[int]:
    return {level for level, words in LEVEL_WORDS.items() if word in words or word == str(level)}


def parse_bool(value: Any, field: str) -> Parsed[bool]:
    """是/否 (also yes/no, Y/N, √/×, 1/0)."""
    if isinstance(value, bool):
        return value, []
    raw = (text(value) or "").lower()
    if not raw:
        return None, []
    if raw in _YES:
        return True, []
    if raw in _NO:
        return False, []
    return None, _problem("bad_bool", field, value)


def parse_count(value: Any, field: str, least: int = 0) -> Parsed[int]:
    """A whole number of at least `least`."""
    raw = text(value)
    if raw is None:
        return None, []
    try:
        return whole(raw, least, MOST_COUNT), []
    except BadNumber:
        digits = raw.isascii() and raw.isdigit()
        if digits and (len(raw) > 30 or int(raw) > MOST_COUNT):
            return None, _problem("count_too_large", field, value, most=MOST_COUNT)
    return None, _problem("bad_count", field, value, least=least)
