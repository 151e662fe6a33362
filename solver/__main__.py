"""`python -m solver`: the solver's own commands (solve, check, schema)."""

import sys

from .cli import main

sys.exit(main())
