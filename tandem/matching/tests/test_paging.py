"""Matching's long lists are paged (``core.paging``) at a constant number of queries: the same
for 10 rows as for 200, on every page."""

from __future__ import annotations

import re
from functools import partial

import pytest
from django.utils import timezone

from conftest import World
from tandem.core.testing import assert_paged_list_constant_queries, count_queries
from tandem.matching import services
from tandem.matching.models import DeclinedPair, LearningCommunity, Match, MatchingRound
from tandem.matching.tests.factories import (
    MATCH_STATES,
    consent,
    mentor,
    numbered_match,
    persona_pair,
    programme_url,
    pupil,
    relax,
)

STATES = MATCH_STATES
_url = programme_url
_match = partial(numbered_match, digits=3)


@pytest.fixture
def relaxed(world: World) -> World:
    relax(world)
    return world


def test_matches_for_a_coordinator(relaxed: World) -> None:
    world = relaxed
    community = LearningCommunity.objects.create(programme=world.programme, name="Kring",
                                                 volunteer=mentor(world, "Circle"), capacity=300)

    def add(i: int) -> str:
        return _match(world, i, community=community if i % 3 == 0 else None).learner.person.full_name

    assert_paged_list_constant_queries(world.client_for("coordinator"), _url(world, "matching:matches"), add)


def test_matches_filtered_by_state(relaxed: World) -> None:
    world = relaxed
    for i in range(12):
        _match(world, 500 + i, state="closed")
    walked = assert_paged_list_constant_queries(
        world.client_for("coordinator"), _url(world, "matching:matches") + "?state=active",
        lambda i: _match(world, i, state="active").learner.person.full_name)
    assert all("state=active" in a for a in walked)


@pytest.mark.parametrize("persona", ["mentor", "guardian"])
def test_matches_for_those_in_them(relaxed: World, persona: str) -> None:
    world = relaxed
    own = mentor(world, "Own", person=world.people["mentor"], capacity=300)

    def add(i: int) -> str:
        match = _match(world, i, state="active", volunteer=own, slot=i + 1)
        consent(world, match.learner, world.people["guardian"])
        return match.learner.person.given_name

    assert_paged_list_constant_queries(world.client_for(persona), _url(world, "matching:matches"), add)


def test_report_lists_closed_matches(relaxed: World) -> None:
    assert_paged_list_constant_queries(
        relaxed.client_for("coordinator"), _url(relaxed, "matching:report"),
        lambda i: _match(relaxed, i, state="closed").learner.person.full_name)


def test_conflicts(relaxed: World) -> None:
    world = relaxed

    def add(i: int) -> str:
        pair = DeclinedPair.objects.create(
            programme=world.programme, learner=pupil(world, f"Pupil{i:03d}"),
            volunteer=mentor(world, f"Mentor{i:03d}"), kind="conflict" if i % 2 else "declined",
            note=f"Note{i:03d}", created_by=world.users["coordinator"])
        return pair.note

    assert_paged_list_constant_queries(world.client_for("coordinator"), _url(world, "matching:conflicts"), add)


def test_home_lists_rounds(relaxed: World) -> None:
    world = relaxed
    world.programme.sites.create(name="Noord", city="Rotterdam")

    def add(i: int) -> str:
        matching_round = MatchingRound.objects.create(
            programme=world.programme, status="done", created_by=world.users["coordinator"],
            site=world.programme.sites.first() if i % 2 else None)
        return f'{_url(world, "matching:round", pk=matching_round.pk)}">'

    assert_paged_list_constant_queries(world.client_for("coordinator"), _url(world, "matching:home"), add)


def test_home_lists_declined_matches_needing_a_partner(relaxed: World) -> None:
    world = relaxed

    def add(i: int) -> str:
        declined = _match(world, i, state="declined")
        declined.learner.state = "waiting"
        declined.learner.save()
        return declined.learner.person.full_name

    walked = assert_paged_list_constant_queries(world.client_for("coordinator"), _url(world, "matching:home"), add)
    assert all("declined=" in a for a in walked[1:])


def _round(world: World, learners: int) -> MatchingRound:
    persona_pair(world)
    for i in range(learners):
        mentor(world, f"Mentor{i:03d}", km_east=i % 3)
        pupil(world, f"Pupil{i:03d}", km_east=(i % 3) + (60 if i % 4 == 3 else 0))  # some too far
    matching_round = services.round_start(programme=world.programme, actor=world.users["coordinator"],
                                          background=False)
    assert matching_round.status == "done", matching_round.error
    return matching_round


def test_a_rounds_review_pages_its_proposals_and_unmatched_learners(relaxed: World) -> None:
    """A round of 200 learners: every page of its proposals (and of the learners left without
    one) costs the queries of a round of 10; every proposal appears on one of the pages, and the
    swap form offers every open proposal, whichever page it is on."""
    client = relaxed.client_for("coordinator")
    small = _round(relaxed, 10)
    client.get(_url(relaxed, "matching:round", pk=small.pk))
    few, _sql = count_queries(lambda: client.get(_url(relaxed, "matching:round", pk=small.pk)))
    Match.objects.all().delete()
    big = _round(relaxed, 200)
    proposals = big.proposals.count()
    unmatched = big.unmatched.count()
    assert proposals > 100 and unmatched > 0
    url = _url(relaxed, "matching:round", pk=big.pk)
    seen: set[str] = set()
    pages = (proposals + 49) // 50
    for number in range(1, pages + 1):
        response = None

        def fetch(number: int = number) -> None:
            nonlocal response
            response = client.get(url, {"page": number})

        n, sql = count_queries(fetch)
        assert response is not None and response.status_code == 200
        assert n == few, f"page {number}: {n} queries, {few} for a round of 10:\n" + "\n".join(sql)
        body = response.content.decode()
        seen.update(re.findall(r'id="proposal-(\d+)"', body))
        assert f"Page {number} of {pages}" in body
        swap = body[body.index('id="swap-first"'):body.index("</select>", body.index('id="swap-first"'))]
        assert swap.count("<option") == big.proposals.filter(status="proposed").count()
    assert seen == {str(pk) for pk in big.proposals.values_list("pk", flat=True)}
    for number in ("0", "-1", "abc", "²", "99999"):
        assert client.get(url, {"page": number, "unmatched": number}).status_code == 200


@pytest.mark.parametrize("name", ["matching:matches", "matching:report", "matching:conflicts", "matching:home"])
def test_any_page_number_is_answered(relaxed: World, name: str) -> None:
    for i in range(12):
        _match(relaxed, i)
    client = relaxed.client_for("coordinator")
    for raw in ["0", "-1", "abc", "²", "99999", "", "9" * 400]:
        response = client.get(_url(relaxed, name), {"page": raw, "declined": raw, "state": "closed"})
        assert response.status_code == 200, (raw, response.status_code)


def test_the_matching_page_counts_the_pools_a_round_would_load(relaxed: World) -> None:
    from tandem.matching import problem

    world = relaxed
    persona_pair(world)
    for i in range(6):
        mentor(world, f"Free{i}", capacity=2)
        pupil(world, f"Waiting{i}", minor=i % 2 == 0)  # minors without consent are left out
    _match(world, 99, state="active")
    today = timezone.localdate()
    volunteers, learners = problem.pools(programme=world.programme, today=today)
    assert problem.pool_sizes(programme=world.programme, today=today) == (len(volunteers), len(learners))
    body = world.client_for("coordinator").get(_url(world, "matching:home")).content.decode()
    stats = re.findall(r'<span class="stat">(\d+)</span>', body)
    assert stats[:2] == [str(len(learners)), str(len(volunteers))]


def test_a_manual_pair_offers_the_mentors_of_the_rounds_pool(relaxed: World) -> None:
    from tandem.matching import problem

    matching_round = _round(relaxed, 8)
    mentor(relaxed, "Extra", capacity=3)
    volunteers, _learners = problem.pools(programme=relaxed.programme, today=timezone.localdate())
    body = relaxed.client_for("coordinator").get(_url(relaxed, "matching:round", pk=matching_round.pk)).content.decode()
    select = body[body.index('id="manual-volunteer"'):body.index("</select>", body.index('id="manual-volunteer"'))]
    assert sorted(int(pk) for pk in re.findall(r'value="(\d+)"', select)) == sorted(v.pk for v in volunteers)


def test_an_empty_match_list_says_how_the_first_matches_come(world: World) -> None:
    """No matches yet: the coordinator is sent to the matching round; a state filter keeps the
    plain sentence."""
    Match.objects.filter(programme=world.programme).delete()
    page = world.client_for("coordinator").get(_url(world, "matching:matches")).content.decode()
    assert 'id="no-matches-yet"' in page and _url(world, "matching:home") in page
    filtered = world.client_for("coordinator").get(_url(world, "matching:matches") + "?state=active").content.decode()
    assert 'id="no-matches-yet"' not in filtered and "No matches yet." in filtered
