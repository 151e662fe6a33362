"""The `panelplan` command line: every subcommand's argparse and printing.

Commands parse their arguments, open the database, call the same services the web app calls
and print the outcome in the planner's language; `solver.cli` keeps `solve`, `check` and
`schema` (the solver stands alone) and is registered here as is.
"""
