"""Reminders and the supervisors' digest: who is reminded of what, in their language, at most one
e-mail a person a day, never twice for the same thing, and nothing once it is done."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from conftest import World
from tandem.core.models import Person
from tandem.journal import services
from tandem.journal.models import Note, ReminderItem, ReminderMail
from tandem.journal.tests.factories import goal, meeting, persona_match

pytestmark = pytest.mark.django_db


@pytest.fixture
def send(django_capture_on_commit_callbacks: Any, run_tasks: Any) -> Any:
    """Run the reminders as of ``now`` and deliver what they queued; return the new e-mails."""

    def run(now: datetime) -> list[Any]:
        before = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            services.send_reminders(now=now)
        run_tasks()
        return mail.outbox[before:]

    return run


def _at(days: int, hour: int = 7) -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=days), time(hour)))


def _supervised(world: World) -> None:
    """The programme asks for preparation and supervision (after the pair was made: making the
    personas' pair relaxes the programme's screening requirements)."""
    world.programme.requirements = {**world.programme.requirements, "supervisor_feedback_per_session": True}
    world.programme.save()


def _language(world: World, persona: str, language: str) -> Person:
    person = world.people[persona]
    Person.objects.filter(pk=person.pk).update(language=language)
    person.refresh_from_db()
    return person


def test_a_mentor_is_reminded_the_day_after_an_unlogged_meeting_in_their_language(world: World, send: Any) -> None:
    match = persona_match(world)
    _language(world, "mentor", "nl")
    yesterday = meeting(match, starts_at=_at(-1, 15), ends_at=_at(-1, 16))
    assert send(_at(-1, 20)) == []  # the same evening: not yet
    sent = send(_at(0))
    assert [m.to for m in sent] == [[world.people["mentor"].email]]
    assert "Log je bijeenkomst" in sent[0].body, sent[0].body  # Dutch
    assert f"/meetings/{yesterday.pk}/" in sent[0].body
    assert "1 ding" in sent[0].subject or "Eén ding" in sent[0].subject or "één" in sent[0].subject.lower()


def test_one_email_per_person_per_day_listing_everything(world: World, send: Any) -> None:
    match = persona_match(world)
    first = meeting(match, starts_at=_at(-3, 15), ends_at=_at(-3, 16))
    second = meeting(match, starts_at=_at(-1, 15), ends_at=_at(-1, 16))
    sent = send(_at(0))
    assert len(sent) == 1
    assert f"/meetings/{first.pk}/" in sent[0].body and f"/meetings/{second.pk}/" in sent[0].body
    assert ReminderMail.objects.count() == 1 and ReminderItem.objects.count() == 2


def test_running_twice_sends_nothing_more_and_nothing_is_reminded_twice(world: World, send: Any) -> None:
    match = persona_match(world)
    meeting(match, starts_at=_at(-1, 15), ends_at=_at(-1, 16))
    assert len(send(_at(0))) == 1
    assert send(_at(0, 9)) == []  # the same day, again
    assert send(_at(1)) == []  # the next day: reminded of it already
    later = meeting(match, starts_at=_at(0, 15), ends_at=_at(0, 16))
    sent = send(_at(1, 8))  # a new unlogged meeting: a new e-mail the next day
    assert len(sent) == 1 and f"/meetings/{later.pk}/" in sent[0].body
    assert send(_at(1, 9)) == []  # but only one that day


def test_nothing_once_it_is_done(world: World, send: Any) -> None:
    match = persona_match(world)
    item = meeting(match, starts_at=_at(-1, 15), ends_at=_at(-1, 16))
    services.meeting_log(meeting=item, actor=world.users["mentor"], expected_version=item.version, state="held")
    assert send(_at(0)) == []
    cancelled = meeting(match, starts_at=_at(-2, 15), ends_at=_at(-2, 16), state="cancelled", missed_by="learner")
    assert cancelled.logged_at is not None
    assert send(_at(0, 9)) == []


def test_old_meetings_and_ended_pairs_are_not_reminded(world: World, send: Any) -> None:
    match = persona_match(world)
    meeting(match, starts_at=_at(-30, 15), ends_at=_at(-30, 16))  # a month ago: the coordinator's
    assert send(_at(0)) == []
    meeting(match, starts_at=_at(-1, 15), ends_at=_at(-1, 16))
    match.state = "closed"
    match.closed_at = timezone.now()
    match.save()
    assert send(_at(0)) == []


def test_supervisor_digest_preparation_then_feedback_due_then_intervision(world: World, send: Any) -> None:
    match = persona_match(world)
    _supervised(world)
    _language(world, "supervisor", "de")
    ahead = meeting(match, starts_at=_at(3, 15), ends_at=_at(3, 16))
    mentor_parts = frozenset({"mentor"})
    services.note_add(meeting=ahead, kind=Note.Kind.PREPARATION, text="Breuken met pizza", parts=mentor_parts,
                      author=world.people["mentor"], actor=world.users["mentor"])
    sent = send(_at(0))
    assert [m.to for m in sent] == [[world.people["supervisor"].email]]
    assert "Vorbereitung" in sent[0].body, sent[0].body  # German: a new preparation waits
    assert send(_at(1)) == []  # listed once
    sent = send(_at(2, 16))  # less than 24 hours before the meeting: feedback is due
    assert len(sent) == 1 and "24" in sent[0].body
    assert send(_at(2, 18)) == []
    # Once the feedback is given nothing more is said about it.
    services.note_add(meeting=ahead, kind=Note.Kind.COMMENT, text="Goed idee", parts=frozenset({"supervisor"}),
                      author=world.people["supervisor"], actor=world.users["supervisor"])
    held = meeting(match, starts_at=_at(-1, 15), ends_at=_at(-1, 16))
    services.meeting_log(meeting=held, actor=world.users["mentor"], expected_version=held.version, state="held",
                         now=_at(-1, 17))
    sent = send(_at(3))
    assert len(sent) == 1 and "Intervision" in sent[0].body
    assert f"/meetings/{held.pk}/" in sent[0].body and f"/meetings/{ahead.pk}/" not in sent[0].body


def test_intervision_written_means_no_reminder(world: World, send: Any) -> None:
    match = persona_match(world)
    _supervised(world)
    held = meeting(match, starts_at=_at(-1, 15), ends_at=_at(-1, 16))
    services.meeting_log(meeting=held, actor=world.users["mentor"], expected_version=held.version, state="held",
                         goals=[goal(world, match)], now=_at(-1, 17))
    services.note_add(meeting=held, kind=Note.Kind.INTERVISION, text="Besproken: structuur", author=None,
                      parts=frozenset({"supervisor"}), actor=world.users["supervisor"])
    assert send(_at(0)) == []


def test_no_supervision_no_digest(world: World, send: Any) -> None:
    match = persona_match(world)
    ahead = meeting(match, starts_at=_at(1, 9), ends_at=_at(1, 10))
    Note.objects.create(meeting=ahead, kind="preparation", text="Plan", author=world.people["mentor"])
    assert send(_at(0)) == []


def test_people_without_an_address_are_skipped(world: World, send: Any) -> None:
    match = persona_match(world)
    Person.objects.filter(pk=world.people["mentor"].pk).update(email="")
    meeting(match, starts_at=_at(-1, 15), ends_at=_at(-1, 16))
    assert send(_at(0)) == []
    assert not ReminderMail.objects.exists()


def test_the_command_runs_and_says_what_it_did(world: World, django_capture_on_commit_callbacks: Any) -> None:
    match = persona_match(world)
    meeting(match, starts_at=_at(-1, 15), ends_at=_at(-1, 16))
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_journal_reminders", "--now", _at(0).isoformat(), stdout=out)
        call_command("send_journal_reminders", "--now", _at(0, 8).isoformat(), stdout=out)
    assert out.getvalue().splitlines() == ["journal reminders: 1 e-mails, 1 things reminded of",
                                           "journal reminders: 0 e-mails, 0 things reminded of"]
