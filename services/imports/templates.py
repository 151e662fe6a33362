"""The import templates a planner downloads: the examiner sheet (Attachment 2's ten columns,
then the optional Attachment 1 and scheduling columns) and the session sheet with its
candidate list, each column explained on a notes sheet, with an example row that imports
cleanly into this institution (its certificate number carries the institution's code).

The headings are the ones the import reads (`examiner_rows.EXAMINER_LAYOUT`,
`session_rows.SESSION_LAYOUT`, `CANDIDATE_LAYOUT`); the builder is pure
(`services.exports.import_template`).
"""

from __future__ import annotations

from datetime import date, timedelta

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session
from stdnum.cn import ric

from models import Institution, Occupation
from services.exports.import_template import TemplateColumn as C
from services.exports.import_template import TemplateSheet, template_workbook

NOTES = (
    "填表说明",
    "第一列写“示例”的行是示例，导入时跳过：可以保留，也可以删除。从示例下一行开始填写。",
    "标题行可以保留或删除；列的顺序不限，列名须与本模板一致（括号中的说明可省略）。",
    "身份证号码、联系电话、证书编号等列已设为文本格式，请勿改为数字格式，否则末尾数字会丢失。",
    "先在导入页面选择文件做“试导入”：它检查每一行并列出问题，不写入任何数据；确认无误后再导入。",
)
SEQ = C("序号", False, "行的编号，可不填；写“示例”的行不导入", "数字或空白", "示例")


def example_id(born: date, serial: int = 1) -> str:
    """A resident ID number with a correct check character (Changzhou's 320402 region)."""
    body = f"320402{born:%Y%m%d}{serial:03d}"
    return body + ric.calc_check_digit(body + "0")  # the last character is ignored


def examiner_columns(code: str, occupation: str, today: date) -> tuple[C, ...]:
    """The examiner template's columns, with an example for institution `code`."""
    year = today.year
    return (
        SEQ,
        C("姓名", True, "考评人员姓名", "文字", "张三"),
        C("性别", False, "可不填：由身份证号码推出", "男 / 女", "男", choices=("男", "女")),
        C("身份证号码", True, "身份证或其他有效证件号码；同一人多个职业可写多行（号码相同）",
          "18 位身份证号码，或护照、港澳台证件号码", example_id(date(1980, 1, 1)), text=True),
        C("联系电话", False, "手机或座机", "11 位手机号，或带区号的座机（0519-86123456）",
          "13912345678", text=True),
        C("工作单位", False, "所在单位全称", "文字", "常州市示例职业技术学校"),
        C("考评职业（工种）", False, "职业目录中的名称或职业编码；多个职业用顿号分隔",
          "车工、电工；或 车工/三级", occupation),
        C("级别（考评员/高级考评员）", False, "新考评人员必填（或由证书编号第 10 位推出）",
          "考评员 / 高级考评员", "考评员", choices=("考评员", "高级考评员")),
        C("证书编号", False, "考评人员证书编号", f"年份2位 + 机构代码{code} + 1高级考评员/2考评员"
          " + 顺序号4位", f"{year % 100:02d}{code}29999", text=True),
        C("证书有效期", False, "证书有效期至", "日期，如 2027-12-31 或 2027.12.31",
          f"{year + 2}-12-31"),
        C("出生年月", False, "附件1：可不填，由身份证号码推出", "1980.01 或 1980-01", "1980.01"),
        C("证件类型", False, "附件1：可不填，由号码推出", "身份证、护照、港澳、台湾、外国人永久居留、其他",
          "身份证"),
        C("学历", False, "附件1", "文字", "本科"),
        C("职称", False, "附件1", "文字", "高级工程师"),
        C("职业资格证书名称和编号", False, "附件1", "文字", "车工高级技师 1234567890"),
        C("工作简历", False, "附件1：从事本职业（工种）工作简历", "文字", "2002年起从事车工工作"),
        C("考评级别", False, "可考评的最高等级；不填则按级别（考评员三级、高级考评员一级）",
          "一级 … 五级，或 1–5", "三级", choices=("一级", "二级", "三级", "四级", "五级")),
        C("聘期开始", False, "聘约开始日期；没有聘期的考评人员不会被排班", "日期", f"{year}-01-01"),
        C("聘期结束", False, "聘约结束日期；聘期最长 3 年", "日期", f"{year + 2}-12-31"),
        C("开始考评日期", False, "不填则取最早的发证日期（组长须有一年以上考评经历）", "日期",
          f"{year}-01-01"),
        C("可任组长", False, "不填为否", "是 / 否", "否", choices=("是", "否")),
        C("发证日期", False, "不填则由证书有效期推出", "日期", f"{year}-01-01"),
        C("考评员编号", False, "不填则自动编号（K0001 起）；已有人员保留原编号", "字母和数字", None),
    )  # fmt: skip


def session_columns(occupation_code: str, today: date) -> tuple[C, ...]:
    """The session sheet's columns, with an example a month from `today`."""
    day = today + timedelta(days=30)
    return (
        SEQ,
        C("场次编号", True, "场次的唯一编号；再次导入同一编号即更新该场次", "字母和数字", f"{day:%Y%m}-01"),
        C("考点", True, "考点编号或名称；新考点自动建立", "文字", "KD01"),
        C("考点名称", False, "新考点的名称", "文字", "常州市示例职业技术学校实训楼"),
        C("考点单位", False, "考点所属单位（回避本单位考生时使用）", "文字", "常州市示例职业技术学校"),
        C("职业编码", True, "职业编码或职业（工种）二者填一", "如 6-18-01-01", occupation_code),
        C("职业（工种）", False, "职业目录中的名称", "文字", None),
        C("级别", True, "鉴定等级", "一级 … 五级，或 1–5", "三级",
          choices=("一级", "二级", "三级", "四级", "五级")),
        C("日期", False, "写了日期，开始和结束时间可只写时刻", "日期", f"{day:%Y-%m-%d}"),
        C("开始时间", True, "开始时间", "08:30，或 2026-03-02 08:30", "08:30"),
        C("结束时间", True, "结束时间，须晚于开始时间", "11:30，或 2026-03-02 11:30", "11:30"),
        C("考生人数", False, "决定考评小组人数（1:5）", "不小于 0 的整数", 20),
        C("模块数", False, "技能考核模块数", "不小于 1 的整数", 3),
        C("小组人数", False, "指定考评小组人数时填写", "不小于 3 的整数", None),
    )  # fmt: skip


def candidate_columns(session_code: str) -> tuple[C, ...]:
    """The candidate list's columns, with an example on session `session_code`."""
    return (
        SEQ,
        C("场次编号", True, "考生所在场次（数据库中已有，或在同一工作簿的场次表中）", "文字", session_code),
        C("准考证号", True, "考生的唯一编号；一份名单只增加考生，不删除", "字母和数字", "2026000001",
          text=True),
        C("姓名", True, "考生姓名", "文字", "李四"),
        C("身份证号码", False, "用于回避检查", "18 位身份证号码", example_id(date(2000, 5, 1), 2),
          text=True),
        C("单位", False, "考生所在单位（回避本单位考评人员时使用）", "文字", "常州市示例机械有限公司"),
    )  # fmt: skip


def examiner_template(code: str, occupation: str, today: date) -> Workbook:
    """The examiner template for institution `code`; the example names `occupation`."""
    sheet = TemplateSheet(
        "考评人员", f"{today.year}年考评人员汇总表", examiner_columns(code, occupation, today)
    )
    return template_workbook([sheet], NOTES)


def session_template(occupation_code: str, today: date, with_sessions: bool = True) -> Workbook:
    """The session template (场次 and 考生名单 sheets), or the candidate list alone."""
    sessions = session_columns(occupation_code, today)
    candidates = TemplateSheet("考生名单", "考生名单", candidate_columns(str(sessions[1].example)))
    if not with_sessions:
        return template_workbook([candidates], NOTES)
    return template_workbook([TemplateSheet("场次", "场次安排表", sessions), candidates], NOTES)


def template_for(
    session: Session, institution: Institution, kind: str, today: date
) -> tuple[Workbook, str]:
    """The template of import `kind` (examiners, sessions, candidates) and its file name; the
    example names an occupation of the catalogue (newest edition first)."""
    found = session.scalars(
        select(Occupation).order_by(Occupation.edition.desc(), Occupation.code).limit(1)
    ).first()
    name, code = (found.name, found.code) if found else ("车工", "6-18-01-01")
    if kind == "examiners":
        return examiner_template(institution.code, name, today), "考评人员导入模板.xlsx"
    if kind == "candidates":
        return session_template(code, today, with_sessions=False), "考生名单导入模板.xlsx"
    return session_template(code, today), "场次导入模板.xlsx"
