"""Retention with a fixed clock: what is due is removed once, what is not stays, a dry run
changes nothing, and coordinators see a month ahead what will go."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from conftest import World
from tandem.core.audit import audit_record
from tandem.core.models import (
    AuditEvent,
    FormSubmission,
    GuardianLink,
    ImportBatch,
    LoginEvent,
    MailLimit,
    Membership,
    Person,
    Programme,
    Role,
)
from tandem.core.notify import send_notification
from tandem.intake.models import Learner, LearnerTransition, SensitiveProfile
from tandem.onboarding.models import Volunteer, VolunteerTransition
from tandem.privacy.models import Erasure
from tandem.privacy.retention import apply_retention, months_after, plan

NOW = timezone.make_aware(datetime(2026, 3, 1, 3, 0))


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=12))


def _person(world: World, given: str, **extra: Any) -> Person:
    return Person.objects.create(organisation=world.organisation, given_name=given,
                                 family_name="Kept", email=f"{given.lower()}@kept.example", **extra)


def _volunteer(world: World, given: str, state: str, ended: date, **extra: Any) -> Volunteer:
    volunteer = Volunteer.objects.create(programme=world.programme, person=_person(world, given),
                                         state=state, motivation=f"{given} wants to help", **extra)
    step = VolunteerTransition.objects.create(volunteer=volunteer, from_state="applied",
                                              to_state=state, reason="Typed by hand")
    VolunteerTransition.objects.filter(pk=step.pk).update(at=_at(ended))
    return volunteer


def _learner(world: World, given: str, state: str, ended: date) -> Learner:
    learner = Learner.objects.create(programme=world.programme, person=_person(world, given),
                                     state=state, notes=f"{given}'s notes", mentor_wishes="Football")
    step = LearnerTransition.objects.create(learner=learner, from_state="matched", to_state=state)
    LearnerTransition.objects.filter(pk=step.pk).update(at=_at(ended))
    return learner


def _world_of_rows(world: World) -> dict[str, Any]:
    rows: dict[str, Any] = {
        # Not accepted 8 months ago (applicants: 6 months): erased, the person too.
        "rejected": _volunteer(world, "Rejected", "rejected", date(2025, 7, 1)),
        # Not accepted 2 months ago: kept.
        "recent": _volunteer(world, "Recent", "withdrawn", date(2026, 1, 2)),
        # Alumni since a month (volunteers: 24 months): kept, but the criminal-record check
        # goes at once (0 months), and the motivation stays (free text: 12 months).
        "alumni": _volunteer(world, "Alumni", "alumni", date(2026, 2, 1),
                             certificate_seen_on=date(2025, 1, 3),
                             certificate_issued_on=date(2024, 12, 20)),
        # A learner who completed 25 months ago (learners: 24 months): anonymised.
        "old_learner": _learner(world, "Oldlearner", "completed", date(2024, 1, 15)),
        # A learner who completed 13 months ago: notes go (free text: 12 months), the rest stays.
        "learner": _learner(world, "Learner", "completed", date(2025, 1, 20)),
    }
    SensitiveProfile.objects.create(learner=rows["learner"], migration_background=True,
                                    declared_by="learner", consent=True)
    # Who opened a record, 25 and 2 months ago (access log: 24 months).
    for day in (date(2024, 1, 10), date(2026, 1, 10)):
        event = audit_record(organisation=world.organisation, programme=world.programme,
                             actor=world.users["coordinator"], person=world.people["learner"],
                             action="viewed", subject=f"person:{world.people['learner'].pk}")
        AuditEvent.objects.filter(pk=event.pk).update(at=_at(day))
    # Technical rows, old and fresh.
    user = world.users["mentor"]
    for days in (100, 10):
        LoginEvent.objects.create(user=user, outcome="logged_in", at=NOW - timedelta(days=days))
    MailLimit.objects.create(purpose="x", address_hash="a" * 64, last_sent=NOW - timedelta(days=8))
    MailLimit.objects.create(purpose="x", address_hash="b" * 64, last_sent=NOW - timedelta(days=1))
    FormSubmission.objects.create(token="old", created=NOW - timedelta(days=2))
    FormSubmission.objects.create(token="new", created=NOW - timedelta(hours=2))
    sent = send_notification.enqueue(["someone@kept.example"], "nl", "x", {})
    DBTaskResult.objects.filter(pk=sent.id).update(status="SUCCESSFUL",
                                                    finished_at=NOW - timedelta(days=8))
    batch = ImportBatch.objects.create(programme=world.programme, kind="learners",
                                       filename="a.csv", content=b"Jan;Peeters")
    ImportBatch.objects.filter(pk=batch.pk).update(created=NOW - timedelta(hours=30))
    old_session = SessionStore()
    old_session.create()
    Session.objects.filter(session_key=old_session.session_key).update(
        expire_date=NOW - timedelta(days=1))
    rows["batch"] = batch
    return rows


def test_retention_removes_what_is_due_once(world: World) -> None:
    rows = _world_of_rows(world)
    report = apply_retention(now=NOW)
    assert report.done["records"] == 2 and report.done["fields"] >= 3, report.lines()

    rejected = Person.objects.get(pk=rows["rejected"].person_id)
    assert rejected.erased_at is not None and rejected.email == ""
    assert Volunteer.objects.get(pk=rows["rejected"].pk).motivation == ""
    assert Erasure.objects.filter(person=rejected, reason="retention").count() == 2  # record, person
    assert Person.objects.get(pk=rows["recent"].person_id).erased_at is None
    alumni = Volunteer.objects.get(pk=rows["alumni"].pk)
    assert alumni.certificate_seen_on is None and alumni.certificate_issued_on is None
    assert alumni.motivation == "Alumni wants to help"
    assert Person.objects.get(pk=rows["old_learner"].person_id).erased_at is not None
    learner = Learner.objects.get(pk=rows["learner"].pk)
    assert learner.notes == "" and learner.mentor_wishes == "" and learner.person.erased_at is None
    assert not SensitiveProfile.objects.filter(learner=learner).exists()
    views = AuditEvent.objects.filter(action="viewed", person=world.people["learner"])
    assert [timezone.localdate(e.at) for e in views] == [date(2026, 1, 10)]
    assert LoginEvent.objects.filter(user=world.users["mentor"]).count() == 1
    assert list(MailLimit.objects.values_list("address_hash", flat=True)) == ["b" * 64]
    assert list(FormSubmission.objects.values_list("token", flat=True)) == ["new"]
    assert not DBTaskResult.objects.filter(finished_at__isnull=False).exists()
    batch = ImportBatch.objects.get(pk=rows["batch"].pk)
    assert bytes(batch.content) == b"" and batch.expired is not None
    assert not Session.objects.filter(expire_date__lt=NOW).exists()

    # Idempotent: the second run finds nothing more to do.
    again = apply_retention(now=NOW)
    assert not again.done, again.lines()


def test_a_guardian_goes_with_their_last_child(world: World) -> None:
    child = _learner(world, "Child", "completed", date(2023, 12, 1))
    guardian = _person(world, "Parent")
    Membership.objects.create(person=guardian, organisation=world.organisation,
                              programme=world.programme, role=Role.GUARDIAN)
    GuardianLink.objects.create(learner=child.person, guardian=guardian)
    # The matrix's guardian still has a child who takes part: kept.
    report = apply_retention(now=NOW)
    assert report.done["records"] == 1 and report.done["guardians"] == 1
    assert Person.objects.get(pk=guardian.pk).erased_at is not None
    assert Person.objects.get(pk=world.people["guardian"].pk).erased_at is None
    assert not apply_retention(now=NOW).done


def test_a_dry_run_changes_nothing(world: World) -> None:
    rows = _world_of_rows(world)
    report = apply_retention(now=NOW, dry_run=True)
    assert report.done["records"] == 2 and report.dry_run
    assert Person.objects.get(pk=rows["rejected"].person_id).erased_at is None
    assert Volunteer.objects.get(pk=rows["alumni"].pk).certificate_seen_on is not None
    assert LoginEvent.objects.count() == 2


def test_a_programme_sets_its_own_periods(world: World) -> None:
    rows = _world_of_rows(world)
    programme = world.programme
    programme.requirements = {**programme.requirements, "retention_applicants_months": 12,
                              "retention_certificate_months": 3}
    programme.save()
    apply_retention(now=NOW)
    assert Person.objects.get(pk=rows["rejected"].person_id).erased_at is None
    assert Volunteer.objects.get(pk=rows["alumni"].pk).certificate_seen_on is not None
    # A month later the certificate goes (ended 1 February + 3 months = 1 May).
    apply_retention(now=NOW + timedelta(days=62))
    assert Volunteer.objects.get(pk=rows["alumni"].pk).certificate_seen_on is None


def test_the_command_reports_and_is_safe_to_run_twice(world: World) -> None:
    _world_of_rows(world)
    out = io.StringIO()
    call_command("apply_retention", "--dry-run", "--now", NOW.isoformat(), stdout=out)
    assert "would remove" in out.getvalue()
    assert LoginEvent.objects.count() == 2
    call_command("apply_retention", "--now", NOW.isoformat(), stdout=out)
    assert "records: removed 2" in out.getvalue()
    out = io.StringIO()
    call_command("apply_retention", "--now", NOW.isoformat(), stdout=out)
    assert out.getvalue().strip() == "retention: nothing is due"


def test_coordinators_see_what_goes_next_month(world: World) -> None:
    rows = _world_of_rows(world)
    today = timezone.localdate()
    # "Recent" withdrew 6 months minus a fortnight ago: due in two weeks.
    step = VolunteerTransition.objects.get(volunteer=rows["recent"])
    ended = months_after(today, -6) + timedelta(days=14)
    VolunteerTransition.objects.filter(pk=step.pk).update(at=_at(ended))
    due = plan(today=today, horizon=months_after(today, 1), programme=world.programme)
    assert any(d.person == rows["recent"].person and d.phase == "records" for d in due)
    client = world.client_for("coordinator")
    page = client.get(reverse("privacy:upcoming", kwargs={
        "org": world.organisation.slug, "prog": world.programme.slug}))
    body = page.content.decode()
    assert page.status_code == 200 and "Recent Kept" in body and "Rejected Kept" in body
    assert "Applicants not accepted" in body
    other = Programme.objects.create(organisation=world.organisation, name="Other", slug="oth",
                                     country="NL")
    assert not plan(today=today, horizon=months_after(today, 1), programme=other)


def test_coordinators_set_the_periods_and_concurrent_edits_are_refused(world: World) -> None:
    url = reverse("privacy:retention", kwargs={"org": world.organisation.slug,
                                              "prog": world.programme.slug})
    page = world.client_for("coordinator").get(url).content.decode()
    assert "Applicants not accepted" in page and "months (default: 6)" in page
    version = world.programme.version
    periods = {"applicants": 9, "volunteers": 24, "learners": 36, "certificate": 0,
               "special_category": 0, "free_text": 12, "access_log": 24}
    saved = world.client_for("coordinator").post(url, {**periods, "version": version})
    assert saved.status_code == 302
    world.programme.refresh_from_db()
    assert world.programme.requirement("retention_learners_months") == 36
    assert AuditEvent.objects.filter(subject=f"programme:{world.programme.pk}").exists()
    # The organisation admin had the page open since before: refused, both versions shown.
    stale = world.client_for("org_admin").post(url, {**periods, "learners": 12, "version": version})
    body = stale.content.decode()
    assert stale.status_code == 200 and "Saved meanwhile" in body and "Someone else" in body
    assert 'value="12"' in body  # what they typed is kept
    world.programme.refresh_from_db()
    assert world.programme.requirement("retention_learners_months") == 36
    too_long = world.client_for("coordinator").post(
        url, {**periods, "learners": 1000, "version": world.programme.version})
    assert too_long.status_code == 200 and world.programme.requirement(
        "retention_learners_months") == 36
