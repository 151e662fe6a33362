"""`panelplan notices VERSION [-o PATH] [--links]`: the call list of a published plan.

Prints whom the publication of VERSION told (those without e-mail first, to be called), what
changed for each of them session by session with their answer, whether the e-mail went out;
`-o` also writes the call list workbook the web page downloads. `--links` prints each pending
examiner's personal link (signed with `PANELPLAN_SECRET_KEY` under `PANELPLAN_PUBLIC_URL`, as
the notices job signs them) to read out or text to those without e-mail.

Exit codes: 0 done, 2 refused (an unknown plan or institution, `--links` without its settings).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from services.exports.call_list import call_list_workbook
from services.exports.layout import file_name, output_path
from services.institution.context import institution
from services.notices.calls import answered, call_rows, mailed
from services.notices.links import link_maker
from services.notices.queries import NoticeView, plan_notices, views
from services.planning.plans import find_plan

from .database import EXIT_REFUSED, add_common, run_unit
from .exports import lang, save

WORDS = {
    "zh": {
        "title": "方案 v{version} 通知名单：{count} 人（无电子邮箱者在前，请电话通知）",
        "nobody": "方案 v{version} 没有需要通知的考评人员（发布方案时才产生通知）。",
        "line": "{code} {name}　电话 {phone}　邮箱 {email}　邮件：{mailed}　答复：{answer}",
        "none": "无",
        "link": "个人链接：",
        "no_links": "打印个人链接需要设置 PANELPLAN_SECRET_KEY 和 PANELPLAN_PUBLIC_URL"
        "（与发送通知的任务相同）。",
    },
    "en": {
        "title": "Plan v{version}, whom to tell: {count} (those without e-mail first: call them)",
        "nobody": "Nobody is to be told about plan v{version} (notices come with a publication).",
        "line": "{code} {name}  phone {phone}  e-mail {email}  message: {mailed}  answer: {answer}",
        "none": "none",
        "link": "personal link: ",
        "no_links": "personal links need PANELPLAN_SECRET_KEY and PANELPLAN_PUBLIC_URL "
        "(as the notices job does).",
    },
}


def register(commands: Any) -> None:
    """Add `notices` to the `panelplan` command."""
    parser = commands.add_parser(
        "notices", help="the call list of a published plan: whom to tell, their answers"
    )
    add_common(parser)
    parser.add_argument("version", type=int, help="plan version")
    parser.add_argument("-o", "--output", type=Path, metavar="PATH", help="also write the workbook")
    parser.add_argument(
        "--links", action="store_true", help="print the personal links of those not answered yet"
    )
    parser.set_defaults(run=_notices)


def _notices(args: argparse.Namespace) -> int:
    language = lang(args)
    words = WORDS[language]
    secret, base = os.environ.get("PANELPLAN_SECRET_KEY"), os.environ.get("PANELPLAN_PUBLIC_URL")
    if args.links and not (secret and base):
        print(words["no_links"])
        return EXIT_REFUSED

    def work(db: Session) -> int:
        inst = institution(db, args.institution)
        plan = find_plan(db, inst, args.version)
        told = plan_notices(db, inst, plan)
        rows = views(db, told)
        links = link_maker(secret, base) if args.links and secret and base else None
        if not rows:
            print(words["nobody"].format(version=plan.version))
        else:
            print(words["title"].format(version=plan.version, count=len(rows)))
        for notice, view in zip(told, rows, strict=True):
            _print(view, language)
            if links is not None and view.status == "pending":
                print(f"    {words['link']}{links(notice)}")
        if args.output is not None:
            wb = call_list_workbook(inst.name, f"方案 v{plan.version}", call_rows(rows, _whole))
            save(wb, output_path(args.output, file_name(f"通知名单_v{plan.version}")))
        return 0

    return run_unit(work, language, args.database)


def _print(view: NoticeView, language: str) -> None:
    words = WORDS[language]
    line = words["line"].format(
        code=view.examiner_code,
        name=view.examiner_name,
        phone=view.phone or words["none"],
        email=view.email or words["none"],
        mailed=mailed(view, language),
        answer=answered(view, language),
    )
    print(line)
    for seat in view.seats:
        answer = seat.answer_words(language)
        gap = "　" if language == "zh" else "  "
        print(f"    {seat.words(language)}{gap + answer if answer else ''}")


def _whole(phone: str | None) -> str:
    """Phones whole: the command line is an admin's tool (as `Sight.whole`)."""
    return phone or ""
