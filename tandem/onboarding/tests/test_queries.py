"""Onboarding's list pages make the same number of queries for 3 rows as for 9: no query per row."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from conftest import World
from tandem.core.testing import assert_list_page_queries_do_not_grow, assert_queries_do_not_grow
from tandem.onboarding.importing import VolunteerSpec
from tandem.onboarding.models import Registration, TrainingCertificate, Volunteer, Workshop
from tandem.onboarding.tests.helpers import screened, trained, volunteer

STATES = ["applied", "screening", "training", "ready", "active", "paused"]


def _url(world: World, name: str, **extra: object) -> str:
    return reverse(name, kwargs={"org": world.organisation.slug, "prog": world.programme.slug, **extra})


def _volunteer(world: World, i: int) -> Volunteer:
    v = volunteer(world, email=f"v{i}@example.org", state=STATES[i % len(STATES)],
                  languages=["nl", "tr"], expertise=["maths"])
    v.person.given_name = f"Vol{i}"
    v.person.save()
    if i % 2:
        screened(v, world, issued_on=timezone.localdate() - timedelta(days=4000 if i % 3 else 10))
        trained(v)
    if i % 3 == 0:
        TrainingCertificate.objects.create(volunteer=v, hours=Decimal(2), issued_on=timezone.localdate())
    return v


def test_board(world: World) -> None:
    def add(i: int) -> str:
        return _volunteer(world, i).person.full_name

    assert_list_page_queries_do_not_grow(world.client_for("coordinator"), _url(world, "onboarding:board"), add)


def _workshop(world: World, i: int) -> Workshop:
    return Workshop.objects.create(
        programme=world.programme, title=f"Workshop{i}", starts_at=timezone.now() + timedelta(days=i),
        place="Zuidplein", capacity=2, hours=Decimal(2),
    )


def test_workshops(world: World) -> None:
    def add(i: int) -> str:
        workshop = _workshop(world, i)
        for j, status in enumerate(["booked", "booked", "waiting"]):
            Registration.objects.create(workshop=workshop, volunteer=_volunteer(world, 100 * i + j),
                                        status=status)
        return workshop.title

    assert_list_page_queries_do_not_grow(
        world.client_for("coordinator"), _url(world, "onboarding:workshops"), add
    )


def test_a_workshops_registrations_and_candidates(world: World) -> None:
    workshop = _workshop(world, 0)
    workshop.capacity = 100
    workshop.save()
    statuses = ["booked", "waiting", "cancelled"]

    def add(i: int) -> str:
        registered = _volunteer(world, i)
        Registration.objects.create(workshop=workshop, volunteer=registered, status=statuses[i % 3])
        candidate = _volunteer(world, 1000 + i)  # not registered: offered in the form
        # A cancelled registration is not listed; its volunteer can be booked again.
        return (candidate if statuses[i % 3] == "cancelled" else registered).person.full_name

    url = _url(world, "onboarding:workshop", pk=workshop.pk)
    assert_list_page_queries_do_not_grow(world.client_for("coordinator"), url, add)


def test_export(world: World) -> None:
    client = world.client_for("coordinator")
    emails: list[str] = []

    def add(n: int) -> None:
        emails.extend(_volunteer(world, len(emails)).person.email for _ in range(n))

    def fetch() -> None:
        response = client.get(_url(world, "onboarding:export"), {"format": "csv"})
        assert response.status_code == 200
        text = response.content.decode("utf-8-sig")
        assert emails and all(email in text for email in emails)

    assert_queries_do_not_grow(fetch, add)


def test_import_preview(world: World) -> None:
    client = world.client_for("coordinator")
    header = "given_name,family_name,email,city,languages\n"
    lines: list[str] = []
    expected = {"new": 0, "update": 0}

    def add(n: int) -> None:
        for _ in range(n):
            i = len(lines)
            if i % 2:
                email = _volunteer(world, i).person.email.upper()  # recognised whatever the case
                expected["update"] += 1
            else:
                email = f"new{i}@example.org"
                expected["new"] += 1
            lines.append(f"Vol{i},Jansen,{email},Rotterdam,nl\n")

    def fetch() -> None:
        upload = SimpleUploadedFile("volunteers.csv", (header + "".join(lines)).encode())
        response = client.post(_url(world, "onboarding:import"), {"file": upload})
        body = response.content.decode()
        assert response.status_code == 200 and 'name="batch"' in body, body
        assert f"{expected['new']} new · {expected['update']} to update · 0 with errors" in body

    assert_queries_do_not_grow(fetch, add)


def test_looking_a_file_up_at_once_finds_what_one_row_at_a_time_finds(world: World) -> None:
    known = volunteer(world, email="Sam@Example.org")
    volunteer(world, email="elsewhere@example.org").delete()  # the person stays, no volunteer
    rows = [{"email": "sam@example.ORG"}, {"email": "elsewhere@example.org"}, {"email": "x@example.org"}]
    spec = VolunteerSpec(world.programme)
    one_by_one = [spec.find_existing(values) for values in rows]
    assert one_by_one == [known, None, None]
    assert spec.find_existing_many(rows) == one_by_one
