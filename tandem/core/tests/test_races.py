"""Races between two people at the same moment, on PostgreSQL: two threads, each with its own
database connection, released together by a barrier, round after round.

SQLite lets one writer in at a time, so these only mean something on PostgreSQL (``make test``
with ``DATABASE_URL=postgres://…``); on SQLite they are skipped. What each race proves:

- two coordinators saving a learner's city — or one the city and the other the notes — or a
  volunteer's interview notes at once: exactly one save goes through, the other is refused
  with both versions shown, and what is stored is the winner's whole form (``core.versioning``);
- a mentor's capacity lowered while a match is made for them: one of the two is refused, and
  the capacity never ends below the open matches (the volunteer's row lock);
- a proposed match accepted twice at once (two tabs of the same answer link): recorded once;
- a round published by two coordinators at once: published once, no match twice.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import World
from tandem.core.models import Person
from tandem.intake.models import Learner
from tandem.matching import services as matching
from tandem.matching.models import Match, MatchEvent, MatchingRound, Proposal
from tandem.matching.tests.factories import mentor, pupil, relax
from tandem.onboarding import services as onboarding
from tandem.onboarding.models import Volunteer

ROUNDS = 10

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="two connections writing at once need PostgreSQL"),
]


def race(*actions: Callable[[], Any]) -> list[Any]:
    """Run ``actions`` in threads (each its own database connection), released together; each
    one's result, or the exception it raised."""
    barrier = threading.Barrier(len(actions))
    results: list[Any] = [None] * len(actions)

    def run(index: int, action: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = action()
        except Exception as exc:  # the outcome of the race, examined by the test
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a racer hung"
    return results


def _silently(service: Callable[..., Any], **kwargs: Any) -> Any:
    with matching.silenced():  # a context variable: set in the racing thread itself
        return service(**kwargs)


def _prog(world: World) -> str:
    return f"/o/{world.organisation.slug}/p/{world.programme.slug}"


def _learner_form(learner: Learner, **change: str) -> dict[str, Any]:
    """What the learner's edit form sends, as its page shows it now, with ``change`` typed."""
    learner.refresh_from_db()
    return {
        "version": learner.version, "institution": learner.institution_id or "",
        "level": learner.level, "employer": learner.employer, "reasons": learner.reasons,
        "needs": learner.needs, "languages": learner.languages, "availability": learner.availability,
        "mentor_wishes": learner.mentor_wishes, "gender_preference": learner.gender_preference,
        "postcode": learner.person.postcode, "city": learner.person.city, "notes": learner.notes,
        "latitude": "" if learner.latitude is None else learner.latitude,
        "longitude": "" if learner.longitude is None else learner.longitude, **change,
    }


def _outcome(response: Any) -> str:
    if response.status_code == 302:
        return "saved"
    assert response.status_code == 200, response.status_code
    body = response.content.decode()
    assert "Someone else saved this while you were editing" in body
    assert 'class="notice warn conflict"' in body  # both versions, side by side
    return "refused"


def _two_coordinators(world: World) -> tuple[Client, Client]:
    return world.client_for("coordinator"), world.client_for("org_admin")


def test_two_coordinators_save_a_learners_city_at_once(world: World) -> None:
    learner = pupil(world, "Noor")
    url = f"{_prog(world)}/learners/{learner.pk}/edit/"
    a, b = _two_coordinators(world)
    winners: Counter[str] = Counter()
    for round_ in range(ROUNDS):
        version = Learner.objects.get(pk=learner.pk).version
        form_a = _learner_form(learner, city=f"Delft {round_}")
        form_b = _learner_form(learner, city=f"Schiedam {round_}")
        outcomes = [_outcome(r) for r in race(partial(a.post, url, form_a), partial(b.post, url, form_b))]
        assert sorted(outcomes) == ["refused", "saved"], (round_, outcomes)
        winner = "a" if outcomes[0] == "saved" else "b"
        winners[winner] += 1
        stored = Learner.objects.select_related("person").get(pk=learner.pk)
        assert stored.person.city == (form_a if winner == "a" else form_b)["city"], round_
        assert stored.version == version + 1, round_
    print(f"\nlearner's city, {ROUNDS} rounds: exactly one save each time; wins {dict(winners)}")


def test_one_saves_the_city_the_other_the_notes_at_once(world: World) -> None:
    learner = pupil(world, "Noor")
    url = f"{_prog(world)}/learners/{learner.pk}/edit/"
    a, b = _two_coordinators(world)
    winners: Counter[str] = Counter()
    for round_ in range(ROUNDS):
        before = Learner.objects.select_related("person").get(pk=learner.pk)
        form_a = _learner_form(learner, city=f"Delft {round_}")
        form_b = _learner_form(learner, notes=f"Note {round_}")
        outcomes = [_outcome(r) for r in race(partial(a.post, url, form_a), partial(b.post, url, form_b))]
        assert sorted(outcomes) == ["refused", "saved"], (round_, outcomes)
        stored = Learner.objects.select_related("person").get(pk=learner.pk)
        if outcomes[0] == "saved":  # the city changed; the notes are as they were
            winners["city"] += 1
            assert (stored.person.city, stored.notes) == (form_a["city"], before.notes), round_
        else:  # the notes changed; the city was not put back by a stale form, nor changed
            winners["notes"] += 1
            assert (stored.person.city, stored.notes) == (before.person.city, form_b["notes"]), round_
    print(f"\ncity against notes, {ROUNDS} rounds: exactly one save each time; wins {dict(winners)}")


def test_two_coordinators_save_a_volunteers_interview_notes_at_once(world: World) -> None:
    person = Person.objects.create(organisation=world.organisation, given_name="Vera",
                                   family_name="Vrijwilliger", email="vera@zuid.example")
    volunteer = Volunteer.objects.create(programme=world.programme, person=person, state="screening")
    url = f"{_prog(world)}/volunteers/{volunteer.pk}/interview/"
    held_on = (timezone.localdate() - timedelta(days=1)).isoformat()
    a, b = _two_coordinators(world)
    winners: Counter[str] = Counter()
    for round_ in range(ROUNDS):
        version = Volunteer.objects.get(pk=volunteer.pk).version
        form_a = {"version": version, "held_on": held_on, "notes": f"Calm and patient ({round_})"}
        form_b = {"version": version, "held_on": held_on, "notes": f"Speaks Turkish ({round_})"}
        outcomes = [_outcome(r) for r in race(partial(a.post, url, form_a), partial(b.post, url, form_b))]
        assert sorted(outcomes) == ["refused", "saved"], (round_, outcomes)
        winner = form_a if outcomes[0] == "saved" else form_b
        winners["a" if winner is form_a else "b"] += 1
        stored = Volunteer.objects.get(pk=volunteer.pk)
        assert (stored.interview_notes, stored.version) == (winner["notes"], version + 1), round_
    print(f"\ninterview notes, {ROUNDS} rounds: exactly one save each time; wins {dict(winners)}")


def test_capacity_lowered_while_a_match_is_made(world: World) -> None:
    relax(world)
    coordinator = world.users["coordinator"]
    outcomes: Counter[str] = Counter()
    for round_ in range(ROUNDS):
        volunteer = mentor(world, f"Ruud{round_}", capacity=2)
        with matching.silenced():
            matching.match_create(programme=world.programme, volunteer=volunteer,
                                  learner=pupil(world, f"First{round_}"), actor=coordinator)
        second = pupil(world, f"Second{round_}")
        version = Volunteer.objects.get(pk=volunteer.pk).version

        lowered, matched = race(
            partial(onboarding.volunteer_update, volunteer=volunteer, actor=coordinator, capacity=1,
                    expected_version=version),
            partial(_silently, matching.match_create, programme=world.programme, volunteer=volunteer,
                    learner=second, actor=coordinator),
        )
        refused = [isinstance(r, ValidationError) for r in (lowered, matched)]
        assert refused.count(True) == 1, (round_, lowered, matched)  # one of them, never both
        stored = Volunteer.objects.get(pk=volunteer.pk)
        open_matches = Match.objects.filter(volunteer=stored, state__in=("proposed", "introduced",
                                                                            "active")).count()
        assert stored.capacity >= open_matches, round_
        if refused[0]:
            outcomes["match made, capacity kept at 2"] += 1
            assert (stored.capacity, open_matches) == (2, 2)
            assert "cannot be lower than 2" in " ".join(lowered.messages)
        else:
            outcomes["capacity lowered, match refused"] += 1
            assert (stored.capacity, open_matches) == (1, 1)
            assert "no free place" in " ".join(matched.messages)
    print(f"\ncapacity against a new match, {ROUNDS} rounds: {dict(outcomes)}")


def test_a_proposed_match_accepted_twice_at_once(world: World) -> None:
    """The mentor says yes in two tabs of the answer link at the same moment: one answer."""
    relax(world)
    coordinator = world.users["coordinator"]
    for round_ in range(ROUNDS):
        volunteer, learner = mentor(world, f"Mila{round_}"), pupil(world, f"Sami{round_}")
        with matching.silenced():
            match = matching.match_create(programme=world.programme, volunteer=volunteer, learner=learner,
                                          actor=coordinator)
            match = matching.match_mark_held(match=match, actor=coordinator, expected_version=match.version)
        url = reverse("matching:answer_link", kwargs={"token": match.mentor_token})
        tab = {"answer": "yes", "reason": ""}
        first, second = race(partial(Client().post, url, tab), partial(Client().post, url, tab))
        pages = [r.content.decode() for r in (first, second)]
        assert [r.status_code for r in (first, second)] == [200, 200], round_
        assert sum("This answer was already given." in page for page in pages) == 1, round_
        stored = Match.objects.get(pk=match.pk)
        assert stored.mentor_answer == "yes" and stored.version == match.version + 1, round_
        assert MatchEvent.objects.filter(match=match, kind=MatchEvent.Kind.ANSWERED).count() == 1, round_
    print(f"\none answer link, two tabs, {ROUNDS} rounds: one answer recorded each time")


def test_a_round_published_twice_at_once(world: World) -> None:
    relax(world)
    a, b = _two_coordinators(world)
    for round_ in range(ROUNDS):
        matching_round = MatchingRound.objects.create(programme=world.programme, status="done")
        for index in range(3):
            Proposal.objects.create(round=matching_round, learner=pupil(world, f"L{round_}x{index}"),
                                    volunteer=mentor(world, f"M{round_}x{index}"), score=1.0, rank=index)
        url = reverse("matching:round_publish", kwargs={
            "org": world.organisation.slug, "prog": world.programme.slug, "pk": matching_round.pk})
        form = {"version": matching_round.version}
        first, second = race(partial(a.post, url, form, follow=True), partial(b.post, url, form, follow=True))
        pages = [r.content.decode() for r in (first, second)]
        assert sum("3 matches were published" in page for page in pages) == 1, round_
        assert sum("changed this round meanwhile" in page for page in pages) == 1, round_
        assert Match.objects.filter(round=matching_round).count() == 3, round_
        assert not Proposal.objects.filter(round=matching_round, status="proposed").exists(), round_
    print(f"\na round published by two coordinators at once, {ROUNDS} rounds: published once each time")


def test_the_version_is_the_only_gate_not_the_timing(world: World) -> None:
    """A control for the races above: two saves of the same version one after the other are
    refused the same way (so a pass above is not luck of the scheduler)."""
    learner = pupil(world, "Noor")
    url = f"{_prog(world)}/learners/{learner.pk}/edit/"
    a, b = _two_coordinators(world)
    form_a, form_b = _learner_form(learner, city="Delft"), _learner_form(learner, notes="Late")
    assert [_outcome(a.post(url, form_a)), _outcome(b.post(url, form_b))] == ["saved", "refused"]


def test_an_erasure_sent_twice_at_once_by_a_double_tap(world: World) -> None:
    """The coordinator double-taps "Erase for good": both posts arrive together. One erasure, and
    both posts lead where the first one leads (the people list), neither shows an error."""
    from tandem.privacy.models import Erasure

    coordinator = world.users["coordinator"]
    people = reverse("core:people", kwargs={"org": world.organisation.slug, "prog": world.programme.slug})
    for round_ in range(ROUNDS):
        former = Person.objects.create(organisation=world.organisation, given_name=f"Wendelin{round_}",
                                       family_name="Quaspering")
        Volunteer.objects.create(programme=world.programme, person=former, state="alumni")
        url = reverse("privacy:person_erase", kwargs={
            "org": world.organisation.slug, "prog": world.programme.slug, "pk": former.pk})
        tap = {"confirm": f"Wendelin{round_} Quaspering"}
        clients = [Client(), Client()]
        for client in clients:
            client.force_login(coordinator)
        first, second = race(partial(clients[0].post, url, tap), partial(clients[1].post, url, tap))
        assert [r.status_code for r in (first, second)] == [302, 302], round_
        assert first["Location"] == second["Location"] == people, round_
        assert Erasure.objects.filter(person=former).count() == 1, round_
    print(f"\none erasure, double-tapped, {ROUNDS} rounds: erased once, no error shown")
