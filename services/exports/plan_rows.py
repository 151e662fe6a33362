"""The rows assignment sheets and calendars are built from, and how their values read.

Plain frozen dataclasses filled by `services.planning.sheet_rows` (the query side): a plan's header,
its sessions with their panels, and the people on them. ID numbers arrive already masked
(`layout.mask_id`): a full number never enters a plan, dispatch or examiner sheet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

LEVEL_NAMES = {
    1: "一级/高级技师",
    2: "二级/技师",
    3: "三级/高级工",
    4: "四级/中级工",
    5: "五级/初级工",
}
WEEKDAYS = "一二三四五六日"
ROLE_NAMES = {"leader": "组长", "member": "成员"}
# Notice art. 5 (常职鉴〔2021〕22号), printed on every dispatch sheet.
RECUSAL_REMINDER = (
    "回避提醒：根据常职鉴〔2021〕22号第5条，考评人员执行考评任务时严格执行回避制度。"
    "考评人员与考评对象存在亲属、师生、师徒或其他利害关系的，必须回避；"
    "凡应回避而未回避的，相关考评对象成绩做无效处理。"
    "请考评人员在考评开始前核对考生名单，如有上述关系，立即向派遣单位报告。"
)


@dataclass(frozen=True)
class PlanHeader:
    """Which plan a sheet shows: institution, version, status (as read), range, when made."""

    institution_code: str
    institution_name: str
    version: int
    status: str  # "draft" | "published" | "superseded"
    status_zh: str
    date_from: date
    date_to: date
    stamp: datetime  # when the plan was published (else stored): calendars' DTSTAMP

    def label(self) -> str:
        """`方案 v3（已发布）`."""
        return f"方案 v{self.version}（{self.status_zh}）"

    def span(self) -> str:
        """`2026-03-01 至 2026-03-31`."""
        return f"{self.date_from.isoformat()} 至 {self.date_to.isoformat()}"


@dataclass(frozen=True)
class Person:
    """An examiner as assignment sheets show them: contacts and a masked ID number."""

    code: str
    name: str
    phone: str
    organization: str
    masked_id: str


@dataclass(frozen=True)
class PanelRow:
    """One session of a plan with its panel (leader first; empty when unstaffed)."""

    code: str
    start: datetime
    end: datetime
    venue: str
    venue_address: str
    occupation_code: str
    occupation_name: str
    level: int
    candidates: int | None
    leader: Person | None
    members: tuple[Person, ...] = ()  # every member, the leader first
    unfilled: int = 0  # seats the plan left empty

    def others(self) -> tuple[Person, ...]:
        """The members other than the leader."""
        return tuple(m for m in self.members if self.leader is None or m.code != self.leader.code)

    def role(self, examiner_code: str) -> str:
        """`leader` or `member` for an examiner on this panel."""
        return "leader" if self.leader and self.leader.code == examiner_code else "member"


def level_name(level: int) -> str:
    """`三级/高级工` for level 3."""
    return LEVEL_NAMES.get(level, f"{level}级")


def weekday(day: date | datetime) -> str:
    """`星期一`."""
    return "星期" + WEEKDAYS[day.weekday()]


def time_span(start: datetime, end: datetime) -> str:
    """`09:00–12:00`, or with dates when the session runs over several days."""
    if start.date() == end.date():
        return f"{start:%H:%M}–{end:%H:%M}"
    return f"{start:%m-%d %H:%M}–{end:%m-%d %H:%M}"


def occupation(row: PanelRow) -> str:
    """`6-18-01-01 车工`."""
    return f"{row.occupation_code} {row.occupation_name}"
