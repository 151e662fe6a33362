"""Chinese first: every planner-facing string of the web app has a Chinese translation."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

WEBAPP = Path(__file__).resolve().parents[2] / "webapp"
CATALOG = WEBAPP / "translations" / "zh" / "LC_MESSAGES"


def _extract(target: Path) -> set[str]:
    command = [
        sys.executable, "-m", "babel.messages.frontend", "-q", "extract",
        "-F", str(WEBAPP / "babel.cfg"), "-k", "_l", "-o", str(target), str(WEBAPP),
    ]  # fmt: skip
    subprocess.run(command, check=True, capture_output=True)
    with target.open("rb") as stream:
        return {m.id for m in read_po(stream) if m.id}


def test_every_string_in_code_and_templates_has_a_chinese_translation(tmp_path) -> None:
    wanted = _extract(tmp_path / "messages.pot")
    with (CATALOG / "messages.po").open("rb") as stream:
        translated = {m.id for m in read_po(stream) if m.id and m.string and not m.fuzzy}
    assert sorted(wanted - translated) == []


def test_the_compiled_catalog_matches_the_translations() -> None:
    def plain(value):  # plural entries: tuples in the .po reader, lists in the .mo reader
        return tuple(value) if isinstance(value, list | tuple) else value

    with (CATALOG / "messages.po").open("rb") as stream:
        source = {
            plain(m.id): plain(m.string)
            for m in read_po(stream)
            if m.id and m.string and not m.fuzzy
        }
    with (CATALOG / "messages.mo").open("rb") as stream:
        compiled = {plain(m.id): plain(m.string) for m in read_mo(stream) if m.id}
    assert compiled == source, "run `make translations` (pybabel compile)"


def test_chinese_sentences_use_full_width_punctuation() -> None:
    """Chinese text takes ，；：！？（） — never the half-width ones (placeholders aside)."""
    import re

    with (CATALOG / "messages.po").open("rb") as stream:
        catalog = [m for m in read_po(stream) if m.id and m.string]
    half_width = []
    for m in catalog:
        for text in m.string if isinstance(m.string, tuple) else (m.string,):
            if not re.search(r"[\u4e00-\u9fff]", text):
                continue
            bare = re.sub(r"%\([a-z_]+\)[sd]|https?://\S+", "", text)
            if re.search(r"[(),;!?]|(?<=[\u4e00-\u9fff]):", bare):
                half_width.append(text)
    assert half_width == []


def test_templates_set_no_half_width_punctuation_beside_translated_words() -> None:
    """`{{ _("Code") }}: …` would put a half-width colon in Chinese text: templates use the
    `colon` and `parens` helpers (full-width in Chinese) or a translated sentence instead."""
    import re

    templates = Path(__file__).resolve().parents[2] / "webapp" / "templates"
    found = [
        f"{path.relative_to(templates)}: {match.group(0)}"
        for path in sorted(templates.rglob("*.html"))
        for match in re.finditer(r"\}\}[,:;] |\}\} \(\{\{", path.read_text(encoding="utf-8"))
    ]
    assert found == []


# Counts written before a plural noun that are never one: a configured period (60 days,
# 6 weeks), a fair share (a decimal), a range ("2 to 5 sessions"), "all N examiners".
NEVER_ONE = {
    "Expiring within %(n)s days",
    "Sessions in the next %(n)s weeks without a panel",
    "Every examiner whose term ends within %(n)s days",
    "Appointments and certificates ending within %(n)s days",
    "Fair share: %(seats)s seats and %(leads)s leaderships per examiner who may serve.",
    "In the published plan v%(version)s (%(start)s ~ %(end)s): %(sessions)s, %(leads)s as "
    "leader; the fair share is %(fair)s sessions.",
    "Sessions (bar) and leaderships against the fair share of %(fair)s sessions (line): seats "
    "divided by active examiners.",
    "Each examiner sits %(fewest)s to %(most)s sessions (a fair share is %(fair)s).",
    "Leaders lead %(fewest)s to %(most)s sessions each.",
    "Nothing is published yet: all %(people)s examiners of this plan receive their assignments.",
    "Fair share for the term: %(fair)s sessions per examiner.",
}


def test_a_count_of_one_reads_in_the_singular_in_english() -> None:
    """A count before a plural noun goes through ngettext ("1 seat", "2 seats"), unless
    it is never one (NEVER_ONE)."""
    import re

    noun = r"%\(\w+\)[sd] (\w+ )?(session|seat|examiner|alert|change|problem|day|row|finding"
    noun += r"|leadership|week|member|result|conflict|candidate)s\b"
    with (CATALOG / "messages.po").open("rb") as stream:
        singular_only = [m.id for m in read_po(stream) if m.id and isinstance(m.id, str)]
    assert [i for i in singular_only if re.search(noun, i) and i not in NEVER_ONE] == []
