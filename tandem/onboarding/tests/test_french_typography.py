"""French as a French reader sees it. Dates in words: "1er août" on the first of a month, on a
page, in an e-mail and on a printed certificate (tandem/core/dates.py); other days and other
languages unchanged. A label and its colon: a no-break space between them
(tandem/core/tests/test_french_spacing.py)."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from conftest import World
from tandem.core.notify import notify
from tandem.onboarding.models import TrainingCertificate, Workshop
from tandem.onboarding.pdf import certificate_pdf
from tandem.onboarding.tests.helpers import volunteer

BRUSSELS = ZoneInfo("Europe/Brussels")


@pytest.mark.parametrize(("language", "day", "expected"), [
    ("fr", 1, "1er août 2026 10:30"),
    ("fr", 2, "2 août 2026 10:30"),
    ("en", 1, "1 August 2026, 10:30"),
    ("nl", 1, "1 augustus 2026 10:30"),
    ("de", 1, "1. August 2026 10:30"),
])
def test_workshop_page_writes_its_date_in_the_readers_language(
    world: World, language: str, day: int, expected: str,
) -> None:
    workshop = Workshop.objects.create(
        programme=world.programme, title="Premier pas", place="Zuidplein", capacity=4,
        hours=Decimal(2), starts_at=datetime(2026, 8, day, 10, 30, tzinfo=BRUSSELS),
    )
    coordinator = world.users["coordinator"]
    coordinator.language = language
    coordinator.save()
    url = reverse("onboarding:workshop", kwargs={"org": world.organisation.slug,
                                                 "prog": world.programme.slug, "pk": workshop.pk})
    page = world.client_for("coordinator").get(url).content.decode()
    assert f"{expected} · Zuidplein" in page


@pytest.mark.parametrize(("language", "expected"), [
    ("fr", "le 1er août 2026"), ("en", "1 August 2026"), ("de", "1. August 2026"),
])
def test_e_mail_writes_the_first_of_the_month_in_words(
    db: object, django_capture_on_commit_callbacks: object, run_tasks: object,
    language: str, expected: str,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        notify(to="sam@example.org", language=language, template="onboarding/email/interview_planned",
               context={"name": "Sam", "programme": "AFEV", "date": "2026-08-01", "time": "10:30"})
    run_tasks()  # type: ignore[operator]
    assert expected in " ".join(mail.outbox[-1].body.split())


def test_french_certificate_is_issued_on_the_1er(world: World) -> None:
    v = volunteer(world, language="fr")
    certificate = TrainingCertificate.objects.create(volunteer=v, hours=Decimal(2),
                                                     issued_on=date(2026, 8, 1))
    text = PdfReader(io.BytesIO(certificate_pdf(certificate))).pages[0].extract_text()
    assert "Délivrée le 1er août 2026" in text


@pytest.mark.parametrize(("language", "expected"), [
    ("fr", "Candidature reçue\u00a0: 1"), ("en", "Applied: 1"),
])
def test_board_counts_put_the_colon_as_the_language_does(world: World, language: str, expected: str) -> None:
    volunteer(world)
    coordinator = world.users["coordinator"]
    coordinator.language = language
    coordinator.save()
    url = reverse("onboarding:board", kwargs={"org": world.organisation.slug, "prog": world.programme.slug})
    assert expected in world.client_for("coordinator").get(url).content.decode()
