"""The institution as a whole: which one a command works on, its users, the occupation
catalogue shared by the database, and the scheduler's marks (heartbeat, watermarks).

Owns: `context`, `users`, `occupations`, `scheduler_state`, `privacy` (who sees personal data
whole), `queries` (the settings pages' lists).
May import: models, `services.messages`, `services.cells`.
"""
