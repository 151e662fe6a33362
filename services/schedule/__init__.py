"""The assessment schedule typed by hand: venues, sessions (add, change, cancel, restore) and
the change history of schedule rows a published plan depends on.

Owns: `venues`, `sessions`, `cancel`, `changes`, `queries` (the session list and page, the
API's sessions).
May import: models, `services.messages`, `services.cells`, `services.imports` (a session typed
into the form is read exactly as a row of the session sheet), `services.people.checks`.
"""
