"""The one number parser (`solver.numbers`) and the solve options' ranges (issue 13)."""

from __future__ import annotations

import argparse
import math

import pytest

from solver.numbers import BadNumber, argument, decimal, whole
from solver.options import SEED, TIME_LIMIT, Options, option_problems


@pytest.mark.parametrize("text", ["0", "7", "-3", "+4", " 12 ", "2147483647"])
def test_plain_whole_numbers_are_read(text) -> None:
    assert whole(text) == int(text)


@pytest.mark.parametrize(
    "text", ["", "²", "١٢", "１２", "--5", "+-1", "1.0", "1e3", "0x10", "1_000", "nan"]
)
def test_anything_else_is_not_a_whole_number(text) -> None:
    with pytest.raises(BadNumber) as refused:
        whole(text)
    assert refused.value.key == "not_whole"
    assert "整数" in refused.value.text("zh") and "whole number" in refused.value.text("en")


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "Infinity", "1e999", "1e3", "", "."])
def test_decimals_are_plain_and_finite(value) -> None:
    with pytest.raises(BadNumber):
        decimal(value, 0, 100)


def test_json_numbers_are_numbers_when_finite_integral_and_in_range() -> None:
    assert whole(5.0, 0, 9) == 5 and decimal(3, 0, 9) == 3.0 and decimal(2.5, 0, 9) == 2.5
    for bad in (True, None, [], 2.5, math.nan, math.inf, 10**30):
        with pytest.raises(BadNumber):
            whole(bad, 0, 10)
    for bad in (False, math.nan, -math.inf, "x", {}):
        with pytest.raises(BadNumber):
            decimal(bad, 0, 10)


def test_out_of_range_says_the_range_as_people_write_it() -> None:
    with pytest.raises(BadNumber) as refused:
        decimal("0", *TIME_LIMIT)
    assert refused.value.text("en") == "“0” is out of range: it must be from 0.001 to 604,800"
    with pytest.raises(BadNumber) as refused:
        whole(str(10**30), *SEED)
    assert "2,147,483,646" in refused.value.text("zh")
    with pytest.raises(BadNumber) as refused:
        whole("-" + "9" * 5000, 0, 10)  # never converted (int() of it is slow, or refused)
    assert refused.value.key == "out_of_range"


def test_a_refused_value_is_repeated_back_printable_and_short() -> None:
    with pytest.raises(BadNumber) as refused:
        whole("\x00" + "9" * 100)
    text = refused.value.text("en")
    assert "\x00" not in text and len(text) < 120


def test_the_command_line_type_refuses_in_both_languages() -> None:
    read = argument(decimal, *TIME_LIMIT)
    assert read("2.5") == 2.5
    with pytest.raises(argparse.ArgumentTypeError, match=r"不是数字.* / “nan” is not a number"):
        read("nan")


def test_options_outside_their_ranges_are_named() -> None:
    assert option_problems(Options(60.0, 2, 7)) == {}
    assert option_problems(Options(None)) == {}
    found = option_problems(Options(math.nan, -1, 10**30))
    assert sorted(found) == ["seed", "time_limit", "workers"]
    assert sorted(option_problems(Options(math.inf))) == ["time_limit"]
