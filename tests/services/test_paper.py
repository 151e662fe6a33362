"""Issue 14, checked on the rendered page: every export printed by LibreOffice (one run for
all of them) and read back with pdfplumber. No two characters overlap (no text printed
over a row above or below), none outside the page, every one at least 9 pt (10.5 pt on
Attachment 1 and the 派遣单), a whole page number on every page counted per document,
and the expected page counts."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from paper_pages import PAGE_NUMBER, build, overlaps
from pdf import to_pdfs

from services.exports.paper import MARGINS

DOCUMENTS = {"dispatch": 6, "examiners": 3, "allowance": 2}  # sessions, examiners, sheets


def documents(numbers: list[tuple[int, int]]) -> list[int]:
    """The page count of each document, checking that each counts 1..n, whole."""
    counts: list[int] = []
    numbers_seen = 0
    for page, total in numbers:
        if page == 1:
            assert not counts or numbers_seen == counts[-1], numbers  # the last one was whole
            counts.append(total)
            numbers_seen = 0
        numbers_seen += 1
        assert page == numbers_seen and total == counts[-1], numbers
    assert counts and numbers_seen == counts[-1], numbers
    return counts


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[object, list]]:
    folder = tmp_path_factory.mktemp("paper")
    exports = build(folder)
    pdfs = to_pdfs([folder / f"{stem}.xlsx" for stem in exports], folder)
    pages = {}
    for pdf in pdfs:
        with pdfplumber.open(pdf) as document:
            pages[pdf.stem] = [
                (p.width, p.height, p.chars, p.extract_text()) for p in document.pages
            ]
    return {stem: (exports[stem], pages[stem]) for stem in exports}


STEMS = [
    "plan_1", "plan_120", "dispatch", "examiners", "allowance", "invalid_1", "invalid_60",
    "attachment1", "attachment2",
]  # fmt: skip


@pytest.mark.parametrize("stem", STEMS)
def test_every_export_prints_clean_on_a4(printed, stem: str) -> None:
    export, pages = printed[stem]
    if export.pages is not None:
        assert len(pages) == export.pages
    for number, (width, height, chars, _) in enumerate(pages, start=1):
        assert {round(width), round(height)} == {595, 842}, f"{stem} p{number}: not A4"
        sizes = [c["size"] for c in chars if c["text"].strip()]
        assert sizes and min(sizes) >= export.minimum - 0.05, f"{stem} p{number}: {min(sizes)} pt"
        for c in chars:
            assert c["x0"] >= 0 and c["x1"] <= width and c["top"] >= 0 and c["bottom"] <= height
        assert not overlaps(chars), f"{stem} p{number}: {overlaps(chars)[:5]}"


@pytest.mark.parametrize("stem", [s for s in STEMS if s != "attachment1"])
def test_every_page_has_its_number_counted_per_document(printed, stem: str) -> None:
    _, pages = printed[stem]
    numbers = []
    for _, height, chars, text in pages:
        found = PAGE_NUMBER.findall(text)
        assert len(found) == 1, f"{stem}: {found}"
        numbers.append(tuple(map(int, found[0])))
        foot = [c for c in chars if c["text"] in "第页共"]
        assert foot and all(c["bottom"] <= height - 72 * MARGINS["footer"] + 1 for c in foot)
    if stem in DOCUMENTS:  # numbered within each session's / examiner's document
        assert len(documents(numbers)) == DOCUMENTS[stem]
    else:
        assert numbers == [(k, len(pages)) for k in range(1, len(pages) + 1)]


def test_attachment1_carries_the_notice_label_and_all_certificates(printed) -> None:
    _, pages = printed["attachment1"]
    text = "".join(pages[0][3].split())
    assert text.startswith("附件1职业技能等级认定考评人员信息表")
    assert "钳工高级工" in text  # the third certificate prints whole
    assert "附件2" in printed["attachment2"][1][0][3]
    assert "证书编码规则" in printed["attachment2"][1][-1][3]


def test_reference_pages_exist_for_reviewers() -> None:
    docs = Path(__file__).resolve().parents[2] / "docs" / "paper"
    assert {"plan_120-1.png", "dispatch-1.png", "attachment1-1.png"} <= {
        p.name for p in docs.glob("*.png")
    }
