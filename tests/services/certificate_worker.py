"""Child process of the certificate concurrency test: allocate numbers, print one per line.

Usage: python certificate_worker.py URL SCHEMA|- INSTITUTION_ID EXAMINER_ID GRADE COUNT GO_FILE
It prints `ready`, waits until GO_FILE exists (so every child starts at once), then
allocates COUNT numbers, each in its own committed transaction.
"""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path

from models import Examiner, Institution
from models.base import Grade
from models.db import make_engine, session_factory, transaction
from services.people.certificates import allocate


def main(argv: list[str]) -> int:
    """Allocate and print certificate numbers as the test asks."""
    url, schema, institution_id, examiner_id, grade, count, go = argv
    options = {"connect_args": {"options": f"-csearch_path={schema}"}} if schema != "-" else {}
    engine = make_engine(url, **options)
    factory = session_factory(engine)
    print("ready", flush=True)
    while not Path(go).exists():
        time.sleep(0.002)
    for _ in range(int(count)):
        with transaction(factory, "worker") as session:
            institution = session.get(Institution, int(institution_id))
            examiner = session.get(Examiner, int(examiner_id))
            number = allocate(session, institution, examiner, Grade(grade), date(2026, 5, 1))
            print(number.number, flush=True)
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
