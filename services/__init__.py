"""Use cases joining the layers (solver, models, data); views and jobs call these."""
