"""Plan a term, follow the solve, review, publish and download (issue 6, items 3, 4, 6, 8)."""

from . import downloads, notices, term, versions  # noqa: F401  (their routes join the blueprint)
from .views import blueprint

__all__ = ["blueprint"]
