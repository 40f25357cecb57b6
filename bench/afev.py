"""An AFEV-sized programme with a realistic history, written in bulk (shared by the benches).

``build_afev()`` makes the pool of ``bench_round.bulk_programme`` (7,000 volunteers, 10,000
learners from the engine's synthetic generator), then gives it what a programme looks like some
months into its school year, all with ``bulk_create``:

* ~7,000 **running pairs** (mostly active, a few with the first meeting planned), each volunteer's
  first place, started between three weeks and five months ago; and 700 pairs **closed** last
  school year (most as planned, some early), so the results have closures to count;
* the **journal**: one meeting a week from the start to today and one planned ahead — most held
  (with duration and sometimes the learner's rating), some cancelled or missed; one pair in ten
  stopped meeting some weeks ago; one or two **goals** per pair, some reached;
* **pulse ratings** of both sides: "does this fit?" after the first meeting, then every four weeks
  (a few pairs whose rating falls, a few where both sides disagree);
* coordinators' **check-ins** on days 14 and 28, then every six weeks (some overdue);
* a few **concerns** (2 % of the pairs, in every state and kind; safeguarding ones pause the pair);
* **exchange meetings** for mentors once a month, 250 invited each, with answers and attendance;
* a coordinator (a safeguarding lead) and an organisation admin, with the mentors' and learners'
  memberships.

Deterministic (``random.Random(seed)``); about a minute on SQLite, less on PostgreSQL.
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

VOLUNTEERS, LEARNERS, RUNNING = 7_000, 10_000, 7_000
CLOSED = 700
COORDINATOR = "coordination@bench-afev.example"
ADMIN = "admin@bench-afev.example"
BATCH = 2_000


@dataclass
class Built:
    programme: Any
    coordinator: Any  # User
    admin: Any  # User
    counts: dict[str, int]


def build_afev(*, volunteers: int = VOLUNTEERS, learners: int = LEARNERS, running: int = RUNNING,
               closed: int = CLOSED, seed: int = 2026, today: date | None = None) -> Built:
    """The AFEV-sized programme ``bench-afev`` with its history (see the module's docstring)."""
    from bench_round import bulk_programme
    from django.db import transaction
    from django.utils import timezone

    assert running <= volunteers and running + closed <= learners, "a learner per pair, a volunteer per running pair"
    rng = random.Random(seed)
    today = today or timezone.localdate()
    with transaction.atomic():  # all or nothing
        return _build(bulk_programme("afev", volunteers, learners, seed), running=running, closed=closed,
                      rng=rng, today=today)


def _build(programme: Any, *, running: int, closed: int, rng: random.Random, today: date) -> Built:
    from django.utils import timezone

    from tandem.core.models import Membership, Person, Role, User
    from tandem.intake.models import Learner
    from tandem.journal.categories import categories_seed
    from tandem.journal.models import Goal, GoalCategory, Meeting
    from tandem.matching.models import Match
    from tandem.onboarding.models import Volunteer
    from tandem.support.models import (
        CheckIn,
        Concern,
        ExchangeInvitation,
        ExchangeMeeting,
        MatchPause,
        PulseRating,
        SafeguardingLead,
    )

    tz = timezone.get_current_timezone()
    now = timezone.now()

    def at(day: date, hour: int = 17) -> datetime:
        return datetime.combine(day, time(hour, 0), tz)

    organisation = programme.organisation
    year_start = date(today.year if today.month >= 8 else today.year - 1, 9, 1)
    programme.cycle_start, programme.cycle_end = year_start, date(year_start.year + 1, 6, 30)
    programme.session_minutes = 60
    programme.save(update_fields=["cycle_start", "cycle_end", "session_minutes"])
    counts: dict[str, int] = {}
    coordinator = User.objects.create(email=COORDINATOR, full_name="Camille Bench", language="fr")
    admin = User.objects.create(email=ADMIN, full_name="Alex Bench", language="fr")
    staff = Person.objects.bulk_create([
        Person(organisation=organisation, user=coordinator, given_name="Camille", family_name="Bench",
               language="fr", email=COORDINATOR),
        Person(organisation=organisation, user=admin, given_name="Alex", family_name="Bench",
               language="fr", email=ADMIN)])
    vols = list(Volunteer.objects.filter(programme=programme).order_by("pk"))
    lrns = list(Learner.objects.filter(programme=programme).order_by("pk"))
    Membership.objects.bulk_create([
        Membership(person=staff[0], organisation=organisation, programme=programme, role=Role.COORDINATOR),
        Membership(person=staff[1], organisation=organisation, programme=None, role=Role.ORG_ADMIN),
        *(Membership(person_id=v.person_id, organisation=organisation, programme=programme, role=Role.MENTOR)
          for v in vols),
        *(Membership(person_id=lr.person_id, organisation=organisation, programme=programme, role=Role.LEARNER)
          for lr in lrns),
    ], batch_size=BATCH)
    SafeguardingLead.objects.create(programme=programme, person=staff[0])

    # --- pairs: the first ``closed`` closed last year (learner i, a volunteer who goes on), then
    # the running ones (volunteer i with learner ``closed`` + i) ----------------------------------
    matches: list[Match] = []
    for i in range(running + closed):
        v, lr = vols[i % closed if i < closed else i - closed], lrns[i]
        if i < closed:
            start = year_start - timedelta(days=rng.randint(300, 360))
            end = start + timedelta(days=rng.randint(150, 280))
            early = rng.random() < 0.2
            matches.append(Match(
                programme=programme, volunteer=v, learner=lr, state=Match.State.CLOSED, slot=1,
                capacity=v.capacity, first_meeting_at=at(start), first_meeting_held_on=start,
                mentor_answer="yes", learner_answer="yes", cycle_start=start, cycle_end=end,
                closed_at=at(end), closure_reason=rng.choice([
                    Match.Closure.DID_NOT_WORK, Match.Closure.MENTOR_MOVED, Match.Closure.LEFT_SCHOOL])
                if early else rng.choice([Match.Closure.PLANNED_END, Match.Closure.GOALS_REACHED])))
            continue
        start = today - timedelta(days=rng.randint(21, 150))
        introduced = rng.random() < 0.03
        ends_soon = rng.random() < 0.03
        end = today + timedelta(days=rng.randint(3, 20)) if ends_soon else programme.cycle_end
        matches.append(Match(
            programme=programme, volunteer=v, learner=lr, slot=1, capacity=v.capacity,
            state=Match.State.INTRODUCED if introduced else Match.State.ACTIVE,
            first_meeting_at=at(today + timedelta(days=rng.randint(1, 10))) if introduced else at(start),
            first_meeting_held_on=None if introduced else start,
            mentor_answer="" if introduced else "yes", learner_answer="" if introduced else "yes",
            cycle_start=None if introduced else start, cycle_end=None if introduced else end))
    Match.objects.bulk_create(matches, batch_size=BATCH)
    Volunteer.objects.filter(pk__in=[m.volunteer_id for m in matches[closed:]]).update(state="active")
    Learner.objects.filter(pk__in=[m.learner_id for m in matches[closed:]]).update(state="matched")
    Learner.objects.filter(pk__in=[m.learner_id for m in matches[:closed]]).update(state="completed")
    counts["running pairs"], counts["closed pairs"] = running, closed

    categories_seed(programme=programme)
    categories = list(GoalCategory.objects.filter(programme=programme).order_by("position"))

    # --- the journal, goals, pulse ratings and check-ins of each pair --------------------------
    meetings: list[Meeting] = []
    goals: list[Goal] = []
    pulses: list[PulseRating] = []
    check_ins: list[CheckIn] = []
    n = {"meetings": 0, "goals": 0, "pulse ratings": 0, "check-ins": 0}

    def flush(force: bool = False) -> None:
        for rows, model, key in ((meetings, Meeting, "meetings"), (goals, Goal, "goals"),
                                 (pulses, PulseRating, "pulse ratings"), (check_ins, CheckIn, "check-ins")):
            if rows and (force or len(rows) >= 20_000):
                model.objects.bulk_create(rows, batch_size=BATCH)  # type: ignore[attr-defined]
                n[key] += len(rows)
                rows.clear()

    for match in matches:
        start = match.cycle_start
        if start is None:  # introduced: the first meeting is ahead
            continue
        last_day = timezone.localdate(match.closed_at) if match.closed_at else today
        stopped = match.state == Match.State.ACTIVE and rng.random() < 0.1
        stop_day = today - timedelta(days=rng.randint(20, 40)) if stopped else None
        day = start
        week = 0
        while day <= last_day + timedelta(days=7):
            starts = at(day)
            meeting = Meeting(match=match, starts_at=starts, ends_at=starts + timedelta(minutes=60),
                              place="Médiathèque")
            if day > last_day:
                if match.state != Match.State.ACTIVE:
                    break  # closed pairs plan nothing more
            elif stop_day is not None and day > stop_day:
                meeting.state = Meeting.State.CANCELLED if rng.random() < 0.5 else Meeting.State.PLANNED
                if meeting.state == Meeting.State.PLANNED:
                    day += timedelta(days=7)
                    continue  # nothing planned any more
                meeting.missed_by, meeting.logged_at = Meeting.Who.LEARNER, starts + timedelta(hours=3)
            else:
                roll = rng.random()
                meeting.logged_at = starts + timedelta(hours=rng.randint(2, 30))
                if week and roll < 0.08:
                    meeting.state, meeting.missed_by = Meeting.State.CANCELLED, rng.choice(
                        [Meeting.Who.LEARNER, Meeting.Who.MENTOR, Meeting.Who.SCHOOL])
                    meeting.missed_reason = "Malade"
                elif week and roll < 0.13:
                    meeting.state, meeting.missed_by = Meeting.State.NO_SHOW, Meeting.Who.LEARNER
                else:
                    meeting.state = Meeting.State.HELD
                    meeting.duration_minutes = rng.choice([45, 60, 60, 60, 75])
                    meeting.activities = "Devoirs de mathématiques, lecture."
                    if rng.random() < 0.6:
                        meeting.rating = rng.choice([3, 4, 4, 5, 5])
                        meeting.rated_at = meeting.ends_at + timedelta(hours=2)
                        meeting.rated_via = Meeting.RatedVia.LINK
            meetings.append(meeting)
            day += timedelta(days=7)
            week += 1
        for g in range(rng.choice([1, 1, 2])):
            reached = match.state == Match.State.CLOSED and rng.random() < 0.6
            goals.append(Goal(match=match, category=categories[g % len(categories)], description=f"Objectif {g + 1}",
                              state=Goal.State.REACHED if reached else Goal.State.ACTIVE,
                              agreed_at=at(start + timedelta(days=7)), agreed_as=Goal.Agreed.LEARNER,
                          closed_at=match.closed_at if reached else None))
        # Pulse ratings: the fit after the first meeting, then every four weeks.
        mood = rng.random()
        answer_day = start + timedelta(days=1)
        question = PulseRating.Question.FIT
        answers = 0
        while answer_day <= last_day:
            for side in (PulseRating.Side.MENTOR, PulseRating.Side.LEARNER):
                score = rng.choice([4, 4, 5, 5, 3])
                if mood < 0.03 and side == "learner" and answer_day + timedelta(days=28) > last_day:
                    score = max(1, score - 3)  # the learner's rating falls at the end
                if 0.03 <= mood < 0.06 and side == "mentor":
                    score = 2  # the mentor sees it differently
                pulses.append(PulseRating(match=match, side=side, question=question, score=score,
                                          at=at(answer_day, 20) + timedelta(hours=answers % 3)))
            question = PulseRating.Question.PULSE
            answers += 1
            answer_day += timedelta(days=28)
        # Check-ins: days 14 and 28, then every six weeks; one pair in five has missed the last.
        lazy = rng.random() < 0.2
        for offset in (14, 28, *range(70, 400, 42)):
            on = start + timedelta(days=offset)
            if on > last_day or (lazy and on + timedelta(days=42) > last_day):
                break
            check_ins.append(CheckIn(match=match, on=on, with_whom=rng.choice(["mentor", "learner"]),
                                     how=rng.choice(["phone", "message", "in_person"]), minutes=10,
                                     notes="Tout va bien.", follow_up=rng.random() < 0.05))
        flush()
    flush(force=True)
    counts.update(n)

    # --- concerns (2 %), each kind and state; a safeguarding one pauses its pair -----------
    kinds = list(Concern.Kind.values)
    states = list(Concern.State.values)
    concerns = []
    for match in rng.sample(matches[closed:], k=max(1, running // 50)):
        kind, state = rng.choice(kinds), rng.choice(states)
        raised = now - timedelta(days=rng.randint(1, 60))
        concerns.append(Concern(programme=programme, match=match, kind=kind, state=state,
                                description="Le mentor est souvent en retard.", raised_as=Concern.As.MENTOR,
                                raised_by_id=match.volunteer.person_id, raised_at=raised,
                                resolved_at=now if state == Concern.State.RESOLVED else None,
                                outcome="Appel au mentor." if state != Concern.State.RAISED else ""))
    Concern.objects.bulk_create(concerns, batch_size=BATCH)
    MatchPause.objects.bulk_create([
        MatchPause(match=c.match, concern=c, since=c.raised_at) for c in concerns
        if c.kind == Concern.Kind.SAFEGUARDING and c.state != Concern.State.RESOLVED])
    counts["concerns"] = len(concerns)

    # --- exchange meetings: monthly, 250 mentors invited to each ------------------------------
    mentor_people = [m.volunteer.person_id for m in matches[closed:]]
    exchanges, invitations = [], []
    day = year_start + timedelta(days=14)
    while day <= today + timedelta(days=30):
        exchanges.append(ExchangeMeeting(programme=programme, topic="Échange de pratiques",
                                         starts_at=at(day, 18), minutes=90, place="Maison des associations"))
        day += timedelta(days=30)
    ExchangeMeeting.objects.bulk_create(exchanges)
    for meeting in exchanges:
        past = meeting.starts_at < now
        for person_id in rng.sample(mentor_people, k=min(250, len(mentor_people))):
            answer = rng.choice(["yes", "yes", "no", ""])
            invitations.append(ExchangeInvitation(
                meeting=meeting, person_id=person_id, answer=answer,
                answered_at=meeting.starts_at - timedelta(days=3) if answer else None,
                attended=past and answer == "yes" and rng.random() < 0.8))
    ExchangeInvitation.objects.bulk_create(invitations, batch_size=BATCH)
    counts["exchange meetings"], counts["invitations"] = len(exchanges), len(invitations)
    return Built(programme=programme, coordinator=coordinator, admin=admin, counts=counts)
