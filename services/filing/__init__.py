"""Filing with the superior unit (备案, R7): training plans, filing batches, and the rows and
workbooks of Attachments 1 and 2.

Owns: `training` (status machine, training plans), `batches`, `forms_rows`, `forms`,
`queries` (the filing pages' lists).
May import: models, solver, `services.messages`, `services.exports` (builders),
`services.institution.context`, `services.planning.policy`.
"""
