"""One pager for every long list (``core.paging``): page numbers, the pager's links, bad input,
and core's paged lists at a constant number of queries from 10 rows to 200."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from conftest import World, make_member
from tandem.core.audit import audit_record
from tandem.core.models import AuditEvent, Invitation, Membership, PartnerInstitution, Role, Site
from tandem.core.paging import PAGE_SIZE, page_number, paginate
from tandem.core.testing import assert_paged_list_constant_queries


def _url(world: World, name: str, **extra: Any) -> str:
    return reverse(name, kwargs={"org": world.organisation.slug, "prog": world.programme.slug, **extra})


# --- The helper ------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "number"), [
    ("3", 3), (" 3 ", 3), ("0", 0), ("-1", -1), ("", None), (None, None), ("abc", None),
    ("²", None), ("٣", None), ("３", None), ("1.5", None), ("1e3", None), ("9" * 5000, 10**12),
    ("-" + "9" * 50, -(10**12)),
])
def test_page_numbers_are_read_strictly(raw: str | None, number: int | None) -> None:
    assert page_number(raw) == number


@pytest.mark.parametrize(("raw", "expected"), [
    ("1", 1), ("2", 2), ("3", 3), ("0", 1), ("-1", 1), ("abc", 1), ("²", 1), ("", 1),
    ("99999", 3), ("9" * 5000, 3), ("2.0", 1),
])
def test_a_bad_page_number_shows_the_nearest_page(raw: str, expected: int) -> None:
    request = RequestFactory().get("/", {"page": raw})
    page = paginate(request, list(range(2 * PAGE_SIZE + 7)))
    assert page.number == expected
    assert page.paginator.num_pages == 3
    assert page.object_list == list(range((expected - 1) * PAGE_SIZE, min(expected * PAGE_SIZE, 107)))


def test_an_empty_list_has_one_empty_page() -> None:
    page = paginate(RequestFactory().get("/", {"page": "7"}), [])
    assert page.number == 1 and page.object_list == [] and not page.has_other_pages()


def test_a_second_list_on_the_same_page_reads_its_own_parameter() -> None:
    request = RequestFactory().get("/", {"page": "2", "answered": "3"})
    assert paginate(request, list(range(200))).number == 2
    assert paginate(request, list(range(200)), param="answered").number == 3


# --- The pager on a real page ------------------------------------------------------------------


def _people(world: World, n: int, *, family_name: str = "Paged") -> None:
    for i in range(n):
        make_member(world.organisation, world.programme, Role.MENTOR, f"paged{i}@zuid.example",
                    with_user=False, given_name=f"Given{i:03d}", family_name=family_name)


def test_the_pager_keeps_the_search_and_the_filter(world: World) -> None:
    _people(world, 120)
    client = world.client_for("coordinator")
    body = client.get(_url(world, "core:people"), {"q": "paged", "role": "mentor", "page": "2"}).content.decode()
    assert "Page 2 of 3" in body
    assert 'rel="prev" href="?q=paged&amp;role=mentor&amp;page=1"' in body
    assert 'rel="next" href="?q=paged&amp;role=mentor&amp;page=3"' in body
    # "Go to page" sends the search and the filter along as hidden fields.
    jump = re.search(r'<form method="get" class="pager-jump">(.*?)</form>', body, re.S)
    assert jump is not None
    assert '<input type="hidden" name="q" value="paged">' in jump.group(1)
    assert '<input type="hidden" name="role" value="mentor">' in jump.group(1)
    assert 'name="page"' in jump.group(1) and 'max="3"' in jump.group(1)
    assert 'type="hidden" name="page"' not in jump.group(1)


def test_search_as_you_type_answers_with_the_paged_results_and_their_pager(world: World) -> None:
    _people(world, 60)
    _people_other = make_member(world.organisation, world.programme, Role.MENTOR, "x@zuid.example",
                                with_user=False, given_name="Zz", family_name="Other")
    assert _people_other
    client = world.client_for("coordinator")
    partial = client.get(_url(world, "core:people"), {"q": "paged"}, HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert "<html" not in body and 'id="results"' in body
    assert "Page 1 of 2" in body and 'href="?q=paged&amp;page=2"' in body
    assert "Other" not in body
    # Searching again starts on the first page: the search form does not send the page.
    partial = client.get(_url(world, "core:people"), {"q": "given059"}, HTTP_HX_REQUEST="true")
    assert "Given059" in partial.content.decode() and "Page 1 of" not in partial.content.decode()


def test_the_pager_speaks_the_readers_language(world: World) -> None:
    _people(world, 60)
    user = world.users["coordinator"]
    user.language = "nl"
    user.save()
    client = world.client_for("coordinator")
    body = client.get(_url(world, "core:people"), {"page": "2"}).content.decode()
    with translation.override("nl"):
        assert translation.gettext("Previous page") != "Previous page"
        assert translation.gettext("Previous page") in body
        assert translation.gettext("Go to page") in body
    assert "Pagina 2 van 2" in body


BAD_PAGES = ["0", "-1", "abc", "²", "99999", "1e9", "", "%00", "9" * 400]


@pytest.mark.parametrize("name", ["core:people", "core:audit", "core:invitations", "core:partners",
                                  "core:sites"])
def test_core_lists_answer_any_page_number(world: World, name: str) -> None:
    _people(world, 60)
    client = world.client_for("coordinator")
    for raw in BAD_PAGES:
        for param in ("page", "answered"):
            response = client.get(_url(world, name), {param: raw})
            assert response.status_code == 200, (name, param, raw, response.status_code)


def test_a_person_history_is_paged_without_losing_a_change(world: World) -> None:
    person = world.people["mentor"]

    def add(i: int) -> str:
        audit_record(organisation=world.organisation, programme=world.programme,
                     actor=world.users["coordinator"], person=person,
                     action=AuditEvent.Action.UPDATED, subject=f"person:{person.pk}",
                     changes={"city": ["", f"Town{i:03d}"]})
        return f"Town{i:03d}"

    client = world.client_for("coordinator")
    walked = assert_paged_list_constant_queries(client, _url(world, "core:person", pk=person.pk), add)
    assert all("changes=" in address for address in walked[1:])


# --- Core's lists: the same queries for 10 rows as for 200 -------------------------------------


def test_people(world: World) -> None:
    roles = [Role.MENTOR, Role.LEARNER, Role.PARTNER_CONTACT, Role.GUARDIAN]

    def add(i: int) -> str:
        role = roles[i % len(roles)]
        _user, person = make_member(
            world.organisation, world.programme, role, f"person{i}@zuid.example",
            institution=world.school if role == Role.PARTNER_CONTACT else None,
            with_user=i % 5 == 0, given_name=f"Given{i:03d}", family_name="Listed",
        )
        Membership.objects.create(person=person, organisation=world.organisation,
                                  programme=world.other_programme, role=Role.MENTOR)
        return person.full_name

    assert_paged_list_constant_queries(world.client_for("coordinator"), _url(world, "core:people"), add)


def test_people_found_by_a_search(world: World) -> None:
    def add(i: int) -> str:
        _user, person = make_member(world.organisation, world.programme, Role.LEARNER,
                                    f"found{i}@zuid.example", with_user=False,
                                    given_name=f"Found{i:03d}", family_name="Searched")
        return person.full_name

    url = _url(world, "core:people") + "?q=searched&role=learner"
    assert_paged_list_constant_queries(world.client_for("coordinator"), url, add)


def test_sites(world: World) -> None:
    def add(i: int) -> str:
        return Site.objects.create(programme=world.programme, name=f"Site{i:03d}", city="Rotterdam").name

    assert_paged_list_constant_queries(world.client_for("coordinator"), _url(world, "core:sites"), add)


def test_partners_with_their_contact_people(world: World) -> None:
    def add(i: int) -> str:
        partner = PartnerInstitution.objects.create(
            programme=world.programme, site=world.site, name=f"School{i:03d}", kind="primary_school",
        )
        if i % 4:
            return partner.name
        _user, contact = make_member(
            world.organisation, world.programme, Role.PARTNER_CONTACT, f"contact{i}@school.example",
            institution=partner, with_user=False, given_name=f"Contact{i:03d}",
        )
        return contact.full_name

    assert_paged_list_constant_queries(world.client_for("coordinator"), _url(world, "core:partners"), add)


@pytest.mark.parametrize("answered", [False, True])
def test_invitations_pending_and_answered(world: World, answered: bool) -> None:
    def add(i: int) -> str:
        invitation = Invitation.objects.create(
            programme=world.programme, email=f"invited{i:03d}@y.example", role=Role.MENTOR,
            invited_by=world.users["coordinator"],
        )
        if answered:
            Invitation.objects.filter(pk=invitation.pk).update(revoked=invitation.created)
        return invitation.email

    walked = assert_paged_list_constant_queries(
        world.client_for("coordinator"), _url(world, "core:invitations"), add
    )
    assert all(("answered=" in a) == answered for a in walked[1:])


def test_audit_log(world: World) -> None:
    def add(i: int) -> str:
        audit_record(organisation=world.organisation, programme=world.programme,
                     actor=world.users["coordinator"], person=world.people["learner"],
                     action=AuditEvent.Action.UPDATED, subject=f"person:{world.people['learner'].pk}",
                     changes={"city": ["", f"City{i:03d}"]})
        return f"City{i:03d}"

    assert_paged_list_constant_queries(world.client_for("coordinator"), _url(world, "core:audit"), add)


def test_a_request_reads_the_users_roles_once(world: World) -> None:
    """The roles behind the permission check, the menu and the page are read in one query per
    request (memoised for the request), not once per question."""
    from tandem.core.testing import count_queries

    client = world.client_for("coordinator")
    url = _url(world, "core:people")
    client.get(url)
    _n, sql = count_queries(lambda: client.get(url))
    role_reads = [q for q in sql if 'FROM "core_membership" INNER JOIN "core_person"' in q
                  and '"core_membership"."role"' in q.split("FROM")[0]]
    assert len(role_reads) == 1, "\n".join(role_reads)


# --- Lists that were cut short: now paged --------------------------------------------------------


def test_the_log_in_history_on_the_account_page(world: World) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from tandem.core.models import LoginEvent

    user = world.users["mentor"]
    LoginEvent.objects.filter(user=user).delete()

    def add(i: int) -> str:
        network = f"192.0.{i}.0/24"
        LoginEvent.objects.create(user=user, at=timezone.now() - timedelta(hours=i), outcome="success",
                                  method="password", ip_network=network, user_agent="Mozilla/5.0 Firefox/140.0")
        return network

    walked = assert_paged_list_constant_queries(world.client_for("mentor"), reverse("core:account"), add)
    assert all("logins=" in address for address in walked[1:])


def test_whats_coming_on_the_calendar_page(world: World) -> None:
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from tandem.onboarding.models import Workshop

    def add(i: int) -> str:
        title = f"Workshop {i:03d}"
        Workshop.objects.create(
            programme=world.programme, title=title, place="Zuidplein 12", capacity=8, hours=Decimal("1.5"),
            starts_at=timezone.now() + timedelta(days=1 + i % 50, minutes=i))
        return title

    walked = assert_paged_list_constant_queries(world.client_for("coordinator"), reverse("core:calendar"), add)
    assert all("upcoming=" in address for address in walked[1:])
