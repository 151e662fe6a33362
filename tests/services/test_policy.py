"""The institution's policy: editable, never looser than the notice (SPEC 4.2, R6)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import AuditEvent
from services.messages import Refused
from services.planning.policy import effective_policy, update_policy


def test_defaults_are_the_notices_values(make) -> None:
    policy = effective_policy(make.institution())
    assert policy.min_panel_size == 3
    assert policy.turnover == (1, 3)
    assert policy.max_consecutive_same_venue == 3
    assert policy.leader_min_experience_days == 365


def test_a_stricter_policy_is_stored_and_audited(db, make) -> None:
    institution = make.institution()
    policy = update_policy(db, institution, {"min_panel_size": 5, "turnover": [1, 2]})
    assert policy.min_panel_size == 5
    assert effective_policy(institution).turnover == (1, 2)
    assert db.scalar(select(AuditEvent.action).where(AuditEvent.institution_id == institution.id))


def test_none_restores_the_default(db, make) -> None:
    institution = make.institution()
    update_policy(db, institution, {"min_panel_size": 5})
    assert update_policy(db, institution, {"min_panel_size": None}).min_panel_size == 3


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"min_panel_size": 2}, "policy.min_panel_size"),
        ({"turnover": [1, 4]}, "policy.turnover"),
        ({"max_consecutive_same_venue": 4}, "policy.max_consecutive_same_venue"),
        ({"leader_min_experience_days": 200}, "policy.leader_min_experience_days"),
        ({"bogus": 1}, "policy.bogus"),
    ],
)
def test_a_looser_or_unknown_setting_is_refused_and_nothing_changes(
    db, make, changes, field
) -> None:
    institution = make.institution()
    with pytest.raises(Refused) as refused:
        update_policy(db, institution, changes)
    assert [p.field for p in refused.value.problems] == [field]
    assert refused.value.problems[0].text("zh")
    assert refused.value.problems[0].text("en")
    assert institution.policy == {}
