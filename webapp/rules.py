"""The hard rules as a planner reads them: a short name and the notice's article for each id.

Rule ids (H1-H8, and the checker's RESULT for a malformed plan) appear on the edit page, the
plan's "what to fix" list and the publish confirmation; the templates show each id with its
name (`rule_title`) and a legend (`planning/_rule_legend.html`) beside every such list.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

RULES = {
    "H1": (_l("panel size"), _l("art. 3 of the notice")),
    "H2": (_l("one leader, experienced at least a year"), _l("arts. 3 and 4 of the notice")),
    "H3": (
        _l("appointed, certified, qualified for the level, available"),
        _l("art. 2 of the notice"),
    ),
    "H4": (
        _l("recusal: no conflict with a candidate or their organisation"),
        _l("art. 5 of the notice"),
    ),
    "H5": (
        _l("no two sessions at once, no more than the examiner's limit"),
        _l("the institution's rules (art. 6)"),
    ),
    "H6": (
        _l("at least a third of the panel new versus its previous panel"),
        _l("art. 4 of the notice"),
    ),
    "H7": (_l("no more than 3 times in a row at one venue"), _l("art. 4 of the notice")),
    "H8": (_l("seats the planner fixed"), _l("the planner's own locks")),
    "RESULT": (_l("the plan names unknown sessions or examiners"), _l("data")),
}


def rule_title(code: str) -> str:
    """`H3` → `H3 appointed, certified, … (art. 2 of the notice)` in the reader's language."""
    found = RULES.get(code)
    if found is None:
        return code
    return _("%(code)s %(name)s (%(article)s)", code=code, name=found[0], article=found[1])


def init_app(app: Flask) -> None:
    app.add_template_global(rule_title)
    app.jinja_env.globals["RULES"] = RULES
