"""In Chromium on a phone (390 px): the pages that used to speak formally now say *du* (German)
and *je* (Dutch), as docs/architecture.md decides ("How Tandem addresses people").

A German mentor of VerA makes their calendar link and answers an exchange meeting; a Dutch
mentor of Mentoren op Zuid raises a concern. Set TANDEM_SCREENSHOT_DIR to keep screenshots."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tandem.core import demo
from tandem.core.models import Person, Programme, User
from tandem.core.testing import browser_log_in
from tandem.support.models import ExchangeInvitation, ExchangeMeeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
GERMAN_FORMAL = re.compile(r"\b(Sie|Ihnen)\b|(?<![.!?:]\s)\b(Ihr|Ihre|Ihren|Ihrem|Ihrer)\b")
DUTCH_FORMAL = re.compile(r"\b(u|uw|U|Uw)\b")


@pytest.fixture
def demo_data(db: Any, settings: Any) -> Iterator[None]:
    settings.TANDEM_MFA_REQUIRED = False  # as `make demo` runs it
    call_command("seed_demo", "--quiet-logins", verbosity=0)
    yield


def _shot(page: Any, name: str) -> None:
    if folder := os.environ.get("TANDEM_SCREENSHOT_DIR"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def _main_text(page: Any) -> str:
    return str(page.locator("main").inner_text())


def _mentor(programme_slug: str, language: str) -> tuple[Programme, str]:
    programme = Programme.objects.get(slug=programme_slug)
    email = demo.role_email("mentor", programme_slug)
    User.objects.filter(email=email).update(language=language)
    return programme, email


def test_a_german_mentor_is_spoken_to_with_du(chromium: Any, live_server: Any, demo_data: None) -> None:
    programme, email = _mentor("vera", "de")
    person = Person.objects.get(user__email=email, memberships__programme=programme)
    meeting = ExchangeMeeting.objects.create(
        programme=programme, kind="exchange", topic="Prüfungsangst begleiten", place="IHK, Raum 2.14",
        starts_at=timezone.now() + timedelta(days=9), minutes=90, places=15)
    ExchangeInvitation.objects.create(meeting=meeting, person=person)
    context = chromium.new_context(base_url=live_server.url, viewport=PHONE)
    page = context.new_page()
    browser_log_in(page, email, demo.DEMO_PASSWORD)

    page.goto(reverse("core:calendar"))
    text = _main_text(page)
    assert "Dein Kalender" in text and "die du schon nutzt" in text
    assert not GERMAN_FORMAL.search(text), text
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    text = _main_text(page)
    assert "Kopiere ihn jetzt" in text and "Dein persönlicher Kalenderlink" in text
    assert not GERMAN_FORMAL.search(text), text
    _shot(page, "de-calendar-link-390")

    kw = {"org": programme.organisation.slug, "prog": programme.slug, "pk": meeting.pk}
    page.goto(reverse("support:exchange", kwargs=kw))
    assert "Deine Antwort" in _main_text(page)
    with page.expect_navigation():
        page.locator("#answer-yes").click()
    text = str(page.locator("body").inner_text())
    assert "Danke für deine Antwort." in text
    assert not GERMAN_FORMAL.search(_main_text(page)), _main_text(page)
    _shot(page, "de-exchange-answer-390")
    context.close()


def test_a_dutch_mentor_is_spoken_to_with_je(chromium: Any, live_server: Any, demo_data: None) -> None:
    programme, email = _mentor("mentoren-op-zuid", "nl")
    context = chromium.new_context(base_url=live_server.url, viewport=PHONE)
    page = context.new_page()
    browser_log_in(page, email, demo.DEMO_PASSWORD)
    kw = {"org": programme.organisation.slug, "prog": programme.slug}
    page.goto(reverse("support:raise", kwargs=kw))
    assert not DUTCH_FORMAL.search(_main_text(page)), _main_text(page)
    page.locator("input[name=kind]").first.check()
    page.locator("#id_description").fill("Ons koppel ziet elkaar al drie weken niet.")
    _shot(page, "nl-concern-form-390")
    with page.expect_navigation():
        page.locator("#send-concern").click()
    text = str(page.locator("body").inner_text())
    assert "Dank je. Je melding is doorgegeven; er neemt iemand contact met je op." in text
    assert not DUTCH_FORMAL.search(text), text
    _shot(page, "nl-concern-sent-390")
    context.close()
