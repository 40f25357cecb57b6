"""Matching's list pages make the same number of queries for 3 rows as for 9: no query per row."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import World
from tandem.core.testing import assert_list_page_queries_do_not_grow, count_queries
from tandem.matching import services
from tandem.matching.models import DeclinedPair, LearningCommunity, MatchingRound
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
_match = numbered_match


@pytest.fixture
def relaxed(world: World) -> World:
    relax(world)
    return world


def test_matches_for_a_coordinator(relaxed: World) -> None:
    world = relaxed
    community = LearningCommunity.objects.create(programme=world.programme, name="Kring",
                                                 volunteer=mentor(world, "Circle"), capacity=20)

    def add(i: int) -> str:
        match = _match(world, i, community=community if i % 3 == 0 else None)
        return match.learner.person.full_name

    assert_list_page_queries_do_not_grow(world.client_for("coordinator"), _url(world, "matching:matches"), add)


@pytest.mark.parametrize("persona", ["mentor", "supervisor", "guardian"])
def test_matches_for_those_in_them(relaxed: World, persona: str) -> None:
    """The mentor sees their learners, the supervisor their school's, the guardian their child's
    (here the guardian of every learner, as a family with many children would be)."""
    world = relaxed
    own = mentor(world, "Own", person=world.people["mentor"], capacity=20)

    def add(i: int) -> str:
        match = _match(world, i, state="active", volunteer=own, slot=i + 1)
        consent(world, match.learner, world.people["guardian"])
        return match.learner.person.given_name

    assert_list_page_queries_do_not_grow(world.client_for(persona), _url(world, "matching:matches"), add)


def test_report_lists_closed_matches(relaxed: World) -> None:
    def add(i: int) -> str:
        return _match(relaxed, i, state="closed").learner.person.full_name

    assert_list_page_queries_do_not_grow(relaxed.client_for("coordinator"), _url(relaxed, "matching:report"), add)


def test_conflicts(relaxed: World) -> None:
    world = relaxed

    def add(i: int) -> str:
        pair = DeclinedPair.objects.create(
            programme=world.programme, learner=pupil(world, f"Pupil{i}"), volunteer=mentor(world, f"Mentor{i}"),
            kind="conflict" if i % 2 else "declined", note=f"Note{i}", created_by=world.users["coordinator"])
        return pair.note

    assert_list_page_queries_do_not_grow(world.client_for("coordinator"), _url(world, "matching:conflicts"), add)


def test_home_lists_rounds_and_declined_matches(relaxed: World) -> None:
    world = relaxed
    world.programme.sites.create(name="Noord", city="Rotterdam")

    def add(i: int) -> str:
        matching_round = MatchingRound.objects.create(
            programme=world.programme, status="done", created_by=world.users["coordinator"],
            site=world.programme.sites.first() if i % 2 else None)
        declined = _match(world, i, state="declined")
        declined.learner.state = "waiting"
        declined.learner.save()
        return f'{_url(world, "matching:round", pk=matching_round.pk)}">'

    assert_list_page_queries_do_not_grow(world.client_for("coordinator"), _url(world, "matching:home"), add)


def test_community_members(relaxed: World) -> None:
    world = relaxed
    lead = mentor(world, "Lead", person=world.people["mentor"], capacity=20)
    community = LearningCommunity.objects.create(programme=world.programme, name="Kring", volunteer=lead,
                                                 capacity=20)

    def add(i: int) -> str:
        match = _match(world, i, state="active", volunteer=lead, slot=i + 1, community=community)
        community.meetings.create(starts_at=timezone.now() + timedelta(days=7 * i), place=f"Place{i}")
        return match.learner.person.full_name

    url = _url(world, "matching:community", pk=community.pk)
    assert_list_page_queries_do_not_grow(world.client_for("coordinator"), url, add)


def test_a_rounds_review_page(relaxed: World) -> None:
    """A round of 9 learners (each with alternatives and explanations, some unmatched) costs no
    more queries to review than a round of 3."""
    world = relaxed
    client = world.client_for("coordinator")
    persona_pair(world)
    people: list[str] = []

    def add(n: int) -> None:
        for _ in range(n):
            i = len(people)
            mentor(world, f"Mentor{i}", km_east=i % 3)
            learner = pupil(world, f"Pupil{i}", km_east=(i % 3) + (60 if i % 4 == 3 else 0))  # some too far
            people.append(learner.person.full_name)

    def review() -> tuple[int, list[str]]:
        matching_round = services.round_start(programme=world.programme, actor=world.users["coordinator"],
                                              background=False)
        assert matching_round.status == "done", matching_round.error
        assert matching_round.unmatched.exists() and matching_round.proposals.exclude(alternatives=[]).exists()
        url = _url(world, "matching:round", pk=matching_round.pk)
        client.get(url)  # warm up

        def fetch() -> None:
            body = client.get(url).content.decode()
            assert people and all(name in body for name in people)

        return count_queries(fetch)

    add(4)
    few, _sql = review()
    add(8)
    many, sql = review()
    assert many <= few, f"{many} queries for 12 learners, {few} for 4:\n" + "\n".join(sql)


@pytest.mark.parametrize("persona", ["mentor", "guardian"])
def test_the_dashboard_lists_ones_matches(relaxed: World, persona: str) -> None:
    """The programme's overview lists one's open matches (the mentor's learners, the guardian's
    children), up to five: 2 cost no fewer queries than 5."""
    world = relaxed
    own = mentor(world, "Own", person=world.people["mentor"], capacity=20)

    def add(i: int) -> str:
        match = _match(world, i, state="introduced" if i % 2 else "active", volunteer=own, slot=i + 1)
        consent(world, match.learner, world.people["guardian"])
        return match.learner.person.given_name

    assert_list_page_queries_do_not_grow(world.client_for(persona), world.programme.get_absolute_url(), add,
                                         few=2, many=5)
