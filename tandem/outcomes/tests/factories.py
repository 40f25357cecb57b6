"""Results worlds on top of conftest's ``world``: the personas' pair, a wave and an invitation,
written straight to the database (the services are what the tests test)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from conftest import World
from tandem.outcomes.models import OutcomeSettings, SurveyInvitation, SurveyWave


def pair(world: World) -> Any:
    from tandem.journal.tests.factories import persona_match

    return persona_match(world)


def wave(world: World, *, instrument: str = "rses", audience: str = "learner", kind: str = "intake",
         anonymous: bool = False) -> SurveyWave:
    today = timezone.localdate()
    found, _created = SurveyWave.objects.get_or_create(
        programme=world.programme, instrument=instrument, audience=audience, kind=kind,
        opens_on=today - timedelta(days=3),
        defaults={"closes_on": today + timedelta(days=20), "anonymous": anonymous})
    return found


def invitation(world: World, **kwargs: Any) -> SurveyInvitation:
    match = pair(world)
    item = wave(world, **kwargs)
    found, _created = SurveyInvitation.objects.get_or_create(
        wave=item, person=world.people["learner"], defaults={"match": match, "sent_at": timezone.now()})
    return found


def consenting(world: World) -> None:
    OutcomeSettings.objects.update_or_create(programme=world.programme, defaults={"school_data_consent": True})


def indicator(world: World) -> Any:
    """An absence rate of the personas' learner, with the consent that lets it be corrected."""
    from decimal import Decimal

    from tandem.outcomes.models import SchoolIndicator

    match = pair(world)
    consenting(world)
    found, _created = SchoolIndicator.objects.get_or_create(
        learner=match.learner, kind="absence_rate", measured_on=timezone.localdate() - timedelta(days=7),
        defaults={"number": Decimal("4.50")})
    return found
