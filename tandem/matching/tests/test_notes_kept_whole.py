"""What someone types about a pair is kept whole: a mentor's "no" and its reason (the form took
300 characters where a refusal often needs more), and the summary of a closure note copied to the
pair that is never proposed again says it is shortened (the match keeps the whole note)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import World
from tandem.matching import services
from tandem.matching.models import DeclinedPair, Match
from tandem.matching.tests.factories import held, persona_pair, programme_url
from tandem.matching.tests.test_did_not_work import active_pair
from tandem.matching.tests.test_matching import run_round

pytestmark = pytest.mark.django_db
REASON = ("We hebben het geprobeerd, maar de reistijd is te lang en de dagen passen niet. " * 20)[:1500] + " EINDE"


def test_a_long_refusal_reason_is_kept_whole_and_shown_to_the_coordinator(
        world: World, run_tasks: Any, django_capture_on_commit_callbacks: Any) -> None:
    persona_pair(world)
    first = run_round(world, run_tasks, django_capture_on_commit_callbacks)
    [match], _problems = services.round_publish(matching_round=first, actor=world.users["coordinator"],
                                                expected_version=first.version)
    match = held(world, match)
    response = Client().post(reverse("matching:answer_link", kwargs={"token": match.mentor_token}),
                                 {"answer": "no", "reason": REASON})
    assert response.status_code == 200
    match.refresh_from_db()
    assert match.mentor_answer == "no" and match.mentor_reason == REASON
    page = world.client_for("coordinator").get(programme_url(world, "matching:match", pk=match.pk)).content.decode()
    assert "EINDE" in page
    declined = DeclinedPair.objects.get(learner=match.learner, volunteer=match.volunteer)
    assert len(declined.note) == 300 and declined.note.endswith("…")  # a copy; the match keeps it whole


def test_a_closure_note_is_whole_on_the_match_and_marked_shortened_on_the_declined_pair(
        world: World, run_tasks: Any, django_capture_on_commit_callbacks: Any) -> None:
    match = active_pair(world, run_tasks, django_capture_on_commit_callbacks)
    response = world.client_for("coordinator").post(programme_url(world, "matching:close", pk=match.pk), {
        "version": match.version, "reason": Match.Closure.DID_NOT_WORK, "note": REASON, "rematch": "on"})
    assert response.status_code == 302
    match.refresh_from_db()
    assert match.closure_note == REASON
    pair = DeclinedPair.objects.get(learner=match.learner, volunteer=match.volunteer)
    assert len(pair.note) == 300 and pair.note.endswith("…") and REASON.startswith(pair.note[:-1])
