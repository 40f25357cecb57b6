"""The claim lists, the payment page and a batch cost a fixed number of queries, however many
claims they show — asserted with 3 and 9 rows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import World
from tandem.core.models import Person
from tandem.core.testing import assert_list_page_queries_do_not_grow, programme_kwargs
from tandem.expenses.models import PaymentBatch
from tandem.expenses.tests.factories import bank, claim, mentor_volunteer, paying_policy
from tandem.onboarding.models import Volunteer

pytestmark = pytest.mark.django_db


def _new_volunteer(world: World, i: int) -> Volunteer:
    person = Person.objects.create(organisation=world.organisation, given_name=f"Vol{i}", family_name=f"Nummer{i}")
    return Volunteer.objects.create(programme=world.programme, person=person, state="active")


@pytest.mark.parametrize("state", ["submitted", "approved", "paid"])
def test_the_review_list(world: World, state: str) -> None:
    url = reverse("expenses:review", kwargs=programme_kwargs(world)) + f"?state={state}"

    def add(i: int) -> str:
        volunteer = _new_volunteer(world, i)
        extra = {}
        if state == "paid":
            batch = PaymentBatch.objects.create(
                programme=world.programme, execution_date="2025-01-01", total=Decimal("1.00"), count=1,
                message_id=f"T-{i}", paid_at="2025-01-02T10:00:00Z")
            extra = {"batch": batch, "paid_at": batch.paid_at}
        claim(volunteer, amount=f"{10 + i}.25", state=state, flags=["over_claim"], **extra)
        return f"Nummer{i}"

    assert_list_page_queries_do_not_grow(world.client_for("coordinator"), url, add)


def test_the_mentors_list(world: World) -> None:
    volunteer = mentor_volunteer(world)
    url = reverse("expenses:mine", kwargs=programme_kwargs(world))

    def add(i: int) -> str:
        claim(volunteer, amount=f"{20 + i}.50")
        return f"{20 + i}.50"

    assert_list_page_queries_do_not_grow(world.client_for("mentor"), url, add)


def test_the_payment_page_and_a_batch(world: World) -> None:
    paying_policy(world)
    url = reverse("expenses:payments", kwargs=programme_kwargs(world))

    def add(i: int) -> str:
        volunteer = _new_volunteer(world, i)
        bank(volunteer)
        claim(volunteer, state="approved")
        return f"Nummer{i}"

    assert_list_page_queries_do_not_grow(world.client_for("coordinator"), url, add)


def _programme_lookups(client: Client, url: str) -> tuple[int, int]:
    """The answer's status and how many queries resolved the programme from the URL's slugs."""
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url).status_code
    return status, sum('"core_programme"."slug" =' in q["sql"] for q in queries.captured_queries)


def test_the_mentors_own_page_resolves_the_programme_once(world: World) -> None:
    """The coordinators' redirect checked the programme, then the page resolved it again: one query
    too many on every visit. The scoping helper now resolves it once for both."""
    mentor_volunteer(world)
    url = reverse("expenses:mine", kwargs=programme_kwargs(world))
    assert _programme_lookups(world.client_for("mentor"), url) == (200, 1)
    assert _programme_lookups(world.client_for("coordinator"), url) == (302, 1)  # to the claims to approve
    assert _programme_lookups(world.client_for("learner"), url)[0] == 403
    assert world.client_for("outsider").get(url).status_code == 404  # a coordinator elsewhere: no redirect
