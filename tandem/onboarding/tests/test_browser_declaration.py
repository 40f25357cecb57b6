"""End-to-end in Chromium: a volunteer declares their background in German on a 390 px phone on
their own page ("prefer not to say" to one question); the coordinator opens the equal-participation
monitor in Dutch at desktop width and sees learners and mentors with the gap to the target."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from conftest import PASSWORD, World
from tandem.core.testing import browser_log_in
from tandem.core.tests.test_browser_phone import CHECK
from tandem.onboarding.models import Volunteer, VolunteerDeclaration
from tandem.outcomes.models import OutcomeSettings
from tandem.outcomes.tests.test_participation import TARGETS, _known

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def device(chromium: Any, live_server: Any) -> Iterator[Any]:
    contexts = []

    def open_device(viewport: dict[str, int], locale: str) -> Any:
        context = chromium.new_context(base_url=live_server.url, viewport=viewport, locale=locale)
        context.set_default_timeout(60_000)
        contexts.append(context)
        return context.new_page()

    yield open_device
    for context in contexts:
        context.close()


def test_a_volunteer_declares_in_german_and_the_coordinator_sees_the_monitor(world: World, device: Any) -> None:
    mentor = world.users["mentor"]
    mentor.language = "de"
    mentor.save()
    volunteer, _created = Volunteer.objects.get_or_create(programme=world.programme, person=world.people["mentor"])
    phone = device({"width": 390, "height": 844}, "de-DE")
    browser_log_in(phone, mentor.email, PASSWORD)
    phone.goto(f"/o/{world.organisation.slug}/p/{world.programme.slug}/volunteers/me/")
    assert phone.get_by_role("heading", name="Dein Hintergrund (freiwillig)").is_visible()
    assert phone.get_by_text("Warum wir fragen").is_visible()
    result = phone.evaluate(CHECK)
    assert result["width"] <= result["viewport"], "the page scrolls sideways on a phone"
    phone.get_by_label("Hast du eine Migrationsgeschichte? (freiwillig)").select_option("yes")
    phone.get_by_label("Bist du die erste Person in deiner Familie, die studiert? (freiwillig)").select_option("")
    with phone.expect_navigation():
        phone.get_by_role("button", name="Meine Antworten speichern").click()
    assert phone.get_by_text("Danke. Deine Antworten sind gespeichert.").is_visible()
    declaration = VolunteerDeclaration.objects.get(volunteer=volunteer)
    assert (declaration.migration_background, declaration.first_generation) == (True, None)

    _known(world)
    OutcomeSettings.objects.filter(programme=world.programme).update(targets=TARGETS)
    coordinator = world.users["coordinator"]
    coordinator.language = "nl"
    coordinator.save()
    desk = device({"width": 1280, "height": 900}, "nl-NL")
    browser_log_in(desk, coordinator.email, PASSWORD)
    desk.goto(f"/o/{world.organisation.slug}/p/{world.programme.slug}/results/participation/")
    assert desk.get_by_role("heading", name="Gelijke deelname", exact=True).is_visible()
    assert desk.get_by_role("heading", name="Mentoren met een migratieachtergrond").is_visible()
    assert desk.get_by_role("heading", name="Leerlingen die meisje of vrouw zijn").is_visible()
    below = desk.locator("#learner_migration .gap-below")
    assert "5 punten onder het doel" in below.inner_text()
    assert desk.locator("#learner_migration svg.chart").count() == 1
