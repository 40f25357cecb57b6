"""The privacy app's list pages make the same number of queries for 3 rows as for 9."""

from __future__ import annotations

from datetime import date, datetime

from django.urls import reverse
from django.utils import timezone

from conftest import World, make_member
from tandem.core.models import AuditEvent, Person, Role
from tandem.core.testing import assert_list_page_queries_do_not_grow
from tandem.onboarding.models import Volunteer, VolunteerTransition


def test_access_log(world: World) -> None:
    def add(i: int) -> str:
        _user, person = make_member(world.organisation, world.programme, Role.MENTOR,
                                   f"seen{i}@zuid.example", given_name=f"Seen{i}")
        AuditEvent.objects.create(organisation=world.organisation, programme=world.programme,
                                  actor=world.users["coordinator"], person=person,
                                  action="viewed", subject=f"person:{person.pk}")
        return person.full_name

    url = reverse("privacy:access_log", kwargs={"org": world.organisation.slug})
    assert_list_page_queries_do_not_grow(world.client_for("org_admin"), url, add)


def test_to_be_removed_next_month(world: World) -> None:
    def add(i: int) -> str:
        person = Person.objects.create(organisation=world.organisation, given_name=f"Gone{i}",
                                       family_name="Soon", email=f"gone{i}@x.example")
        volunteer = Volunteer.objects.create(programme=world.programme, person=person,
                                             state="rejected", motivation="Typed",
                                             certificate_seen_on=date(2025, 1, 1))
        step = VolunteerTransition.objects.create(volunteer=volunteer, to_state="rejected")
        VolunteerTransition.objects.filter(pk=step.pk).update(
            at=timezone.make_aware(datetime(2024, 1, 1 + i)))
        return person.full_name

    url = reverse("privacy:upcoming", kwargs={"org": world.organisation.slug,
                                              "prog": world.programme.slug})
    assert_list_page_queries_do_not_grow(world.client_for("coordinator"), url, add)
