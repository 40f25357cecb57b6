"""End-to-end in Chromium: a pupil answers the self-esteem questionnaire in Dutch on a 390 px
phone through their personal link (no log-in); the coordinator opens the results, filters by
site and downloads the funder report of a school year, whose PDF text and spreadsheet cells are
read back, and a report of chosen dates; a funder in French picks a school year on a phone."""

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
    last = f"{years['last_start'].year}-{years['last_end'].year}"
    assert desk.locator("#r-cycle").input_value() == last
    desk.locator("#r-cycle").select_option("2025-2026")
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
    # The five known matches of 2025-2026 beside the whole programme's six would give away the
    # pupil's own pair (started in 2026-2027): the report is the school year's view, protected
    # jointly with the whole (report.joint_view), so it reads "verborgen".
    assert started[1] == "verborgen"
    # The coordinator's report of chosen dates, which says what it is not protected against.
    assert not desk.locator("#r-start").is_visible()
    desk.locator("#report-dates summary").click()
    assert desk.locator("#r-start").input_value() == years["last_start"].isoformat()
    assert desk.locator("#r-end").input_value() == years["last_end"].isoformat()
    desk.locator("#r-start").fill("2025-10-01")
    with desk.expect_download() as dated_download:
        desk.locator("#dates-xlsx").click()
    dated = [r[0] for r in load_workbook(io.BytesIO(Path(dated_download.value.path()).read_bytes())).active
             .iter_rows(values_only=True) if r and r[0]]
    assert dated[0].startswith("Resultatenrapport, ") and "schooljaar" not in dated[0]
    assert any("niet tegen rapporten over andere data" in str(line) for line in dated)
    assert any(r[0] == "Definities" for r in rows)


def test_a_funder_picks_a_school_year_on_a_phone_in_french(world: World, device: Any) -> None:
    """The funder's report form has school years only (no dates); the phone's page does not
    overflow; the spreadsheet of the year chosen is named by it; a typed date in the address is
    refused in French."""
    known.build(world)
    observer = world.users["observer"]
    observer.language = "fr"
    observer.save()
    phone = device(PHONE)
    browser_log_in(phone, observer.email, PASSWORD)
    url = f"/o/{world.organisation.slug}/p/{world.programme.slug}/results/"
    phone.goto(url + "#report")
    assert phone.locator("#r-cycle").is_visible() and phone.locator("#r-start").count() == 0
    assert "Un rapport porte sur une année scolaire" in phone.locator("#report-scope").inner_text()
    result = phone.evaluate(CHECK)
    assert result["width"] <= result["viewport"] and not result["problems"], result
    phone.locator("#r-cycle").select_option("2025-2026")
    with phone.expect_download() as download:
        phone.locator("#report-xlsx").click()
    assert download.value.suggested_filename.endswith("-2025-2026.xlsx")
    phone.goto(url.replace("/results/", "/results/report.pdf") + "?start=2025-10-01&end=2026-07-31")
    assert phone.url.endswith("/results/?refused=dates#report") and phone.locator("#report-refused").is_visible()
    assert "Un rapport porte sur une année scolaire entière" in phone.locator("body").inner_text()
