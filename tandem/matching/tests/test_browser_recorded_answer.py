"""VerA's coordinator, in German on a 390 px phone, records the answer a retired expert gave by
phone after the first meeting: the form refuses a missing "how", keeps what was typed, a double
tap records one answer, the story says who recorded it and how, and the mentor's own page says
the coordinator recorded it (docs/matches.md, "Answers recorded by a coordinator")."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tandem.core import demo
from tandem.core.models import Programme, User
from tandem.core.testing import browser_log_in
from tandem.core.tests.test_browser_phone import CHECK
from tandem.core.tests.wording import Findings
from tandem.matching.models import Match, MatchEvent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
PROGRAMME = "vera"


@pytest.fixture
def vera(db: Any, settings: Any) -> Iterator[Programme]:
    settings.TANDEM_MFA_REQUIRED = False  # as `make demo` runs it (TANDEM_DEMO_MFA_OPTIONAL)
    call_command("seed_demo", "--quiet-logins", verbosity=0)
    User.objects.filter(email__in=[demo.role_email(role, PROGRAMME) for role in ("coordinator", "mentor")]).update(
        language="de")
    yield Programme.objects.get(slug=PROGRAMME)


def _phone(chromium: Any, live_server: Any, email: str) -> Any:
    context = chromium.new_context(base_url=live_server.url, viewport=PHONE, locale="de-DE")
    context.set_default_timeout(15_000)
    page = context.new_page()
    browser_log_in(page, email, demo.DEMO_PASSWORD)
    return page


def _fits_in_german(page: Any) -> None:
    result = page.evaluate(CHECK)
    assert result["width"] <= result["viewport"], f"{page.url} is {result['width']}px wide on a phone"
    assert not result["problems"], f"{page.url}: {result['problems']}"
    findings = Findings(language="de")
    findings.check(page.url, page.content())
    assert not findings.problems, "\n".join(findings.problems)


def test_veras_coordinator_records_a_mentors_answer_given_by_phone(chromium: Any, live_server: Any,
                                                                     vera: Programme) -> None:
    # The demo log-ins' pair: its first meeting took place two days ago, nobody answered yet.
    match = Match.objects.get(programme=vera, state="introduced",
                              volunteer__person__user__email=demo.role_email("mentor", PROGRAMME))
    assert match.first_meeting_took_place() and not match.mentor_answer
    match_url = f"/o/{vera.organisation.slug}/p/{vera.slug}/matches/{match.pk}/"

    coordinator = _phone(chromium, live_server, demo.role_email("coordinator", PROGRAMME))
    coordinator.goto(match_url)
    _fits_in_german(coordinator)
    button = coordinator.locator("#record-mentor")
    expect(button).to_have_text("Antwort der Mentor:in erfassen")
    with coordinator.expect_navigation():
        button.click()
    _fits_in_german(coordinator)
    expect(coordinator.locator("h1")).to_have_text("Antwort der Mentor:in erfassen")

    # Sent without saying how it was given: refused in German, the note kept.
    coordinator.locator("input[name=answer][value=yes]").check()
    coordinator.locator("#id_note").fill("Am Dienstagabend angerufen")
    with coordinator.expect_navigation():
        coordinator.locator("#save-recorded").click()
    assert coordinator.locator("#id_note").input_value() == "Am Dienstagabend angerufen"
    assert coordinator.locator(".has-error").count() == 1
    _fits_in_german(coordinator)

    # A double tap records one answer and lands on the match page.
    coordinator.locator("input[name=answer][value=yes]").check()
    coordinator.locator("input[name=via][value=phone]").check()
    coordinator.locator("#save-recorded").dblclick()
    expect(coordinator).to_have_url(re.compile(re.escape(match_url) + "$"), timeout=15_000)
    coordinator.wait_for_load_state("networkidle")
    assert match.events.filter(kind=MatchEvent.Kind.ANSWERED).count() == 1
    match.refresh_from_db()
    assert (match.mentor_answer, match.mentor_recorded_via) == ("yes", "phone")
    story = coordinator.locator("#timeline").inner_text()
    assert re.search(r"Antwort der Mentor:in, erfasst von .+ \(telefonisch\): ja", story), story
    assert "Am Dienstagabend angerufen" in story
    assert coordinator.locator("#record-mentor").count() == 0 and coordinator.locator("#record-learner").count() == 1
    _fits_in_german(coordinator)
    coordinator.context.close()

    # The mentor reads that the coordinator recorded it; they are no longer asked.
    mentor = _phone(chromium, live_server, demo.role_email("mentor", PROGRAMME))
    mentor.goto(match_url)
    assert "Antwort der Mentor:in, erfasst von der Koordination (telefonisch): ja" in mentor.locator(
        "#timeline").inner_text()
    assert "Am Dienstagabend" not in mentor.content()
    mentor.goto(match_url + "answer/")
    expect(mentor.locator("#recorded-for-you")).to_have_text(
        "Die Koordination hat diese Antwort für dich erfasst (telefonisch); du musst nicht mehr antworten.")
    assert mentor.locator("#send-answer").count() == 0
    _fits_in_german(mentor)
    mentor.context.close()
