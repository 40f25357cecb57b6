"""End-to-end in Chromium, in Dutch on a 390 px phone: the coordinator stops one learner's survey
link (the old link then only says it no longer works), sends a new one, and corrects then deletes
a school indicator recorded by mistake."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from conftest import PASSWORD, World
from tandem.core.models import AuditEvent
from tandem.core.testing import browser_log_in
from tandem.core.tests.test_browser_phone import CHECK
from tandem.outcomes import services
from tandem.outcomes.models import SchoolIndicator, SurveyInvitation
from tandem.outcomes.tests.factories import indicator, invitation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(chromium: Any, live_server: Any) -> Iterator[Any]:
    contexts = []

    def open_phone() -> Any:
        context = chromium.new_context(base_url=live_server.url, viewport=PHONE, locale="nl-NL")
        context.set_default_timeout(60_000)
        contexts.append(context)
        return context.new_page()

    yield open_phone
    for context in contexts:
        context.close()


def _fits(page: Any) -> None:
    result = page.evaluate(CHECK)
    assert result["width"] <= result["viewport"] and not result["problems"], result


def test_coordinator_stops_and_replaces_a_link_and_corrects_an_indicator(world: World, phone: Any) -> None:
    item = invitation(world)
    old_url = f"/survey/{services.link_token(item)}/"
    row = indicator(world)
    coordinator = world.users["coordinator"]
    coordinator.language = "nl"
    coordinator.save()
    base = f"/o/{world.organisation.slug}/p/{world.programme.slug}/results/"

    page = phone()
    browser_log_in(page, coordinator.email, PASSWORD)
    page.goto(f"{base}surveys/{item.wave_id}/")
    _fits(page)
    page.goto(f"{base}surveys/{item.wave_id}/")  # the check opened every <details>
    assert not page.locator(f"#revoke-{item.pk}").is_visible()  # behind a confirmation
    page.locator(f"#asked-{item.pk} details summary").click()
    with page.expect_navigation():
        page.locator(f"#revoke-{item.pk}").click()
    assert page.get_by_text("werkt niet meer").first.is_visible()
    assert page.locator(f"#asked-{item.pk} .link-stopped").is_visible()

    learner = phone()
    answer = learner.goto(old_url)
    assert answer.status == 410
    assert learner.get_by_role("heading", name="Deze link werkt niet meer").is_visible()
    body = learner.locator("main").inner_text()
    assert world.programme.name not in body and world.people["learner"].given_name not in body
    _fits(learner)

    with page.expect_navigation():
        page.locator(f"#reissue-{item.pk}").click()
    new_url = page.locator(f"#asked-{item.pk} input[type=text]").input_value()
    assert new_url.split("/survey/")[1] != old_url.split("/survey/")[1]
    learner.goto("/survey/" + new_url.split("/survey/")[1])
    assert learner.get_by_text("Globaal genomen ben ik tevreden over mezelf.").is_visible()
    assert SurveyInvitation.objects.get(pk=item.pk).revoked_at is None

    page.goto(f"{base}indicators/")
    _fits(page)
    with page.expect_navigation():
        page.locator(f"#indicators a[href$='/indicators/{row.pk}/']").click()
    assert page.get_by_role("heading", name="Een schoolindicator corrigeren").is_visible()
    page.locator("#id_number").fill("6.25")
    with page.expect_navigation():
        page.locator("main form button.primary").click()
    assert "6,25" in page.locator("#indicators").inner_text()
    page.goto(f"{base}indicators/{row.pk}/")
    page.locator("#indicator-delete summary").click()
    with page.expect_navigation():
        page.locator("#indicator-delete-confirm").click()
    assert page.get_by_text("Waarde verwijderd.").is_visible()
    assert not SchoolIndicator.objects.filter(pk=row.pk).exists()
    assert set(AuditEvent.objects.filter(subject=f"school_indicator:{row.pk}").values_list("action", flat=True)) == {
        "updated", "deleted"}
