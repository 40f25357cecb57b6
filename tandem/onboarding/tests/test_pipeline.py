"""The volunteer state machine, the ready gate, certificate expiry and matching's pool."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from conftest import World
from tandem.core.models import Membership
from tandem.onboarding.screening import add_months
from tandem.onboarding.selectors import matchable_volunteers
from tandem.onboarding.services import volunteer_transition
from tandem.onboarding.tests.helpers import screened, trained, volunteer


def test_transitions_are_recorded_and_illegal_ones_refused(world: World) -> None:
    v = volunteer(world)
    actor = world.users["coordinator"]
    volunteer_transition(volunteer=v, to_state="screening", actor=actor, reason="called her")
    t = v.transitions.get()
    assert (t.from_state, t.to_state, t.actor, t.reason) == ("applied", "screening", actor, "called her")
    with pytest.raises(ValidationError, match="cannot go from"):
        volunteer_transition(volunteer=v, to_state="alumni", actor=actor)
    volunteer_transition(volunteer=v, to_state="rejected", actor=actor, reason="no show")
    with pytest.raises(ValidationError):
        volunteer_transition(volunteer=v, to_state="screening", actor=actor)  # rejected is final


def test_cannot_be_ready_without_a_valid_certificate(world: World) -> None:
    v = volunteer(world, state="training")
    trained(v)
    v.interview_held_on, v.references_received = timezone.localdate(), 1
    v.save()
    with pytest.raises(ValidationError, match="has not been seen and verified"):
        volunteer_transition(volunteer=v, to_state="ready", actor=world.users["coordinator"])
    screened(v, world, issued_on=add_months(timezone.localdate(), -37))  # valid 36 months
    with pytest.raises(ValidationError, match="expired"):
        volunteer_transition(volunteer=v, to_state="ready", actor=world.users["coordinator"])
    assert not Membership.objects.filter(person=v.person, role="mentor").exists()


def test_cannot_be_ready_without_enough_training(world: World) -> None:
    v = screened(volunteer(world, state="training"), world)
    with pytest.raises(ValidationError, match="Training: 0 of 2 hours"):
        volunteer_transition(volunteer=v, to_state="ready", actor=world.users["coordinator"])


def test_ready_grants_the_mentor_role_and_e_mails_in_the_volunteer_language(
    world: World, django_capture_on_commit_callbacks, run_tasks
) -> None:
    v = screened(volunteer(world, state="training", language="de"), world)
    trained(v)
    with django_capture_on_commit_callbacks(execute=True):
        volunteer_transition(volunteer=v, to_state="ready", actor=world.users["coordinator"])
    run_tasks()
    assert Membership.objects.filter(person=v.person, programme=world.programme, role="mentor").exists()
    assert mail.outbox[-1].to == ["sam@example.org"]
    assert "Mentoren op Zuid" in mail.outbox[-1].subject
    assert "Gute Nachricht" in mail.outbox[-1].body


def test_expired_certificate_takes_a_volunteer_out_of_matching(world: World) -> None:
    today = timezone.localdate()
    ready = screened(volunteer(world, state="ready"), world)
    expired = screened(volunteer(world, email="b@example.org", state="ready"), world,
                       issued_on=add_months(today, -36) - timedelta(days=1))
    active_full = screened(volunteer(world, email="c@example.org", state="active"), world)
    active_room = screened(volunteer(world, email="d@example.org", state="active", capacity=2), world)
    screened(volunteer(world, email="e@example.org", state="screening"), world)
    pool = set(matchable_volunteers(programme=world.programme, today=today,
                                    load={active_full.pk: 1, active_room.pk: 1}))
    assert pool == {ready, active_room}
    assert expired not in pool
    # Still valid on its last day, out the day after.
    last_day = add_months(expired.certificate_issued_on, 36)
    assert expired in matchable_volunteers(programme=world.programme, today=last_day)
    assert expired not in matchable_volunteers(programme=world.programme, today=last_day + timedelta(days=1))
    board = world.client_for("coordinator").get("/o/zuid/p/moz/volunteers/?state=ready").content.decode()
    assert "certificate expired" in board


def test_check_certificates_reminds_once_and_reports_expiry(
    world: World, django_capture_on_commit_callbacks, run_tasks
) -> None:
    today = timezone.localdate()
    world.people["coordinator"].language = "fr"
    world.people["coordinator"].save()
    soon = screened(volunteer(world, state="active", language="nl"), world,
                    issued_on=add_months(today + timedelta(days=20), -36))
    gone = screened(volunteer(world, email="x@example.org", state="ready"), world,
                    issued_on=add_months(today - timedelta(days=3), -36))
    for _ in range(2):  # idempotent: the second run sends nothing
        with django_capture_on_commit_callbacks(execute=True):
            call_command("check_certificates", stdout=StringIO())
        run_tasks()
    to_volunteer = [m for m in mail.outbox if m.to == ["sam@example.org"]]
    to_coordinator = [m for m in mail.outbox if m.to == ["coordinator@zuid.example"]]
    assert len(to_volunteer) == 1 and "VOG" in to_volunteer[0].subject
    assert "verloopt" in to_volunteer[0].subject  # Dutch
    assert len(to_coordinator) == 2  # one reminder, one expiry notice, both in French
    subjects = sorted(m.subject for m in to_coordinator)
    assert len([s for s in subjects if "a expiré" in s]) == 1, subjects  # the expiry notice
    assert len([s for s in subjects if "expire le" in s]) == 1, subjects  # the reminder
    soon.refresh_from_db()
    gone.refresh_from_db()
    assert soon.certificate_reminder_for == soon.certificate_issued_on
    assert gone.state == "ready"  # the state stays; matching leaves them out
    assert gone not in matchable_volunteers(programme=world.programme, today=today)


@pytest.mark.parametrize(("country", "volunteer_reads", "coordinator_reads", "neither"), [
    ("BE", "uittreksel uit het strafregister (model 2)", "extrait de casier judiciaire (modèle 2)", " / "),
    ("IT", "", "", "safeguarding certificate"),  # no national name: the words in each language
])
def test_certificate_emails_name_the_certificate_in_each_recipients_language(
    world: World, django_capture_on_commit_callbacks, run_tasks, country: str, volunteer_reads: str,
    coordinator_reads: str, neither: str,
) -> None:
    """The daily command made the certificate's name in its own language before each e-mail was
    rendered in the reader's: a Flemish tutor read "Uittreksel strafregister model 2 / Extrait de
    casier judiciaire modèle 2", and where a country has no name of its own, English."""
    world.programme.country = country
    world.programme.save()
    world.people["coordinator"].language = "fr"
    world.people["coordinator"].save()
    today = timezone.localdate()
    screened(volunteer(world, state="active", language="nl"), world,
             issued_on=add_months(today + timedelta(days=20), -36))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("check_certificates", stdout=StringIO())
    run_tasks()
    (to_volunteer,) = [m for m in mail.outbox if m.to == ["sam@example.org"]]
    (to_coordinator,) = [m for m in mail.outbox if m.to == ["coordinator@zuid.example"]]
    assert volunteer_reads in to_volunteer.body and volunteer_reads in to_volunteer.subject
    assert coordinator_reads in to_coordinator.body
    assert neither not in to_volunteer.body + to_volunteer.subject
    assert neither not in to_coordinator.body + to_coordinator.subject
    assert "verloopt" in to_volunteer.subject and "expire le" in to_coordinator.subject
