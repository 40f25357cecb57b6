"""A group programme's e-mails speak of a place in a learning community, not of a pair.

The proposal ("ein Tandem wird vorgeschlagen"), the supervisor's notice ("ein neues Tandem an deiner
Schule") and the weekly digest ("Diese Tandems brauchen diese Woche Aufmerksamkeit") each have a
whole sentence of their own for a group programme (docs/matches.md); a one-to-one programme's
e-mails are unchanged. Read in German from Django's mail outbox."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from conftest import World
from tandem.matching import services
from tandem.matching.tests.factories import mentor, persona_pair
from tandem.onboarding import services as onboarding_services
from tandem.support import services as support_services
from tandem.support.tests.test_agreement import _world_of_risks

pytestmark = pytest.mark.django_db


def _german(world: World) -> None:
    for person in world.people.values():
        person.language = "de"
        person.save()


def _group(world: World) -> None:
    world.programme.format = "group"
    world.programme.save()


def _proposal_mails(world: World, run_tasks: Any, capture: Any) -> dict[str, str]:
    """Subject and body of each proposal e-mail, by recipient."""
    volunteer, learner = persona_pair(world)
    _german(world)
    mail.outbox.clear()
    with capture(execute=True):
        services.match_create(programme=world.programme, volunteer=volunteer, learner=learner,
                              actor=world.users["coordinator"])
    run_tasks()
    return {message.to[0]: f"{message.subject}\n{message.body}" for message in mail.outbox}


def _digest_mails(world: World, run_tasks: Any, capture: Any) -> list[str]:
    _world_of_risks(world)
    _german(world)
    mail.outbox.clear()
    with capture(execute=True):
        support_services.send_digest()
    run_tasks()
    return [f"{message.subject}\n{message.body}" for message in mail.outbox]


def test_a_group_programmes_proposal_e_mails_never_say_tandem(world: World, run_tasks: Any,
                                                              django_capture_on_commit_callbacks: Any) -> None:
    _group(world)
    mails = _proposal_mails(world, run_tasks, django_capture_on_commit_callbacks)
    mentor, guardian, supervisor = (mails[world.people[p].email] for p in ("mentor", "guardian", "supervisor"))
    assert "ein Platz in einer Lerngemeinschaft wird vorgeschlagen" in mentor
    assert "Wir schlagen vor, dass Learner in deine Lerngemeinschaft kommt." in mentor
    assert "Wir schlagen vor, dass Learner in die Lerngemeinschaft von Mentor kommt." in guardian
    assert "ein neues Mitglied einer Lerngemeinschaft an deiner Schule" in supervisor
    assert "in die Lerngemeinschaft der Mentor:in" in supervisor
    assert [text for text in mails.values() if "Tandem" in text.replace("Tandem:", "")] == []


def test_a_group_programmes_digest_speaks_of_members(world: World, run_tasks: Any,
                                                     django_capture_on_commit_callbacks: Any) -> None:
    _group(world)
    mails = _digest_mails(world, run_tasks, django_capture_on_commit_callbacks)
    assert mails
    for text in mails:
        assert "Mitglieder von Lerngemeinschaften brauchen Aufmerksamkeit" in text.splitlines()[0]
        assert "Diese Mitglieder von Lerngemeinschaften brauchen diese Woche Aufmerksamkeit:" in text
        assert "Tandem" not in text


def test_a_one_to_one_programmes_e_mails_keep_the_pair(world: World, run_tasks: Any,
                                                       django_capture_on_commit_callbacks: Any) -> None:
    mails = _proposal_mails(world, run_tasks, django_capture_on_commit_callbacks)
    assert "ein Tandem wird vorgeschlagen" in mails[world.people["mentor"].email]
    assert "Wir schlagen vor, dass du Mentor:in von Learner wirst." in mails[world.people["mentor"].email]
    assert "ein neues Tandem an deiner Schule" in mails[world.people["supervisor"].email]
    mail.outbox.clear()
    digests = _digest_mails(world, run_tasks, django_capture_on_commit_callbacks)
    assert all("Diese Tandems brauchen diese Woche Aufmerksamkeit:" in text for text in digests)


@pytest.mark.parametrize("group", [True, False])
def test_the_ready_e_mail_tells_a_group_mentor_they_lead_a_learning_community(
        world: World, group: bool, run_tasks: Any, django_capture_on_commit_callbacks: Any) -> None:
    if group:
        _group(world)
    volunteer = mentor(world, "Mentor", person=world.people["mentor"])
    _german(world)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        # What volunteer_transition sends when a volunteer becomes ready.
        onboarding_services._notify_volunteer(volunteer, "ready", {})
    run_tasks()
    [message] = mail.outbox
    led = "Du bist bereit, eine Lerngemeinschaft zu leiten; eine Koordinator:in stellt dir bald ihre ersten Mentees vor."
    assert (led in message.body) is group
    assert ("Du bist bereit für eine Zuordnung" in message.body) is not group
