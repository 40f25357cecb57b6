"""Demo results for every seed programme (called by ``manage.py seed_demo`` after the journal).

* **Settings**: threshold 5, the country's definition of early school leaving (Flanders:
  vroegtijdig schoolverlaten; the Netherlands: startkwalificatie; elsewhere the EU indicator),
  school results covered by the consent text, targets for equal participation.
* **Waves**: learners answer the self-esteem scale at intake and closure (the Community Builders
  also the belonging scale, the programme's measure of success), and the relationship scale
  mid-cycle; mentors their relationship scale mid-cycle. Intake and mid-cycle are closed, closure
  is open now (so the demo learner's link works), a follow-up is planned.
* **Answers** of most matched learners and mentors, drawn so that scores rise a little on average.
* **Last school year's cohort**: pairs started in September a year ago and closed, with exit
  surveys, their story and their weeks in the journal (``journal.demo.seed_history``).
* **School indicators** of mentored learners (all had the recorded consent: matching requires it):
  absence rates at two dates, test scores in the Dutch programmes (doorstroomtoets 150–200), and the
  school status 6 and 12 months after the match started, where that day has passed.

Deterministic (``ctx.rng`` only); bulk-created.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection, models
from django.utils import timezone

from tandem.core.cycle import pair_end
from tandem.core.demo import (
    DemoContext,
    bulk_create_dated,
    happening_at,
    next_working_day,
    restamp,
    working_day,
)
from tandem.core.demo_names import gender_of, generation
from tandem.matching.models import Match
from tandem.outcomes.instruments import (
    BELONGING,
    RELATIONSHIP_LEARNER,
    RELATIONSHIP_MENTOR,
    ROSENBERG,
    SUPERVISOR_PROGRESS,
    Instrument,
)
from tandem.outcomes.models import (
    EarlyLeaving,
    OutcomeSettings,
    SchoolIndicator,
    SurveyInvitation,
    SurveyResponse,
    SurveyWave,
)
from tandem.outcomes.selectors import cycle_of

EARLY_LEAVING = {"BE": EarlyLeaving.BE, "NL": EarlyLeaving.NL}
DUTCH_TESTS = {"mentoren-op-zuid", "rolmodel-mentoring"}
# The teachers who follow the pairs answer the supervisors' questionnaire.
SUPERVISOR_WAVES = {"mentoren-op-zuid"}


def seed_demo(ctx: DemoContext) -> None:
    programme = ctx.programme
    rng = ctx.rng
    today = ctx.today
    _past_cohort(ctx)
    OutcomeSettings.objects.update_or_create(programme=programme, defaults={
        "early_leaving": EARLY_LEAVING.get(programme.country, EarlyLeaving.EU), "school_data_consent": True,
        "targets": {"learner_migration": 45, "mentor_migration": 35, "learner_first_generation": 50,
                    "mentor_first_generation": 40, "learner_female": 50, "mentor_female": 50,
                    # The schools' own figures for the young people the programme serves.
                    "population_learner_migration": 55, "population_learner_first_generation": 60,
                    "population_learner_female": 49}})
    matches = list(Match.objects.filter(programme=programme, state__in=(Match.State.ACTIVE, Match.State.CLOSED))
                   .select_related("learner__person", "volunteer__person").order_by("pk"))
    if not matches:
        return
    current = cycle_of(today)
    started = {m.pk: (timezone.localdate(m.first_meeting_at) if m.first_meeting_at else m.cycle_start or today)
               for m in matches}
    first = min(d for d in started.values() if cycle_of(d) == current) if any(
        cycle_of(d) == current for d in started.values()) else today - timedelta(days=60)
    past = [m for m in matches if cycle_of(started[m.pk]) != current]
    matches = [m for m in matches if cycle_of(started[m.pk]) == current] or matches
    learner_sets: list[tuple[Instrument, str]] = [(ROSENBERG, "learner")]
    if programme.slug == "community-builders":
        learner_sets.append((BELONGING, "learner"))
    waves: list[tuple[SurveyWave, Instrument]] = []
    plan = [("intake", first - timedelta(days=14), first + timedelta(days=30)),
            ("mid", today - timedelta(days=60), today - timedelta(days=30)),
            ("closure", today - timedelta(days=5), today + timedelta(days=25)),
            ("follow_up", today + timedelta(days=180), today + timedelta(days=210))]
    for instrument, audience in learner_sets:
        for kind, opens, closes in plan:
            if kind != "mid":
                waves.append((_wave(programme, instrument, audience, kind, opens, closes), instrument))
    waves.append((_wave(programme, RELATIONSHIP_LEARNER, "learner", "mid", *plan[1][1:]), RELATIONSHIP_LEARNER))
    waves.append((_wave(programme, RELATIONSHIP_MENTOR, "mentor", "mid", *plan[1][1:]), RELATIONSHIP_MENTOR))

    invitations: list[SurveyInvitation] = []
    responses: list[SurveyResponse] = []
    now = timezone.now()
    for wave, instrument in waves:
        if wave.opens_on > today:
            continue
        seen: set[int] = set()
        for match in matches:
            person = match.learner.person if wave.audience == "learner" else match.volunteer.person
            if person.pk in seen:
                continue
            seen.add(person.pk)
            answered = rng.random() < (0.85 if wave.kind != "closure" else 0.7)
            invitations.append(SurveyInvitation(wave=wave, person=person, match=match, sent_at=_sent(wave, now),
                                                answered_at=_answered(wave, person, now) if answered else None))
            if answered:
                lift = {"intake": 0.0, "mid": 0.2, "closure": 0.35}.get(wave.kind, 0.0)
                given = _answers(instrument, rng, lift + (0.15 if match.state == Match.State.ACTIVE else 0))
                responses.append(SurveyResponse(
                    wave=wave, person=person, match=match, answers=given, score=instrument.score(given),
                    subscores={s: instrument.score(given, subscale=s) for s in instrument.subscales},
                    language=person.language or ""))
    if past:
        begin = min(started[m.pk] for m in past)
        for instrument, audience in learner_sets:
            for kind, opens, closes in (("intake", begin - timedelta(days=14), begin + timedelta(days=30)),
                                        ("closure", begin + timedelta(days=250), begin + timedelta(days=280))):
                wave = _wave(programme, instrument, audience, kind, opens, closes)
                for match in past:
                    if rng.random() < 0.8:
                        lift = 0.4 if kind == "closure" else 0.0
                        given = _answers(instrument, rng, lift)
                        invitations.append(SurveyInvitation(
                            wave=wave, person=match.learner.person, match=match, sent_at=_sent(wave, now),
                            answered_at=_answered(wave, match.learner.person, now)))
                        responses.append(SurveyResponse(
                            wave=wave, person=match.learner.person, match=match, answers=given,
                            score=instrument.score(given),
                            subscores={s: instrument.score(given, subscale=s) for s in instrument.subscales},
                            language=match.learner.person.language or ""))
    SurveyInvitation.objects.bulk_create(invitations, ignore_conflicts=True)
    SurveyResponse.objects.bulk_create(responses, ignore_conflicts=True)
    _date_responses(invitations)
    if programme.slug in SUPERVISOR_WAVES:
        _supervisor_waves(ctx, plan)
    _indicators(programme, matches + past, started, rng, today)


def _supervisor_waves(ctx: DemoContext, plan: list[tuple[str, date, date]]) -> None:
    """The supervisors' questionnaire at intake (answered) and closure (open now, half answered),
    from a random stream of its own (the rest of the demo data stays the same)."""
    rng = random.Random(f"supervisors:{ctx.spec.slug}")
    now = timezone.now()
    invitations, responses = [], []
    for kind, opens, closes in plan:
        if kind not in ("intake", "closure"):
            continue
        wave = _wave(ctx.programme, SUPERVISOR_PROGRESS, "supervisor", kind, opens, closes)
        for index, person in enumerate(ctx.supervisors):
            answered = kind == "intake" or index % 2 == 1
            invitations.append(SurveyInvitation(wave=wave, person=person, sent_at=_sent(wave, now),
                                                answered_at=_answered(wave, person, now) if answered else None))
            if answered:
                given = _answers(SUPERVISOR_PROGRESS, rng, 0.3 if kind == "closure" else 0.0)
                responses.append(SurveyResponse(
                    wave=wave, person=person, answers=given, score=SUPERVISOR_PROGRESS.score(given),
                    subscores={s: SUPERVISOR_PROGRESS.score(given, subscale=s) for s in SUPERVISOR_PROGRESS.subscales},
                    language=person.language or ""))
    SurveyInvitation.objects.bulk_create(invitations, ignore_conflicts=True)
    SurveyResponse.objects.bulk_create(responses, ignore_conflicts=True)
    _date_responses(invitations)


def _evening(met: datetime, story: random.Random) -> datetime:
    """An answer given the evening after the first meeting (or the one after that)."""
    day = timezone.localdate(met) + timedelta(days=story.randint(1, 2))
    return timezone.make_aware(datetime.combine(day, time(story.randint(18, 21), story.choice([0, 10, 25, 40]))))


def _sent(wave: SurveyWave, now: datetime) -> datetime:
    """Invitations go out the morning the wave opens."""
    return min(now, timezone.make_aware(datetime.combine(wave.opens_on, time(9))))


def _answered(wave: SurveyWave, person: Any, now: datetime) -> datetime:
    """Answered within the wave's first days (the same day for the same person, not at random)."""
    return min(now, _sent(wave, now) + timedelta(days=person.pk % 6, hours=8 + person.pk % 10))


def _date_responses(invitations: list[SurveyInvitation]) -> None:
    """A response is stamped on insert: it was given when its invitation was answered."""
    rows = [(inv.answered_at, inv.wave_id, inv.person_id) for inv in invitations if inv.answered_at is not None]
    field = SurveyResponse._meta.get_field("answered_at")
    assert isinstance(field, models.Field)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {quote(SurveyResponse._meta.db_table)} SET {quote(str(field.column))} = %s "
            f"WHERE {quote('wave_id')} = %s AND {quote('person_id')} = %s",
            [(field.get_db_prep_save(when, connection), wave, person) for when, wave, person in rows])


def begin_of(match: Match) -> date:
    assert match.cycle_start is not None
    return match.cycle_start


def proposed_on(match: Match) -> date:
    """A week before last year's pair first met, on a working day (the coordinator proposed it)."""
    return working_day(begin_of(match) - timedelta(days=7))


def _born(start: date, age: int, month: int, day: int) -> date:
    """A birthday on ``month``/``day`` of someone who was ``age`` on ``start``."""
    return date(start.year - age - (1 if (month, day) > (start.month, start.day) else 0), month, day)


def _past_cohort(ctx: DemoContext) -> None:
    """Last school year's learners, mentored and completed, so follow-ups 6 and 12 months after
    the start exist and funders see dropout figures. They are as believable as this year's: names
    nobody else in the programme has, a declared gender that fits the name, a level of their age
    at a school or training place of that level in their city, reasons and needs, and the guardian
    who consented for a minor (``_guardians``)."""
    from tandem.core.models import Membership, Person, Role
    from tandem.intake.models import Learner, SensitiveProfile
    from tandem.onboarding.models import Volunteer

    programme, rng, today = ctx.programme, ctx.rng, ctx.today
    # Last year's mentors are this year's mentors (not the new applicants).
    mentor_pks = {p.pk for p in ctx.mentors}
    volunteers = list(Volunteer.objects.filter(programme=programme, person__in=mentor_pks)
                      .select_related("person").order_by("pk"))
    if not volunteers or not ctx.learners:
        return
    year = today.year if today.month >= 8 else today.year - 1
    start = date(year - 1, 9, 15)
    given = [p.given_name for p in ctx.learners]
    family = [p.family_name for p in ctx.learners]
    low, high = ctx.spec.learner_ages
    # Names nobody else in the programme has, of the learners' generation (the old draws stay,
    # for the stream), and of the programme's ages when their year began.
    people = [Person(organisation=programme.organisation, given_name=first, family_name=last,
                     language=ctx.spec.ui_language, date_of_birth=born)
              for _i in range(24 * ctx.scale)
              for _drawn in [(rng.choice(given), rng.choice(family))]
              for born in [_born(start, rng.randint(low, high), rng.randint(1, 12), rng.randint(1, 28))]
              for first, last in [ctx.name(generation(born))]]
    # The learners live where their school or training place is, in a city where the programme
    # has a mentor (each was paired with one of their own city: a pair the engine could make).
    by_city: dict[str, list[Volunteer]] = {}
    for volunteer in volunteers:
        by_city.setdefault(volunteer.person.city, []).append(volunteer)
    from tandem.intake import demo as intake_demo
    from tandem.intake import selectors as intake_selectors
    from tandem.intake.levels import WORK_BASED

    # A school level of their age at a place of that level in their city, why a mentor and what
    # they needed help with, as this year's learners have (intake's tables and rule), from a
    # random stream of its own (the rest of the demo data stays the same).
    profile = random.Random(f"{ctx.seed}:past-cohort-profile:{ctx.spec.slug}")
    levels = intake_demo.LEVELS.get(ctx.spec.slug, ["other"])
    why = intake_demo.REASONS.get(ctx.spec.slug, ["motivation"])
    needs = intake_demo.NEEDS.get(ctx.spec.slug, ["study_skills"])
    # Schools, VET providers and employers refer (a university only where it is the programme),
    # in a city with mentors.
    places = [i for i in ctx.institutions if i.kind != "university"] or ctx.institutions
    places = [i for i in places if i.city in by_city] or places
    home = next((c for c, _pc, _a, _b in ctx.spec.places if c in by_city), "")
    learners = []
    for index, person in enumerate(people):
        drawn = rng.choice(ctx.institutions) if ctx.institutions else None
        person.city = drawn.city if drawn is not None and drawn.city in by_city else home
        level, institution = intake_demo._schooling(person, index, profile.choice(levels), drawn, levels=levels,
                                                    institutions=places, today=start)
        if institution is not None and institution.city in by_city:
            person.city = institution.city
        person.postcode = next((pc for city, pc, _a, _b in ctx.spec.places if city == person.city), "")
        learners.append(Learner(
            programme=programme, person=person, state=Learner.State.COMPLETED, source=Learner.Source.COORDINATOR,
            institution=institution, level=level,
            # Put on the waiting list by the coordinator, on a working day.
            waiting_since=working_day(start - timedelta(days=rng.randint(10, 70)))))
    with happening_at(ctx.since):  # on the record since the programme's records were entered
        Person.objects.bulk_create(people)
    Membership.objects.bulk_create([Membership(person=p, organisation=programme.organisation,
                                               programme=programme, role=Role.LEARNER) for p in people])
    Learner.objects.bulk_create(learners)
    # Gender from a random stream of its own (the rest of the demo data stays the same): some
    # preferred not to say, a few answered "other", the rest the gender of their name (intake's rule).
    genders = random.Random(f"cohort-genders:{ctx.spec.slug}")
    SensitiveProfile.objects.bulk_create([
        SensitiveProfile(learner=learner, migration_background=rng.random() < 0.45,
                         first_generation=rng.random() < 0.55, consent=True,
                         # Declared when their year began: by the guardian of a minor then.
                         declared_by="guardian" if intake_selectors.needs_consent(learner, today=start)
                         else "learner",
                         gender=intake_demo._declared(
                             genders.choices(["female", "male", "other", ""], weights=[47, 43, 2, 8])[0],
                             gender_of(learner.person.given_name, ctx.spec.country)))
        for learner in learners if rng.random() < 0.8])
    # Reasons after which the learner's year ended (completed, or left school). Pairs that ended
    # because the mentor moved or the relationship did not work send the learner back to the
    # waiting list (matching's rule): this year's demo shows those.
    reasons = [Match.Closure.PLANNED_END] * 6 + [Match.Closure.GOALS_REACHED] * 2 + [Match.Closure.LEFT_SCHOOL]
    mentor_of: list[Volunteer] = []
    for index, person in enumerate(people):
        near = by_city[person.city]
        mentor_of.append(next((v for v in near[index % len(near):] + near[:index % len(near)]
                               if v.person.given_name != person.given_name
                               and v.person.family_name != person.family_name), near[index % len(near)]))
    from tandem.core.places import geocode

    for person, learner in zip(people, learners, strict=True):
        where = geocode(postcode=person.postcode, city=person.city, programme=programme) if person.city else None
        learner.latitude, learner.longitude = where if where else (None, None)
    employers = [i.name for i in ctx.institutions if i.kind == "employer"]
    for index, (learner, volunteer) in enumerate(zip(learners, mentor_of, strict=True)):
        # They speak the programme's language, and met at a moment the mentor was free.
        learner.languages = programme.languages[:1]
        learner.availability = list(volunteer.availability[:2])
        if learner.level in WORK_BASED and employers:
            learner.employer = intake_demo._local_employer(ctx, learner.person.city, profile.choice(employers))
        learner.reasons = profile.sample(why, profile.randint(1, len(why)))
        # The mentor knew about (one of) what they needed: the engine paired them on it.
        known = [code for code in needs if code in (volunteer.expertise or [])]
        learner.needs = list(dict.fromkeys([profile.choice(known) if known else needs[index % len(needs)],
                                            needs[(3 * index + 1) % len(needs)]]))
    Learner.objects.bulk_update(learners, ["latitude", "longitude", "languages", "availability", "employer",
                                           "reasons", "needs"])
    # What they said after the first meeting and at the end: a random stream of its own.
    story = random.Random(f"{ctx.seed}:past-cohort-story:{ctx.spec.slug}")
    from tandem.intake.selectors import needs_consent

    def minor(learner: Learner, on: date) -> bool:
        return learner.person.date_of_birth is not None and needs_consent(learner, today=on)

    matches = []
    for index, learner in enumerate(learners):
        volunteer = mentor_of[index]
        begin = ctx.spec.meeting_day(start + timedelta(days=rng.randint(0, 25)))  # a day the pairs meet
        reason = rng.choice(reasons)
        # A school year's pair runs 250 days; one of a programme that counts fewer weeks (Mentoren
        # op Zuid's 20) runs those, and one that ended early stopped well before its end.
        planned = min(250, ((pair_end(programme, begin) or begin + timedelta(days=250)) - begin).days)
        early = rng.randint(50, 200) if reason != Match.Closure.PLANNED_END else 0
        if early and planned < 250:
            early = 50 + (early - 50) * (planned - 64) // 150  # 20 weeks: 50 to 126 days
        # Closed by the coordinator on a working day.
        end = working_day(begin + timedelta(days=early or planned))
        met = ctx.meeting_at(begin)
        matches.append(Match(programme=programme, volunteer=volunteer, learner=learner, state=Match.State.CLOSED,
                             slot=1, capacity=max(1, volunteer.capacity), cycle_start=begin,
                             cycle_end=begin + timedelta(days=planned), closure_reason=reason,
                             first_meeting_at=met, first_meeting_held_on=begin,
                             first_meeting_place=learner.institution.name if learner.institution else "",
                             # Both said yes after the first meeting (else there would have been no year).
                             mentor_answer=Match.Answer.YES, learner_answer=Match.Answer.YES,
                             mentor_answered_at=_evening(met, story), learner_answered_at=_evening(met, story),
                             learner_answered_as="guardian" if minor(learner, begin) else "learner",
                             closed_at=timezone.make_aware(datetime.combine(end, time(12)))))
    Match.objects.bulk_create(matches)
    _guardians(ctx, [m for m in matches if m.learner_answered_as == "guardian"])
    left = [m.learner_id for m in matches if m.closure_reason == Match.Closure.LEFT_SCHOOL]
    Learner.objects.filter(pk__in=left).update(state=Learner.State.LEFT)
    # Every closed pair was asked how it went (matching's exit surveys), as this year's are.
    from tandem.matching.demo import TEXTS as MATCHING_TEXTS
    from tandem.matching.models import ExitSurvey

    comments = MATCHING_TEXTS["survey"].get(ctx.spec.ui_language) or MATCHING_TEXTS["survey"]["en"]
    surveys = []
    for m in matches:
        for side in (ExitSurvey.Side.MENTOR, ExitSurvey.Side.LEARNER):
            survey = ExitSurvey(match=m, side=side)
            if story.random() < 0.85:  # most answered how it went; a few never did
                assert m.closed_at is not None
                survey.rating = story.choice([3, 4, 4, 5, 5]) if m.closure_reason != Match.Closure.LEFT_SCHOOL \
                    else story.randint(2, 4)
                survey.recommend = survey.rating >= 3
                survey.comment = story.choice(comments) if story.random() < 0.5 else ""
                survey.answered_at = m.closed_at + timedelta(days=story.randint(1, 6), hours=story.randint(0, 8))
            surveys.append(survey)
    ExitSurvey.objects.bulk_create(surveys)
    # And every match tells its story: proposed, active from the cycle's start, closed.
    from tandem.matching.models import MatchEvent

    def local(moment: datetime | None) -> datetime:
        assert moment is not None
        return timezone.localtime(moment).replace(tzinfo=None)

    timeline = [(m, kind, when, data) for m in matches for kind, when, data in (
        (MatchEvent.Kind.PROPOSED, datetime.combine(proposed_on(m), time(10)), {}),
        (MatchEvent.Kind.FIRST_MEETING, datetime.combine(next_working_day(proposed_on(m) + timedelta(days=1)),
                                                         time(11)),
         {"at": m.first_meeting_at.isoformat() if m.first_meeting_at else None, "place": m.first_meeting_place}),
        (MatchEvent.Kind.ANSWERED, local(m.mentor_answered_at),
         {"side": "mentor", "answer": "yes", "reason": "", "answered_as": "mentor"}),
        (MatchEvent.Kind.ANSWERED, local(m.learner_answered_at),
         {"side": "learner", "answer": "yes", "reason": "", "answered_as": m.learner_answered_as}),
        (MatchEvent.Kind.ACTIVE, max(local(m.mentor_answered_at), local(m.learner_answered_at)),
         {"cycle_start": begin_of(m).isoformat()}),
        (MatchEvent.Kind.CLOSED, local(m.closed_at), {"reason": m.closure_reason}),
        *[(MatchEvent.Kind.SURVEY, local(s.answered_at), {"side": s.side}) for s in surveys
          if s.match is m and s.answered_at is not None])]
    events = MatchEvent.objects.bulk_create([MatchEvent(match=m, kind=kind, data=data) for m, kind, _at, data in timeline])
    for event, (_m, _kind, when, _data) in zip(events, timeline, strict=True):
        event.at = timezone.make_aware(when)
    MatchEvent.objects.bulk_update(events, ["at"])
    _cohort_history(ctx, matches)
    for match in matches:  # proposed when last year's cycle began (``created`` is set on insert)
        Match.objects.filter(pk=match.pk).update(
            created=timezone.make_aware(datetime.combine(proposed_on(match), time(10))))
    # And their weeks together, in the journal: a funder's report for last year counts their meetings.
    from tandem.journal import demo as journal_demo

    journal_demo.seed_history(ctx, Match.objects.filter(pk__in=[m.pk for m in matches]), stream="past-cohort")


def _guardians(ctx: DemoContext, matches: list[Match]) -> None:
    """The parent of each learner who was a minor when their pair began, living with them, and
    the consent they gave before the learner joined the waiting list (matching requires it):
    asked by the coordinator on a working day after the referral, given two days later, a few
    on a signed paper form the coordinator recorded. A random stream of its own (the rest of the
    demo data stays the same)."""
    from tandem.core.demo import demo_phone
    from tandem.core.demo_names import ADULT, ascii_slug
    from tandem.core.models import GuardianLink, Membership, Person, Role
    from tandem.intake.models import GuardianConsent
    from tandem.intake.selectors import current_consent_version

    if not matches:
        return
    draw = random.Random(f"{ctx.seed}:past-cohort-guardians:{ctx.spec.slug}")
    organisation, country = ctx.programme.organisation, ctx.spec.country
    guardians = []
    for m in matches:
        child = m.learner.person
        first, last = ctx.name(ADULT, family=child.family_name)
        slug = ascii_slug(f"{first}.{last}", country=country)
        guardians.append(Person(organisation=organisation, given_name=first, family_name=last,
                                email=f"{slug}.{child.pk}@{ctx.spec.org_slug}.example",
                                phone=demo_phone(country, child.city, draw.randint(10000000, 99999999)),
                                language=ctx.spec.ui_language, city=child.city, postcode=child.postcode))
    with happening_at(ctx.since):
        Person.objects.bulk_create(guardians)
    Membership.objects.bulk_create([Membership(person=g, organisation=organisation, programme=ctx.programme,
                                               role=Role.GUARDIAN) for g in guardians])
    GuardianLink.objects.bulk_create([GuardianLink(learner=m.learner.person, guardian=g, relationship="parent")
                                      for m, g in zip(matches, guardians, strict=True)])
    version = current_consent_version(ctx.programme) or 1
    consents = []
    for m, guardian in zip(matches, guardians, strict=True):
        waiting = m.learner.waiting_since or begin_of(m) - timedelta(days=30)
        asked = next_working_day(waiting - timedelta(days=9))  # the day after the referral
        paper = draw.random() < 0.3
        given = working_day(asked + timedelta(days=2)) if paper else asked + timedelta(days=2)
        consents.append(GuardianConsent(
            learner=m.learner, guardian=guardian, version=version,
            method=GuardianConsent.Method.PAPER_FORM if paper else GuardianConsent.Method.EMAIL_LINK,
            requested_by=ctx.coordinator_user, recorded_by=ctx.coordinator_user if paper else None,
            requested_at=timezone.make_aware(datetime.combine(asked, time(10))),
            given_at=timezone.make_aware(datetime.combine(given, time(draw.randint(11, 20))))))
    bulk_create_dated(GuardianConsent, consents, "requested_at")


def _cohort_history(ctx: DemoContext, matches: list[Match]) -> None:
    """Last year's learners' way through intake, dated: referred and waiting before their match,
    matched when it was proposed, completed (or left) when it closed."""
    from tandem.intake.models import Learner, LearnerTransition
    from tandem.intake.services import SOURCE_REASONS
    from tandem.matching.models import MatchingReason

    State = Learner.State
    steps = []
    for m in matches:
        proposed = timezone.make_aware(datetime.combine(proposed_on(m), time(10)))
        waiting = m.learner.waiting_since or begin_of(m) - timedelta(days=30)
        end = State.LEFT if m.closure_reason == Match.Closure.LEFT_SCHOOL else State.COMPLETED
        for before, after, why, when in (
            ("", State.REFERRED, SOURCE_REASONS[m.learner.source],
             timezone.make_aware(datetime.combine(waiting - timedelta(days=10), time(11)))),
            (State.REFERRED, State.WAITING, "", timezone.make_aware(datetime.combine(waiting, time(11)))),
            (State.WAITING, State.MATCHED, MatchingReason.MATCHED_WITH_MENTOR, proposed),
            (State.MATCHED, end, "", m.closed_at or proposed),
        ):
            steps.append(LearnerTransition(learner=m.learner, from_state=before, to_state=after, reason=why,
                                           actor=None if after == State.REFERRED else ctx.coordinator_user, at=when))
    steps = bulk_create_dated(LearnerTransition, steps, "at")
    learners = [step.learner for step in steps if step.to_state == State.REFERRED]
    for step, learner in zip([s for s in steps if s.to_state == State.REFERRED], learners, strict=True):
        learner.created = step.at
    restamp(Learner, "created", learners)


def _wave(programme: Any, instrument: Instrument, audience: str, kind: str, opens: date, closes: date) -> SurveyWave:
    wave, _created = SurveyWave.objects.get_or_create(
        programme=programme, instrument=instrument.code, audience=audience, kind=kind, opens_on=opens,
        defaults={"instrument_version": instrument.version, "closes_on": max(closes, opens)})
    return wave


def _answers(instrument: Instrument, rng: Any, lift: float) -> dict[str, int]:
    """A plausible set of answers: a person's level (around "agree"), raised by ``lift``."""
    level = rng.gauss(2.7 + lift, 0.45)
    out = {}
    for item in instrument.items:
        value = round(min(4.0, max(1.0, rng.gauss(level, 0.6))))
        out[item.code] = instrument.scale.low + instrument.scale.high - value if item.reverse else value
    return out


def _indicators(programme: Any, matches: list[Match], started: dict[int, date], rng: Any, today: date) -> None:
    rows: list[SchoolIndicator] = []
    last_year = today - timedelta(days=365)
    done: set[int] = set()
    for match in matches:
        learner = match.learner
        if learner.pk in done:
            continue
        done.add(learner.pk)
        start = started[match.pk]
        base = max(0.0, rng.gauss(11, 5))
        for day, rate in ((start - timedelta(days=20), base), (min(today, start + timedelta(days=150)),
                                                                 max(0.0, base - rng.gauss(2.5, 2)))):
            rows.append(SchoolIndicator(learner=learner, kind="absence_rate", measured_on=day,
                                        number=Decimal(f"{rate:.1f}"), source="import"))
        if programme.slug in DUTCH_TESTS:
            score = min(200, max(150, round(rng.gauss(171, 9))))
            rows.append(SchoolIndicator(learner=learner, kind="test_score", measured_on=max(last_year, start),
                                        number=Decimal(score), source="import"))
        for months in (6, 12):
            day = start + timedelta(days=round(months * 30.44))
            if day > today:
                continue
            roll = rng.random()
            status = "left_unqualified" if roll < 0.12 else ("qualified" if roll < 0.35 else "in_education")
            rows.append(SchoolIndicator(learner=learner, kind="school_status", measured_on=day, code=status,
                                        months_after=months))
    SchoolIndicator.objects.bulk_create(rows, ignore_conflicts=True)
