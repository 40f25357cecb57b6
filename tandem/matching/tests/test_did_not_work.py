"""A pair whose match was closed because "the relationship did not work" is never proposed
again: closing with that reason wrote no ``DeclinedPair``, so the learner went back on the
waiting list and the next round offered them the very mentor they had just stopped with (a "no"
after the first meeting excluded the pair; a failed relationship weeks later did not)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from conftest import World
from tandem.core.models import AuditEvent
from tandem.matching import explanations, services
from tandem.matching.models import DeclinedPair, Match
from tandem.matching.tests.factories import held, mentor, persona_pair, programme_url
from tandem.matching.tests.test_matching import run_round

pytestmark = pytest.mark.django_db


def active_pair(world: World, run_tasks: Any, capture: Any) -> Match:
    """The persona pair, proposed by a round, met, both said yes: an active match."""
    persona_pair(world)
    first = run_round(world, run_tasks, capture)
    [match], _problems = services.round_publish(matching_round=first, actor=world.users["coordinator"],
                                                expected_version=first.version)
    match = held(world, match)
    services.match_answer(match=match, side="mentor", answer="yes", actor=world.users["mentor"])
    services.match_answer(match=match, side="learner", answer="yes", actor=world.users["guardian"])
    match.refresh_from_db()
    assert match.state == "active"
    return match


def test_closing_as_did_not_work_records_the_pair_and_the_next_round_does_not_propose_it(
        world: World, run_tasks: Any, django_capture_on_commit_callbacks: Any) -> None:
    match = active_pair(world, run_tasks, django_capture_on_commit_callbacks)
    learner, volunteer = match.learner, match.volunteer
    form = world.client_for("coordinator").get(programme_url(world, "matching:close", pk=match.pk)).content.decode()
    assert "When the relationship did not work, these two are never proposed again" in form
    response = world.client_for("coordinator").post(programme_url(world, "matching:close", pk=match.pk), {
        "version": match.version, "reason": Match.Closure.DID_NOT_WORK, "note": "Te weinig klik", "rematch": "on"})
    assert response.status_code == 302
    match.refresh_from_db()
    learner.refresh_from_db()
    volunteer.refresh_from_db()
    assert match.state == "closed" and learner.state == "waiting" and volunteer.state == "ready"
    pair = DeclinedPair.objects.get(learner=learner, volunteer=volunteer)
    assert (pair.kind, pair.note, pair.programme) == ("did_not_work", "Te weinig klik", world.programme)
    assert pair.created_by == world.users["coordinator"]
    # Audited like a conflict of interest: who, when, with whom.
    entry = AuditEvent.objects.get(subject=f"declined_pair:{pair.pk}")
    assert entry.actor == world.users["coordinator"] and entry.person == learner.person
    assert entry.changes == {"did_not_work": [None, volunteer.person.full_name]}

    # The mentor is the only one in the pool: the learner is left unmatched, for the true reason.
    again = run_round(world, run_tasks, django_capture_on_commit_callbacks)
    assert not again.proposals.exists()
    unmatched = again.unmatched.get()
    assert (unmatched.learner, unmatched.limit) == (learner, "excluded")
    words = {"en": "did not work out before", "nl": "het klikte niet", "fr": "relation qui n’a pas fonctionné",
             "de": "nicht funktioniert"}
    for language, phrase in words.items():
        with translation.override(language):
            text = explanations.unmatched_text(unmatched.reason, unmatched.limit, unmatched.params)
        assert phrase in text, (language, text)
    # With another mentor nearby, the round proposes that one, and never the pair as an alternative.
    other = mentor(world, "Bram", km_east=8)
    third = run_round(world, run_tasks, django_capture_on_commit_callbacks)
    [proposal] = third.proposals.all()
    assert proposal.volunteer == other and volunteer.pk not in [a["volunteer"] for a in proposal.alternatives]
    # Not as a rematch offer, not by hand either.
    with pytest.raises(ValidationError, match="did not work out before"):
        services.match_propose(programme=world.programme, learner=learner, volunteer=volunteer,
                               actor=world.users["coordinator"], confirm=True)
    # The conflicts page lists it with its reason.
    page = world.client_for("coordinator").get(programme_url(world, "matching:conflicts")).content.decode()
    assert "The relationship did not work" in page and "Te weinig klik" in page


@pytest.mark.parametrize("reason", ["mentor_moved", "planned_end", "goals_reached", "learner_left_school", "other"])
def test_closing_for_another_reason_excludes_nothing(world: World, run_tasks: Any,
                                                      django_capture_on_commit_callbacks: Any, reason: str) -> None:
    match = active_pair(world, run_tasks, django_capture_on_commit_callbacks)
    services.match_close(match=match, reason=reason, actor=world.users["coordinator"],
                         expected_version=match.version)
    assert not DeclinedPair.objects.exists()


def test_a_pair_that_said_no_and_later_did_not_work_is_recorded_once(
        world: World, run_tasks: Any, django_capture_on_commit_callbacks: Any) -> None:
    """A conflict recorded while the match ran (a coordinator found out they are neighbours)
    keeps its kind and note; the closure adds nothing and audits nothing."""
    match = active_pair(world, run_tasks, django_capture_on_commit_callbacks)
    services.conflict_record(programme=world.programme, learner=match.learner, volunteer=match.volunteer,
                             note="Buren", actor=world.users["coordinator"])
    match.refresh_from_db()
    audited = AuditEvent.objects.filter(subject__startswith="declined_pair:").count()
    services.match_close(match=match, reason=Match.Closure.DID_NOT_WORK, actor=world.users["coordinator"],
                         expected_version=match.version)
    pair = DeclinedPair.objects.get()
    assert (pair.kind, pair.note) == ("conflict", "Buren")
    assert AuditEvent.objects.filter(subject__startswith="declined_pair:").count() == audited


def test_the_closed_pair_s_page_says_it_is_never_proposed_instead_of_offering_to_record_a_conflict(
        world: World, run_tasks: Any, django_capture_on_commit_callbacks: Any) -> None:
    """The button 'Record a conflict of interest' stayed on a pair closed as 'did not work',
    where recording it would change nothing."""
    match = active_pair(world, run_tasks, django_capture_on_commit_callbacks)
    client = world.client_for("coordinator")
    url = programme_url(world, "matching:match", pk=match.pk)
    assert 'id="record-conflict"' in client.get(url).content.decode()
    services.match_close(match=match, reason=Match.Closure.DID_NOT_WORK, actor=world.users["coordinator"],
                         expected_version=match.version)
    page = client.get(url).content.decode()
    assert 'id="record-conflict"' not in page and 'id="never-proposed"' in page
