"""End-to-end in Chromium, in Mentoren op Zuid: the coordinator runs a round, reads an
explanation, swaps two proposals and publishes; plans the first meeting and, once it took place,
marks it held (a year typed wrong is refused first, what was typed kept); the mentor says yes and the guardian says no through their links; the coordinator proposes the next best partner; both
say yes and the match is active."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from conftest import PASSWORD, World
from tandem.core.testing import browser_log_in
from tandem.matching.models import Match
from tandem.matching.tests.factories import mentor, persona_pair, pupil

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page: Any, email: str) -> None:
    browser_log_in(page, email, PASSWORD)  # with the coordinator's second factor


def _submit(page: Any, selector: str) -> None:
    with page.expect_navigation():
        page.locator(selector).first.click()


def _work() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def test_round_review_publish_answers_decline_and_rematch(world: World, page: Any) -> None:
    _persona_mentor, learner = persona_pair(world)
    mentor(world, "Bram", km_east=6)
    pupil(world, "Noor", km_east=5)
    mentor(world, "Cas", km_east=12)  # free after the round: the next best partner
    _log_in(page, "coordinator@zuid.example")
    page.goto("/o/zuid/p/moz/matching/")
    page.locator("#run-round").click()
    page.wait_for_url("**/matching/rounds/*/")
    _work()
    page.reload()
    page.locator("#proposals").wait_for()
    row = page.locator("#proposals tbody.proposal", has_text="Learner Tester")
    row.get_by_text("Explanation").click()
    assert "both speak Dutch" in row.inner_text()
    before = row.locator(".mentor").inner_text()
    _submit(page, "#swap")
    if page.locator("#confirm-anyway").count():
        _submit(page, "#confirm-anyway")
    row = page.locator("#proposals tbody.proposal", has_text="Learner Tester")
    assert row.locator(".mentor").inner_text() != before
    _submit(page, "#publish")
    assert Match.objects.count() == 2
    match = Match.objects.get(learner=learner)
    first_mentor = match.volunteer
    page.goto(f"/o/zuid/p/moz/matches/{match.pk}/")
    # A year typed wrong: refused at its field, the day and place typed still there.
    page.locator("#id_at").fill("1999-12-01T14:00")
    page.locator("#id_place").fill("De Globetrotter")
    _submit(page, "#meeting-form button[type=submit]")
    assert "cannot be planned before the day the match was made" in page.locator("#meeting-form").inner_text()
    assert page.locator("#id_at").input_value() == "1999-12-01T14:00"
    assert page.locator("#id_place").input_value() == "De Globetrotter"
    assert Match.objects.get(pk=match.pk).state == "proposed"
    page.locator("#id_at").fill(f"{timezone.localdate() + timedelta(days=4)}T14:00")  # days ahead, whenever run
    _submit(page, "#meeting-form button[type=submit]")
    assert Match.objects.get(pk=match.pk).state == "introduced"
    # Before the meeting the personal link only says when answers open.
    page.goto(f"/matches/answer/{match.mentor_token}/")
    assert page.locator("#not-met").count() == 1 and page.locator("#send-answer").count() == 0
    # It took place earlier than planned: the coordinator marks it held (today, the default).
    page.goto(f"/o/zuid/p/moz/matches/{match.pk}/")
    _submit(page, "#mark-held")
    assert Match.objects.get(pk=match.pk).first_meeting_held_on is not None
    # The mentor says yes, the guardian (the learner is a minor) says no, through their links.
    for token, answer in ((match.mentor_token, "yes"), (match.learner_token, "no")):
        page.goto(f"/matches/answer/{token}/")
        page.locator(f"input[name=answer][value={answer}]").check()
        _submit(page, "#send-answer")
    match.refresh_from_db()
    assert match.state == "declined" and match.learner_answered_as == "guardian"
    # The coordinator sees the next best partner and proposes them with one click.
    page.goto(f"/o/zuid/p/moz/matches/{match.pk}/")
    _submit(page, "#offers button[type=submit]")
    new = Match.objects.get(learner=learner, state="proposed")
    assert new.volunteer != first_mentor
    page.locator("#id_at").fill(f"{timezone.localdate() + timedelta(days=11)}T14:00")
    page.locator("#id_place").fill("De Globetrotter")
    _submit(page, "#meeting-form button[type=submit]")
    _submit(page, "#mark-held")
    new.refresh_from_db()
    for token in (new.mentor_token, new.learner_token):
        page.goto(f"/matches/answer/{token}/")
        page.locator("input[name=answer][value=yes]").check()
        _submit(page, "#send-answer")
    page.goto(f"/o/zuid/p/moz/matches/{new.pk}/")
    assert page.locator("#match-state").inner_text() == "Active"
