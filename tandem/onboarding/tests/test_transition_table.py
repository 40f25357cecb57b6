"""Every pair of volunteer states, tried: a move succeeds exactly when the lifecycle allows it.

The volunteer is fully screened and trained, so the ready gate never gets in the way here (the
gate has its own tests in test_pipeline.py); what is checked is the table itself.
"""

from __future__ import annotations

import itertools

import pytest
from django.core.exceptions import ValidationError

from conftest import World
from tandem.onboarding.models import VolunteerState
from tandem.onboarding.services import ALLOWED, volunteer_transition
from tandem.onboarding.tests.helpers import screened, trained, volunteer

PAIRS = [(a, b) for a, b in itertools.product(VolunteerState.values, repeat=2) if a != b]


@pytest.mark.parametrize(("from_state", "to_state"), PAIRS)
def test_transition_table(world: World, from_state: str, to_state: str) -> None:
    v = screened(volunteer(world, state=from_state), world)
    trained(v)
    actor = world.users["coordinator"]
    if to_state in ALLOWED[from_state]:
        volunteer_transition(volunteer=v, to_state=to_state, actor=actor, reason="table")
        v.refresh_from_db()
        assert v.state == to_state
        last = v.transitions.latest("at")
        assert (last.from_state, last.to_state, last.actor, last.reason) == (
            from_state, to_state, actor, "table",
        )
    else:
        with pytest.raises(ValidationError):
            volunteer_transition(volunteer=v, to_state=to_state, actor=actor)
        v.refresh_from_db()
        assert v.state == from_state
        assert not v.transitions.exists()


def test_rejected_is_final_and_every_state_has_a_rule() -> None:
    assert set(ALLOWED) == set(VolunteerState.values)
    assert ALLOWED[VolunteerState.REJECTED] == frozenset()
