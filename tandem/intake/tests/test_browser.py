"""End-to-end in Chromium: a teacher refers a pupil in Dutch, the guardian consents through the
e-mailed link, the coordinator accepts the referral and the pupil is on the waiting list."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail

from conftest import PASSWORD, World
from tandem.core.testing import browser_log_in
from tandem.intake import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


OPEN: list[Any] = []


def _dutch_page(chromium: Any, live_server: Any) -> Any:
    context = chromium.new_context(base_url=live_server.url, locale="nl-NL",
                                   extra_http_headers={"Accept-Language": "nl"})
    context.set_default_timeout(15_000)
    OPEN.append(context)
    return context.new_page()


def _log_in(page: Any, email: str) -> None:
    browser_log_in(page, email, PASSWORD)  # with the coordinator's second factor


@pytest.fixture
def contexts() -> Any:
    yield
    while OPEN:
        OPEN.pop().close()


def test_teacher_refers_guardian_consents_coordinator_accepts(
    world: World, chromium: Any, live_server: Any, run_tasks: Any, contexts: Any
) -> None:
    services.consent_text_publish(programme=world.programme, actor=world.users["coordinator"],
                                  texts={"nl": "Ik geef toestemming voor deelname aan Mentoren op Zuid."})
    base = f"/o/{world.organisation.slug}/p/{world.programme.slug}"

    # The teacher (partner contact of De Globetrotter) refers a pupil, in Dutch.
    teacher = _dutch_page(chromium, live_server)
    _log_in(teacher, world.users["partner_contact"].email)
    teacher.goto(base + "/")
    teacher.get_by_role("link", name="Een leerling aanmelden").click()
    teacher.get_by_role("heading", name="Een leerling aanmelden").wait_for()
    teacher.locator("#id_given_name").fill("Yasmina")
    teacher.locator("#id_family_name").fill("Benali")
    teacher.locator("#id_date_of_birth").fill("2015-04-12")
    teacher.locator("#id_level").select_option("primary")
    teacher.locator("input[name=reasons][value=study_skills]").check()
    teacher.locator("input[name=reasons][value=language_of_instruction]").check()
    # Languages are ticked by their Dutch names, never typed as codes.
    teacher.get_by_label("Nederlands", exact=True).check()
    teacher.get_by_label("Arabisch", exact=True).check()
    teacher.locator("input[name=availability][value=tue-afternoon]").check()
    teacher.locator("#id_city").fill("Rotterdam")
    teacher.locator("#id_guardian_given_name").fill("Fatima")
    teacher.locator("#id_guardian_email").fill("fatima.benali@example.org")
    teacher.get_by_role("button", name="Aanmelding versturen").click()
    teacher.get_by_role("heading", name="Yasmina Benali").wait_for()
    assert teacher.get_by_text("Aangemeld", exact=True).first.is_visible()

    # The guardian gets the link by e-mail (sent by the real task worker) and consents.
    run_tasks()
    to_guardian = [m for m in mail.outbox if m.to == ["fatima.benali@example.org"]]
    assert len(to_guardian) == 1
    link = re.search(r"https?://\S+?(/consent/\S+/)", to_guardian[0].body)
    assert link is not None
    guardian = _dutch_page(chromium, live_server)
    guardian.goto(link.group(1))
    guardian.get_by_text("Ik geef toestemming voor deelname").wait_for()
    guardian.get_by_role("button", name="Ik ga akkoord").click()
    guardian.get_by_role("button", name="Mijn toestemming intrekken").wait_for()

    # The coordinator accepts the referral; the pupil is on the waiting list.
    coordinator = _dutch_page(chromium, live_server)
    _log_in(coordinator, world.users["coordinator"].email)
    coordinator.goto(base + "/")
    coordinator.get_by_role("link", name="Leerlingen", exact=True).click()
    coordinator.get_by_role("link", name="Yasmina Benali").first.click()
    coordinator.get_by_role("button", name="Accepteren").click()
    coordinator.get_by_text("staat op de wachtlijst").wait_for()
    coordinator.get_by_role("link", name="Wachtlijst", exact=True).first.click()
    waiting = coordinator.locator("#waiting")
    waiting.get_by_role("link", name="Yasmina Benali").wait_for()
    run_tasks()
    assert any(m.to == [world.people["partner_contact"].email] and "Yasmina Benali" in m.subject
               for m in mail.outbox)
