"""A round never fails on real data: declined pairs and conflicts whose mentor is not in the round
(full, paused, not ready) are left out of its exclusions; data the engine cannot read is ignored;
a round that cannot run says why and what to do, in the coordinator's language; anything
unexpected is logged and never shown. The six demo programmes run a round each."""

from __future__ import annotations

import logging
from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from conftest import World
from tandem.core.models import Programme, User
from tandem.intake.models import Learner
from tandem.matching import engine, services
from tandem.matching import problem as adapter
from tandem.matching.models import DeclinedPair, Match, MatchingCriteria, MatchingRound
from tandem.matching.tests.factories import consent, held, mentor, persona_pair, pupil, relax
from tandem.onboarding.models import Volunteer

pytestmark = pytest.mark.django_db


def start(world: World, run_tasks: Any, capture: Any) -> MatchingRound:
    """A round the way a coordinator runs it: queued on commit, run by the database worker."""
    with capture(execute=True):
        matching_round = services.round_start(programme=world.programme, actor=world.users["coordinator"])
    run_tasks()
    matching_round.refresh_from_db()
    return matching_round


def round_page(world: World, matching_round: MatchingRound, persona: str = "coordinator") -> str:
    url = reverse("matching:round", kwargs={"org": "zuid", "prog": "moz", "pk": matching_round.pk})
    response = world.client_for(persona).get(url)
    assert response.status_code == 200
    return response.content.decode()


def decline(world: World, match: Match) -> None:
    match = held(world, match)
    services.match_answer(match=match, side="mentor", answer="yes", actor=world.users["mentor"])
    services.match_answer(match=match, side="learner", answer="no", reason="Klikte niet",
                          actor=world.users["guardian"])


@pytest.mark.parametrize("away", ["full", "paused", "not_ready", "conflict_not_ready"])
def test_a_round_with_a_declined_pair_whose_mentor_is_not_in_the_pool_completes(
        world: World, run_tasks: Any, django_capture_on_commit_callbacks: Any, away: str) -> None:
    volunteer, learner = persona_pair(world)
    bram = mentor(world, "Bram", km_east=8)
    first = start(world, run_tasks, django_capture_on_commit_callbacks)
    [match], _problems = services.round_publish(matching_round=first, actor=world.users["coordinator"],
                                                expected_version=first.version)
    assert match.volunteer == volunteer
    coordinator = world.users["coordinator"]
    if away == "conflict_not_ready":
        # (Closed as "did not work", the pair would already be excluded as such.)
        services.match_close(match=match, reason="mentor_moved", actor=coordinator,
                             expected_version=match.version)
        services.conflict_record(programme=world.programme, learner=learner, volunteer=volunteer, note="Buren",
                                 actor=coordinator)
    else:
        decline(world, match)
    kind = DeclinedPair.objects.get(learner=learner, volunteer=volunteer).kind
    assert kind == ("conflict" if away == "conflict_not_ready" else "declined")
    # The mentor of that pair leaves the pool.
    if away == "full":  # another learner took their only place
        services.match_create(programme=world.programme, volunteer=volunteer, learner=pupil(world, "Cas"),
                              actor=coordinator)
    elif away == "paused":
        Volunteer.objects.filter(pk=volunteer.pk).update(state="paused")
    else:  # back in screening: not ready (yet)
        Volunteer.objects.filter(pk=volunteer.pk).update(state="screening")
    volunteers, _learners = adapter.pools(programme=world.programme, today=timezone.localdate())
    assert volunteer not in volunteers

    second = start(world, run_tasks, django_capture_on_commit_callbacks)
    assert second.status == "done", (second.failure, second.failure_params)
    assert [(p.learner, p.volunteer) for p in second.proposals.all()] == [(learner, bram)]
    assert "The round could not run" not in round_page(world, second)
    # The rematch offers (a one-learner problem) answer too.
    if away != "conflict_not_ready":
        offers = services.rematch_offers(match=Match.objects.get(learner=learner, state="declined"))
        assert [o["volunteer"] for o in offers] == [bram.pk]


def test_exclusions_only_name_people_in_the_problem(world: World) -> None:
    volunteer, learner = persona_pair(world)
    other = mentor(world, "Bram", km_east=8)
    DeclinedPair.objects.create(programme=world.programme, learner=learner, volunteer=volunteer)
    today = timezone.localdate()
    stray = engine.Exclusion(learner_id="l999999", mentor_id=adapter.mentor_id(volunteer.pk))
    built = adapter.build_problem(programme=world.programme, today=today, volunteers=[other], learners=[learner],
                                  extra_exclusions=[stray])
    assert built.problem.exclusions == ()
    assert engine.solve(built.problem).pairs[0].mentor_id == adapter.mentor_id(other.pk)
    # With the mentor in the problem the pair stays excluded, in the round and among alternatives.
    both = adapter.build_problem(programme=world.programme, today=today, volunteers=[volunteer, other],
                                 learners=[learner])
    assert [(e.learner_id, e.mentor_id) for e in both.problem.exclusions] == [
        (adapter.learner_id(learner.pk), adapter.mentor_id(volunteer.pk))]
    top = adapter.top_mentors(both.problem, both.problem.learners[0], count=5)
    assert [t["volunteer"] for t in top] == [other.pk]
    top = adapter.top_mentors(both.problem, both.problem.learners[0], count=5, skip=[adapter.mentor_id(other.pk)])
    assert top == []


def test_data_the_engine_cannot_read_is_ignored_not_fatal(world: World, run_tasks: Any,
                                                          django_capture_on_commit_callbacks: Any) -> None:
    relax(world)
    mentor(world, "Odd", availability=["monday-evening", "mon-afternoon"])
    learner = pupil(world, "Future")
    learner.person.date_of_birth = date(timezone.localdate().year + 3, 1, 1)  # mistyped: in the future
    learner.person.save()
    consent(world, learner, world.people["guardian"])
    far = pupil(world, "Swapped")
    Learner.objects.filter(pk=far.pk).update(latitude=451.9)  # a bad import: the city is used instead
    matching_round = start(world, run_tasks, django_capture_on_commit_callbacks)
    assert matching_round.status == "done", (matching_round.failure, matching_round.failure_params)
    assert matching_round.proposals.count() == 1
    assert {matching_round.proposals.get().learner, matching_round.unmatched.get().learner} == {learner, far}


def test_a_round_without_learners_says_why_in_the_coordinators_language(
        world: World, run_tasks: Any, django_capture_on_commit_callbacks: Any) -> None:
    relax(world)
    mentor(world, "Anna")
    referred = pupil(world, "New")
    Learner.objects.filter(pk=referred.pk).update(state="referred")
    pupil(world, "Kid", minor=True)  # waiting, but a minor without a guardian's consent
    matching_round = start(world, run_tasks, django_capture_on_commit_callbacks)
    assert (matching_round.status, matching_round.failure) == ("failed", "no_learners")
    assert matching_round.failure_params == {"in_intake": 1, "without_consent": 1, "matched": 0}
    page = round_page(world, matching_round)
    assert "No learner is waiting to be matched." in page
    assert "1 referral is still in intake: accept it on the learners page." in page
    assert "ask the guardian again" in page
    assert reverse("intake:learners", kwargs={"org": "zuid", "prog": "moz"}) in page
    User.objects.filter(pk=world.users["coordinator"].pk).update(language="nl")
    dutch = round_page(world, matching_round)
    assert "Er wacht geen enkele leerling om gekoppeld te worden." in dutch
    # The list of rounds says it could not run.
    home = world.client_for("coordinator").get(reverse("matching:home", kwargs={"org": "zuid", "prog": "moz"}))
    assert "Kon niet draaien" in home.content.decode()


def test_a_round_without_volunteers_says_who_could_and_what_to_do(
        world: World, run_tasks: Any, django_capture_on_commit_callbacks: Any) -> None:
    relax(world)
    full = mentor(world, "Full")
    services.match_create(programme=world.programme, volunteer=full, learner=pupil(world, "Taken"),
                          actor=world.users["coordinator"])
    Volunteer.objects.filter(pk=mentor(world, "Resting").pk).update(state="paused")
    Volunteer.objects.filter(pk=mentor(world, "Trainee").pk).update(state="training")
    pupil(world, "Waits")
    matching_round = start(world, run_tasks, django_capture_on_commit_callbacks)
    assert (matching_round.status, matching_round.failure) == ("failed", "no_volunteers")
    assert matching_round.failure_params == {"learners": 1, "full": 1, "no_location": 0, "screening": 0,
                                             "on_their_way": 1, "paused": 1}
    page = round_page(world, matching_round)
    assert "No volunteer can take the waiting learner." in page
    assert "1 volunteer has no free place left" in page and "1 volunteer is paused" in page
    assert reverse("onboarding:board", kwargs={"org": "zuid", "prog": "moz"}) in page


def test_impossible_criteria_are_refused_and_a_stored_one_is_explained(
        world: World, run_tasks: Any, django_capture_on_commit_callbacks: Any) -> None:
    persona_pair(world)
    criteria = adapter.criteria_for(world.programme)
    with pytest.raises(ValidationError, match="0 km"):
        services.criteria_update(criteria=criteria, actor=world.users["coordinator"],
                                 expected_version=criteria.version, max_distance_km=0)
    url = reverse("matching:criteria", kwargs={"org": "zuid", "prog": "moz"})
    form = world.client_for("coordinator").get(url).content.decode()
    assert 'name="max_distance_km"' in form and 'min="1"' in form
    MatchingCriteria.objects.filter(pk=criteria.pk).update(max_distance_km=0)  # written before the rule
    matching_round = start(world, run_tasks, django_capture_on_commit_callbacks)
    assert (matching_round.status, matching_round.failure) == ("failed", "criteria")
    assert url in round_page(world, matching_round)


def test_an_unexpected_error_is_logged_for_the_team_and_never_shown(
        world: World, run_tasks: Any, django_capture_on_commit_callbacks: Any, monkeypatch: Any,
        caplog: Any) -> None:
    persona_pair(world)
    working = engine.solve

    def broken(problem: engine.Problem, **kwargs: Any) -> engine.Result:
        raise RuntimeError("solver exploded at 0x7f3a secret detail")

    monkeypatch.setattr(engine, "solve", broken)  # the engine, not our database
    with caplog.at_level(logging.ERROR, logger="tandem.matching.tasks"):
        matching_round = start(world, run_tasks, django_capture_on_commit_callbacks)
    assert (matching_round.status, matching_round.failure, matching_round.failure_params) == (
        "failed", "unexpected", {})
    assert "secret detail" in caplog.text and "Traceback" in caplog.text
    page = round_page(world, matching_round)
    assert "Something unexpected went wrong while matching." in page
    assert "secret detail" not in page and "RuntimeError" not in page
    # A new round works once the engine does.
    monkeypatch.setattr(engine, "solve", working)
    again = start(world, run_tasks, django_capture_on_commit_callbacks)
    assert again.status == "done"


def test_rematch_offers_that_cannot_be_computed_say_so_on_the_match_page(
        world: World, monkeypatch: Any, caplog: Any) -> None:
    volunteer, learner = persona_pair(world)
    match = services.match_create(programme=world.programme, volunteer=volunteer, learner=learner,
                                  actor=world.users["coordinator"])
    decline(world, match)

    def broken(**kwargs: Any) -> list[dict[str, Any]]:
        raise engine.ProblemError("exclusions[0]: unknown mentor 'v1'")

    monkeypatch.setattr(adapter, "best_mentors", broken)
    url = reverse("matching:match", kwargs={"org": "zuid", "prog": "moz", "pk": match.pk})
    with caplog.at_level(logging.ERROR, logger="tandem.matching.services"):
        response = world.client_for("coordinator").get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert "The next best partners could not be worked out just now." in page
    assert "unknown mentor" not in page and "unknown mentor" in caplog.text


def test_a_round_runs_in_every_demo_programme(db: Any, run_tasks: Any,
                                              django_capture_on_commit_callbacks: Any) -> None:
    call_command("seed_demo", "--quiet-logins", stdout=StringIO())
    assert Programme.objects.count() == 6
    # Each programme has a declined pair; in three of them its mentor is out of the pool by now
    # (the demo round gave them another learner): the first round a coordinator ran used to fail.
    for programme in Programme.objects.select_related("organisation").order_by("pk"):
        coordinator = User.objects.filter(persons__memberships__programme=programme,
                                          persons__memberships__role="coordinator").first()
        for _ in range(2):  # the first round a new coordinator runs, and the next
            with django_capture_on_commit_callbacks(execute=True):
                matching_round = services.round_start(programme=programme, actor=coordinator)
            run_tasks()
            matching_round.refresh_from_db()
            assert matching_round.status == "done", (programme.slug, matching_round.failure,
                                                     matching_round.failure_params)
            assert matching_round.proposals.exists(), programme.slug
        declined = Match.objects.filter(programme=programme, state="declined").first()
        assert declined is not None
        services.rematch_offers(match=declined)  # answers, whatever it offers
