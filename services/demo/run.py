"""The demo: load the bundled sample into a database, plan and publish the term, print it."""

from __future__ import annotations

import json
from datetime import date, timedelta
from importlib import resources
from pathlib import Path
from typing import TextIO

from sqlalchemy import make_url, select
from sqlalchemy.orm import Session

from data.generate import generate
from data.shift import days_to_start, shifted
from models import Institution, Plan
from models.db import make_engine, session_factory, transaction
from models.migrate import upgrade
from services.demo.loading import load_generated
from services.messages import Problem, Refused
from services.planning.plans import solve_and_store, status_name
from services.planning.publishing import publish
from solver.check import verify
from solver.load import load_instance
from solver.schema import Instance, Result
from solver.solve import Options


def sample(size: str = "S") -> dict:
    """The bundled sample instance `size` (S or M) as raw JSON."""
    text = resources.files("data").joinpath("samples", f"{size}.json").read_text(encoding="utf-8")
    return json.loads(text)


DEMO_DATABASE = Path("instance") / "demo.db"
# The institutions `panelplan demo --institutions 2|3` adds beside the sample's (3204005).
EXTRA = (
    ("3204006", "常州市第二职业技能等级评价机构（示例）"),
    ("3204007", "常州市第三职业技能等级评价机构（示例）"),
)
MESSAGES = {
    "demo_loaded": {
        "zh": "数据库 {url} 中已有演示机构 {code}（此前运行过演示）：请换用新的数据库，"
        "或用 panelplan serve --database 打开它",
        "en": "the database {url} already holds the demo institution {code} (the demo ran "
        "there before): use a fresh database, or open it with panelplan serve --database",
    },
}


def run_demo(
    size: str,
    out_dir: Path,
    time_limit: float,
    workers: int,
    stream: TextIO,
    database: str | None = None,
    today: date | None = None,
    institutions: int = 1,
) -> int:
    """Load the sample into a fresh database, plan, publish, print; 0 when every plan is valid.

    The sample is moved in time so that its term starts tomorrow (`data.shift`): the demo
    always has a session tomorrow, a term ahead and history behind.

    The main job end to end: the sample institution's examiners, sessions and history go
    into the database (by default a fresh SQLite file `instance/demo.db`, never the
    institution's own database), the term's instance is built from it, solved, stored as
    plan v1 and published. Instance and result are also written into `out_dir`. With
    `institutions` 2 or 3, as many more institutions (`EXTRA`), each with its own generated
    data, are loaded, planned and published beside it: one deployment, several tenants.
    """
    raws = demo_samples(size, institutions, today or date.today())
    url = database or f"sqlite:///{DEMO_DATABASE}"
    if url == f"sqlite:///{DEMO_DATABASE}":
        DEMO_DATABASE.unlink(missing_ok=True)  # the demo's own file: every run starts afresh
    engine = make_engine(url)
    upgrade(engine)
    options = Options(time_limit=time_limit, workers=workers)
    try:
        with transaction(session_factory(engine), "demo") as db:
            for raw in raws:
                _refuse_loaded(db, raw, url)
            plans = [_load_and_plan(db, raw, options) for raw in raws]
    finally:
        engine.dispose()
    valid = True
    for number, plan in enumerate(plans):
        label = size if number == 0 else f"{size}-{raws[number]['institution']['code']}"
        valid &= _report(plan, label, out_dir, url, stream)
    return 0 if valid else 1


def demo_samples(size: str, institutions: int, today: date) -> list[dict]:
    """The bundled sample, and for each further institution its own generated data (`EXTRA`),
    each moved so that its term starts the day after `today`."""
    raws = [sample(size)]
    for seed, (code, name) in enumerate(EXTRA[: institutions - 1], start=1):
        raw = generate(size, seed=seed)
        raw["institution"] = {"code": code, "name": name}
        raws.append(raw)
    return [shifted(raw, days_to_start(raw, today + timedelta(days=1))) for raw in raws]


def _load_and_plan(db: Session, raw: dict, options: Options) -> Plan:
    """Load one institution, plan its term as v1 and publish it when a plan was found."""
    institution = load_generated(db, raw)
    days = sorted(s["start"][:10] for s in raw["sessions"])
    first, last = date.fromisoformat(days[0]), date.fromisoformat(days[-1])
    plan = solve_and_store(db, institution, first, last, options, note="demo")
    if plan.solver_status in ("OPTIMAL", "FEASIBLE"):
        publish(db, institution, plan.version)
    return plan


def _report(plan: Plan, label: str, out_dir: Path, url: str, stream: TextIO) -> bool:
    """Print one institution's plan and its check, write its files; True when it is valid."""
    instance, _ = load_instance(plan.instance)
    result = Result.model_validate(plan.result)
    _write(out_dir, label, plan.instance, result)
    print(f"数据库：{url}  方案 v{plan.version}（{status_name(plan.status)}）", file=stream)
    print_plan(instance, result, stream)
    problems = verify(instance, result)
    for p in problems:
        print(p.line(), file=stream)
    print(
        f"\n核查（panelplan check）：{'全部规则满足' if not problems else '发现违规'}", file=stream
    )
    print(f"文件：{out_dir / f'demo-{label}-result.json'}\n", file=stream)
    return result.status in ("OPTIMAL", "FEASIBLE") and not problems


def sample_code(raw: dict | None = None) -> str:
    """The code of the sample's institution (of `raw`'s, when given)."""
    return ((raw if raw is not None else sample()).get("institution") or {}).get(
        "code"
    ) or "3204005"


def _refuse_loaded(db: Session, raw: dict, url: str) -> None:
    """Refuse a database that already holds the sample's institution (a demo run before)."""
    code = sample_code(raw)
    if db.scalar(select(Institution.id).where(Institution.code == code)) is not None:
        shown = make_url(url).render_as_string(hide_password=True)
        raise Refused([Problem.of(MESSAGES, "demo_loaded", "database", url=shown, code=code)])


def _write(out_dir: Path, size: str, raw: dict, result: Result) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"demo-{size}-instance.json").write_text(
        json.dumps(raw, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    (out_dir / f"demo-{size}-result.json").write_text(
        result.model_dump_json(indent=1), encoding="utf-8"
    )


def print_plan(instance: Instance, result: Result, stream: TextIO) -> None:
    """One line per session: date, time, venue, occupation, level, leader, members (by name)."""
    names = {e.id: e.name or e.id for e in instance.examiners}
    venues = {v.id: v.name or v.id for v in instance.venues}
    trades = {o.code: o.name or o.code for o in instance.occupations}
    sessions = {s.id: s for s in instance.sessions}
    o, b = result.objective, result.bound
    print(
        f"{instance.institution.name}  考评小组安排（{len(instance.sessions)} 个场次）", file=stream
    )
    print(
        f"状态 {result.status}  目标 {o.as_tuple()}  下界 {b.as_tuple()}  用时 {result.solve_seconds:.1f} 秒\n",
        file=stream,
    )
    for a in sorted(result.assignments, key=lambda a: sessions[a.session].order_key):
        s = sessions[a.session]
        others = "、".join(names[m] for m in a.members if m != a.leader)
        print(
            f"{s.id}  {s.start:%m-%d %H:%M}-{s.end:%H:%M}  {venues[s.venue]}  {trades[s.occupation]}{s.level}级"
            f"  组长 {names.get(a.leader or '', '—')}  成员 {others}",
            file=stream,
        )
