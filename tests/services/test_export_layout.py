"""The shared print-ready layout helpers: names valid on Windows and in Excel, masking, widths."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.exports.layout import display_width, file_name, mask_id, output_path, sheet_name


def test_sheet_names_are_valid_unique_and_unique_ignoring_case() -> None:
    taken: set[str] = set()
    names = [sheet_name(n, taken) for n in ["Li", "LI", "a/b:c", "张" * 40, "张" * 40]]
    assert names[:3] == ["Li", "LI(2)", "a_b_c"]
    assert all(len(n) <= 31 for n in names)
    assert len({n.casefold() for n in names}) == len(names)


@pytest.mark.parametrize(
    ("wanted", "expected"),
    [
        ("2024年考评人员汇总表", "2024年考评人员汇总表.xlsx"),
        ('派遣单:S0001/"A"?', "派遣单_S0001__A__.xlsx"),
        ("CON", "_CON.xlsx"),
        ("lpt1.backup", "_lpt1.backup.xlsx"),
        ("结尾. ", "结尾.xlsx"),
    ],
)
def test_file_names_are_valid_on_windows(wanted: str, expected: str) -> None:
    assert file_name(wanted) == expected


def test_id_numbers_are_masked_in_the_middle() -> None:
    assert mask_id("32040219650312123X") == "320402********123X"
    assert mask_id("E1234567") == "E1****67"
    assert mask_id(None) == ""


def test_chinese_characters_count_double_width() -> None:
    assert display_width("考评员") == 6
    assert display_width("E0001") == 5
    assert display_width("长\n短短短") == 6


def test_an_output_directory_receives_the_default_file_name(tmp_path) -> None:
    assert output_path(None, "派遣单.xlsx") == Path("派遣单.xlsx")
    assert output_path(tmp_path, "派遣单.xlsx") == tmp_path / "派遣单.xlsx"
    assert output_path(tmp_path / "x.xlsx", "派遣单.xlsx") == tmp_path / "x.xlsx"
