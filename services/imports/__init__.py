"""Spreadsheet imports: find the header, read each row with every problem, write all valid
rows in one SAVEPOINT or nothing (examiners, sessions with candidates, occupations).

Owns: `sheets` (tables out of .xlsx/.csv), `workbook` (reading a workbook within limits:
decompression bombs, hidden sheets), `headings` (unrecognised headings with a guess, absent
and missing columns), `common` (the report with each bad row's person, ID numbers masked for
readers who see them masked; the all-or-nothing write), `examiner_rows`, `session_rows`
(pure row reading), `examiners`, `sessions`, `occupations`, `templates` (the downloadable
templates' columns and example rows).
May import: models, `services.messages`, `services.cells`, `services.people`,
`services.institution.occupations`, `services.schedule.changes`, `services.exports`
(`layout.mask_id`, the pure `import_template` builder).
"""
