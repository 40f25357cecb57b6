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


def _varied(world: World, first: int, n: int) -> None:
    """``n`` more mentors and learners of every kind a round reads differently: learners placed
    by their postcode (no point stored), minors with consent, learners with a sensitive profile
    and a wish in words, mentors who already have a learner, declined pairs, people too far."""
    from tandem.intake.models import SensitiveProfile
    from tandem.matching.models import Match

    for i in range(first, first + n):
        volunteer = mentor(world, f"Mentor{i}", km_east=i % 7, capacity=2 if i % 3 == 0 else 1,
                           languages=("nl", "ar") if i % 2 else ("nl",))
        learner = pupil(world, f"Pupil{i}", km_east=(i % 5) + (80 if i % 9 == 0 else 0),
                        minor=i % 4 == 0, mentor_wishes="iemand die elektricien is" if i % 3 else "")
        if i % 4 == 0:
            consent(world, learner, world.people["guardian"])
        if i % 5 == 0:  # no point stored: placed by postcode and town in the round
            learner.latitude = learner.longitude = None
            learner.save(update_fields=["latitude", "longitude"])
            learner.person.postcode, learner.person.city = f"30{11 + i % 20}", "Rotterdam"
            learner.person.save(update_fields=["postcode", "city"])
        if i % 6 == 0:
            SensitiveProfile.objects.create(learner=learner, migration_background=True, consent=True,
                                            declared_by="learner")
        if i % 3 == 0:  # an active mentor with one learner and room for another
            Match.objects.create(programme=world.programme, volunteer=volunteer, state="active", slot=1,
                                 capacity=2, learner=pupil(world, f"Matched{i}", km_east=1))
            volunteer.state = "active"
            volunteer.save(update_fields=["state"])
        if i % 7 == 0:
            DeclinedPair.objects.create(programme=world.programme, learner=learner, volunteer=volunteer)


def _role_models(world: World) -> None:
    world.programme.requirements = {**world.programme.requirements, "role_model_matching": True}
    world.programme.save()


def test_a_round_makes_as_many_queries_for_60_learners_as_for_20(relaxed: World) -> None:
    """The matching round reads its pools, builds its problem and writes its proposals in a
    constant number of queries: no query per learner or mentor (see ``_varied``)."""
    world = relaxed
    _role_models(world)

    def run() -> tuple[int, list[str], MatchingRound]:
        rounds: list[MatchingRound] = []
        count, sql = count_queries(lambda: rounds.append(services.round_start(
            programme=world.programme, actor=world.users["coordinator"], background=False)))
        assert rounds[0].status == "done", (rounds[0].failure, rounds[0].failure_params)
        return count, sql, rounds[0]

    _varied(world, 1, 20)
    run()  # warm up: the vocabulary, content types and the like are read once per process
    few, _sql, small = run()
    _varied(world, 21, 40)
    many, sql, large = run()
    assert large.stats["learners"] > small.stats["learners"] >= 20
    assert large.stats["matched"] > small.stats["matched"] > 0
    assert not large.unmatched.filter(reason="no_location").exists()  # placed by their postcodes
    assert many == few, f"{many} queries for 60 learners, {few} for 20:\n" + "\n".join(sql)


def test_the_round_reads_the_people_and_problem_the_instances_give(relaxed: World) -> None:
    """The round reads ``values()`` rows (``pool_rows``, ``build_rows``); the rest of the app
    reads instances (``pools``, ``build_problem``). Both give the same people in the same order,
    and the same engine problem."""
    from tandem.matching import problem as adapter

    world = relaxed
    _role_models(world)
    _varied(world, 1, 30)
    today = timezone.localdate()
    volunteers, learners = adapter.pools(programme=world.programme, today=today)
    rows = adapter.pool_rows(programme=world.programme, today=today)
    assert [v.pk for v in volunteers] == [row["pk"] for row in rows.volunteers]
    assert [x.pk for x in learners] == [row["pk"] for row in rows.learners]
    assert rows.load == adapter.open_load(world.programme)
    from_instances = adapter.build_problem(programme=world.programme, today=today, volunteers=volunteers,
                                           learners=learners)
    from_rows = adapter.build_rows(programme=world.programme, today=today, pools=rows)
    assert from_rows.problem == from_instances.problem
    assert from_rows.problem.exclusions and any(x.background for x in from_rows.problem.learners)
    assert any(m.capacity == 1 for m in from_rows.problem.mentors)


def test_a_rounds_explanations_are_stored_as_text_and_read_back_whole(relaxed: World) -> None:
    """Proposals keep their explanation and alternatives as JSON text (``StoredJSONField``:
    ``text`` on PostgreSQL, so that a round's COPY does not parse every value into ``jsonb``);
    what a page reads back is what the engine explained, in either form an item is stored."""
    from django.db import connection

    from tandem.matching.explanations import rows as explanation_rows
    from tandem.matching.models import Proposal

    world = relaxed
    _varied(world, 1, 20)
    matching_round = services.round_start(programme=world.programme, actor=world.users["coordinator"],
                                          background=False)
    assert matching_round.status == "done", matching_round.failure
    proposal = next(p for p in Proposal.objects.filter(round=matching_round) if p.alternatives)
    assert isinstance(proposal.items, list) and {"criterion", "points", "text", "params"} <= set(proposal.items[0])
    offer = proposal.alternatives[0]
    assert set(offer) == {"volunteer", "score", "items"} and isinstance(offer["items"][0], list)
    assert explanation_rows(proposal.items) and explanation_rows(offer["items"])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s",
                           [Proposal._meta.db_table])
            types = dict(cursor.fetchall())
        assert types["items"] == types["alternatives"] == "text"
    # A proposal saved the ordinary way (a manual pair) round-trips too.
    proposal.items = [{"criterion": "distance", "points": 1.5, "text": "x", "params": {"km": 3}}]
    proposal.save(update_fields=["items"])
    proposal.refresh_from_db()
    assert proposal.items == [{"criterion": "distance", "points": 1.5, "text": "x", "params": {"km": 3}}]
