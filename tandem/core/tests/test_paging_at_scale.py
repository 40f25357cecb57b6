"""Every list page at ``seed_demo --scale 20`` (about 10,000 people): it renders, it is paged
(no silent cap: the pages together hold every row), and its first, second and last pages make
the same number of queries."""

from __future__ import annotations

import re
from typing import Any

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tandem.core import demo
from tandem.core.models import AuditEvent, Programme, User
from tandem.core.paging import PAGE_SIZE
from tandem.core.testing import count_queries, give_totp
from tandem.intake.models import Learner
from tandem.matching.models import DeclinedPair, Match, MatchingRound
from tandem.onboarding.models import Volunteer

# The "go to page" field of the list's pager (``?page=``; a second list on the page has its own).
PAGER = re.compile(r'id="pager-page" name="page" min="1" max="(\d+)" value="(\d+)"')


def _get(client: Client, url: str, params: dict[str, str]) -> tuple[int, str]:
    response = None

    def fetch() -> None:
        nonlocal response
        response = client.get(url, params)

    n, _sql = count_queries(fetch)
    assert response is not None and response.status_code == 200, (url, params, response)
    return n, response.content.decode()


def test_every_list_page_is_paged_at_scale_20(db: Any) -> None:
    call_command("seed_demo", "--scale", "20", "--quiet-logins", verbosity=0)
    coordinator = User.objects.get(email=demo.MAIN_COORDINATOR)
    give_totp(coordinator)
    client = Client()
    client.force_login(coordinator)
    programme = Programme.objects.get(slug="mentoren-op-zuid")
    kw = {"org": programme.organisation.slug, "prog": programme.slug}
    matching_round = MatchingRound.objects.filter(programme=programme, status="done").first()
    assert matching_round is not None
    people = programme.memberships.values("person").distinct().count()
    learners = Learner.objects.filter(programme=programme).count()
    # (URL name, extra kwargs, query string, rows the list holds: its pages must add up to them)
    lists: list[tuple[str, dict[str, Any], dict[str, str], int | None]] = [
        ("core:people", {}, {}, people),
        ("core:people", {}, {"role": "learner"}, None),
        ("core:audit", {}, {}, AuditEvent.objects.filter(programme=programme).count()),
        ("core:invitations", {}, {}, None),
        ("core:partners", {}, {}, None),
        ("core:sites", {}, {}, None),
        ("onboarding:board", {}, {}, Volunteer.objects.filter(programme=programme).count()),
        ("onboarding:board", {}, {"state": "active"}, None),
        ("onboarding:workshops", {}, {}, None),
        ("intake:learners", {}, {}, learners),
        ("intake:learners", {}, {"q": "a"}, None),
        ("intake:waiting_list", {}, {}, Learner.objects.filter(programme=programme, state="waiting").count()),
        ("intake:referrals", {}, {}, None),
        ("matching:home", {}, {}, None),
        ("matching:round", {"pk": matching_round.pk}, {}, matching_round.proposals.filter(
            status__in=("proposed", "published")).count()),
        ("matching:matches", {}, {}, Match.objects.filter(programme=programme).count()),
        ("matching:report", {}, {}, None),
        ("matching:conflicts", {}, {}, DeclinedPair.objects.filter(programme=programme).count()),
    ]
    assert people > 1000 and learners > 500  # the scale is real
    for name, extra, params, rows in lists:
        url = reverse(name, kwargs={**kw, **extra})
        _get(client, url, params)  # warm up: what a process reads once (content types, …)
        first_n, first = _get(client, url, params)
        pager = PAGER.search(first)
        if rows is not None and rows > PAGE_SIZE:
            assert pager is not None, f"{url} {params}: {rows} rows without a pager"
        if pager is None:
            continue
        pages = int(pager.group(1))
        assert pager.group(2) == "1" and pages > 1
        if rows is not None:
            assert pages == (rows + PAGE_SIZE - 1) // PAGE_SIZE, (url, rows, pages)
        for number in {2, pages}:
            n, body = _get(client, url, {**params, "page": str(number)})
            assert PAGER.search(body).groups() == (str(pages), str(number)), (url, number)  # type: ignore[union-attr]
            assert n == first_n, f"{url} {params}: page {number} makes {n} queries, page 1 {first_n}"
        # Bad page numbers land on the nearest page.
        for raw, number in (("99999", pages), ("-1", 1), ("abc", 1)):
            body = _get(client, url, {**params, "page": raw})[1]
            assert PAGER.search(body).groups() == (str(pages), str(number)), (url, raw)  # type: ignore[union-attr]
