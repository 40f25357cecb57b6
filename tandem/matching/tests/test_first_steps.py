"""A new programme's overview lists its first steps, in order, until the first match: a new
coordinator who opened an empty programme did not know where to start (docs/matches.md)."""

from __future__ import annotations

from django.urls import reverse

from conftest import World
from tandem.matching.tests.factories import mentor, numbered_match, pupil


def _home(world: World, persona: str) -> str:
    url = reverse("core:programme", kwargs={"org": world.organisation.slug, "prog": world.programme.slug})
    return world.client_for(persona).get(url, headers={"accept-language": "nl"}).content.decode()


def test_an_empty_programme_shows_its_first_steps_and_ticks_what_is_done(world: World) -> None:
    page = _home(world, "coordinator")
    assert 'id="first-steps"' in page and "Eerste stappen" in page
    assert "Voeg vrijwilligers toe" in page and "Start een koppelronde" in page
    assert 'class="done"' not in page
    mentor(world, "Daan")
    pupil(world, "Noa")
    page = _home(world, "coordinator")
    assert page.count('class="done"') == 3  # volunteers added, one ready, learners added
    assert "Klaar:" in page  # read out to a screen reader beside the tick
    assert 'id="first-steps"' not in _home(world, "mentor")


def test_the_first_steps_go_away_once_there_is_a_match(world: World) -> None:
    numbered_match(world, 1, state="proposed")
    assert 'id="first-steps"' not in _home(world, "coordinator")
