"""A plan's note as facts, written out in the reader's language.

A plan records why it exists — edited by hand, restored, an examiner withdrew — as facts
(`Plan.note_facts`: a list of `{"key": ..., params}`), and every page writes the sentence in
its reader's language. `Plan.note` keeps the Chinese sentence for the command line, the
audit and plans stored before the facts were (they show their note as it was written).
"""

from __future__ import annotations

from typing import Any

from solver.messages import pick

Fact = dict[str, Any]

SENTENCES = {
    "edited": {"zh": "手工修改 v{version}：{changes}", "en": "edited v{version}: {changes}"},
    "fails": {
        "zh": "未通过检查（{rules}），不能发布",
        "en": "fails the checker ({rules}): not publishable",
    },
    "restored": {"zh": "由 v{version} 恢复", "en": "restored from v{version}"},
    "withdrew": {"zh": "{examiner} 退出 {where}", "en": "{examiner} withdrew from {where}"},
    "reason": {"zh": "（{reason}）", "en": " ({reason})"},
    "text": {"zh": "{text}", "en": "{text}"},  # the planner's own words, as typed
}
JOIN = {"zh": "；", "en": "; "}


def fact(key: str, **params: Any) -> Fact:
    return {"key": key, **params}


def sentence(one: Fact, lang: str) -> str:
    params = {k: v for k, v in one.items() if k != "key"}
    text = pick(SENTENCES[one["key"]], lang).format(**params)
    if one["key"] == "withdrew" and one.get("reason"):
        text += pick(SENTENCES["reason"], lang).format(reason=one["reason"])
    return text


def note_text(facts: list[Fact] | None, note: str | None, lang: str = "zh") -> str:
    """The note in `lang` (the stored text when the plan has no facts)."""
    if not facts:
        return note or ""
    return pick(JOIN, lang).join(sentence(f, lang) for f in facts)
