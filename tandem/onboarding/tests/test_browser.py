"""A French applicant's journey to a training certificate, clicked through in Chromium."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone
from pypdf import PdfReader

from conftest import PASSWORD, make_member
from tandem.core.models import Organisation, Programme
from tandem.core.testing import browser_log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_apply_in_french_screen_train_and_download_the_certificate(
    page: Any, settings: Any, run_tasks: Any
) -> None:
    settings.TANDEM_APPLICATION_MIN_SECONDS = 0
    org = Organisation.objects.create(name="AFEV", slug="afev", country="FR")
    Programme.objects.create(
        organisation=org, name="Accompagnement", slug="acc", country="FR",
        description="Des étudiants accompagnent des apprentis.", commitment="2 h par semaine",
    )
    make_member(org, None, "org_admin", "coord@afev.example")

    # 1. The volunteer applies on the public page, in French.
    page.goto("/apply/afev/acc/")
    page.get_by_label("Language", exact=True).select_option("fr")
    page.get_by_role("heading", name="Devenez bénévole pour Accompagnement").wait_for()
    page.get_by_label("Prénom").fill("Zoé")
    page.get_by_label("Nom de famille").fill("Lefèvre")
    page.get_by_label("Adresse e-mail").fill("zoe@example.org")
    page.get_by_label("Code postal").fill("69008")
    page.get_by_label("Ville").fill("Lyon")
    page.get_by_label("Français").check()
    page.get_by_label("mardi soir").check()
    page.get_by_label("Pourquoi souhaitez-vous devenir bénévole\u00a0?").fill("Pour transmettre.")
    page.get_by_label("J’accepte le traitement").check()
    page.get_by_role("button", name="Envoyer ma candidature").click()
    page.get_by_role("heading", name="Merci pour votre candidature\u00a0!").wait_for()

    # 2. The coordinator screens: interview, references, certificate.
    page.get_by_label("Langue", exact=True).select_option("en")
    page.get_by_role("heading", name="Thank you for your application!").wait_for()
    browser_log_in(page, "coord@afev.example", PASSWORD)  # password, then the app's code
    page.goto("/o/afev/p/acc/volunteers/")
    page.get_by_role("link", name="Zoé Lefèvre").click()
    page.get_by_label("Move to").select_option("screening")
    page.get_by_role("button", name="Change state").click()
    page.get_by_text("State changed.").wait_for()
    today = timezone.localdate().isoformat()
    page.get_by_label("Interview held on").fill(today)
    page.get_by_role("button", name="Record the interview").click()
    page.get_by_label("References received").fill("1")
    page.get_by_role("button", name="Record the references").click()
    page.get_by_label("Seen on").fill(today)
    page.get_by_label("Issued on").fill(today)
    page.get_by_role("button", name="Record the certificate").click()
    page.get_by_text("Certificate recorded").wait_for()

    # 3. Books the training and marks attendance.
    page.goto("/o/afev/p/acc/volunteers/training/")
    page.get_by_label("Title").fill("Formation initiale")
    page.get_by_label("Starts at").fill(f"{today}T18:00")
    page.get_by_label("Place", exact=False).first.fill("Lyon")
    page.get_by_role("spinbutton", name="Places").fill("10")
    page.get_by_label("Hours").fill("2")
    page.get_by_role("button", name="Add the workshop").click()
    page.get_by_role("button", name="Book", exact=True).click()
    page.get_by_text("Zoé Lefèvre is booked.").wait_for()
    page.get_by_label("Zoé Lefèvre").check()
    page.get_by_role("button", name="Save attendance").click()
    page.get_by_text("completed the training").wait_for()

    # 4. The volunteer downloads the certificate from the link in the e-mail.
    run_tasks()
    body = next(m.body for m in mail.outbox if "attestation" in m.subject)
    link = re.search(r"/certificates/download/[\w-]+/", body)
    assert link
    with page.expect_download() as download_info:
        page.evaluate("url => { const a = document.createElement('a'); a.href = url; a.download = ''; document.body.appendChild(a); a.click(); }", link.group(0))
    path = download_info.value.path()
    text = PdfReader(io.BytesIO(path.read_bytes())).pages[0].extract_text()
    assert "Attestation de formation" in text and "Zoé Lefèvre" in text


@pytest.mark.parametrize("width", [1280, 390])
def test_a_long_german_time_slot_stays_in_its_column(chromium: Any, live_server: Any, settings: Any,
                                                     width: int) -> None:
    """"Donnerstagnachmittag" is wider than a column of the week grid: it breaks at its soft hyphen
    ("Donnerstag-/nachmittag") with its checkbox beside it, never into the next column."""
    org = Organisation.objects.create(name="SES", slug="ses", country="DE")
    Programme.objects.create(organisation=org, name="VerA", slug="vera", country="DE")
    context = chromium.new_context(base_url=live_server.url, locale="de-DE", viewport={"width": width, "height": 900},
                                   extra_http_headers={"Accept-Language": "de"})
    try:
        page = context.new_page()
        page.goto("/apply/ses/vera/")
        labels = page.locator("#id_availability label")
        assert labels.count() == 21
        boxes = labels.evaluate_all("""labels => labels.map(l => {
            const r = l.getBoundingClientRect(), box = l.querySelector('input').getBoundingClientRect();
            const cell = l.parentElement.getBoundingClientRect();
            return {text: l.innerText, over: l.scrollWidth - l.clientWidth, right: r.right - cell.right,
                    beside: box.top < r.top + r.height / 2 && box.right <= r.left + box.width + 8};
        })""")
        for box in boxes:
            assert box["over"] <= 1 and box["right"] <= 1, box
            assert box["beside"], box  # the checkbox is on the label's first line, at its left
        thursday = next(b for b in boxes if "Donnerstag" in b["text"] and "nachmittag" in b["text"])
        assert thursday["text"].strip().replace("\u00ad", "").replace("-", "").replace("\n", "") == "Donnerstagnachmittag"
    finally:
        context.close()
