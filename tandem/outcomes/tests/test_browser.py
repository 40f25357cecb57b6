"""End-to-end in Chromium: a pupil answers the self-esteem questionnaire in Dutch on a 390 px
phone through their personal link (no log-in); the coordinator opens the results, filters by
site and downloads the funder report, whose PDF text and spreadsheet cells are read back."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import PASSWORD, World
from tandem.core.testing import browser_log_in
from tandem.core.tests.test_browser_phone import CHECK
from tandem.outcomes import services
from tandem.outcomes.models import SurveyResponse
from tandem.outcomes.tests import known
from tandem.outcomes.tests.factories import invitation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def device(chromium: Any, live_server: Any) -> Iterator[Any]:
    contexts = []

    def open_device(viewport: dict[str, int]) -> Any:
        context = chromium.new_context(base_url=live_server.url, viewport=viewport, locale="nl-NL",
                                       accept_downloads=True)
        context.set_default_timeout(60_000)
        contexts.append(context)
        return context.new_page()

    yield open_device
    for context in contexts:
        context.close()


def test_pupil_answers_in_dutch_and_coordinator_downloads_the_report(world: World, device: Any,
                                                                     tmp_path: Path) -> None:
    item = invitation(world)  # the personas' pair, started four weeks ago
    known.build(world)
    world.school.site = world.site
    world.school.save()
    token = services.link_token(item)

    phone = device(PHONE)
    phone.goto(f"/survey/{token}/")
    assert phone.locator("html").get_attribute("lang") == "nl"
    assert phone.get_by_text("Globaal genomen ben ik tevreden over mezelf.").is_visible()
    result = phone.evaluate(CHECK)
    assert result["width"] <= result["viewport"], "the questionnaire scrolls sideways on a phone"
    for number in range(1, 11):
        phone.locator(f"#item-q{number} label").nth(2).click()  # "Klopt wel"
    with phone.expect_navigation():
        phone.locator("#send").click()
    assert phone.get_by_text("Je antwoorden zijn ontvangen").is_visible()
    answer = SurveyResponse.objects.get(person=world.people["learner"])
    assert answer.score == 25 and answer.language == "nl"

    coordinator = world.users["coordinator"]
    coordinator.language = "nl"
    coordinator.save()
    desk = device({"width": 1280, "height": 900})
    browser_log_in(desk, coordinator.email, PASSWORD)
    desk.goto(f"/o/{world.organisation.slug}/p/{world.programme.slug}/results/")
    assert desk.get_by_role("heading", name="Resultaten", exact=True).is_visible()
    desk.locator("#f-site").select_option(str(world.site.pk))
    with desk.expect_navigation():
        desk.locator("#filters button[type=submit]").click()
    assert f"site={world.site.pk}" in desk.url
    table = desk.locator("#delivered table")
    assert "Koppels (gestart)" in table.inner_text() and "6" in table.inner_text()
    assert desk.locator("svg.chart").count() >= 2
    from django.utils import timezone

    from tandem.outcomes.views.dashboard import school_years

    years = school_years(timezone.localdate())  # the default: the last complete school year
    assert desk.locator("#r-start").input_value() == years["last_start"].isoformat()
    assert desk.locator("#r-end").input_value() == years["last_end"].isoformat()
    desk.locator("#r-start").fill("2025-08-01")
    desk.locator("#r-end").fill("2026-07-31")
    with desk.expect_download() as pdf_download:
        desk.locator("#report-pdf").click()
    pdf_path = tmp_path / "report.pdf"
    pdf_download.value.save_as(pdf_path)
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(str(pdf_path)).pages)
    assert "Resultatenrapport, schooljaar 2025-2026" in text and "Mentoren op Zuid" in text
    assert "Voortijdig schoolverlaten" in text and "verborgen" in text and "minder dan" not in text
    assert "Verborgen: groepen kleiner dan 5" in text
    assert "PupilA" not in text
    with desk.expect_download() as xlsx_download:
        desk.locator("#report-xlsx").click()
    from openpyxl import load_workbook

    rows = list(load_workbook(io.BytesIO(Path(xlsx_download.value.path()).read_bytes())).active
                .iter_rows(values_only=True))
    started = next(r for r in rows if r[0] == "Koppels (gestart)")
    # The five known matches (the pupil's own started after the period) beside the whole
    # programme's six would give away that one pair: the report is protected jointly with the
    # dashboard's views (report.period_counts), so it reads "verborgen".
    assert started[1] == "verborgen"
    assert any(r[0] == "Definities" for r in rows)
