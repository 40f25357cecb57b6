"""Rounds, review, publishing, answers, rematching and closure, on the real database and worker."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from conftest import World
from tandem.core.fields import vocabulary
from tandem.core.models import AuditEvent
from tandem.intake import services as intake_services
from tandem.intake.models import GuardianConsent
from tandem.matching import explanations, services
from tandem.matching.models import DeclinedPair, Match, MatchingRound, Proposal
from tandem.matching.tests.factories import consent, held, mentor, persona_pair, pupil, relax

pytestmark = pytest.mark.django_db


def run_round(world: World, run_tasks: Any, capture: Any) -> MatchingRound:
    with capture(execute=True):
        matching_round = services.round_start(programme=world.programme, actor=world.users["coordinator"])
    run_tasks()
    matching_round.refresh_from_db()
    assert matching_round.status == "done", (matching_round.failure, matching_round.failure_params)
    return matching_round


def publish(world: World, matching_round: MatchingRound, ids: list[int] | None = None) -> tuple[list[Match], list[str]]:
    matching_round.refresh_from_db()
    return services.round_publish(matching_round=matching_round, actor=world.users["coordinator"],
                                  expected_version=matching_round.version, proposal_ids=ids)


def test_a_round_runs_in_the_worker_and_explains_every_proposal(world: World, run_tasks: Any,
                                                                 django_capture_on_commit_callbacks: Any) -> None:
    volunteer, learner = persona_pair(world)
    mentor(world, "Anna", km_east=40)  # beyond 25 km
    far = pupil(world, "Far", km_east=-60)
    matching_round = run_round(world, run_tasks, django_capture_on_commit_callbacks)
    proposal = matching_round.proposals.get()
    assert (proposal.learner, proposal.volunteer) == (learner, volunteer)
    assert {item["criterion"] for item in proposal.items} >= {"distance", "language", "expertise"}
    unmatched = matching_round.unmatched.get()
    assert unmatched.learner == far and unmatched.limit == "distance"
    page = world.client_for("coordinator").get(reverse("matching:round", kwargs={
        "org": "zuid", "prog": "moz", "pk": matching_round.pk}))
    assert "both speak Dutch" in page.content.decode()
    assert "no mentor within 25 km" in page.content.decode()
    # Claimed once: running the task again for the same round does nothing.
    from tandem.matching.tasks import run_round as task
    assert task.call(matching_round.pk) == "skipped"


def test_a_declined_pair_is_never_proposed_again_and_rematch_offers_someone_else(
        world: World, run_tasks: Any, django_capture_on_commit_callbacks: Any) -> None:
    volunteer, learner = persona_pair(world)
    second = mentor(world, "Bram", km_east=8)
    third = mentor(world, "Cas", km_east=12)
    first_round = run_round(world, run_tasks, django_capture_on_commit_callbacks)
    assert first_round.proposals.get().volunteer == volunteer  # the closest one
    [match], problems = publish(world, first_round)
    assert not problems
    match = held(world, match)
    services.match_answer(match=match, side="mentor", answer="yes", actor=world.users["mentor"])
    services.match_answer(match=match, side="learner", answer="no", reason="Klikte niet",
                          actor=world.users["guardian"])
    match.refresh_from_db()
    learner.refresh_from_db()
    volunteer.refresh_from_db()
    assert match.state == "declined" and learner.state == "waiting" and volunteer.state == "ready"
    assert DeclinedPair.objects.filter(learner=learner, volunteer=volunteer).exists()
    offers = services.rematch_offers(match=match)
    assert [o["volunteer"] for o in offers] == [second.pk, third.pk]
    second_round = run_round(world, run_tasks, django_capture_on_commit_callbacks)
    [proposal] = second_round.proposals.all()
    assert proposal.volunteer == second
    # The declined mentor is not offered as an alternative either; the one left is.
    assert [a["volunteer"] for a in proposal.alternatives] == [third.pk]
    # With the others paused, the declined pair is all that is left: the learner is unmatched,
    # not re-paired.
    for other in (second, third):
        other.state = "paused"
        other.save()
    third_round = run_round(world, run_tasks, django_capture_on_commit_callbacks)
    assert not third_round.proposals.exists()
    assert third_round.unmatched.get().limit == "excluded"
    # A coordinator cannot force it either.
    with pytest.raises(ValidationError, match="never proposed again"):
        services.match_propose(programme=world.programme, learner=learner, volunteer=volunteer,
                               actor=world.users["coordinator"], confirm=True)


def test_both_yes_makes_the_match_active_and_starts_the_cycle(world: World, run_tasks: Any,
                                                               django_capture_on_commit_callbacks: Any) -> None:
    persona_pair(world)
    matching_round = run_round(world, run_tasks, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        [match], _problems = publish(world, matching_round)
    run_tasks()
    recipients = {address for message in mail.outbox for address in message.to}
    # Mentor, the guardian (the learner is a minor) and the supervisor at the learner's school.
    assert recipients == {"mentor@zuid.example", "guardian@zuid.example", "supervisor@zuid.example"}
    assert match.learner_token in next(m.body for m in mail.outbox if m.to == ["guardian@zuid.example"])
    at = timezone.now() + timedelta(days=3)
    match = services.match_plan_first_meeting(match=match, at=at, place="De Globetrotter",
                                              actor=world.users["coordinator"], expected_version=match.version)
    assert match.state == "introduced"
    # Before the first meeting nobody can answer: not on their page, not through the link.
    client = world.client_for("mentor")
    url = reverse("matching:answer", kwargs={"org": "zuid", "prog": "moz", "pk": match.pk})
    assert "You can answer after the first meeting" in client.get(url).content.decode()
    assert 'id="send-answer"' not in client.get(url).content.decode()
    client.post(url, {"answer": "yes"})
    link = reverse("matching:answer_link", kwargs={"token": match.learner_token})
    page = world.client_for("anonymous").post(link, {"answer": "yes"}).content.decode()
    assert "You can answer after the first meeting" in page
    with pytest.raises(ValidationError, match="after the first meeting"):
        services.match_answer(match=match, side="mentor", answer="yes", actor=world.users["mentor"])
    match.refresh_from_db()
    assert (match.mentor_answer, match.learner_answer, match.state) == ("", "", "introduced")
    # It took place earlier than planned: the coordinator marks it held, three days ago.
    Match.objects.filter(pk=match.pk).update(created=timezone.now() - timedelta(days=10))
    met_on = timezone.localdate() - timedelta(days=3)
    response = world.client_for("coordinator").post(
        reverse("matching:first_meeting_held", kwargs={"org": "zuid", "prog": "moz", "pk": match.pk}),
        {"held-version": match.version, "held-held_on": met_on.isoformat()})
    assert response.status_code == 302
    match.refresh_from_db()
    assert match.first_meeting_held_on == met_on
    # The mentor answers on their own page, the guardian through the personal link.
    assert client.post(url, {"answer": "yes"}).status_code == 302
    response = world.client_for("anonymous").post(link, {"answer": "yes"})
    assert response.status_code == 200
    match.refresh_from_db()
    assert match.state == "active" and match.learner_answered_as == "guardian"
    # The cycle clock started on the day of the first meeting, not on the day of the answers.
    assert match.cycle_start == met_on and match.cycle_end == met_on + timedelta(weeks=20)
    assert [e.kind for e in match.events.all()] == ["proposed", "first_meeting", "meeting_held", "answered",
                                                    "answered", "active"]
    # The learner sees their mentor's first name; a learner of another pair sees nothing.
    page = world.client_for("learner").get(reverse("matching:match", kwargs={"org": "zuid", "prog": "moz",
                                                                            "pk": match.pk}))
    assert "Mentor" in page.content.decode() and "Tester" not in page.content.decode()


def test_manual_pairs_warn_on_hard_limits_and_never_exceed_capacity(world: World, run_tasks: Any,
                                                                     django_capture_on_commit_callbacks: Any) -> None:
    relax(world)
    near = mentor(world, "Near")
    far = mentor(world, "Far", km_east=80)
    a = pupil(world, "Ada")
    b = pupil(world, "Bea", km_east=1)
    matching_round = run_round(world, run_tasks, django_capture_on_commit_callbacks)
    assert matching_round.proposals.count() == 1
    version = matching_round.version
    # Near is full (one place, proposed to someone): refused, even with confirmation.
    taken = matching_round.proposals.get()
    other = b if taken.learner == a else a
    with pytest.raises(ValidationError, match="no free place"):
        services.proposal_manual(matching_round=matching_round, learner=other, volunteer=near,
                                 actor=world.users["coordinator"], expected_version=version, confirm=True)
    # Far breaks the distance limit: a warning first, then only with an explicit confirmation.
    with pytest.raises(services.NeedsConfirmation) as info:
        services.proposal_manual(matching_round=matching_round, learner=other, volunteer=far,
                                 actor=world.users["coordinator"], expected_version=version)
    assert info.value.broken == ["distance"]
    proposal = services.proposal_manual(matching_round=matching_round, learner=other, volunteer=far,
                                        actor=world.users["coordinator"], expected_version=version, confirm=True)
    assert proposal.warnings == ["distance"] and proposal.manual
    # A stale form (the version before the manual pair) is refused and changes nothing.
    matching_round.refresh_from_db()
    assert matching_round.version == version + 1
    with pytest.raises(ValidationError, match="Another coordinator"):
        services.proposal_reject(proposal=proposal, actor=world.users["coordinator"], expected_version=version)
    assert Proposal.objects.get(pk=proposal.pk).status == "proposed"
    # Swap: the new pairs are scored again; one of them now breaks the limit, so confirm.
    matching_round.refresh_from_db()
    with pytest.raises(services.NeedsConfirmation):
        services.proposal_swap(first=taken, second=proposal, actor=world.users["coordinator"],
                               expected_version=matching_round.version)
    first, second = services.proposal_swap(first=taken, second=proposal, actor=world.users["coordinator"],
                                           expected_version=matching_round.version, confirm=True)
    assert first.volunteer == far and second.volunteer == near and first.warnings == ["distance"]


def test_concurrent_publishing_cannot_exceed_capacity(world: World, run_tasks: Any,
                                                      django_capture_on_commit_callbacks: Any,
                                                      monkeypatch: Any) -> None:
    relax(world)
    only = mentor(world, "Only")
    ada = pupil(world, "Ada")
    # Two coordinators ran rounds at the same time: both propose Only for Ada.
    first = run_round(world, run_tasks, django_capture_on_commit_callbacks)
    second = run_round(world, run_tasks, django_capture_on_commit_callbacks)
    assert first.proposals.get().volunteer == second.proposals.get().volunteer == only
    published, problems = publish(world, first)
    assert len(published) == 1 and not problems
    published, problems = publish(world, second)
    assert not published and "already has a mentor" in problems[0]
    # Another learner for the full mentor: the service refuses with a clear message …
    bo = pupil(world, "Bo")
    with pytest.raises(ValidationError, match="no free place"):
        services.match_create(programme=world.programme, volunteer=only, learner=bo,
                              actor=world.users["coordinator"])
    # … and when two transactions raced past that check (simulated: both read slot 1 as free),
    # the database refuses the second row and the service says so.
    monkeypatch.setattr(services, "_free_slots", lambda volunteer: [1])
    with pytest.raises(ValidationError, match="taken meanwhile"):
        services.match_create(programme=world.programme, volunteer=only, learner=bo,
                              actor=world.users["coordinator"])
    assert Match.objects.filter(volunteer=only, state__in=("proposed", "introduced", "active")).count() == 1
    # The constraints themselves, without the service.
    with pytest.raises(IntegrityError), transaction.atomic():
        Match.objects.create(programme=world.programme, volunteer=only, learner=bo, slot=2, capacity=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Match.objects.create(programme=world.programme, volunteer=mentor(world, "Two"), learner=ada,
                             slot=1, capacity=1)


def test_closure_reasons_are_reported_and_observers_see_suppressed_aggregates(world: World) -> None:
    relax(world)
    coordinator = world.users["coordinator"]
    reasons = ["planned_end", "goals_reached", "relationship_did_not_work"]
    for i, reason in enumerate(reasons):
        v, learner = mentor(world, f"M{i}"), pupil(world, f"L{i}")
        match = held(world, services.match_create(programme=world.programme, volunteer=v, learner=learner,
                                                  actor=coordinator))
        for side in ("mentor", "learner"):
            match = services.match_answer(match=match, side=side, answer="yes", actor=coordinator)
        services.match_close(match=match, reason=reason, note="", actor=coordinator, expected_version=match.version)
    closed = Match.objects.get(closure_reason="relationship_did_not_work")
    closed.learner.refresh_from_db()
    assert closed.learner.state == "waiting"  # rematched: the relationship was not the learner's fault
    assert Match.objects.get(closure_reason="planned_end").learner.state == "completed"
    assert closed.surveys.count() == 2
    response = world.client_for("anonymous").post(
        reverse("matching:survey", kwargs={"token": closed.surveys.get(side="learner").token}),
        {"rating": "4", "recommend": "yes", "comment": "Fijn"})
    assert response.status_code == 200 and closed.surveys.get(side="learner").rating == 4
    url = reverse("matching:report", kwargs={"org": "zuid", "prog": "moz"})
    page = world.client_for("coordinator").get(url).content.decode()
    assert "Goals reached" in page and "M0 Mentor" in page and "L0 Pupil" in page
    observer = world.client_for("observer").get(url).content.decode()
    # Full names: a bare "L0" can turn up in any random token on the page (the CSRF token).
    assert "<td>hidden</td>" in observer and "Hidden: groups smaller than 5" in observer
    assert "fewer than" not in observer and "M0 Mentor" not in observer and "L0 Pupil" not in observer


@pytest.mark.parametrize(("language", "phrase"), [
    ("nl", "spreken allebei nederlands"), ("fr", "parlent tous les deux néerlandais"),
    ("de", "sprechen beide niederländisch"),
])
def test_explanations_render_translated(language: str, phrase: str) -> None:
    items = [{"criterion": "language", "points": 15, "text": "both speak Dutch", "params": {"codes": ["nl"]}},
             {"criterion": "distance", "points": 20, "text": "4.2 km apart", "params": {"km": 4.2}}]
    with translation.override(language):
        line = explanations.line(items)
        unmatched = explanations.unmatched_text("limit", "distance", {"km": 25})
    assert phrase in line.lower()
    assert "4,2" in line and "25" in unmatched and "mentor" in unmatched.lower()


def test_the_review_page_polls_while_running_and_outsiders_see_nothing(world: World) -> None:
    matching_round = MatchingRound.objects.create(programme=world.programme, status="running", progress=40)
    url = reverse("matching:round", kwargs={"org": "zuid", "prog": "moz", "pk": matching_round.pk})
    page = world.client_for("coordinator").get(url).content.decode()
    assert 'hx-trigger="every 1s"' in page and 'value="40"' in page
    assert world.client_for("outsider").get(url).status_code == 404
    # A round of another programme is not reachable through this one.
    foreign = MatchingRound.objects.create(programme=world.other_programme)
    assert world.client_for("coordinator").get(
        reverse("matching:round", kwargs={"org": "zuid", "prog": "moz", "pk": foreign.pk})).status_code == 404


def test_only_consented_minors_enter_a_round(world: World, run_tasks: Any,
                                             django_capture_on_commit_callbacks: Any) -> None:
    relax(world)
    mentor(world, "Anna")
    mentor(world, "Bert", km_east=1)
    pupil(world, "Kid", minor=True)  # no consent: not in the pool
    consented = pupil(world, "Kid2", minor=True)
    consent(world, consented, world.people["guardian"])
    matching_round = run_round(world, run_tasks, django_capture_on_commit_callbacks)
    assert [p.learner for p in matching_round.proposals.all()] == [consented]


def test_answers_wait_for_the_first_meeting_which_the_coordinator_can_mark_held(world: World) -> None:
    volunteer, learner = persona_pair(world)
    coordinator = world.users["coordinator"]
    match = services.match_create(programme=world.programme, volunteer=volunteer, learner=learner, actor=coordinator)
    # Not planned yet: nobody answers, and the personal link says why.
    with pytest.raises(ValidationError, match="has not been planned yet"):
        services.match_answer(match=match, side="mentor", answer="yes", actor=world.users["mentor"])
    link = reverse("matching:answer_link", kwargs={"token": match.mentor_token})
    page = world.client_for("anonymous").get(link).content.decode()
    assert "It has not been planned yet" in page and 'id="send-answer"' not in page
    with translation.override("nl"):
        dutch = world.client_for("anonymous").get(link, headers={"accept-language": "nl"}).content.decode()
    assert "Je kunt antwoorden na de eerste kennismaking" in dutch
    # Planned for next week: the match page offers to mark it held, the people's page waits.
    match = services.match_plan_first_meeting(match=match, at=timezone.now() + timedelta(days=7), place="School",
                                              actor=coordinator, expected_version=match.version)
    url = reverse("matching:match", kwargs={"org": "zuid", "prog": "moz", "pk": match.pk})
    assert 'id="mark-held"' in world.client_for("coordinator").get(url).content.decode()
    mentor_page = world.client_for("mentor").get(url).content.decode()
    assert "You can give your answer after the first meeting." in mentor_page
    held_url = reverse("matching:first_meeting_held", kwargs={"org": "zuid", "prog": "moz", "pk": match.pk})
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = world.client_for("coordinator").post(held_url, {"held-version": match.version, "held-held_on": tomorrow})
    assert response.status_code == 200  # the page again, the day typed kept beside the error
    assert "cannot be marked as held in the future" in response.content.decode()
    assert f'value="{tomorrow.isoformat()}"' in response.content.decode()
    match.refresh_from_db()
    assert match.first_meeting_held_on is None  # "cannot be marked as held in the future"
    assert world.client_for("mentor").post(held_url, {"held-version": match.version}).status_code == 403
    match = services.match_mark_held(match=match, actor=coordinator, expected_version=match.version)
    assert match.first_meeting_held_on == timezone.localdate()
    # Held: it can no longer be moved, nor marked twice; the timeline and the audit say so.
    with pytest.raises(ValidationError, match="already taken place"):
        services.match_plan_first_meeting(match=match, at=timezone.now() + timedelta(days=9), place="School",
                                          actor=coordinator, expected_version=match.version)
    with pytest.raises(ValidationError, match="already marked"):
        services.match_mark_held(match=match, actor=coordinator, expected_version=match.version)
    assert list(match.events.values_list("kind", flat=True)) == ["proposed", "first_meeting", "meeting_held"]
    assert AuditEvent.objects.filter(subject=f"match:{match.pk}", changes__has_key="first_meeting_held_on").exists()
    page = world.client_for("coordinator").get(url).content.decode()
    assert "Took place on" in page and 'id="mark-held"' not in page and "First meeting held" in page
    assert 'id="send-answer"' in world.client_for("anonymous").get(link).content.decode()


def test_a_first_meeting_whose_time_has_passed_opens_the_answers_and_starts_the_cycle_that_day(
        world: World) -> None:
    volunteer, learner = persona_pair(world)
    coordinator = world.users["coordinator"]
    match = services.match_create(programme=world.programme, volunteer=volunteer, learner=learner, actor=coordinator)
    met = timezone.now() - timedelta(days=4)
    Match.objects.filter(pk=match.pk).update(created=met - timedelta(days=7))  # made the week before
    match.refresh_from_db()
    match = services.match_plan_first_meeting(match=match, at=met, place="School", actor=coordinator,
                                              expected_version=match.version)
    for side in ("mentor", "learner"):
        match = services.match_answer(match=match, side=side, answer="yes", actor=coordinator)
    assert match.state == "active" and match.cycle_start == timezone.localdate(met)
    assert match.cycle_end == match.cycle_start + timedelta(weeks=20)


def test_a_match_ends_cleanly_after_the_guardian_withdrew_consent(world: World) -> None:
    """Found by the lifecycle state machine: the learner could not go back to the waiting list
    without consent, so a "no" and a closure with rematch were refused. They go to intake."""
    volunteer, learner = persona_pair(world)  # a minor whose guardian consented
    coordinator = world.users["coordinator"]
    match = held(world, services.match_create(programme=world.programme, volunteer=volunteer, learner=learner,
                                              actor=coordinator))
    consent_row = GuardianConsent.objects.get(learner=learner)
    intake_services.consent_withdraw(consent=consent_row, actor=coordinator)
    learner.refresh_from_db()
    assert learner.state == "matched"  # a withdrawal does not end a match by itself
    services.match_answer(match=match, side="learner", answer="no", actor=world.users["guardian"])
    learner.refresh_from_db()
    match.refresh_from_db()
    assert match.state == "declined" and learner.state == "intake"
    assert "consent" in learner.transitions.first().reason  # type: ignore[union-attr]
    # Consent again: back on the waiting list by itself.
    intake_services.consent_record_paper(learner=learner, guardian=world.people["guardian"], actor=coordinator)
    learner.refresh_from_db()
    assert learner.state == "waiting"
    # The same through a closure with rematch.
    second = held(world, services.match_create(programme=world.programme, volunteer=mentor(world, "Bram"),
                                               learner=learner, actor=coordinator))
    intake_services.consent_withdraw(consent=GuardianConsent.objects.get(learner=learner, withdrawn_at=None),
                                     actor=coordinator)
    services.match_close(match=second, reason="mentor_moved", actor=coordinator, expected_version=second.version)
    learner.refresh_from_db()
    assert learner.state == "intake"
    # And a coordinator cannot take a learner out of *matched* by hand while a match is open.
    third = services.match_create(programme=world.programme, volunteer=mentor(world, "Cas"),
                                  learner=pupil(world, "Dirk"), actor=coordinator)
    with pytest.raises(ValidationError, match="still has a mentor"):
        intake_services.learner_transition(learner=third.learner, to_state="completed", actor=coordinator)


def test_a_lowered_capacity_is_never_exceeded_by_a_new_match(world: World) -> None:
    relax(world)
    coordinator = world.users["coordinator"]
    volunteer = mentor(world, "Two", capacity=2)
    first, second = (services.match_create(programme=world.programme, volunteer=volunteer,
                                           learner=pupil(world, name), actor=coordinator) for name in ("Ada", "Bea"))
    assert (first.slot, second.slot) == (1, 2)
    services.match_close(match=first, reason="goals_reached", actor=coordinator, expected_version=first.version)
    volunteer.capacity = 1
    volunteer.save()
    # Slot 1 is free, but the one open match already fills the capacity of 1.
    with pytest.raises(ValidationError, match="no free place"):
        services.match_create(programme=world.programme, volunteer=volunteer, learner=pupil(world, "Cor"),
                              actor=coordinator)


def test_a_round_takes_alternatives_from_its_one_solve(world: World, run_tasks: Any, monkeypatch: Any,
                                                        django_capture_on_commit_callbacks: Any) -> None:
    from tandem.matching import engine
    from tandem.matching import problem as adapter

    relax(world)
    for i in range(6):
        mentor(world, f"M{i}", km_east=2.0 * i, capacity=1 + i % 2)
    learners = [pupil(world, f"P{i}", km_east=1.5 * i, waited_days=10 + i) for i in range(8)]
    solves: list[int] = []
    original = engine.solve

    def counting(problem: Any, **kwargs: Any) -> Any:
        solves.append(len(problem.learners))
        return original(problem, **kwargs)

    from tandem.matching import tasks

    monkeypatch.setattr(engine, "solve", counting)
    monkeypatch.setattr(engine, "best_mentors", None)  # no one-learner ranking per learner either
    # Progress is written as the engine reaches each stage (here even for a small round).
    written: list[str] = []
    real_progress = tasks._progress
    monkeypatch.setattr(tasks, "PROGRESS_FROM", 1)
    monkeypatch.setattr(tasks, "_progress", lambda pk, progress, message: (written.append(message),
                                                                            real_progress(pk, progress, message)))
    matching_round = run_round(world, run_tasks, django_capture_on_commit_callbacks)
    assert written == ["solving", "candidates", "solving", "proving", "explaining", "saving"]
    assert solves == [len(learners)]  # one solve for the whole round
    assert matching_round.stats["optimal"] is True and matching_round.progress == 100
    proposals = list(matching_round.proposals.select_related("learner").order_by("rank"))
    assert len(proposals) == 8  # 6 mentors, 9 places
    monkeypatch.setattr(engine, "best_mentors", original.__globals__["best_mentors"])
    today = timezone.localdate()
    for proposal in proposals:
        # The same as ranking that learner against the whole pool on its own.
        expected = adapter.best_mentors(programme=world.programme, learner=proposal.learner, today=today,
                                        count=4, skip=[proposal.volunteer_id])
        assert [(a["volunteer"], a["score"]) for a in proposal.alternatives] == [
            (e["volunteer"], e["score"]) for e in expected]
        # Stored compact, read back as the same sentences.
        assert [explanations.line(a["items"], private=True) for a in proposal.alternatives] == [
            explanations.line(e["items"], private=True) for e in expected]
    page = world.client_for("coordinator").get(reverse("matching:round", kwargs={
        "org": "zuid", "prog": "moz", "pk": matching_round.pk})).content.decode()
    assert explanations.line(proposals[0].alternatives[0]["items"], private=True, fields=vocabulary(world.programme)) in page


@pytest.mark.parametrize(("language", "full", "unplaced"), [
    ("en", "all 3 suitable mentors are full with other learners", "3 suitable mentors, 1 with a free place"),
    ("nl", "alle 3 geschikte mentoren zitten vol met andere leerlingen", "3 geschikte mentoren, 1 met een vrije plaats"),
    ("fr", "les 3 mentors adaptés sont complets avec d’autres jeunes", "3 mentors adaptés, dont 1 avec une place libre"),
    ("de", "alle 3 passenden Mentor:innen sind mit anderen Mentees voll", "3 passende Mentor:innen, 1 mit freiem Platz"),
])
def test_reasons_without_a_proof_are_rendered_in_every_language(language: str, full: str, unplaced: str) -> None:
    with translation.override(language):
        assert explanations.unmatched_text("full", "", {"count": 3}) == full
        assert explanations.unmatched_text("unplaced", "", {"count": 3, "free": 1}).startswith(unplaced)


def test_publishing_twice_with_one_click_publishes_once_and_says_so(world: World, run_tasks: Any,
                                                                     django_capture_on_commit_callbacks: Any) -> None:
    """A double click on "Publish": the second post found the round changed by the first and
    told the coordinator "Another coordinator changed this round meanwhile. Nothing was changed"
    over a round just published. The form is sent once; the second post says it was saved once."""
    persona_pair(world)
    matching_round = run_round(world, run_tasks, django_capture_on_commit_callbacks)
    client = world.client_for("coordinator")
    kwargs = {"org": "zuid", "prog": "moz", "pk": matching_round.pk}
    page = client.get(reverse("matching:round", kwargs=kwargs)).content.decode()
    token = re.search(r'name="once" value="([^"]+)"', page.split('id="publish-form"')[1])
    assert token is not None
    post = {"version": matching_round.version, "once": token.group(1)}
    url = reverse("matching:round_publish", kwargs=kwargs)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, post)
        second = client.post(url, post, follow=True)
    assert first.status_code == 302
    assert Match.objects.filter(programme=world.programme).count() == 1
    shown = [str(m) for m in second.context["messages"]]
    assert any("saved once" in m for m in shown), shown
    assert not any("changed this round" in m for m in shown), shown
    assert matching_round.proposals.filter(status="published").count() == 1


def test_a_side_that_has_answered_is_not_asked_for_its_answer_again(world: World) -> None:
    """After saying yes, Wolfgang's match page read "Mentor: Yes" above a "Give your answer"
    button that led to an answer already given."""
    volunteer, learner = persona_pair(world)
    coordinator = world.users["coordinator"]
    match = services.match_create(programme=world.programme, volunteer=volunteer, learner=learner, actor=coordinator)
    match = services.match_plan_first_meeting(match=match, at=timezone.now() + timedelta(days=7), place="School",
                                              actor=coordinator, expected_version=match.version)
    match = services.match_mark_held(match=match, actor=coordinator, expected_version=match.version)
    url = reverse("matching:match", kwargs={"org": "zuid", "prog": "moz", "pk": match.pk})
    answer = reverse("matching:answer", kwargs={"org": "zuid", "prog": "moz", "pk": match.pk})
    assert answer in world.client_for("mentor").get(url).content.decode()
    services.match_answer(match=match, side="mentor", answer="yes", actor=world.users["mentor"])
    page = world.client_for("mentor").get(url).content.decode()
    assert answer not in page and "Give your answer" not in page
    # The other side still is.
    assert answer in world.client_for("guardian").get(url).content.decode()
