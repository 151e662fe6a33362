"""Planner-facing problems raised by the services, Chinese first with English available.

Each service module keeps its own catalog (`{key: {"zh": ..., "en": ...}}`) next to the
code that uses it; a `Problem` carries the templates it needs, so rendering never looks
anything up in global state. Field names shown to planners come from `FIELD_LABELS`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from solver.messages import name as translated
from solver.messages import pick

Catalog = Mapping[str, Mapping[str, str]]

# Column labels as planners know them (Attachment 1 / Attachment 2 wording).
FIELD_LABELS: dict[str, dict[str, str]] = {
    "name": {"zh": "姓名", "en": "name"},
    "sex": {"zh": "性别", "en": "sex"},
    "birth_month": {"zh": "出生年月", "en": "date of birth"},
    "document_type": {"zh": "证件类型", "en": "document type"},
    "document_number": {"zh": "身份证或其他有效证件号码", "en": "ID or document number"},
    "education": {"zh": "学历", "en": "education"},
    "phone": {"zh": "联系电话", "en": "phone"},
    "email": {"zh": "电子邮箱", "en": "e-mail"},
    "organization": {"zh": "工作单位", "en": "employer"},
    "title": {"zh": "职称", "en": "professional title"},
    "vocational_certificate": {"zh": "职业资格证书名称和编号", "en": "vocational certificate"},
    "work_history": {"zh": "从事本职业（工种）工作简历", "en": "work history"},
    "occupation": {"zh": "考评职业（工种）", "en": "occupation"},
    "top_level": {"zh": "考评级别", "en": "highest level"},
    "grade": {"zh": "级别（考评员/高级考评员）", "en": "grade"},
    "certificate_number": {"zh": "证书编号", "en": "certificate number"},
    "valid_until": {"zh": "证书有效期", "en": "certificate valid until"},
    "issue_date": {"zh": "发证日期", "en": "issue date"},
    "appointment": {"zh": "聘期", "en": "appointment term"},
    "appointment_start": {"zh": "聘期开始", "en": "appointment start"},
    "appointment_end": {"zh": "聘期结束", "en": "appointment end"},
    "assessing_since": {"zh": "开始从事考评日期", "en": "assessing since"},
    "leader_eligible": {"zh": "可任组长", "en": "may lead"},
    "status": {"zh": "状态", "en": "status"},
    "code": {"zh": "编号", "en": "code"},
    "institution_code": {"zh": "机构代码", "en": "institution code"},
    "reason": {"zh": "原因", "en": "reason"},
    "decided_on": {"zh": "决定日期", "en": "decision date"},
    "certifying_unit": {"zh": "发证单位", "en": "certifying unit"},
    "decision_reference": {"zh": "决定文号", "en": "decision reference"},
    "score": {"zh": "评分", "en": "score"},
    "rated_by": {"zh": "评分人", "en": "rated by"},
    "decision": {"zh": "考核决定", "en": "review decision"},
    "decided_by": {"zh": "决定人", "en": "decided by"},
    "review": {"zh": "年度考核", "en": "yearly review"},
    "kind": {"zh": "回避关系类型", "en": "conflict kind"},
    "conflict_target": {"zh": "回避对象", "en": "conflict with"},
    "since": {"zh": "关系开始日期", "en": "relationship since"},
    "plan": {"zh": "方案", "en": "plan"},
    "session": {"zh": "场次", "en": "session"},
    "notice": {"zh": "通知", "en": "notice"},
    "examiner": {"zh": "考评人员", "en": "examiner"},
    "date_range": {"zh": "日期范围", "en": "date range"},
    "instance": {"zh": "排班实例", "en": "instance"},
    "solve_job": {"zh": "求解任务", "en": "solve job"},
    "time_limit": {"zh": "求解时限", "en": "time limit"},
    "workers": {"zh": "求解线程数", "en": "search workers"},
    "seed": {"zh": "随机种子", "en": "seed"},
    "username": {"zh": "用户名", "en": "username"},
    "database": {"zh": "数据库", "en": "database"},
    "role": {"zh": "角色", "en": "role"},
    "password": {"zh": "密码", "en": "password"},
    # import sheets
    "file": {"zh": "文件", "en": "file"},
    "venue": {"zh": "考点", "en": "venue"},
    "level": {"zh": "级别", "en": "level"},
    "start": {"zh": "开始时间", "en": "start"},
    "end": {"zh": "结束时间", "en": "end"},
    "occupation_code": {"zh": "职业编码", "en": "occupation code"},
    "occupation_name": {"zh": "职业（工种）名称", "en": "occupation name"},
    "edition": {"zh": "大典版本", "en": "edition"},
    "candidates_per_examiner": {"zh": "每名考评员对应考生数", "en": "candidates per examiner"},
    # policy settings (SPEC 4.2)
    "policy.min_panel_size": {"zh": "考评小组最少人数", "en": "minimum panel size"},
    "policy.odd_panel_size": {"zh": "小组人数取单数", "en": "odd panel sizes"},
    "policy.turnover": {"zh": "每次轮换比例", "en": "turnover per panel"},
    "policy.rotation_scope": {"zh": "轮换范围", "en": "rotation scope"},
    "policy.max_consecutive_same_venue": {
        "zh": "同一考点最多连续次数",
        "en": "most consecutive visits to one venue",
    },
    "policy.consecutive_rule": {"zh": "连续次数计法", "en": "consecutive-visit rule"},
    "policy.leader_min_experience_days": {
        "zh": "组长最少考评经历（天）",
        "en": "leader's minimum experience (days)",
    },
    "policy.grade_top_level": {"zh": "各级别可考评的最高等级", "en": "top level per grade"},
    "policy.recuse_candidate_organization": {
        "zh": "回避本单位考生",
        "en": "recuse from own organisation's candidates",
    },
    "policy.allow_unfilled": {"zh": "允许空缺席位", "en": "allow empty seats"},
}

LANGS = ("zh", "en")
# "Cannot be empty": the message of every required cell (imports read its absence per column).
MISSING = {"zh": "不能为空", "en": "is required"}


def label(name: str, lang: str = "zh") -> str:
    """The planner-facing name of field `name`."""
    return translated(FIELD_LABELS, name, lang)


@dataclass(frozen=True)
class Problem:
    """One reason an input is refused: which row and field, and why (zh/en)."""

    field: str
    templates: Mapping[str, str]
    params: Mapping[str, Any] = dataclass_field(default_factory=dict)
    row: int | None = None  # spreadsheet row number (1-based, as the planner sees it)
    column: str | None = None  # the column heading as written in the file

    @classmethod
    def of(cls, catalog: Catalog, key: str, field: str, **params: Any) -> Problem:
        """A problem with message `key` from `catalog` about `field`."""
        return cls(field=field, templates=catalog[key], params=params)

    def at(self, row: int, column: str | None = None) -> Problem:
        """The same problem, placed at a spreadsheet row (and column)."""
        return Problem(self.field, self.templates, self.params, row, column or self.column)

    def reason(self, lang: str = "zh") -> str:
        """Why, without where."""
        return pick(self.templates, lang).format(**self.params)

    def text(self, lang: str = "zh") -> str:
        """Row, field and reason in one line."""
        where = self.column or label(self.field, lang)
        if self.row is not None:
            where = f"第{self.row}行 {where}" if lang == "zh" else f"row {self.row}, {where}"
        return f"{where}：{self.reason(lang)}" if lang == "zh" else f"{where}: {self.reason(lang)}"


class Refused(Exception):
    """Input refused as a whole; `problems` lists every reason (nothing was written)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.text("en") for p in problems))
        self.problems = problems

    def lines(self, lang: str = "zh") -> list[str]:
        """One line per problem, in `lang`."""
        return [p.text(lang) for p in self.problems]


CHINESE_NUMERALS = "〇一二三四五六七八九"


def level_words(level: int, lang: str = "zh") -> str:
    """A skill level as planners say it: `五级` / `level 5`."""
    if lang == "zh" and 0 < level < 10:
        return f"{CHINESE_NUMERALS[level]}级"
    return f"{level}级" if lang == "zh" else f"level {level}"
