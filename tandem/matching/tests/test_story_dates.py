"""A match's page names each date once: the story's lines, the first meeting's card and the
closing words below the story did repeat a day already on the page ("24-11-2026 15:00 · First
meeting held — 24-11-2026"; "Closed: 05.08.2026 — The mentor moved away" under the story's own
closing line)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import formats, timezone

from conftest import World
from tandem.matching import services
from tandem.matching.models import Match
from tandem.matching.tests.factories import persona_pair, programme_url

pytestmark = pytest.mark.django_db


def _story(page: str) -> str:
    return page.split('id="timeline"', 1)[1].split("</section>", 1)[0]


def _short(day: object) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def _made_a_week_ago(world: World, volunteer: Any, learner: Any) -> Match:
    match = services.match_create(programme=world.programme, volunteer=volunteer, learner=learner,
                                  actor=world.users["coordinator"])
    Match.objects.filter(pk=match.pk).update(created=timezone.now() - timedelta(days=7))
    match.refresh_from_db()
    return match


def test_a_meeting_held_as_planned_names_its_day_once_and_a_closure_once(world: World) -> None:
    volunteer, learner = persona_pair(world)
    coordinator = world.users["coordinator"]
    match = _made_a_week_ago(world, volunteer, learner)
    met = timezone.now() - timedelta(days=3)
    match = services.match_plan_first_meeting(match=match, at=met, place="School", actor=coordinator,
                                              expected_version=match.version)
    match = services.match_mark_held(match=match, actor=coordinator, expected_version=match.version,
                                     held_on=timezone.localdate(met))
    url = programme_url(world, "matching:match", pk=match.pk)
    page = world.client_for("coordinator").get(url).content.decode()
    day = _short(timezone.localdate(met))
    # The card shows the planned day in bold; "took place" does not say it again.
    card = page.split('id="h-meeting"', 1)[1].split("</section>", 1)[0]
    assert "It took place as planned." in card and day not in card.split('id="meeting-held"', 1)[1]
    # The story's "held" line was written today about a meeting 3 days ago: both days, each once.
    held_line = next(line for line in _story(page).split("<li>") if "First meeting held" in line)
    assert held_line.count(day) == 1

    for side in ("mentor", "learner"):
        match = services.match_answer(match=match, side=side, answer="yes", actor=coordinator)
    match = services.match_close(match=match, reason="mentor_moved", actor=coordinator,
                                 expected_version=match.version, note="Moved to Utrecht.")
    page = world.client_for("coordinator").get(url).content.decode()
    story = _story(page)
    lines, below = story.split("</ol>", 1)
    closing = next(line for line in lines.split("<li>") if "Closed" in line)
    # One closing line, with its date and reason; below the story only the coordinator's note.
    assert _short(match.closed_at) in closing and "The mentor moved away" in closing
    assert _short(match.closed_at) not in below and "The mentor moved away" not in below
    assert story.count("Moved to Utrecht.") == 1
    # The mentor reads the same story, without the coordinator's note.
    mentor_story = _story(world.client_for("mentor").get(url).content.decode())
    assert mentor_story.count("The mentor moved away") == 1 and "Moved to Utrecht." not in mentor_story


def test_a_meeting_marked_held_on_another_day_says_which(world: World) -> None:
    volunteer, learner = persona_pair(world)
    coordinator = world.users["coordinator"]
    match = _made_a_week_ago(world, volunteer, learner)
    planned = timezone.now() - timedelta(days=5)
    match = services.match_plan_first_meeting(match=match, at=planned, place="School", actor=coordinator,
                                              expected_version=match.version)
    held_on = timezone.localdate() - timedelta(days=2)
    match = services.match_mark_held(match=match, actor=coordinator, expected_version=match.version, held_on=held_on)
    page = world.client_for("coordinator").get(programme_url(world, "matching:match", pk=match.pk)).content.decode()
    assert f"Took place on {_short(held_on)}." in page
    held_line = next(line for line in _story(page).split("<li>") if "First meeting held" in line)
    assert _short(held_on) in held_line  # recorded today, held two days ago: the line says so


def test_the_held_line_written_on_the_day_itself_has_one_date(world: World) -> None:
    volunteer, learner = persona_pair(world)
    coordinator = world.users["coordinator"]
    match = services.match_create(programme=world.programme, volunteer=volunteer, learner=learner, actor=coordinator)
    match = services.match_plan_first_meeting(match=match, at=timezone.now() - timedelta(hours=2), place="School",
                                              actor=coordinator, expected_version=match.version)
    match = services.match_mark_held(match=match, actor=coordinator, expected_version=match.version)
    page = world.client_for("coordinator").get(programme_url(world, "matching:match", pk=match.pk)).content.decode()
    held_line = next(line for line in _story(page).split("<li>") if "First meeting held" in line)
    assert held_line.count(_short(timezone.localdate())) == 1, held_line
