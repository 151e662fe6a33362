"""Child process of the solve-job claim test: claim queued jobs until none is left.

Usage: python solve_claimer.py URL GO_FILE
It prints `ready`, waits until GO_FILE exists (so every child starts at once), then claims
jobs one committed transaction at a time (as `jobs.solving` does) and prints each id.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from models.db import make_engine, session_factory, transaction
from services.planning.solve_runs import claim


def main(argv: list[str]) -> int:
    """Claim and print job ids until the queue is empty."""
    url, go = argv
    engine = make_engine(url)
    factory = session_factory(engine)
    print("ready", flush=True)
    while not Path(go).exists():
        time.sleep(0.002)
    while True:
        with transaction(factory, "claimer") as session:
            job = claim(session)
        if job is None:
            break
        print(job.id, flush=True)
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
