"""A mentor's capacity is never lowered below the places their open matches hold."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from conftest import World
from tandem.matching import services
from tandem.matching.models import Match
from tandem.matching.tests.factories import mentor, pupil, relax
from tandem.onboarding import services as onboarding_services
from tandem.onboarding.models import Volunteer


def _mentor_with_matches(world: World, count: int) -> Volunteer:
    relax(world)
    volunteer = mentor(world, "Ruud", capacity=5)
    for index in range(count):
        services.match_create(programme=world.programme, volunteer=volunteer,
                              learner=pupil(world, f"Pupil{index}"), actor=world.users["coordinator"])
    return Volunteer.objects.get(pk=volunteer.pk)


def test_capacity_cannot_go_below_the_open_matches(world: World) -> None:
    volunteer = _mentor_with_matches(world, 3)
    coordinator = world.users["coordinator"]
    with pytest.raises(ValidationError) as error:
        onboarding_services.volunteer_update(volunteer=volunteer, actor=coordinator, capacity=1)
    assert error.value.messages == [
        "Ruud Mentor has 3 open matches, so their capacity cannot be lower than 3. Close a match first."
    ]
    assert Volunteer.objects.get(pk=volunteer.pk).capacity == 5
    assert onboarding_services.volunteer_update(volunteer=volunteer, actor=coordinator, capacity=3).capacity == 3
    # A closed match frees its place.
    match = Match.objects.filter(volunteer=volunteer).first()
    assert match is not None
    services.match_close(match=match, reason="planned_end", note="", actor=coordinator,
                         expected_version=match.version)
    assert onboarding_services.volunteer_update(volunteer=volunteer, actor=coordinator, capacity=2).capacity == 2


def test_the_location_form_says_why(world: World) -> None:
    volunteer = _mentor_with_matches(world, 2)
    url = f"/o/{world.organisation.slug}/p/{world.programme.slug}/volunteers/{volunteer.pk}/location/"
    response = world.client_for("coordinator").post(url, {"capacity": "1", "version": volunteer.version},
                                                    follow=True)
    assert "has 2 open matches, so their capacity cannot be lower than 2" in response.content.decode()
    assert Volunteer.objects.get(pk=volunteer.pk).capacity == 5
    response = world.client_for("coordinator").post(url, {"capacity": "51", "version": volunteer.version},
                                                    follow=True)
    assert Volunteer.objects.get(pk=volunteer.pk).capacity == 5
