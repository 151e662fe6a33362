"""Organisations, venues (考点) and examiners (考评人员) of a generated instance."""

import math
import random
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any, NamedTuple

from stdnum.cn import ric

from data import names
from data.eligibility import add_years
from data.names import Occupation

NON_ACTIVE = ("suspended", "revocation_pending", "revoked")


class Org(NamedTuple):
    """An employer or training school: candidates and examiners belong to one."""

    name: str
    school: bool
    clusters: tuple[str, ...]


class Horizon(NamedTuple):
    """The planned period: first and last day, and the history window's first day."""

    start: date
    end: date
    history_start: date


def make_organizations(
    rng: random.Random, occupations: Sequence[Occupation], n_venues: int
) -> list[Org]:
    """Return schools first, then companies, all working in the chosen occupations' clusters."""
    clusters = sorted({o.cluster for o in occupations})
    n_schools = min(len(names.SCHOOLS), max(3, math.ceil(n_venues * 0.6)))
    weights = [
        (1 + 3 * len(set(c) & set(clusters)) ** 2) * (3 if _local(name) else 1)
        for name, c in names.SCHOOLS
    ]
    picked: list[Org] = []
    pool = list(names.SCHOOLS)
    while len(picked) < n_schools:
        index = rng.choices(range(len(pool)), weights)[0]
        weights.pop(index)
        name, own = pool.pop(index)
        picked.append(Org(name, True, tuple(c for c in own if c in clusters) or (clusters[0],)))
    by_weight = [o.cluster for o in occupations for _ in range(o.weight)]
    taken = {o.name for o in picked}
    for k in range(max(7, 2 * n_venues - n_schools)):
        cluster = clusters[k] if k < len(clusters) else rng.choice(by_weight)
        name = _company_name(rng, cluster)
        while name in taken:
            name = _company_name(rng, cluster)
        taken.add(name)
        picked.append(Org(name, False, (cluster,)))
    return picked


def _local(name: str) -> bool:
    """Tell whether a school is in Changzhou (the institution draws on those first)."""
    return any(place in name for place in ("常州", "武进", "金坛", "溧阳"))


def _company_name(rng: random.Random, cluster: str) -> str:
    trade = rng.choice(names.COMPANY_TRADES[cluster])
    parts = (rng.choice(names.COMPANY_PLACES), rng.choice(names.COMPANY_BRANDS), trade)
    return "".join(parts) + rng.choice(names.COMPANY_SUFFIXES)


def make_venues(
    rng: random.Random, orgs: Sequence[Org], occupations: Sequence[Occupation], n_venues: int
) -> tuple[list[dict], dict[str, list[str]]]:
    """Return venues and, per occupation code, the ids of venues that host it."""
    schools = [o for o in orgs if o.school]
    n_schools = min(len(schools), math.ceil(n_venues * 0.6))
    owners = schools[:n_schools] + rng.sample(
        [o for o in orgs if not o.school], n_venues - n_schools
    )
    width = max(2, len(str(n_venues)))
    venues: list[dict] = []
    hosts: dict[str, list[str]] = {o.code: [] for o in occupations}
    for i, org in enumerate(owners, 1):
        vid = f"V{i:0{width}d}"
        suffix = "考点" if org.school else rng.choice(("职业技能等级认定考点", "职工技能鉴定站"))
        venues.append({"id": vid, "name": org.name + suffix, "organization": org.name})
        for occ in occupations:
            if occ.cluster in org.clusters:
                hosts[occ.code].append(vid)
    wanted = 3 if n_venues < 20 else 4
    for ids in hosts.values():
        others = [v["id"] for v in venues if v["id"] not in ids]
        rng.shuffle(others)
        while len(ids) < min(wanted, n_venues) and others:
            ids.append(others.pop())
        ids.sort()
    return venues, hosts


def make_examiners(
    rng: random.Random,
    n: int,
    occupations: Sequence[Occupation],
    orgs: Sequence[Org],
    horizon: Horizon,
    mean_load: float,
) -> list[dict]:
    """Return `n` examiners with grades, qualifications, appointments and absences."""
    width = max(4, len(str(n)))
    seen: set[str] = set()
    examiners = []
    few = max(1, round(0.03 * n))
    lapses = dict.fromkeys(rng.sample(range(n), 2 * few), "appointment")
    lapses.update(dict.fromkeys(list(lapses)[few:], "certificate"))
    for i in range(1, n + 1):
        e = _examiner(rng, f"E{i:0{width}d}", _unique_name(rng, seen), occupations, orgs)
        _add_dates(rng, e, horizon, lapses.get(i - 1))
        if rng.random() < 0.08:
            e["max_sessions"] = max(2, round(mean_load * rng.uniform(0.6, 1.1)))
        examiners.append(e)
    n_off = max(2, round(0.04 * n))
    for k, e in enumerate(rng.sample(examiners, n_off)):
        e["status"] = NON_ACTIVE[k % len(NON_ACTIVE)]
    return examiners


def _unique_name(rng: random.Random, seen: set[str]) -> str:
    while True:
        given = names.GIVEN_MALE if rng.random() < 0.6 else names.GIVEN_FEMALE
        name = rng.choice(names.SURNAMES) + rng.choice(given)
        if name not in seen:
            seen.add(name)
            return name


def resident_id(
    rng: random.Random, birth: date, male: bool, taken: set[str], regions: Sequence[str]
) -> str:
    """A valid 18-digit resident ID for `birth` and sex, not in `taken` (added to it)."""
    while True:
        sex_digit = rng.choice("13579" if male else "02468")
        body = f"{rng.choice(regions)}{birth:%Y%m%d}{rng.randrange(100):02d}{sex_digit}"
        number = body + ric.calc_check_digit(body + "0")
        if number not in taken:
            taken.add(number)
            return number


def _examiner(
    rng: random.Random, eid: str, name: str, occupations: Sequence[Occupation], orgs: Sequence[Org]
) -> dict[str, Any]:
    primary = rng.choices(occupations, [o.weight for o in occupations])[0]
    senior = rng.random() < 0.3
    near = [o for o in orgs if primary.cluster in o.clusters]
    home = near if near and rng.random() < 0.6 else list(orgs)
    org = rng.choices(home, [2 if o.school else 1 for o in home])[0]
    kin = [o for o in occupations if o.cluster == primary.cluster and o != primary]
    others = [o for o in occupations if o != primary]
    quals = [primary]
    for _ in range(rng.choices((0, 1, 2), (25, 45, 30))[0]):
        choices = [o for o in (kin if kin and rng.random() < 0.7 else others) if o not in quals]
        if choices:
            quals.append(rng.choice(choices))
    return {
        "id": eid,
        "name": name,
        "grade": "senior" if senior else "examiner",
        "status": "active",
        "organization": org.name,
        "qualifications": [
            {"occupation": o.code, "top_level": _top_level(rng, senior, k == 0)}
            for k, o in enumerate(quals)
        ],
    }


def _top_level(rng: random.Random, senior: bool, primary: bool) -> int:
    """Return the highest level assessed: seniors mostly 1-2, examiners 3 (a few 2, capped)."""
    if senior:
        return rng.choices((1, 2), (60, 40))[0] if primary else rng.choice((1, 2, 3))
    return 2 if rng.random() < 0.08 else 3


def _add_dates(rng: random.Random, e: dict[str, Any], horizon: Horizon, lapse: str | None) -> None:
    """Set experience, appointments, certificate and absences; `lapse` ends one mid-horizon."""
    start = horizon.start
    new = e["grade"] == "examiner" and rng.random() < 0.12 and lapse is None
    days = rng.randint(20, 340) if new else rng.randint(400, 15 * 365)
    since = start - timedelta(days=days)
    lead_odds = 0.3 if new else (0.85 if e["grade"] == "senior" else 0.55)
    appointed = max(since, start - timedelta(days=rng.randint(40, 1060)))
    span = (horizon.end - start).days
    midway = start + timedelta(days=rng.randint(span // 4, span - span // 4))
    if lapse == "appointment":
        appointed = add_years(midway, -3) + timedelta(days=1)
        since = min(since, appointed)
    terms = [(appointed, _term_end(rng, appointed, full=lapse is not None))]
    # The term before ends the day before; it starts three years before that day's morrow,
    # so that a term ending 28 Feb after a 29 Feb is not a day over three years.
    before = add_years(appointed - timedelta(days=1), -3) + timedelta(days=1)
    if before >= since and rng.random() < 0.3:
        terms.insert(0, (before, appointed - timedelta(days=1)))
    if terms[-1][1] < horizon.end and rng.random() < 0.7:
        renewed = terms[-1][1] + timedelta(days=1)
        terms.append((renewed, _term_end(rng, renewed)))
    ordered = {
        "assessing_since": since.isoformat(),
        "leader_eligible": rng.random() < lead_odds,
        "qualifications": e.pop("qualifications"),
        "appointments": [{"start": a.isoformat(), "end": b.isoformat()} for a, b in terms],
    }
    if lapse == "certificate":
        ordered["certified_until"] = midway.isoformat()
    elif rng.random() < 0.55:
        ordered["certified_until"] = (start + timedelta(days=rng.randint(10, 1100))).isoformat()
    ordered["unavailable"] = _absences(rng, horizon) if rng.random() < 0.3 else []
    e.update(ordered)


def _term_end(rng: random.Random, start: date, *, full: bool = False) -> date:
    """Return the last day of a term: three years (sometimes two), minus one day."""
    return add_years(start, 3 if full or rng.random() < 0.85 else 2) - timedelta(days=1)


def _absences(rng: random.Random, horizon: Horizon) -> list[dict[str, str]]:
    span = (horizon.end - horizon.start).days
    count = 1 + (span > 90) + (span > 300)
    periods: list[dict[str, str]] = []
    for day in sorted(rng.sample(range(span + 1), count)):
        first = horizon.start + timedelta(days=day)
        last = min(first + timedelta(days=rng.randint(0, 4)), horizon.end)
        if not periods or periods[-1]["end"] < first.isoformat():
            periods.append({"start": first.isoformat(), "end": last.isoformat()})
    return periods
