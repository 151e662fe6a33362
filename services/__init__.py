"""Use cases joining the layers (solver, models, data), one package per feature.

Views (`webapp/`), commands (`cli/`) and jobs (`jobs/`) call these; nothing here imports
them. The rooms (docs/architecture.md says where a new feature goes):

- `messages`, `cells`: the shared floor: planner-facing problems, values as planners type them.
- `institution/`: which institution, its users, the occupation catalogue, the scheduler's marks.
- `people/`: examiners and their records: checks, writes, certificates, unavailability, history.
- `schedule/`: venues and assessment sessions typed by hand, cancelled or restored.
- `imports/`: spreadsheets read row by row into people, sessions, candidates and occupations.
- `planning/`: instances, policy, plans, publishing, edits, revalidation, solve jobs, plan sheets.
- `whatif/`: an examiner withdraws: the rerun against the published plan, substitutes.
- `discipline/`: warnings, refusals, ratings, the yearly review, conflicts and voided results.
- `filing/`: training plans and filing batches with Attachments 1 and 2.
- `alerts/`: the compliance sweep, alerts with a state, their e-mail.
- `exports/`: pure builders, rows in, workbook out (the rows come from the features).
- `demo/`: the sample institution loaded for the demo, tests and benchmarks (not production data).
"""
