"""Validation at the door: ID and other document numbers, phone numbers, appointment terms
and certificate numbers. Pure functions returning every `Problem` found (empty: valid).

Resident ID numbers (GB 11643-1999) are checked with python-stdnum's `stdnum.cn.ric`
building blocks only (`compact`, `calc_check_digit`, `get_birth_date`). We never call
`ric.validate` / `ric.is_valid` / `ric.get_birth_place`: their region check demands that
the county code existed in the birth year, so it refuses valid numbers of people born in
the 1960s-70s whose county was created or renamed later (320402 with birth 1965 is
refused; 320406 even raises KeyError). A refused valid number would lock a real examiner
out of the database, and the region adds no safety the check character does not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from stdnum.cn import ric

from models.base import DocumentType, Sex
from services.messages import Problem
from services.people.certificates import number_problem
from solver.schema import Period, appointment_too_long

MESSAGES = {
    "id_length": {
        "zh": "身份证号码 {number} 应为 18 位（现有 {length} 位）",
        "en": "resident ID {number} must have 18 characters (it has {length})",
    },
    "id_format": {
        "zh": "身份证号码 {number} 应为 17 位数字加 1 位校验码（数字或 X）",
        "en": "resident ID {number} must be 17 digits and a check character (digit or X)",
    },
    "id_checksum": {
        "zh": "身份证号码 {number} 校验码不符（应为 {expected}），请核对号码",
        "en": "resident ID {number}: the check character should be {expected}; check the number",
    },
    "id_birth_date": {
        "zh": "身份证号码 {number} 中的出生日期 {birth} 无效",
        "en": "resident ID {number} holds an impossible birth date {birth}",
    },
    "id_birth_range": {
        "zh": "身份证号码 {number} 中的出生日期 {birth} 不在 1900 年至今之间",
        "en": "resident ID {number}: birth date {birth} is not between 1900 and today",
    },
    "id_sex": {
        "zh": "身份证号码第 17 位表示{id_sex}，与性别“{sex}”不符",
        "en": "the 17th digit of the resident ID says {id_sex_en}, but sex is {sex_en}",
    },
    "id_birth_month": {
        "zh": "身份证号码中的出生年月 {id_month} 与出生年月 {month} 不符",
        "en": "the resident ID says born {id_month}, but date of birth says {month}",
    },
    "document_empty": {"zh": "证件号码不能为空", "en": "the document number is missing"},
    "document_format": {
        "zh": "{kind}号码 {number} 格式不符：{rule}",
        "en": "{kind_en} number {number} does not match: {rule_en}",
    },
    "phone_format": {
        "zh": "联系电话 {phone} 格式不符：手机为 11 位（1 开头），座机需带区号（如 0519-86123456）",
        "en": "phone {phone}: a mobile has 11 digits starting with 1; a landline needs its area code (e.g. 0519-86123456)",
    },
    "term_order": {
        "zh": "聘期结束 {end} 早于聘期开始 {start}",
        "en": "the appointment ends ({end}) before it starts ({start})",
    },
    "term_too_long": {
        "zh": "聘期 {start} 至 {end} 超过 3 年（聘期最长 3 年，结束日应早于 {limit}）",
        "en": "the appointment {start} to {end} exceeds 3 years (it must end before {limit})",
    },
    "term_overlap": {
        "zh": "聘期 {start} 至 {end} 与已有聘期 {other_start} 至 {other_end} 重叠",
        "en": "the appointment {start} to {end} overlaps the appointment {other_start} to {other_end}",
    },
}

SEX_WORDS = {Sex.MALE: ("男", "male"), Sex.FEMALE: ("女", "female")}
DOCUMENT_NAMES = {
    DocumentType.RESIDENT_ID: ("居民身份证", "resident ID"),
    DocumentType.PASSPORT: ("护照", "passport"),
    DocumentType.HK_MACAU_PERMIT: ("港澳居民证件", "Hong Kong/Macau permit"),
    DocumentType.TAIWAN_PERMIT: ("台湾居民证件", "Taiwan permit"),
    DocumentType.FOREIGN_PERMANENT_ID: ("外国人永久居留身份证", "foreign permanent residence ID"),
    DocumentType.OTHER: ("证件", "document"),
}
# Lenient shapes: a real document is never refused; only plain typing slips are caught.
_LENIENT = {
    DocumentType.PASSPORT: (r"[A-Z0-9]{5,20}", "5–20 位字母或数字", "5-20 letters or digits"),
    DocumentType.HK_MACAU_PERMIT: (
        r"[A-Z0-9()]{6,20}",
        "6–20 位字母或数字",
        "6-20 letters or digits",
    ),
    DocumentType.TAIWAN_PERMIT: (
        r"[A-Z0-9()]{6,20}",
        "6–20 位字母或数字",
        "6-20 letters or digits",
    ),
    DocumentType.FOREIGN_PERMANENT_ID: (
        r"[A-Z0-9]{15,18}",
        "15–18 位字母或数字",
        "15-18 letters or digits",
    ),
    DocumentType.OTHER: (r"[^\x00-\x1f]{1,40}", "不超过 40 个字符", "at most 40 characters"),
}
EARLIEST_BIRTH_YEAR = 1900


def compact_document(number: str) -> str:
    """The document number without spaces or hyphens, upper case (x → X)."""
    return re.sub(r"[\s\-]+", "", str(number)).upper()


def looks_like_resident_id(number: str) -> bool:
    """True when `number` is meant to be a resident ID (15 to 19 digits, maybe an X at the end)."""
    return re.fullmatch(r"\d{14,18}[\dX]", compact_document(number)) is not None


def resident_id_problems(
    number: str,
    sex: Sex | None = None,
    birth_month: date | None = None,
    today: date | None = None,
) -> list[Problem]:
    """Check an 18-digit resident ID: shape, check character, birth date, sex digit vs 性别."""
    field = "document_number"
    number = ric.compact(number)
    if len(number) != 18:
        return [Problem.of(MESSAGES, "id_length", field, number=number, length=len(number))]
    if not re.fullmatch(r"\d{17}[\dX]", number):
        return [Problem.of(MESSAGES, "id_format", field, number=number)]
    # calc_check_digit expects the whole number; the placeholder last character is ignored.
    expected = ric.calc_check_digit(number[:17] + "0")
    if number[17] != expected:
        return [Problem.of(MESSAGES, "id_checksum", field, number=number, expected=expected)]
    try:
        birth = ric.get_birth_date(number)
    except Exception:  # stdnum raises InvalidComponent for 19650231 and the like
        return [Problem.of(MESSAGES, "id_birth_date", field, number=number, birth=number[6:14])]
    problems = []
    if birth.year < EARLIEST_BIRTH_YEAR or birth > (today or date.today()):
        problems.append(Problem.of(MESSAGES, "id_birth_range", field, number=number, birth=birth))
    problems += _agreement(number, birth, sex, birth_month)
    return problems


def _agreement(number: str, birth: date, sex: Sex | None, month: date | None) -> list[Problem]:
    problems = []
    id_sex = Sex.MALE if int(number[16]) % 2 else Sex.FEMALE
    if sex is not None and sex != id_sex:
        zh, en = SEX_WORDS[id_sex]
        problems.append(
            Problem.of(
                MESSAGES,
                "id_sex",
                "sex",
                id_sex=zh,
                id_sex_en=en,
                sex=SEX_WORDS[sex][0],
                sex_en=SEX_WORDS[sex][1],
            )
        )
    if month is not None and (month.year, month.month) != (birth.year, birth.month):
        problems.append(
            Problem.of(
                MESSAGES,
                "id_birth_month",
                "birth_month",
                id_month=f"{birth:%Y.%m}",
                month=f"{month:%Y.%m}",
            )
        )
    return problems


def sex_of_resident_id(number: str) -> Sex:
    """性别 as the 17th digit says (odd male, even female); the number must be well-formed."""
    return Sex.MALE if int(ric.compact(number)[16]) % 2 else Sex.FEMALE


def birth_month_of_resident_id(number: str) -> date:
    """出生年月 (first of the month) from a well-formed resident ID."""
    return ric.get_birth_date(ric.compact(number)).replace(day=1)


def guess_document_type(number: str) -> DocumentType:
    """The document type a number most likely is, when the sheet does not say."""
    plain = compact_document(number)
    if looks_like_resident_id(plain):
        return DocumentType.RESIDENT_ID
    if re.fullmatch(r"[HM]\d{8,10}", plain):
        return DocumentType.HK_MACAU_PERMIT
    if re.fullmatch(r"[A-Z]{1,2}\d{7,8}", plain):
        return DocumentType.PASSPORT
    return DocumentType.OTHER


def document_problems(
    kind: DocumentType,
    number: str | None,
    sex: Sex | None = None,
    birth_month: date | None = None,
    today: date | None = None,
) -> list[Problem]:
    """Check a document number of type `kind` (resident IDs strictly, the others leniently)."""
    if not number or not compact_document(number):
        return [Problem.of(MESSAGES, "document_empty", "document_number")]
    if kind == DocumentType.RESIDENT_ID:
        return resident_id_problems(number, sex, birth_month, today)
    plain = compact_document(number) if kind != DocumentType.OTHER else str(number).strip()
    pattern, rule, rule_en = _LENIENT[kind]
    if re.fullmatch(pattern, plain):
        return []
    zh, en = DOCUMENT_NAMES[kind]
    return [
        Problem.of(
            MESSAGES,
            "document_format",
            "document_number",
            kind=zh,
            kind_en=en,
            number=plain,
            rule=rule,
            rule_en=rule_en,
        )
    ]


def normalize_phone(raw: str) -> str | None:
    """A phone number in stored form (13912345678, 0519-86123456[-123]), None if not one.

    Several numbers in one cell (separated by / 、 , ;) are each normalised and joined by "/".
    """
    parts = [p for p in re.split(r"[/、,，;；]+", str(raw)) if p.strip()]
    numbers = [_one_phone(p) for p in parts]
    if not numbers or None in numbers:
        return None
    return "/".join(n for n in numbers if n)


def _one_phone(raw: str) -> str | None:
    marker = re.search(r"转|分机|ext\.?|#|x(?=\s*\d)", raw, re.I)
    main, ext = (raw[: marker.start()], raw[marker.end() :]) if marker else (raw, "")
    country = re.match(r"\s*(?:\+\s*86|0086|[(（]\s*\+?86\s*[)）])[\s\-]*", main)
    main = main[country.end() :] if country else main
    groups = [g for g in re.split(r"[\s\-()（）]+", main) if g]
    if not groups or not all(g.isdigit() for g in groups):
        return None
    if country and groups[0][0] not in "01":  # +86 519 ...: the trunk 0 is dropped abroad
        groups[0] = "0" + groups[0]
    digits = "".join(groups)
    if re.fullmatch(r"1[3-9]\d{9}", digits) and not ext.strip():
        return digits
    landline = _landline(digits)
    if landline is None and len(groups) > 2 and not ext.strip() and len(groups[-1]) <= 6:
        ext, landline = groups[-1], _landline("".join(groups[:-1]))
    ext = ext.strip()
    if landline is None or (ext and not ext.isdigit()):
        return None
    return f"{landline}-{ext}" if ext else landline


def _landline(digits: str) -> str | None:
    if not digits.startswith("0"):
        return None
    area = 3 if digits[1:2] in ("1", "2") else 4
    local = digits[area:]
    if re.fullmatch(r"[1-9]\d{6,7}", local):
        return f"{digits[:area]}-{local}"
    return None


def phone_problems(raw: str | None) -> list[Problem]:
    """Why `raw` is not a mainland mobile or landline number (empty list: it is, or it is empty)."""
    if raw is None or not str(raw).strip() or normalize_phone(raw) is not None:
        return []
    return [Problem.of(MESSAGES, "phone_format", "phone", phone=str(raw).strip())]


def appointment_problems(
    start: date, end: date, others: Iterable[tuple[date, date]] = ()
) -> list[Problem]:
    """Check a term: ends after it starts, shorter than 3 years (never truncated), no overlap."""
    field = "appointment"
    if end < start:
        return [Problem.of(MESSAGES, "term_order", field, start=start, end=end)]
    # The solver's reading: too long when end >= start + 3 calendar years (SPEC 4.1).
    if appointment_too_long(Period.model_construct(start=start, end=end)):
        limit = _three_years_on(start)
        return [Problem.of(MESSAGES, "term_too_long", field, start=start, end=end, limit=limit)]
    return [
        Problem.of(
            MESSAGES,
            "term_overlap",
            field,
            start=start,
            end=end,
            other_start=a,
            other_end=b,
        )
        for a, b in sorted(others)
        if a <= end and start <= b
    ]


def _three_years_on(start: date) -> date:
    try:
        return start.replace(year=start.year + 3)
    except ValueError:  # 29 February
        return date(start.year + 3, 3, 1)


def certificate_problems(number: str | None, institution_code: str) -> list[Problem]:
    """Check a certificate number's format against the institution (SPEC 5)."""
    if not number:
        return []
    problem = number_problem(number, institution_code)
    return [] if problem is None else [problem]
