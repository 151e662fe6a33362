"""Fixtures of the service tests: factories bound to the rolled-back session (see factories.py)."""

from __future__ import annotations

import pytest
from factories import Factory
from sqlalchemy.orm import Session

from models import Institution


@pytest.fixture
def make(db: Session) -> Factory:
    """Factories bound to the test's rolled-back session."""
    return Factory(db)


@pytest.fixture
def place(make: Factory) -> Institution:
    """The import tests' institution (code 3204005) with the catalogue's 车工 and 电工."""
    institution = make.institution(code="3204005")
    make.occupation(code="6-18-01-01", name="车工")
    make.occupation(code="6-31-01-03", name="电工")
    return institution
