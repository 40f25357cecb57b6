"""End-to-end in Chromium, in German, in a VerA-like programme: a mentor on a 390 px phone adds
their bank details and claims a train ticket with a photo of it; the coordinator approves it and
makes the payment file (the pain.001 download is validated against the XSD), marks it paid; the
mentor sees the claim paid."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from conftest import PASSWORD, World
from tandem.core.models import Person, User
from tandem.core.testing import browser_log_in
from tandem.core.tests.test_browser_phone import CHECK
from tandem.expenses import sepa
from tandem.expenses.models import Claim
from tandem.expenses.tests.factories import mentor_volunteer, paying_policy, photo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}


@pytest.fixture
def device(chromium: Any, live_server: Any) -> Iterator[Any]:
    contexts = []

    def open_device(viewport: dict[str, int]) -> Any:
        context = chromium.new_context(base_url=live_server.url, viewport=viewport, locale="de-DE",
                                       accept_downloads=True)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_device
    for context in contexts:
        context.close()


def _tap(page: Any, selector: str) -> None:
    with page.expect_navigation():
        page.locator(selector).first.click()


def _fits(page: Any) -> None:
    result = page.evaluate(CHECK)
    assert result["width"] <= result["viewport"], f"{page.url} is {result['width']}px wide on a phone"
    assert not result["problems"], f"{page.url}: {result['problems']}"


def _vera_in_german(world: World) -> tuple[Any, Any]:
    """The world's programme as VerA, everybody reading German, the mentor a volunteer with a
    paying expense policy."""
    programme = world.programme
    programme.country, programme.name, programme.languages = "DE", "VerA", ["de"]
    programme.save()
    User.objects.update(language="de")
    Person.objects.update(language="de")
    volunteer = mentor_volunteer(world)
    paying_policy(world, debtor_iban="DE62370400440532013001", debtor_bic="", debtor_name="SES VerA")
    return programme, volunteer


def test_a_mentor_claims_a_train_ticket_and_sees_it_paid(world: World, device: Any, tmp_path: Path,
                                                         settings: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    programme, volunteer = _vera_in_german(world)
    ticket = tmp_path / "fahrkarte.jpg"
    ticket.write_bytes(photo().read())
    base = f"/o/{world.organisation.slug}/p/{programme.slug}/expenses/"

    mentor = device(PHONE)
    browser_log_in(mentor, world.users["mentor"].email, PASSWORD)
    mentor.goto(base)
    assert mentor.locator("h1").inner_text() == "Deine Auslagen"
    _fits(mentor)
    _tap(mentor, "main a[href$='/expenses/bank/']:visible")
    mentor.locator("#id_iban").fill("DE89 3704 0044 0532 0130 00")
    _tap(mentor, "main form button[type=submit]")
    assert "DE89 3704 0044 0532 0130 00" in mentor.locator("main").inner_text()
    _tap(mentor, "#new-claim")
    _fits(mentor)
    mentor.locator("#id_kind").select_option("transport")
    mentor.locator("#id_amount").fill("23.80")
    mentor.locator("#id_description").fill("Bahnfahrt zum Ausbildungsbetrieb")
    mentor.locator("#id_receipt").set_input_files(str(ticket))
    _tap(mentor, "main form button[type=submit]")
    assert mentor.locator("#claim-state").inner_text() == "Wartet auf Genehmigung"
    assert "23,80" in mentor.locator("#claim-amount").inner_text()
    _fits(mentor)
    claim = Claim.objects.get(volunteer=volunteer)
    assert claim.amount == claim.amount.__class__("23.80") and claim.receipt_type == "image/jpeg"

    coordinator = device(DESK)
    browser_log_in(coordinator, world.users["coordinator"].email, PASSWORD)
    coordinator.goto(base + "review/")
    assert "Bahnfahrt" not in coordinator.locator("#claims").inner_text()  # the list shows who and how much
    _tap(coordinator, f"#claims a[href$='/claims/{claim.pk}/']")
    with coordinator.expect_popup() as popup:
        coordinator.locator("a[href$='/receipt/']").click()
    assert popup.value.url.endswith(f"/claims/{claim.pk}/receipt/")
    _tap(coordinator, "button[value=approve]")
    coordinator.goto(base + "payments/")
    _tap(coordinator, "#make-file")
    assert "DE89 •••• 3000" in coordinator.locator("#batch").inner_text()
    with coordinator.expect_download() as download:
        coordinator.locator("#download-xml").click()
    xml = Path(download.value.path()).read_bytes()
    assert sepa.schema().validate(etree.fromstring(xml))
    assert b"DE89370400440532013000" in xml and b"<InstdAmt Ccy=\"EUR\">23.80</InstdAmt>" in xml
    _tap(coordinator, "#mark-paid")
    assert coordinator.locator("#batch-state").inner_text().startswith("Bezahlt am")

    mentor.goto(base)
    assert "Bezahlt" in mentor.locator("#claims").inner_text()
    _tap(mentor, f"#claims a[href$='/claims/{claim.pk}/']")
    assert mentor.locator("#claim-state").inner_text() == "Bezahlt"


def test_an_amount_is_typed_as_the_page_writes_it_whatever_the_browser_speaks(
        world: World, chromium: Any, live_server: Any) -> None:
    """A German mentor on a browser set to English types "12,40": the browser's number input read
    that as 1240 (it parses by the browser's language); the claim must say 12,40 €."""
    programme, volunteer = _vera_in_german(world)
    context = chromium.new_context(base_url=live_server.url, viewport=PHONE, locale="en-US")
    context.set_default_timeout(15_000)
    try:
        mentor = context.new_page()
        browser_log_in(mentor, world.users["mentor"].email, PASSWORD)
        mentor.goto(f"/o/{world.organisation.slug}/p/{programme.slug}/expenses/")
        _tap(mentor, "#new-claim")
        amount = mentor.locator("#id_amount")
        assert amount.get_attribute("type") == "text" and amount.get_attribute("inputmode") == "decimal"
        mentor.locator("#id_kind").select_option("transport")
        amount.fill("12,40")
        mentor.locator("#id_description").fill("Bus")
        _tap(mentor, "main form button[type=submit]")
        assert "12,40" in mentor.locator("#claim-amount").inner_text()
        assert Claim.objects.get(volunteer=volunteer).amount == Decimal("12.40")
    finally:
        context.close()
