"""The demo reads like real programmes, whatever day it is seeded on: every meeting on a day and
at an hour the programme meets (never a Sunday), every step of a history dated when it happened
(not when the seed ran), a first meeting in the past is no longer "planned", last year's pairs
carry the answers they gave, phone numbers in the country's format, schools in the learner's city.

The seed runs "on" a Wednesday and "on" a Friday (``demo.happening_at`` sets the moment for the
whole run): seeded on a Wednesday, a meeting four days ahead fell on a Sunday; on a Friday, two
days ahead and twelve days back did."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from tandem.core import demo
from tandem.core.models import AuditEvent, GuardianLink, Membership, Person, Programme
from tandem.intake.models import Learner, LearnerTransition
from tandem.journal.models import Meeting
from tandem.matching.models import CommunityMeeting, ExitSurvey, Match, MatchEvent
from tandem.onboarding.models import Volunteer, VolunteerTransition, Workshop
from tandem.support.models import ExchangeMeeting

PHONE = {"BE": r"\+32 4\d\d \d\d \d\d \d\d", "NL": r"\+31 6 \d{4} \d{4}",
         "DE": r"\+49 \d{2,3}( \d{4,5})? \d{3,7}", "FR": r"\+33 6 \d\d \d\d \d\d \d\d"}
SUNDAY = 6


def _next(weekday: int) -> datetime:
    day = timezone.localdate() + timedelta(days=1)
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time(11)))


def _seed_on(weekday: int) -> Any:
    moment = _next(weekday)
    with demo.happening_at(moment):
        call_command("seed_demo", "--quiet-logins", stdout=StringIO())
        yield moment


@pytest.fixture
def seeded_at(db: Any) -> Any:
    yield from _seed_on(2)  # a Wednesday


@pytest.fixture(params=[2, 4], ids=["seeded-on-a-wednesday", "seeded-on-a-friday"])
def seeded_on_either(request: Any, db: Any) -> Any:
    yield from _seed_on(request.param)


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment)


def test_meetings_fall_on_the_programmes_days_and_hours(seeded_on_either: datetime) -> None:
    for spec in demo.SPECS:
        programme = Programme.objects.get(slug=spec.slug)
        moments = {
            "journal": Meeting.objects.filter(match__programme=programme).values_list("starts_at", flat=True),
            "first meeting": Match.objects.filter(programme=programme, first_meeting_at__isnull=False)
            .values_list("first_meeting_at", flat=True),
            "community": CommunityMeeting.objects.filter(community__programme=programme)
            .values_list("starts_at", flat=True),
        }
        for kind, values in moments.items():
            for value in values:
                local = _local(value)
                assert local.weekday() in spec.meeting_days, (spec.slug, kind, local)
                assert local.time() == spec.meeting_time, (spec.slug, kind, local)
        others = [*Workshop.objects.filter(programme=programme).values_list("starts_at", flat=True),
                  *ExchangeMeeting.objects.filter(programme=programme).values_list("starts_at", flat=True)]
        assert all(_local(value).weekday() != SUNDAY for value in others), spec.slug


def test_the_coordinator_works_on_working_days(seeded_on_either: datetime) -> None:
    """Check-ins fell on Saturdays and Sundays (a fortnight or a month after a pair's first
    meeting, whatever day that was), and so did proposals, planned first meetings, closures and
    the day the programme's records were entered: a coordinator does those on working days."""
    from tandem.support.models import CheckIn

    check_ins = CheckIn.objects.all()
    assert check_ins.exists()
    for check_in in check_ins.select_related("match__programme"):
        assert check_in.on.weekday() < 5, (check_in.match.programme.slug, check_in.on)
        assert timezone.localdate(check_in.created) == check_in.on
    steps = MatchEvent.objects.filter(kind__in=[MatchEvent.Kind.PROPOSED, MatchEvent.Kind.FIRST_MEETING,
                                                MatchEvent.Kind.CLOSED]).select_related("match__programme")
    assert steps.filter(kind=MatchEvent.Kind.CLOSED).count() > 10
    for step in steps:
        assert _local(step.at).weekday() < 5, (step.match.programme.slug, step.kind, _local(step.at))
    for match in Match.objects.filter(state="closed"):
        assert match.closed_at is not None and _local(match.closed_at).weekday() < 5
    entered = demo.entered_on(timezone.localdate(seeded_on_either))
    assert entered.weekday() < 5  # 1 June 2025 was a Sunday
    assert AuditEvent.objects.filter(action="created", subject__startswith="person:", at=entered).count() > 100


def test_every_step_the_coordinator_takes_falls_on_a_working_day(seeded_on_either: datetime) -> None:
    """Beyond check-ins and matches, the coordinator's other steps fell on weekends too: a
    concern triaged on a Sunday, a learner put on the waiting list or a guardian asked on a
    Saturday, an interview, a certificate seen, a volunteer screened, a payment executed. A
    parent, a mentor or a learner may act on any day (a learner's "no" after the first meeting,
    and what follows from it at once, is theirs)."""
    from tandem.expenses.models import PaymentBatch
    from tandem.intake.models import GuardianConsent
    from tandem.matching.models import MatchingReason
    from tandem.support.models import ConcernStep, MatchPause

    def working(moment: datetime | date | None) -> bool:
        return moment is None or (_local(moment) if isinstance(moment, datetime) else moment).weekday() < 5

    steps = {
        "concern": [s.at for s in ConcernStep.objects.filter(actor__isnull=False)],
        "pause": [p.since for p in MatchPause.objects.all()],
        "learner": [t.at for t in LearnerTransition.objects.filter(actor__isnull=False)
                    .exclude(reason__in=[MatchingReason.DECLINED_AFTER_FIRST_MEETING,
                                         MatchingReason.PLACE_DECLINED_AFTER_FIRST_MEETING])],
        "volunteer": [t.at for t in VolunteerTransition.objects.filter(actor__isnull=False, from_state="")],
        "consent asked": list(GuardianConsent.objects.filter(requested_by__isnull=False)
                              .values_list("requested_at", flat=True)),
        "paper consent": list(GuardianConsent.objects.filter(recorded_by__isnull=False)
                              .values_list("given_at", flat=True)),
        "interview": list(Volunteer.objects.values_list("interview_held_on", flat=True)),
        "certificate": list(Volunteer.objects.values_list("certificate_seen_on", flat=True)),
        "payment": [moment for batch in PaymentBatch.objects.all() for moment in (batch.execution_date, batch.paid_at)],
    }
    for kind, moments in steps.items():
        assert any(moment is not None for moment in moments), kind
        assert [m for m in moments if not working(m)] == [], kind


def test_first_meetings_in_the_past_took_place_and_were_planned_before(seeded_at: datetime) -> None:
    now = seeded_at
    for match in Match.objects.filter(first_meeting_at__lt=now).exclude(state="declined"):
        assert match.first_meeting_held_on is not None, (match.programme.slug, match.state)
    planned = MatchEvent.objects.filter(kind=MatchEvent.Kind.FIRST_MEETING).select_related("match")
    assert planned.exists()
    for event in planned:
        assert event.at <= now
        if event.match.first_meeting_at is not None and event.match.first_meeting_at < now:
            assert event.at < event.match.first_meeting_at, event.match.programme.slug
        assert event.at >= event.match.created, event.match.programme.slug
    # The demo pair: proposed, first meeting planned, then held, each on its own day.
    for spec in demo.SPECS:
        match = Match.objects.filter(programme__slug=spec.slug, volunteer__person__user__email=demo.role_email(
            "mentor", spec.slug), state="introduced").order_by("pk").first()
        assert match is not None and match.first_meeting_at is not None, spec.slug
        steps = list(match.events.order_by("at", "pk").values_list("kind", "at"))
        assert [kind for kind, _at in steps] == ["proposed", "first_meeting", "meeting_held"], spec.slug
        assert len({timezone.localdate(at) for _kind, at in steps}) == 3, spec.slug
        assert match.first_meeting_held_on == timezone.localdate(match.first_meeting_at) < now.date()


def test_closed_pairs_answered_and_every_history_is_dated_when_it_happened(seeded_at: datetime) -> None:
    seeded_on = timezone.localdate(seeded_at)
    closed = Match.objects.filter(state="closed").select_related("programme")
    this_year = closed.filter(closed_at__gte=timezone.make_aware(datetime.combine(
        date(seeded_on.year if seeded_on.month >= 8 else seeded_on.year - 1, 8, 1), time(0))))
    assert closed.count() > this_year.count() > 0  # last year's cohort and this year's
    for match in closed:
        assert (match.mentor_answer, match.learner_answer) == ("yes", "yes"), match.programme.slug
        assert match.mentor_answered_at and match.learner_answered_at
        assert match.first_meeting_at and match.first_meeting_at <= match.learner_answered_at <= match.closed_at
    for event in MatchEvent.objects.filter(match__in=closed).select_related("match"):
        assert timezone.localdate(event.at) != seeded_on, (event.kind, event.match.programme.slug)
        assert event.at <= event.match.closed_at + timedelta(days=7), event.kind  # type: ignore[operator]
    surveys = ExitSurvey.objects.filter(match__in=closed)
    assert surveys.filter(answered_at__isnull=False).count() > 0.6 * surveys.count()

    # Every step of a learner's and a volunteer's history, dated in order.
    now = seeded_at
    steps: dict[int, list[LearnerTransition]] = defaultdict(list)
    for step in LearnerTransition.objects.order_by("pk"):
        steps[step.learner_id].append(step)
    for learner in Learner.objects.filter(pk__in=steps).select_related("programme"):
        path = steps[learner.pk]
        assert [s.at for s in path] == sorted(s.at for s in path), (learner.programme.slug, learner.state)
        assert path[0].at <= learner.created + timedelta(seconds=1), learner.programme.slug
        assert all(s.at <= now for s in path)
    # A match's learner was matched when the match was proposed, and left or completed when it closed.
    for match in Match.objects.filter(state="closed", learner__state__in=("completed", "left")):
        assert LearnerTransition.objects.filter(learner=match.learner_id, to_state=match.learner.state,
                                                at=match.closed_at).exists()
    # Only today's matching round moved anybody today: nobody's history is otherwise dated by the seed.
    today_steps = LearnerTransition.objects.filter(at__date=seeded_on)
    assert today_steps.count() <= LearnerTransition.objects.count() * 0.05
    for volunteer in Volunteer.objects.all():
        first = VolunteerTransition.objects.filter(volunteer=volunteer).order_by("at").first()
        assert first is not None and first.at == volunteer.created <= now
    # People's records were made before: a learner's when they were referred, the others' when
    # the programme's records were entered (today's matching round is of today).
    people = AuditEvent.objects.filter(action="created", subject__startswith="person:")
    assert people.exists() and not people.filter(at__gte=now - timedelta(hours=12)).exists()
    for learner in Learner.objects.filter(programme__slug="vera").select_related("person"):
        made = people.filter(person=learner.person).first()
        assert made is None or made.at == learner.created == learner.person.created


def test_phones_in_the_countrys_format_and_schools_in_the_learners_city(seeded_at: datetime) -> None:
    for link in GuardianLink.objects.select_related("learner", "guardian"):  # a parent lives with their child
        assert (link.guardian.city, link.guardian.postcode) == (link.learner.city, link.learner.postcode)
    for spec in demo.SPECS:
        programme = Programme.objects.get(slug=spec.slug)
        phones = Person.objects.filter(organisation=programme.organisation).exclude(phone="")
        assert phones.exists()
        for phone in phones.values_list("phone", flat=True):
            assert re.fullmatch(PHONE[spec.country], phone), (spec.slug, phone)
        for learner in Learner.objects.filter(programme=programme, institution__isnull=False).select_related(
                "person", "institution"):
            assert learner.institution is not None
            assert learner.person.city == learner.institution.city, (spec.slug, learner.institution.name)
        for membership in Membership.objects.filter(programme=programme, institution__isnull=False).select_related(
                "person", "institution"):
            assert membership.institution is not None
            assert membership.person.city == membership.institution.city, (spec.slug, membership.role)
        # The demo mentor lives near the demo learner they met.
        mentor, learner = (Person.objects.get(user__email=demo.role_email(role, spec.slug)) for role in ("mentor", "learner"))
        assert mentor.city == learner.city, spec.slug


# Moments that may lie ahead: what is planned (meetings, workshops), and what runs out.
AHEAD = ("starts_at", "ends_at", "first_meeting_at")
AHEAD_PARTS = ("expire", "until", "due", "valid", "next")


def test_nothing_that_happened_is_dated_after_the_seed(seeded_on_either: datetime) -> None:
    """A preparation for the day after tomorrow's meeting was dated two days before it (tomorrow),
    and a pair that ended three days ago answered its exit survey tomorrow: the teacher read
    "Preparation · 29-11" on the 27th, under her own feedback of that morning."""
    from django.apps import apps
    from django.db import models

    ahead = []
    for model in apps.get_models():
        if not model.__module__.startswith("tandem."):
            continue
        for field in model._meta.concrete_fields:
            if (not isinstance(field, models.DateTimeField) or field.name in AHEAD
                    or any(part in field.name for part in AHEAD_PARTS)):
                continue
            count = model._default_manager.filter(**{f"{field.name}__gt": seeded_on_either}).count()
            if count:
                ahead.append(f"{model.__name__}.{field.name}: {count}")
    assert not ahead


def test_a_waiting_learner_waits_since_the_day_they_last_joined_the_waiting_list(seeded_at: datetime) -> None:
    """As the services count it: a learner whose pair came apart (declined after the first
    meeting, or ended early) waits from that day. The demo kept the day intake drew: the waiting
    list put Tim first with "175 days", six days after he said no to his mentor, and Esra's page
    said "Waiting since 3 June" while her history had her matched from March to July."""
    waiting = Learner.objects.filter(state="waiting")
    assert waiting.count() > 20
    wrong = []
    for learner in waiting.select_related("programme"):
        joined = (LearnerTransition.objects.filter(learner=learner, to_state="waiting")
                  .order_by("-at", "-pk").values_list("at", flat=True).first())
        if joined is None or timezone.localdate(joined) != learner.waiting_since:
            wrong.append((learner.programme.slug, learner.waiting_since, joined and timezone.localdate(joined)))
    assert not wrong
