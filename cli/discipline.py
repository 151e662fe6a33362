"""`panelplan warn`, `panelplan review YEAR` and `panelplan invalid-results`.

Exit codes: 0 done, 2 refused (nothing written; the reasons are printed in the planner's
language, `--lang` or `$PANELPLAN_LANG`).
"""

from __future__ import annotations

import argparse
import os
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cli.database import add_common, run_unit
from models import AssessmentSession, Examiner, Institution
from services.discipline.actions import warn
from services.discipline.conflict_lists import invalid_results
from services.discipline.review import propose, review_year, rollup
from services.institution.context import institution
from services.messages import Problem, Refused
from solver.messages import STATUS_NAMES

MESSAGES = {
    "unknown_examiner": {"zh": "没有编号为 {code} 的考评员", "en": "no examiner with code {code}"},
    "unknown_session": {"zh": "没有编号为 {code} 的场次", "en": "no session with code {code}"},
}
OUTCOME_NAMES = {
    "renew": {"zh": "续聘", "en": "renew"},
    "dismiss": {"zh": "解聘", "en": "dismiss"},
    "continue": {"zh": "聘期未满", "en": "continue"},
}


def register(commands: Any) -> None:
    """Add `warn`, `review` and `invalid-results` to the `panelplan` command."""
    warning = commands.add_parser("warn", help="record a warning (R5) against an examiner")
    add_common(warning)
    warning.add_argument("examiner", metavar="EXAMINER_CODE")
    warning.add_argument("--reason", required=True)
    warning.add_argument("--serious", action="store_true", help="情节严重: opens a revocation")
    warning.add_argument("--date", type=date.fromisoformat, default=None, help="default: today")
    warning.add_argument("--session", metavar="CODE", help="the session concerned")
    warning.set_defaults(run=_warn)
    review = commands.add_parser("review", help="compute the yearly review and its proposals")
    add_common(review)
    review.add_argument("year", type=int)
    review.set_defaults(run=_review)
    invalid = commands.add_parser("invalid-results", help="list results voided by conflicts")
    add_common(invalid)
    invalid.set_defaults(run=_invalid)


def _warn(args: argparse.Namespace) -> int:
    lang = _lang(args)

    def work(session: Session) -> int:
        home = institution(session, args.institution)
        examiner = _by_code(session, Examiner, home, args.examiner, "unknown_examiner")
        assessment = None
        if args.session:
            assessment = _by_code(session, AssessmentSession, home, args.session, "unknown_session")
        warn(
            session, examiner, args.date or date.today(), args.reason,
            serious=args.serious, assessment=assessment, issued_by=session.info.get("actor"),
        )  # fmt: skip
        status = STATUS_NAMES[examiner.status][lang]
        print(f"{examiner.code} {examiner.name}: {status}")
        return 0

    return run_unit(work, lang, args.database)


def _review(args: argparse.Namespace) -> int:
    lang = _lang(args)

    def work(session: Session) -> int:
        home = institution(session, args.institution)
        for review in review_year(session, home, args.year):
            examiner = review.examiner
            _, reasons = propose(rollup(session, examiner, args.year), args.year)
            mean = f"{review.mean_score:.2f}" if review.mean_score is not None else "-"
            print(
                f"{examiner.code}\t{examiner.name}\t{OUTCOME_NAMES[review.proposal][lang]}\t"
                f"{review.sessions_served}\t{review.ratings}\t{mean}\t{review.refusals}\t"
                f"{review.warnings}\t{'；'.join(r.reason(lang) for r in reasons)}"
            )
        return 0

    return run_unit(work, lang, args.database)


def _invalid(args: argparse.Namespace) -> int:
    lang = _lang(args)

    def work(session: Session) -> int:
        for line in invalid_results(session, institution(session, args.institution)):
            print(
                f"{line.session_code}\t{line.day}\t{line.venue}\t{line.candidate_code}\t"
                f"{line.candidate_name}\t{line.organization or ''}\t{line.reason(lang)}"
            )
        return 0

    return run_unit(work, lang, args.database)


def _by_code(session: Session, model: Any, home: Institution, code: str, key: str) -> Any:
    found = session.scalar(select(model).where(model.institution_id == home.id, model.code == code))
    if found is None:
        raise Refused([Problem.of(MESSAGES, key, "code", code=code)])
    return found


def _lang(args: argparse.Namespace) -> str:
    return args.lang or os.environ.get("PANELPLAN_LANG", "zh")
