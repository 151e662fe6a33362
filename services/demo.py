"""The demo: staff the bundled sample term, check the plan and print it as a planner reads it."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import TextIO

from solver.check import verify
from solver.load import load_instance
from solver.schema import Instance, Result
from solver.solve import Options, solve


def sample(size: str = "S") -> dict:
    """The bundled sample instance `size` (S or M) as raw JSON."""
    text = resources.files("data").joinpath("samples", f"{size}.json").read_text(encoding="utf-8")
    return json.loads(text)


def run_demo(size: str, out_dir: Path, time_limit: float, workers: int, stream: TextIO) -> int:
    """Solve the sample, write instance and result into `out_dir`, print the plan; 0 when valid."""
    raw = sample(size)
    instance, _ = load_instance(raw)
    result = solve(instance, Options(time_limit=time_limit, workers=workers))
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"demo-{size}-instance.json").write_text(
        json.dumps(raw, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    (out_dir / f"demo-{size}-result.json").write_text(
        result.model_dump_json(indent=1), encoding="utf-8"
    )
    print_plan(instance, result, stream)
    problems = verify(instance, result)
    for p in problems:
        print(p.line(), file=stream)
    print(
        f"\n核查（panelplan check）：{'全部规则满足' if not problems else '发现违规'}", file=stream
    )
    print(f"文件：{out_dir / f'demo-{size}-result.json'}", file=stream)
    return 0 if result.status in ("OPTIMAL", "FEASIBLE") and not problems else 1


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
