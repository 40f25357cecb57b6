"""A small programme whose every dashboard figure is computed by hand in test_figures.py.

Five matches, all starting on 1 September 2025 (school year 2025-2026):

=====  ========  ===============================  =================  ==============
match  state     closed                           meetings held      learner waited
=====  ========  ===============================  =================  ==============
A      active    –                                3 × 60 min         10 days
B      active    –                                2 × 90 min         20 days
C      closed    30 Jan 2026, planned end (151 d) 1 × 30 min         30 days
D      closed    1 Nov 2025, did not work (61 d)  –                  40 days
E      closed    1 Dec 2025, mentor moved (91 d)  –                  50 days
=====  ========  ===============================  =================  ==============

A also has a cancelled meeting (not counted). Goals: A one reached and one active, C one reached,
D one dropped, and an adjusted goal (replaced by a new version, not counted): 4 goals, 2 reached.
Self-esteem (Rosenberg, intake → closure) of the five learners: 20→25, 25→30, 25→25, 30→35, 20→30.
Absence rates 2025-10-01: A 10 %, B 20 %. Status 12 months after: A in education, B qualified,
C and D left without a qualification, E in education.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from conftest import World
from tandem.journal.models import Goal, GoalCategory, Meeting
from tandem.matching.models import Match
from tandem.outcomes.models import OutcomeSettings, SchoolIndicator, SurveyResponse, SurveyWave

START = date(2025, 9, 1)
POSITIVE = ("q1", "q3", "q4", "q7", "q10")
NEGATIVE = ("q2", "q5", "q6", "q8", "q9")
SCORES = {20: (2, 3), 25: (3, 3), 30: (3, 2), 35: (4, 2)}  # score → (positive answer, negative answer)
PAIRS = [(20, 25), (25, 30), (25, 25), (30, 35), (20, 30)]


def answers(score: int) -> dict[str, int]:
    pos, neg = SCORES[score]
    return {**dict.fromkeys(POSITIVE, pos), **dict.fromkeys(NEGATIVE, neg)}


def aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


def build(world: World) -> dict[str, Any]:
    from tandem.matching.tests.factories import mentor, pupil, relax

    relax(world)
    OutcomeSettings.objects.update_or_create(programme=world.programme, defaults={"school_data_consent": True})
    spec = [("A", "active", None, "", 10), ("B", "active", None, "", 20),
            ("C", "closed", date(2026, 1, 30), "planned_end", 30),
            ("D", "closed", date(2025, 11, 1), "relationship_did_not_work", 40),
            ("E", "closed", date(2025, 12, 1), "mentor_moved", 50)]
    matches: dict[str, Match] = {}
    for name, state, closed, reason, waited in spec:
        volunteer = mentor(world, f"Mentor{name}")
        learner = pupil(world, f"Pupil{name}", waited_days=waited)
        matches[name] = Match.objects.create(
            programme=world.programme, volunteer=volunteer, learner=learner, slot=1, capacity=1, state=state,
            cycle_start=START, closed_at=aware(closed) if closed else None, closure_reason=reason)
    for name, count, minutes in (("A", 3, 60), ("B", 2, 90), ("C", 1, 30)):
        for i in range(count):
            starts = aware(START + timedelta(days=7 * (i + 1)))
            Meeting.objects.create(match=matches[name], starts_at=starts, ends_at=starts + timedelta(hours=1),
                                   state="held", duration_minutes=minutes, logged_at=starts)
    starts = aware(START + timedelta(days=40))
    Meeting.objects.create(match=matches["A"], starts_at=starts, ends_at=starts + timedelta(hours=1),
                           state="cancelled", logged_at=starts)
    category = GoalCategory.objects.create(programme=world.programme, code="homework", label_en="Homework")
    for name, state in (("A", "reached"), ("A", "active"), ("C", "reached"), ("D", "dropped"), ("A", "adjusted")):
        Goal.objects.create(match=matches[name], category=category, description="Breuken", state=state,
                            closed_at=None if state == "active" else aware(date(2025, 12, 1)))
    waves = {kind: SurveyWave.objects.create(programme=world.programme, instrument="rses", audience="learner",
                                             kind=kind, opens_on=START, closes_on=date(2026, 7, 1))
             for kind in ("intake", "closure")}
    from tandem.outcomes.instruments import ROSENBERG

    for name, (before, after) in zip("ABCDE", PAIRS, strict=True):
        match = matches[name]
        for kind, score in (("intake", before), ("closure", after)):
            given = answers(score)
            assert ROSENBERG.score(given) == score
            SurveyResponse.objects.create(wave=waves[kind], person=match.learner.person, match=match,
                                          answers=given, score=ROSENBERG.score(given))
    for name, rate in (("A", "10.00"), ("B", "20.00")):
        SchoolIndicator.objects.create(learner=matches[name].learner, kind="absence_rate",
                                       measured_on=date(2025, 10, 1), number=rate)
    for name, status in (("A", "in_education"), ("B", "qualified"), ("C", "left_unqualified"),
                         ("D", "left_unqualified"), ("E", "in_education")):
        SchoolIndicator.objects.create(learner=matches[name].learner, kind="school_status",
                                       measured_on=date(2026, 9, 1), code=status, months_after=12)
    return matches
