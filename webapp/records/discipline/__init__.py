"""The discipline records pages: warnings, revocations and refusals, conflicts and the results
they void, appointments ending and the yearly review (`services.discipline`)."""
