"""Edit a plan by hand, what-if after a withdrawal, differences between versions."""

from . import views, whatif  # noqa: F401  (their routes join the blueprint)
from .common import blueprint

__all__ = ["blueprint"]
