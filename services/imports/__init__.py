"""Spreadsheet imports: find the header, read each row with every problem, write all valid
rows in one SAVEPOINT or nothing (examiners, sessions with candidates, occupations).

Owns: `sheets` (tables out of .xlsx/.csv), `workbook` (reading a workbook within limits:
decompression bombs, hidden sheets), `common` (the report, the all-or-nothing write),
`examiner_rows`, `session_rows` (pure row reading), `examiners`, `sessions`, `occupations`.
May import: models, `services.messages`, `services.cells`, `services.people`,
`services.institution.occupations`, `services.schedule.changes`.
"""
