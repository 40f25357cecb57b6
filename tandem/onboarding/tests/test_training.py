"""Workshops: waiting list, promotion, attendance, the PDF certificate and its public check."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from conftest import World
from tandem.onboarding import services
from tandem.onboarding.models import Registration, TrainingCertificate, Workshop
from tandem.onboarding.tests.helpers import volunteer


def _workshop(world: World, capacity: int = 1, hours: int = 2) -> Workshop:
    return Workshop.objects.create(
        programme=world.programme, title="Basistraining", place="Zuidplein",
        starts_at=timezone.now() + timedelta(days=7), capacity=capacity, hours=Decimal(hours),
    )


def test_waiting_list_and_promotion_when_someone_cancels(
    world: World, django_capture_on_commit_callbacks, run_tasks
) -> None:
    workshop = _workshop(world, capacity=1)
    a = volunteer(world, email="a@example.org", state="screening")
    b = volunteer(world, email="b@example.org", state="screening", )
    actor = world.users["coordinator"]
    with django_capture_on_commit_callbacks(execute=True):
        first = services.registration_book(workshop=workshop, volunteer=a, actor=actor)
        second = services.registration_book(workshop=workshop, volunteer=b, actor=actor)
    assert (first.status, second.status) == ("booked", "waiting")
    with pytest.raises(ValidationError, match="already registered"):
        services.registration_book(workshop=workshop, volunteer=b, actor=actor)
    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.registration_cancel(registration=first, actor=actor)
    run_tasks()
    assert promoted == second
    assert workshop.registrations.filter(status="booked").count() == 1
    to_b = [m for m in mail.outbox if m.to == ["b@example.org"]]
    assert "wachtlijst" in to_b[0].subject and "geboekt" in to_b[1].subject


def test_attendance_issues_a_certificate_pdf_in_the_volunteer_language(
    world: World, django_capture_on_commit_callbacks, run_tasks
) -> None:
    v = volunteer(world, language="fr", state="training")
    v.person.given_name, v.person.family_name = "Zoë", "Lefèvre"
    v.person.save()
    workshop = _workshop(world, capacity=5, hours=2)
    registration = services.registration_book(workshop=workshop, volunteer=v, actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        issued = services.attendance_mark(workshop=workshop, attended={registration.pk}, actor=None)
    run_tasks()
    certificate = TrainingCertificate.objects.get(volunteer=v)
    assert issued == [certificate]
    mail_fr = mail.outbox[-1]
    assert "attestation" in mail_fr.subject and certificate.download_token in mail_fr.body
    response = Client().get(f"/certificates/download/{certificate.download_token}/")
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Attestation de formation" in text
    assert "Zoë Lefèvre" in text and "Mentoren op Zuid" in text and certificate.code in text
    # Marking attendance again issues nothing new.
    assert services.attendance_mark(workshop=workshop, attended={registration.pk}, actor=None) == []


def test_public_check_shows_only_name_programme_and_date(world: World) -> None:
    v = volunteer(world)
    certificate = TrainingCertificate.objects.create(volunteer=v, hours=Decimal(2),
                                                     issued_on=timezone.localdate())
    client = Client()
    response = client.get("/certificates/verify/", {"code": certificate.code.lower()})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "genuine" in page and "Sam Jansen" in page and "Mentoren op Zuid" in page
    assert "sam@example.org" not in page and "Rotterdam" not in page
    assert client.get("/certificates/verify/NOPE1234/").status_code == 404


def test_cancelled_workshop_place_cannot_be_overbooked(world: World) -> None:
    workshop = _workshop(world, capacity=2)
    people = [volunteer(world, email=f"p{i}@example.org", state="screening") for i in range(4)]
    for v in people:
        services.registration_book(workshop=workshop, volunteer=v, actor=None)
    assert workshop.registrations.filter(status="booked").count() == 2
    waiting = workshop.registrations.filter(status="waiting")
    services.registration_cancel(registration=waiting.first(), actor=None)  # a waiting one leaves
    assert workshop.registrations.filter(status="booked").count() == 2
    assert Registration.objects.filter(status="waiting").count() == 1


def test_when_everyone_is_booked_the_page_says_so_instead_of_an_empty_list(world: World) -> None:
    # A new coordinator who had booked all three volunteers saw an empty list and a "Book" button.
    workshop = _workshop(world, capacity=5)
    a = volunteer(world, email="a@example.org", state="screening")
    url = f"/o/{world.organisation.slug}/p/{world.programme.slug}/volunteers/training/{workshop.pk}/"
    client = world.client_for("coordinator")
    page = client.get(url, headers={"accept-language": "nl"}).content.decode()
    assert 'id="id_volunteer"' in page and 'id="nobody-to-book"' not in page
    for candidate in world.programme.volunteers.exclude(state__in=("rejected", "withdrawn", "alumni")):
        services.registration_book(workshop=workshop, volunteer=candidate, actor=world.users["coordinator"])
    assert workshop.registrations.filter(volunteer=a).exists()
    page = client.get(url, headers={"accept-language": "nl"}).content.decode()
    assert 'id="id_volunteer"' not in page
    assert "Elke vrijwilliger die deze workshop kan volgen, is ingeschreven" in page
