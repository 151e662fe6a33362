"""What if an examiner withdraws: record it, rerun against the published plan, list the
changes; or rank substitutes seat by seat and draft the plan by hand.

Owns: `rerun`, `substitutes`.
May import: models, solver, `services.messages`, `services.planning`.
"""
