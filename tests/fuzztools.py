"""Bad input for the fuzzers (issue 13): values people and programs send that no field takes,
seeded random strings around them, how many to try, and the tally `make fuzz` reports.

The suite runs each fuzzer at a size CI affords (a few seconds each); `make fuzz` sets
`PANELPLAN_FUZZ_SCALE` (inputs per fuzzer = the CI count times it) and
`PANELPLAN_FUZZ_REPORT` (a file each fuzzer appends its tally to). A fuzzer collects every
failure instead of stopping at the first, so one run says how many there are.
"""

from __future__ import annotations

import json
import os
import random
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
# Numbers that are not numbers, numbers out of every range, and text that breaks storage.
NUMBERISH = [
    "nan", "NaN", "-nan", "inf", "-inf", "Infinity", "-Infinity", "1e999", "-1e999", "1e308",
    "1e-999", "²", "³", "¹²", "١٢", "٣", "१२", "１２", "--5", "+-1", "-+1", "++1", "0x10",
    "0b1", "0o7", "1_000", "1,000", "1 000", "9" * 19, "9" * 30, "9" * 400, "9" * 5000,
    "-" + "9" * 25, "2147483648", "4294967296", "9223372036854775808", "-9223372036854775809",
    "-1", "-0", "0", "00", "1.5", ".5", "5.", "-.0", "1e3", "1E3", "0.0000001", "  7  ",
    "½", "Ⅻ", "一", "十二", "True", "true", "null", "None", "[]", "{}", "1;2", "1/0",
]  # fmt: skip
TEXTY = [
    "", " ", "\t", "\x00", "a\x00b", "\x00" * 10, "\x01\x02\x1b[31m", "\x7f", "\r\n", "\u202e",
    "\ufeff", "\u200b", "😀" * 70, "中" * 201, "A" * 201, "A" * 5000, "A" * 10_001,
    "' OR '1'='1", "'; DROP TABLE examiners; --", "<script>alert(1)</script>", "{{7*7}}",
    "%(name)s", "{0}", "{x}", "%", "_", "\\", "/", "..", "../../etc/passwd", "%00", "%zz",
    "=1+1", "@SUM(A1)", "2026-13-45", "2026-02-30", "0000-01-01", "9999-12-31", "10000-01-01",
    "2026/3/1", "20260101", "2026-03-01T25:00", "0001-01-01", "-2026-01-01", "𝟚𝟘𝟚𝟞-01-01",
]  # fmt: skip
ALPHABET = "0123456789-+.eE abcXYZ中文考评员\x00\x01\x1f\x7f²³١٢%_'\"<>{}[]\\/,;:\u202e\ufeff😀"


def scale() -> int:
    """How many times the CI count `make fuzz` asks for (1 in the suite)."""
    return max(1, int(os.environ.get("PANELPLAN_FUZZ_SCALE", "1")))


def count(ci: int) -> int:
    """Inputs this fuzzer tries: `ci` in the suite, more under `make fuzz`."""
    return ci * scale()


def rng(name: str) -> random.Random:
    """A generator seeded by the fuzzer's name (and `PANELPLAN_FUZZ_SEED`): reproducible."""
    return random.Random(f"{name}:{os.environ.get('PANELPLAN_FUZZ_SEED', '0')}")


def bad_value(r: random.Random, json_too: bool = False) -> Any:
    """One bad value: from the lists above, a random string, or (JSON) a bad non-string."""
    pick = r.random()
    if pick < 0.4:
        return r.choice(NUMBERISH)
    if pick < 0.75:
        return r.choice(TEXTY)
    if json_too and pick < 0.9:
        return r.choice([
            float("nan"), float("inf"), -float("inf"), 10**30, -(10**30), 2**63, 1e308, -1,
            0, True, False, None, [], {}, [1], {"a": 1}, "\ud800", "a\udfffb", 1.5, "", [[[[]]]],
        ])  # fmt: skip
    size = r.choice([1, 2, 5, 20, 60, 250, 3000])
    return "".join(r.choice(ALPHABET) for _ in range(size))


@dataclass
class Tally:
    """What one fuzzer tried and what went wrong (each failure: the input and the error)."""

    name: str
    inputs: int = 0
    failures: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.perf_counter)

    def fail(self, what: str, error: Any) -> None:
        """Record a failure (kept short: the first ones are shown when the test fails); an
        exception is named with the deepest line of this project's code it passed."""
        if isinstance(error, BaseException):
            frames = [f for f in traceback.extract_tb(error.__traceback__) if ROOT in f.filename]
            place = (
                f" at {frames[-1].filename.removeprefix(ROOT)}:{frames[-1].lineno}"
                if frames
                else ""
            )
            error = f"{type(error).__name__}{place}: {error}"
        self.failures.append(f"{what[:300]!r}: {str(error)[:500]}")

    def check(self) -> None:
        """Append the tally to the report (under `make fuzz`) and fail on any failure."""
        report = os.environ.get("PANELPLAN_FUZZ_REPORT")
        if report:
            line = {
                "fuzzer": self.name,
                "inputs": self.inputs,
                "failures": len(self.failures),
                "seconds": round(time.perf_counter() - self.started, 1),
                "first": self.failures[:5],
            }
            with open(report, "a", encoding="utf-8") as out:
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
        assert self.failures == [], f"{len(self.failures)} of {self.inputs}: " + "\n".join(
            self.failures[:10]
        )


@contextmanager
def tally(name: str) -> Iterator[Tally]:
    """A tally checked when the block ends."""
    found = Tally(name)
    yield found
    found.check()


def summary(report: str) -> str:
    """The tally of a `make fuzz` run as a table: fuzzer, inputs, failures, seconds."""
    with open(report, encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines if line.strip()]
    out = [f"{'fuzzer':<62} {'inputs':>7} {'failures':>8} {'seconds':>8}"]
    for row in sorted(rows, key=lambda r: r["fuzzer"]):
        out.append(
            f"{row['fuzzer']:<62} {row['inputs']:>7} {row['failures']:>8} {row['seconds']:>8}"
        )
        out += [f"    {first}" for first in row["first"]]
    total = [sum(r[k] for r in rows) for k in ("inputs", "failures", "seconds")]
    out.append(f"{'total':<62} {total[0]:>7} {total[1]:>8} {round(total[2], 1):>8}")
    return "\n".join(out)


if __name__ == "__main__":
    import sys

    print(summary(sys.argv[1]))
