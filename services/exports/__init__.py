"""Exports: pure functions from rows to workbooks (and calendars). No queries, no Flask.

The rows come from each feature's row-gathering module (`services.planning.sheet_rows`,
`services.planning.allowance_rows`, `services.filing.forms`, `services.discipline.invalid_rows`);
everything here can be tested with hand-made rows and opened back with openpyxl.
"""
