"""End-to-end in Chromium: a coordinator answers a guardian's access request by downloading the
export, then erases a former volunteer — whose name then appears nowhere in the interface: not in
the people search, not on the volunteer board, not in the matches, not in the audit log."""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from conftest import PASSWORD, World
from tandem.core import services as core_services
from tandem.core.models import AuditEvent, Person, User
from tandem.core.testing import browser_log_in
from tandem.intake.models import GuardianConsent, Learner
from tandem.matching import services as matching_services
from tandem.matching.models import Match
from tandem.matching.tests.factories import persona_pair
from tandem.onboarding import services as onboarding_services
from tandem.onboarding.models import Volunteer, Workshop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FORMER = ("Wendelin", "Quaspering")


def _former_volunteer(world: World) -> Volunteer:
    """Wendelin mentored the learner persona last year; the match is closed, he is alumni."""
    programme, coordinator = world.programme, world.users["coordinator"]
    volunteer, learner = persona_pair(world)  # the mentor persona, for the learner persona
    Volunteer.objects.filter(pk=volunteer.pk).update(state="alumni")
    person = Person.objects.get(pk=volunteer.person_id)
    Person.objects.filter(pk=person.pk).update(given_name=FORMER[0], family_name=FORMER[1])
    User.objects.filter(pk=world.users["mentor"].pk).update(full_name=" ".join(FORMER))
    person.refresh_from_db()
    core_services.person_update(person=person, actor=coordinator, programme=programme,
                                expected_version=person.version, phone="06 1234 5678",
                                city="Rotterdam")
    workshop = Workshop.objects.create(programme=programme, title="Kick-off",
                                       starts_at=timezone.now() - timedelta(days=200),
                                       place="Zuidplein", capacity=5, hours=Decimal(2))
    onboarding_services.registration_book(workshop=workshop, volunteer=volunteer, actor=coordinator)
    Learner.objects.filter(pk=learner.pk).update(state="matched")
    with matching_services.silenced():
        match = Match.objects.create(programme=programme, volunteer=volunteer, learner=learner,
                                     state="active", slot=1, capacity=1)
        matching_services.match_close(match=match, reason="planned_end", actor=coordinator,
                                      expected_version=match.version, rematch=False,
                                      note=f"Fijn gewerkt met {' '.join(FORMER)}")
    volunteer.refresh_from_db()
    assert volunteer.state == "alumni"
    return volunteer


def _download(page: Any, name: str, tmp_path: Path) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=name).click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    return target.read_bytes()


def test_coordinator_answers_a_guardians_request_and_erases_a_former_volunteer(
    world: World, page: Any, tmp_path: Path
) -> None:
    volunteer = _former_volunteer(world)
    guardian = world.people["guardian"]
    Person.objects.filter(pk=guardian.pk).update(given_name="Elif", family_name="Erdem",
                                                  language="fr")
    learner = Learner.objects.get(person=world.people["learner"])
    assert GuardianConsent.objects.filter(learner=learner, guardian=guardian).exists()
    base = f"/o/{world.organisation.slug}/p/{world.programme.slug}"
    closed_before = Match.objects.filter(programme=world.programme, state="closed").count()

    browser_log_in(page, world.users["coordinator"].email, PASSWORD)

    # The guardian asked what Tandem holds about her: find her, download the answer.
    page.goto(base + "/people/?q=Erdem")
    page.get_by_role("link", name="Elif Erdem").click()
    page.get_by_role("link", name="Export or erase this person's data").click()
    page.get_by_role("heading", name="Data protection: Elif Erdem").wait_for()
    pdf = _download(page, "Download the PDF", tmp_path)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Données personnelles concernant Elif Erdem" in text  # her language: French
    assert "guardian@zuid.example" in text and "Consentement" in text
    data = json.loads(_download(page, "Download the JSON file", tmp_path))
    assert any(s["model"] == "intake.guardianconsent" for s in data["sections"])
    assert AuditEvent.objects.filter(person=guardian, action="exported").count() == 2

    # The former volunteer asked to be erased. Until then, he is on these pages:
    match = Match.objects.get(volunteer=volunteer)
    pages = ("/people/?q=Quaspering", "/people/", "/volunteers/", "/volunteers/?q=Wendelin",
             "/matches/", f"/matches/{match.pk}/", "/audit/", f"/people/{learner.person_id}/",
             f"/learners/{learner.pk}/", "/")
    for path in ("/people/?q=Quaspering", "/volunteers/", "/matches/", "/audit/"):
        page.goto(base + path)
        assert FORMER[1] in page.locator("body").inner_text(), path
    page.goto(base + "/people/?q=Quaspering")
    page.get_by_role("link", name=" ".join(FORMER)).first.click()
    page.get_by_role("link", name="Export or erase this person's data").click()
    page.get_by_role("link", name="Erase this person…").click()
    page.get_by_role("heading", name=f"Erase {' '.join(FORMER)}").wait_for()
    page.get_by_label("Type the person's full name to confirm").fill("wendelin quaspering")
    page.get_by_role("button", name="Erase for good").click()
    page.get_by_text("The person was erased.").wait_for()

    # His name is nowhere any more.
    for path in pages:
        page.goto(base + path)
        # What the page shows; and, where the address does not carry the search, its HTML too.
        shown = page.locator("body").inner_text() + ("" if "?q=" in path else page.content())
        for word in FORMER:
            assert word not in shown, (path, word)
    page.goto(base + "/audit/")
    assert page.get_by_text("erased").first.is_visible()
    # The programme's figures: the closed match is still counted.
    assert Match.objects.filter(programme=world.programme, state="closed").count() == closed_before
    assert not User.objects.filter(pk=world.users["mentor"].pk).exists()


PHONE = {"width": 390, "height": 844}


def _wholly(page: Any, language: str) -> None:
    """The page fits a phone and speaks only the reader's language (no English, code or ISO date)."""
    from tandem.core.tests.test_browser_phone import CHECK
    from tandem.core.tests.wording import Findings

    result = page.evaluate(CHECK)
    assert result["width"] <= result["viewport"], f"{page.url} is {result['width']}px wide"
    assert not result["problems"], f"{page.url}: {result['problems']}"
    findings = Findings(language=language)
    findings.check(page.url, page.content())
    assert not findings.problems, "\n".join(findings.problems)


@pytest.mark.parametrize("language", ["de", "nl", "fr"])
def test_in_each_language_on_a_phone_export_and_erase_once_and_the_funder_sees_counts_only(
    world: World, chromium: Any, live_server: Any, tmp_path: Path, language: str
) -> None:
    """The coordinator, on a phone in her language, exports a learner's data (the PDF in the
    learner's language) and erases a former volunteer: an empty or wrong confirmation erases
    nothing, a double tap erases once. The person asks for their own data from "Your data". The
    funder (observer) sees only counts, in plural words, and none of the people's pages."""
    from tandem.core.tests.test_every_page_language import _rename

    _rename(world)
    volunteer = _former_volunteer(world)
    User.objects.update(language=language)
    learner = world.people["learner"]
    Person.objects.filter(pk=learner.pk).update(language=language)
    base = f"/o/{world.organisation.slug}/p/{world.programme.slug}"
    heading = {"de": "Personenbezogene Daten über", "nl": "Persoonsgegevens over",
               "fr": "Données personnelles concernant"}[language]

    def phone(email: str) -> Any:
        context = chromium.new_context(base_url=live_server.url, viewport=PHONE, accept_downloads=True)
        context.set_default_timeout(15_000)
        page = context.new_page()
        browser_log_in(page, email, PASSWORD)
        return page

    coordinator = phone(world.users["coordinator"].email)
    coordinator.goto(base + f"/people/{learner.pk}/privacy/")
    _wholly(coordinator, language)
    with coordinator.expect_download() as info:
        coordinator.locator("a[href$='export.pdf']").click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(str(target)).pages).split())
    assert f"{heading} {learner.full_name}" in text
    with coordinator.expect_download() as info:
        coordinator.locator("a[href$='export.json']").click()
    info.value.save_as(tmp_path / "export.json")
    assert any(s["model"] == "core.person" for s in json.loads((tmp_path / "export.json").read_text())["sections"])

    erase = base + f"/people/{volunteer.person_id}/privacy/erase/"
    coordinator.goto(erase)
    _wholly(coordinator, language)
    for typed in ("", "Iemand Anders"):
        coordinator.locator("main form input[type=text]").fill(typed)
        with coordinator.expect_navigation():
            coordinator.locator("main form button[type=submit]").click()
        assert coordinator.locator(".has-error").count() == 1, typed
        _wholly(coordinator, language)
    assert not AuditEvent.objects.filter(action="erased").exists()
    coordinator.locator("main form input[type=text]").fill(" ".join(FORMER).upper())
    coordinator.locator("main form button[type=submit]").dblclick()
    # Polls the address: the first click's navigation may be aborted by the second's.
    expect(coordinator).not_to_have_url(re.compile(r"/erase/"), timeout=15_000)
    coordinator.wait_for_load_state("networkidle")
    assert AuditEvent.objects.filter(action="erased", subject=f"person:{volunteer.person_id}").count() == 1
    _wholly(coordinator, language)
    coordinator.goto(base + "/volunteers/")
    assert FORMER[1] not in coordinator.content()
    coordinator.context.close()

    # The learner asks for their own data.
    own = phone(world.users["learner"].email)
    own.goto("/account/data/")
    _wholly(own, language)
    with own.expect_download() as info:
        own.locator("a[href$='export.json']").click()
    info.value.save_as(tmp_path / "own.json")
    assert world.users["learner"].email in (tmp_path / "own.json").read_text()
    own.context.close()

    # The funder: counts in plural words, nobody's page.
    funder = phone(world.users["observer"].email)
    funder.goto(base + "/")
    _wholly(funder, language)
    stats = funder.locator("#h-agg ~ ul.stats").inner_text()
    assert learner.family_name not in funder.content() and FORMER[1] not in funder.content()
    # The role word agrees with its count (French: "0 mentor", "2 mentors").
    plural = {"de": "Mentor:in", "nl": "mentor", "fr": "mentor"}
    assert stats and plural[language].lower() in stats.lower(), stats
    for path in (f"/people/{learner.pk}/", f"/people/{learner.pk}/privacy/", "/people/", "/learners/"):
        response = funder.goto(base + path)
        assert response is not None and response.status in (403, 404), path
    funder.context.close()
