"""The demo: load the bundled sample into a database, plan and publish the term, print it."""

from __future__ import annotations

import json
from datetime import date, timedelta
from importlib import resources
from pathlib import Path
from typing import TextIO

from data.shift import days_to_start, shifted
from models.db import make_engine, session_factory, transaction
from models.migrate import upgrade
from services.demo.loading import load_generated
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


def run_demo(
    size: str,
    out_dir: Path,
    time_limit: float,
    workers: int,
    stream: TextIO,
    database: str | None = None,
    today: date | None = None,
) -> int:
    """Load the sample into a fresh database, plan, publish, print; 0 when the plan is valid.

    The sample is moved in time so that its term starts tomorrow (`data.shift`): the demo
    always has a session tomorrow, a term ahead and history behind.

    The main job end to end: the sample institution's examiners, sessions and history go
    into the database (by default a fresh SQLite file `instance/demo.db`, never the
    institution's own database), the term's instance is built from it, solved, stored as
    plan v1 and published. Instance and result are also written into `out_dir`.
    """
    raw = sample(size)
    raw = shifted(raw, days_to_start(raw, (today or date.today()) + timedelta(days=1)))
    url = database or f"sqlite:///{DEMO_DATABASE}"
    if url == f"sqlite:///{DEMO_DATABASE}":
        DEMO_DATABASE.unlink(missing_ok=True)  # the demo's own file: every run starts afresh
    engine = make_engine(url)
    upgrade(engine)
    factory = session_factory(engine)
    days = sorted(s["start"][:10] for s in raw["sessions"])
    first, last = date.fromisoformat(days[0]), date.fromisoformat(days[-1])
    options = Options(time_limit=time_limit, workers=workers)
    try:
        with transaction(factory, "demo") as db:
            institution = load_generated(db, raw)
            plan = solve_and_store(db, institution, first, last, options, note="demo")
            if plan.solver_status in ("OPTIMAL", "FEASIBLE"):
                publish(db, institution, plan.version)
    finally:
        engine.dispose()
    instance, _ = load_instance(plan.instance)
    result = Result.model_validate(plan.result)
    _write(out_dir, size, plan.instance, result)
    print(f"数据库：{url}  方案 v{plan.version}（{status_name(plan.status)}）", file=stream)
    print_plan(instance, result, stream)
    problems = verify(instance, result)
    for p in problems:
        print(p.line(), file=stream)
    print(
        f"\n核查（panelplan check）：{'全部规则满足' if not problems else '发现违规'}", file=stream
    )
    print(f"文件：{out_dir / f'demo-{size}-result.json'}", file=stream)
    return 0 if result.status in ("OPTIMAL", "FEASIBLE") and not problems else 1


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
