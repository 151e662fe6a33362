"""An examiner's personal link (no login): the changes a publication made to their seats,
and confirm or decline with a reason (issue 15, item 5)."""

from .views import blueprint

__all__ = ["blueprint"]
