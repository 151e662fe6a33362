"""Planning a term: the instance built from the database, the policy of a solve, plan versions,
the plan cache, publishing, edits by hand and their checks, revalidation of published plans,
solve jobs, and the rows of a plan's sheets (assignment sheets, dispatch, allowance).

Owns: `instance`, `instance_examiners`, `policy`, `plans`, `cache`, `publishing`, `edits`,
`edit_checks`, `parts`, `revalidation`, `solve_jobs`, `solve_runs`, `solve_queue` (which
queued jobs go to the message broker next, fairly), `sheet_rows`,
`allowance_rows`.
May import: models, solver, `services.messages`, `services.exports` (builders),
`services.institution`, `services.alerts.store` (revalidation opens alerts),
`services.whatif.rerun` (a what-if solve job), `services.notices.record` (publishing
tells the examiners whose seats change).
"""
