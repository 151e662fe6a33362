"""panelplan's pure solver core: instance/result schema, rules, CP-SAT model, checker, CLI."""

__version__ = "0.1.0"
