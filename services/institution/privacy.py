"""Who sees personal data whole: ID numbers, phones, and what a conflict of interest says.

One rule for every page, the API and every download (`Sight`): admins see everything;
planners see phones and conflicts (they call examiners and register conflicts) but masked ID
numbers; viewers (and the city centre, `CITY_SIGHT`) see masked ID numbers, masked phones unless the institution lets them see
phones (`Institution.viewers_see_phones`, the policy page), and of a conflict only who and
since when, never the kind of relationship (a relative of a candidate) nor its note.
Searches follow the same sight (`services.search.visible_contains`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from models import Institution
from models.base import Role
from models.history import audit


@dataclass(frozen=True)
class Sight:
    """What one reader sees whole (False: masked or left out)."""

    ids: bool
    phones: bool
    relations: bool  # a conflict's kind and note

    @classmethod
    def whole(cls) -> Sight:
        """Everything whole (admins, and admin tools such as the command line)."""
        return cls(ids=True, phones=True, relations=True)


CITY_SIGHT = Sight(ids=False, phones=False, relations=False)
"""The city centre reads every institution's filings as a viewer of none: everything masked."""


def sight(institution: Institution, role: Role) -> Sight:
    """What a user of `role` in `institution` sees whole."""
    if role == Role.CITY:
        return CITY_SIGHT
    if role == Role.ADMIN:
        return Sight.whole()
    if role == Role.PLANNER:
        return Sight(ids=False, phones=True, relations=True)
    return Sight(ids=False, phones=institution.viewers_see_phones, relations=False)


def set_viewers_see_phones(session: Session, institution: Institution, shown: bool) -> None:
    """Let viewers see whole phone numbers (or mask them again), recorded in the audit log."""
    if institution.viewers_see_phones == shown:
        return
    institution.viewers_see_phones = shown
    audit(session, "viewers_see_phones", institution_id=institution.id, shown=shown)
    session.flush()
