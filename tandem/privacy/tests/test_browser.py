"""End-to-end in Chromium: a coordinator answers a guardian's access request by downloading the
export, then erases a former volunteer — whose name then appears nowhere in the interface: not in
the people search, not on the volunteer board, not in the matches, not in the audit log."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
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
