"""Alerts: the daily compliance sweep (R1, R2, R5), alerts kept with a state, their e-mail.

Owns: `store` (open / acknowledged / resolved), `compliance`, `notify`, `dashboard` (what
needs attention, gathered for the start page).
May import: models, `services.messages`, `services.discipline.actions`,
`services.institution.scheduler_state`, `services.notices.queries` (declines).
"""
