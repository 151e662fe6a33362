"""Examiners and their records: checking and writing an examiner with qualifications,
appointments and certificates, certificate numbers, document validation, removing records,
unavailability, and the change history as planners read it.

Owns: `checks` (`ExaminerIn`, `check`), `writes`, `records`, `certificates`, `validation`,
`unavailability`, `history`, `queries` (the examiner list and page).
May import: models, solver, `services.messages`, `services.cells`, `services.search`,
`services.exports.layout`, `services.institution.privacy` (who sees what whole),
`services.planning.policy` (the policy a check applies), `services.discipline.actions`
(suspension by hand).
"""
