"""What if an examiner withdraws: check and record the withdrawal, rerun against the
published plan and list the changes; or rank substitutes seat by seat and draft by hand.

Owns: `withdrawals` (check, record, describe), `rerun` (prepare once, store once: the
command, the worker and the web app share it), `substitutes`.
May import: models, solver, `services.messages`, `services.planning`.
"""
