"""Exports: pure functions from rows to workbooks (and calendars). No queries, no Flask.

The rows come from `services/*_export.py` modules that query the database; everything here
can be tested with hand-made rows and opened back with openpyxl.
"""
