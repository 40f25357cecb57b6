"""The attestation: hours equal to the journal's and training's, a PDF in the volunteer's language,
a code the public verification page confirms."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from conftest import World
from tandem.core.testing import programme_kwargs
from tandem.expenses import services
from tandem.expenses.pdf import attestation_pdf
from tandem.expenses.tests.factories import mentor_volunteer
from tandem.journal.tests.factories import meeting, persona_match
from tandem.onboarding.models import Registration, Workshop
from tandem.support.models import ExchangeInvitation, ExchangeMeeting


def _engaged(world: World) -> tuple[object, Decimal, Decimal]:
    match = persona_match(world)
    volunteer = match.volunteer
    for days, minutes in ((-3, 90), (-10, 45), (-17, 60)):
        meeting(match, days=days, state="held", duration_minutes=minutes)
    meeting(match, days=-24, state="cancelled")
    meeting(match, days=-400, state="held", duration_minutes=600)  # before the period
    for hours, attended in (("2.5", True), ("3.0", True), ("4.0", False)):
        workshop = Workshop.objects.create(programme=world.programme, title="Training",
                                           starts_at=timezone.now() - timedelta(days=30), place="Zuid",
                                           capacity=10, hours=Decimal(hours))
        Registration.objects.create(workshop=workshop, volunteer=volunteer, status="booked", attended=attended)
    # Exchange meetings (support): attended 90 + 45 min count; not attended, cancelled or
    # before the period do not.
    for days, minutes, attended, cancelled in ((-20, 90, True, False), (-40, 45, True, False),
                                                (-50, 120, False, False), (-60, 60, True, True),
                                                (-400, 120, True, False)):
        starts = timezone.now() + timedelta(days=days)
        exchange = ExchangeMeeting.objects.create(
            programme=world.programme, kind="intervision", topic="Intervisie", starts_at=starts, minutes=minutes,
            place="Zuid", cancelled_at=starts if cancelled else None)
        ExchangeInvitation.objects.create(meeting=exchange, person=volunteer.person, answer="yes", attended=attended)
    return volunteer, Decimal("3.25"), Decimal("5.50")


def test_attestation_hours_equal_journal_training_and_exchange_hours(world: World) -> None:
    volunteer, mentoring, training = _engaged(world)
    today = timezone.localdate()
    item = services.attestation_issue(volunteer=volunteer, actor=None, period_start=today - timedelta(days=90),
                                      period_end=today)
    assert item.mentoring_hours == mentoring and item.meetings == 3
    assert item.training_hours == training and item.workshops == 2
    assert item.exchange_hours == Decimal("2.25") and item.exchange_meetings == 2  # (90 + 45) / 60
    # ... the same rows support's selector counts for the volunteer's record
    from tandem.support.selectors import exchange_attendance

    minutes, n = exchange_attendance(person=volunteer.person, programme=world.programme,
                                     start=today - timedelta(days=90), end=today)
    assert Decimal(minutes) / 60 == item.exchange_hours and n == item.exchange_meetings


def test_the_pdf_is_in_the_volunteers_language_and_the_code_checks(world: World) -> None:
    volunteer, _m, _t = _engaged(world)
    volunteer.person.language = "de"
    volunteer.person.save()
    today = timezone.localdate()
    item = services.attestation_issue(volunteer=volunteer, actor=None, period_start=today - timedelta(days=90),
                                      period_end=today)
    text = "".join(page.extract_text() for page in PdfReader(__import__("io").BytesIO(attestation_pdf(item))).pages)
    assert volunteer.person.full_name in text and item.code in text
    assert "Bescheinigung" in text
    assert "2,2" in text or "2,3" in text  # 2.25 hours of exchange meetings, German decimals
    response = world.client_for("anonymous").get(
        reverse("onboarding:certificate_verify_code", kwargs={"code": item.code.lower()}))
    assert response.status_code == 200 and volunteer.person.full_name in response.content.decode()
    assert world.client_for("anonymous").get(
        reverse("onboarding:certificate_verify_code", kwargs={"code": "NOPE2345"})).status_code == 404


def test_the_volunteer_downloads_their_attestation(world: World) -> None:
    volunteer = mentor_volunteer(world)
    today = timezone.localdate()
    item = services.attestation_issue(volunteer=volunteer, actor=None, period_start=today, period_end=today)
    response = world.client_for("mentor").get(
        reverse("expenses:attestation_file", kwargs={**programme_kwargs(world), "pk": item.pk}))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_the_attestations_page_speaks_of_het_attest_in_dutch(world: World) -> None:
    mentor_volunteer(world)
    client = world.client_for("mentor")
    client.post(reverse("core:set_language"), {"language": "nl", "next": "/"})
    page = client.get(reverse("expenses:attestations", kwargs=programme_kwargs(world))).content.decode()
    assert "Het vermeldt je uren mentoring uit je vastgelegde bijeenkomsten" in page
    assert "Ze vermeldt" not in page
