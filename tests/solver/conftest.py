"""Fixtures of the solver tests; the builders themselves live in `builders.py`."""

from __future__ import annotations

import pytest
from builders import examiner, load, raw_instance, session


@pytest.fixture
def build():
    """The builders, as one fixture: `build.raw(...)`, `build.session(...)`, `build.load(raw)`."""

    class Builders:
        raw = staticmethod(raw_instance)
        examiner = staticmethod(examiner)
        session = staticmethod(session)
        load = staticmethod(load)

    return Builders
