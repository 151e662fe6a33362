"""Discipline and review (R5, R2): warnings, revocation, suspension, refusals to serve,
ratings, the yearly review, conflicts of interest and the results they void.

Owns: `actions` (the examiner status machine), `refusals`, `ratings`, `review`, `conflicts`,
`conflict_lists`, `invalid_rows` (rows of the invalid-result report), `queries` (what the
discipline and review pages read).
May import: models, solver, `services.messages`, `services.search`, `services.exports` (builders),
`services.people.certificates`.
"""
