"""The demo and the fixtures: a generated sample institution loaded into a database.

Not production: `panelplan demo`, the tests and the benchmarks load data through here;
nothing else in services imports it.

Owns: `loading` (a `panel-instance/1` into rows), `people` (invented personal details),
`run` (load, plan, publish, print).
May import: models, solver, data, `services.people.certificates`, `services.planning`.
"""
