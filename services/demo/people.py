"""Invented but well-formed personal details for generated examiners and candidates.

Attachment 1 (信息表) asks for sex, birth month, ID number, education, phone, title,
vocational certificate and work history; the generator knows none of them, so they are
drawn here from a per-person seeded stream. Resident ID numbers are valid GB 11643-1999
numbers (MOD 11-2 check character by python-stdnum) whose birth date and sex digit agree
with the other fields.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from data.names import GIVEN_FEMALE, GIVEN_MALE, SURNAMES
from data.people import resident_id
from models.base import DocumentType, Sex

# Changzhou's districts: 天宁, 钟楼, 新北, 武进, 金坛, and 溧阳 city.
REGIONS = ("320402", "320404", "320411", "320412", "320413", "320481")
EDUCATION = (("中专", 10), ("大专", 30), ("本科", 45), ("硕士研究生", 15))
TITLES = {
    "senior": ("高级工程师", "高级讲师", "高级技师", "正高级工程师"),
    "examiner": ("工程师", "讲师", "技师", "助理工程师"),
}
LEVEL_NAMES = {1: "一级/高级技师", 2: "二级/技师", 3: "三级/高级工", 4: "四级/中级工"}
CERTIFICATE_YEARS = 3


def attachment_fields(
    rng: random.Random, e: dict[str, Any], occupations: dict[str, str], taken: set[str]
) -> dict[str, Any]:
    """Sex, birth month, resident ID, education, phone, title, certificate and work history."""
    name = e.get("name") or ""
    female = name[1:] in GIVEN_FEMALE and name[1:] not in GIVEN_MALE
    since = date.fromisoformat(e.get("assessing_since") or "2015-01-01")
    year = min(1998, max(1962, since.year - rng.randint(26, 45)))
    birth = date(year, rng.randint(1, 12), rng.randint(1, 28))
    first = (e.get("qualifications") or [{}])[0]
    trade = occupations.get(first.get("occupation", ""), "")
    level = LEVEL_NAMES[max(1, first.get("top_level", 3) - 1)]  # one above what they assess
    started = max(year + 20, 1985)
    return {
        "sex": Sex.FEMALE if female else Sex.MALE,
        "birth_month": birth.replace(day=1),
        "document_type": DocumentType.RESIDENT_ID,
        "document_number": resident_id(rng, birth, not female, taken, REGIONS),
        "education": rng.choices([x for x, _ in EDUCATION], [w for _, w in EDUCATION])[0],
        "phone": rng.choice(("139", "138", "137", "150", "151", "152", "158", "180", "189"))
        + f"{rng.randrange(10**8):08d}",
        "title": rng.choice(TITLES[e["grade"]]),
        "vocational_certificate": f"{trade}职业资格证书（{level}） {rng.randrange(10**13):013d}",
        "work_history": f"{started}年参加工作，从事{trade}工作至今；{since.year}年起担任考评人员",
    }


def candidate_name(rng: random.Random) -> str:
    """A plausible Chinese name."""
    given = GIVEN_MALE if rng.random() < 0.55 else GIVEN_FEMALE
    return rng.choice(SURNAMES) + rng.choice(given)


def certificate_dates(
    rng: random.Random, certified_until: date | None, start: date, end: date
) -> tuple[date, date]:
    """Issue date and last valid day: ending on `certified_until`, else valid past `end`.

    Certificates run three years (SPEC 7). One that must outlast the horizon is issued
    no earlier than three years before its end, and before the horizon starts when it can.
    """
    if certified_until is not None:
        return _years_before(certified_until, CERTIFICATE_YEARS) + timedelta(
            days=1
        ), certified_until
    earliest = _years_before(end, CERTIFICATE_YEARS) + timedelta(days=1)
    latest = max(earliest, start - timedelta(days=30))
    issued = earliest + timedelta(days=rng.randint(0, (latest - earliest).days))
    return issued, _years_before(issued, -CERTIFICATE_YEARS) - timedelta(days=1)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)
