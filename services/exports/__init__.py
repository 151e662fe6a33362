"""Exports: pure functions from rows to workbooks (and calendars). No queries, no Flask.

The rows come from each feature's row-gathering module (`services.planning.sheet_rows`,
`services.planning.allowance_rows`, `services.filing.forms`, `services.discipline.invalid_rows`);
everything here can be tested with hand-made rows and opened back with openpyxl.

Owns: `layout` (print settings, file names, masking), one builder per form or sheet
(`attachment1`, `attachment2`, `assignments`, `dispatch`, `examiner_sheets`, `allowance`,
`invalid`, `calendar`, the import's `import_template` and `import_problems`) and their row
types (`plan_rows`).
May import: openpyxl, icalendar, the standard library; nothing of models, solver or the
features (an import-linter contract).
"""
