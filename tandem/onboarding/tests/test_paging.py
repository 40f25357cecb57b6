"""Onboarding's long lists are paged (``core.paging``) at a constant number of queries: the same
for 10 rows as for 200, on every page."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import World
from tandem.core.testing import assert_paged_list_constant_queries
from tandem.onboarding.models import Registration, TrainingCertificate, VolunteerState, Workshop
from tandem.onboarding.tests.helpers import screened, volunteer

STATES = ["applied", "screening", "training", "ready", "active", "paused", "alumni"]


def _url(world: World, name: str, **extra: object) -> str:
    return reverse(name, kwargs={"org": world.organisation.slug, "prog": world.programme.slug, **extra})


def _volunteer(world: World, i: int, *, state: str = "", city: str = "Rotterdam") -> str:
    v = volunteer(world, email=f"v{i}@example.org", state=state or STATES[i % len(STATES)],
                  languages=["nl", "tr"] if i % 2 else ["nl"], expertise=["maths"])
    v.person.given_name, v.person.family_name, v.person.city = f"Vol{i:03d}", "Board", city
    v.person.save()
    if i % 3 == 0:
        screened(v, world, issued_on=timezone.localdate() - timedelta(days=4000 if i % 2 else 10))
    if i % 5 == 0:
        TrainingCertificate.objects.create(volunteer=v, hours=Decimal(2), issued_on=timezone.localdate())
    return v.person.full_name


def test_board(world: World) -> None:
    assert_paged_list_constant_queries(
        world.client_for("coordinator"), _url(world, "onboarding:board"), lambda i: _volunteer(world, i)
    )


def test_board_filtered_by_state_and_city(world: World) -> None:
    for i in range(30):  # not shown: another state, another city
        _volunteer(world, 1000 + i, state="applied" if i % 2 else "ready", city="Delft" if i % 2 else "Rotterdam")
    url = _url(world, "onboarding:board") + "?state=ready&city=Rotterdam"
    walked = assert_paged_list_constant_queries(
        world.client_for("coordinator"), url, lambda i: _volunteer(world, i, state="ready")
    )
    assert all("state=ready" in a and "city=Rotterdam" in a for a in walked)


def test_the_board_pages_in_pipeline_order_and_counts_each_state_whole(world: World) -> None:
    """Paging runs through the states in the pipeline's order, so a state's volunteers are
    together; a state cut by a page break still shows its whole count under its heading."""
    for i in range(70):
        _volunteer(world, i, state="applied" if i < 40 else "ready")
    client = world.client_for("coordinator")
    first = client.get(_url(world, "onboarding:board")).content.decode()
    second = client.get(_url(world, "onboarding:board"), {"page": "2"}).content.decode()
    heading = re.compile(r'<h2 id="h-(\w+)">[^<]*<span class="muted">\((\d+)\)</span>')
    assert heading.findall(first) == [("applied", "40"), ("ready", "30")]
    assert heading.findall(second) == [("ready", "30")]
    assert "70 of 70 volunteers match these filters." in first
    assert first.count('name="volunteers"') == 50 and second.count('name="volunteers"') == 20


def test_board_search_as_you_type_is_paged(world: World) -> None:
    for i in range(60):
        _volunteer(world, i, state="applied")
    client = world.client_for("coordinator")
    partial = client.get(_url(world, "onboarding:board"), {"q": "board", "page": "2"}, HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert "<html" not in body and "Page 2 of 2" in body and 'href="?q=board&amp;page=1"' in body
    # The pager is not inside the form that moves the selected volunteers (no nested forms).
    bulk = body.index('action="' + _url(world, "onboarding:bulk_transition"))
    assert body.index('class="pager"') > body.index("</form>", bulk)


def test_workshops(world: World) -> None:
    def add(i: int) -> str:
        workshop = Workshop.objects.create(
            programme=world.programme, title=f"Workshop{i:03d}", starts_at=timezone.now() + timedelta(days=i),
            place="Zuidplein", capacity=2, hours=Decimal(2),
        )
        if i < 4:
            for j, status in enumerate(["booked", "booked", "waiting"]):
                volunteer(world, email=f"w{i}-{j}@example.org", state=VolunteerState.TRAINING)
                Registration.objects.create(workshop=workshop, status=status,
                                            volunteer=workshop.programme.volunteers.latest("pk"))
        return workshop.title

    assert_paged_list_constant_queries(world.client_for("coordinator"), _url(world, "onboarding:workshops"), add)


@pytest.mark.parametrize("name", ["onboarding:board", "onboarding:workshops"])
def test_any_page_number_is_answered(world: World, name: str) -> None:
    for i in range(55):
        _volunteer(world, i)
    client = world.client_for("coordinator")
    for raw in ["0", "-1", "abc", "²", "99999", "", "9" * 400]:
        response = client.get(_url(world, name), {"page": raw, "state": "applied"})
        assert response.status_code == 200, (raw, response.status_code)
    assert "Page 2 of 2" in client.get(_url(world, "onboarding:board"), {"page": "99999"}).content.decode()


def test_who_opened_a_volunteers_record(world: World) -> None:
    """The volunteer's page lists every access to the record, paged (it showed the last 20)."""
    from conftest import make_member
    from tandem.core.audit import audit_record
    from tandem.core.models import AuditEvent, Role

    v = volunteer(world, email="opened@example.org", state="ready")

    def add(i: int) -> str:
        viewer, _person = make_member(world.organisation, world.programme, Role.COORDINATOR,
                                      f"viewer{i:03d}@zuid.example", given_name=f"Viewer{i:03d}", family_name="Opened")
        audit_record(organisation=world.organisation, programme=world.programme, actor=viewer,
                     person=v.person, action=AuditEvent.Action.VIEWED, subject=f"volunteer:{v.pk}")
        return str(viewer)

    walked = assert_paged_list_constant_queries(world.client_for("coordinator"),
                                                _url(world, "onboarding:volunteer", pk=v.pk), add)
    assert all("views=" in address for address in walked[1:])


def test_an_empty_board_says_what_to_do_next(world: World) -> None:
    """A new programme's board has no volunteers: it says how to get the first ones, in the
    reader's language, not that "no volunteer matches these filters" (none were set)."""
    from tandem.onboarding.models import Volunteer

    Volunteer.objects.filter(programme=world.programme).delete()
    client = world.client_for("coordinator")
    page = client.get(_url(world, "onboarding:board")).content.decode()
    assert 'id="no-volunteers-yet"' in page and "Share the public application page" in page
    assert "match these filters" not in page and _url(world, "onboarding:import") in page
    _volunteer(world, 1, state="ready")
    page = client.get(_url(world, "onboarding:board") + "?city=Nowhere").content.decode()
    assert "No volunteer matches these filters." in page and 'id="no-volunteers-yet"' not in page
