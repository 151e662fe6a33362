"""Telling examiners: the notices a publication leaves to examiners whose seats it changed,
their e-mail (text and calendars), the personal link where they confirm or decline, and the
call list for those without e-mail.

Owns: `record` (notices made in the publishing transaction), `links` (the signed personal
link and the answer), `mail` (the message and its sending), `queries` (the call list, the
answer per seat, declines for the dashboard).
May import: models, `services.messages`, `services.exports` (builders),
`services.alerts.notify` (the SMTP settings and sending).
"""
