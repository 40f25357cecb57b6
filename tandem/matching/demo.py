"""Demo matches for every seed programme, in every state of a match's life.

Called by ``manage.py seed_demo`` once per newly created programme, after the onboarding and
intake demo data (the volunteers and learners it pairs). What it writes:

* **active** matches for every learner the intake demo put in *matched* (with the programme's
  *active* volunteers, a ready one borrowed when they run out), answered yes by both sides the
  days after their first meeting, the cycle started on the day of that meeting weeks ago — in
  the group programme as members of learning communities;
* the **demo log-ins**: the demo mentor (``ctx.mentors[0]``) and the demo learner
  (``ctx.learners[0]``) are paired through the services and their first meeting took place two
  days ago, so the mentor, the learner (or their guardian) and the coordinator each see it and
  can answer;
* one **declined** pair (the mentor said yes, the learner's side said no, with the reason) and
  its ``DeclinedPair``; the learner waits again and the coordinator is offered the next best;
* **closed** matches with their exit surveys: completed learners (planned end, goals reached),
  learners who left school, and two early endings whose learner is back on the waiting list
  (mentor moved, the relationship did not work — that pair has its ``DeclinedPair`` too);
* where mentors answer by phone (VerA), one pair whose first meeting took place four days ago
  and whose mentor's yes the coordinator **recorded** from a phone call, through the service;
* a **real matching round** run synchronously over the remaining pools, with one or two
  proposals published (*proposed* matches; the first has its first meeting planned next week, so
  nobody can answer yet) and the rest awaiting the coordinator's review;
* in the group programme, **learning communities** with names, a place, a rhythm and planned
  meetings.

States stay consistent: a learner with an open match is *matched* and its volunteer *active*;
learners of closed matches are *completed*, *left* or back *waiting*; the to-and-fro of declined
and early-closed pairs is recorded in both sides' transition history. Deterministic (only
``ctx.rng``); rows scale with ``--scale`` are written with ``bulk_create``; the matching services
are used where capacity slots and constraints matter (the demo pair, the round, publishing),
with their e-mails silenced.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from tandem.core.cycle import pair_end
from tandem.core.demo import (
    DemoContext,
    bulk_create_dated,
    demo_phone,
    happening_at,
    next_working_day,
    working_day,
)
from tandem.core.models import Person, Programme
from tandem.core.places import geocode
from tandem.intake import selectors as intake_selectors
from tandem.intake.models import Learner, LearnerTransition
from tandem.matching import problem as adapter
from tandem.matching import services
from tandem.matching.models import (
    CommunityMeeting,
    DeclinedPair,
    ExitSurvey,
    LearningCommunity,
    Match,
    MatchEvent,
    MatchingReason,
    Proposal,
)
from tandem.onboarding import selectors as onboarding_selectors
from tandem.onboarding.models import Volunteer, VolunteerState, VolunteerTransition

LState = Learner.State
VState = VolunteerState
Kind = MatchEvent.Kind
PUBLISH = 2  # proposals of the demo round published; the rest await review

# Free text people typed, in the programme's language (data, not interface strings).
TEXTS: dict[str, dict[str, list[str]]] = {
    "declined": {
        "nl": ["Het klikte niet tijdens de kennismaking.", "We hebben te weinig gemeen."],
        "de": ["Beim ersten Treffen hat die Chemie nicht gestimmt.", "Wir passen leider nicht zusammen."],
        "fr": ["Le courant n'est pas passé lors de la première rencontre.", "Nous n'avons pas les mêmes attentes."],
        "en": ["It did not click at the first meeting.", "We have too little in common."],
    },
    "survey": {
        "nl": ["Fijn om iemand te hebben die echt luistert.", "Ik heb veel geleerd over plannen.",
               "Soms was het lastig om een moment te vinden."],
        "de": ["Es war gut, jemanden zu haben, der wirklich zuhört.", "Ich habe viel über Planung gelernt.",
               "Manchmal war es schwer, einen Termin zu finden."],
        "fr": ["C'était bien d'avoir quelqu'un qui écoute vraiment.", "J'ai beaucoup appris sur l'organisation.",
               "Parfois difficile de trouver un créneau."],
        "en": ["Good to have someone who really listens.", "I learned a lot about planning.",
               "Sometimes it was hard to find a moment."],
    },
    "note": {
        "nl": ["De mentor is verhuisd naar een andere stad.", "Na drie gesprekken besloten om te stoppen."],
        "de": ["Die Mentor:in ist in eine andere Stadt gezogen.", "Nach drei Gesprächen gemeinsam beendet."],
        "fr": ["Le bénévole a déménagé dans une autre ville.", "Arrêt décidé ensemble après trois rencontres."],
        "en": ["The mentor moved to another city.", "Stopped together after three meetings."],
    },
    "topic": {
        "de": ["Ankommen an der Uni: Was hilft?", "Lerngruppen organisieren", "Prüfungsphase planen",
               "Praktikum und Nebenjob", "Stipendien und BAföG"],
        "nl": ["Wennen aan de nieuwe school", "Samen leren plannen", "Toetsweek voorbereiden",
               "Stage en bijbaan", "Studiefinanciering"],
        "fr": ["Bien démarrer l'année", "Organiser son travail", "Préparer les examens",
               "Stage et job étudiant", "Bourses et aides"],
        "en": ["Settling in at university", "Organising study groups", "Planning the exam period",
               "Internships and side jobs", "Grants and funding"],
    },
    "place": {
        "nl": ["Bibliotheek {city}"], "de": ["Stadtbibliothek {city}"], "fr": ["Médiathèque de {city}"],
        "en": ["{city} public library"],
    },
    "phoned": {  # the coordinator's note on a mentor's answer given by phone
        "de": ["Hat im Büro angerufen: Das erste Treffen war gut, möchte gern weitermachen."],
        "nl": ["Belde naar het kantoor: de kennismaking ging goed, wil graag verder."],
        "fr": ["A appelé le bureau : la première rencontre s'est bien passée, veut continuer."],
        "en": ["Called the office: the first meeting went well, happy to go on."],
    },
    "room": {
        "de": ["Seminarraum {n}, Campus {city}"], "nl": ["Lokaal {n}, {city}"], "fr": ["Salle {n}, {city}"],
        "en": ["Room {n}, {city} campus"],
    },
}


def seed_demo(ctx: DemoContext) -> None:
    with translation.override(ctx.spec.ui_language), services.silenced():
        _Seeder(ctx).run()


class _Seeder:
    def __init__(self, ctx: DemoContext) -> None:
        self.ctx, self.rng, self.today = ctx, ctx.rng, ctx.today
        self.programme: Programme = ctx.programme
        self.coordinator = ctx.coordinator_user
        self.language = ctx.spec.ui_language if ctx.spec.ui_language in TEXTS["declined"] else "en"
        self.group = self.programme.format == Programme.Format.GROUP
        self.tz = timezone.get_current_timezone()
        self.volunteers = list(Volunteer.objects.filter(programme=self.programme)
                               .select_related("person", "programme").order_by("pk"))
        self.learners = list(Learner.objects.filter(programme=self.programme)
                             .select_related("person", "programme").order_by("pk"))
        self.account_volunteer = next(v for v in self.volunteers if v.person_id == ctx.mentors[0].pk)
        self.account_learner = next(x for x in self.learners if x.person_id == ctx.learners[0].pk)
        matchable = onboarding_selectors.matchable_volunteers(programme=self.programme, today=self.today)
        self.matchable = set(matchable.values_list("pk", flat=True))
        # Ready volunteers with a valid screening that the demo may use (not the demo account).
        self.ready = [v for v in self.volunteers
                      if v.state == VState.READY and v.pk in self.matchable and v.pk != self.account_volunteer.pk]
        self.waiting = [x for x in self.learners
                        if x.state == LState.WAITING and x.pk != self.account_learner.pk]
        self.used: dict[int, int] = {}  # open slots taken per volunteer by the bulk part
        self.communities: dict[int, LearningCommunity] = {}
        self.matches: list[Match] = []
        self.events: list[tuple[Match, str, datetime, dict[str, Any]]] = []
        self.surveys: list[ExitSurvey] = []
        # (who, from, to, why, when): each step dated when it happened in the pair's story.
        self.learner_steps: list[tuple[Learner, str, str, str, datetime]] = []
        self.volunteer_steps: list[tuple[Volunteer, str, str, str, datetime]] = []
        # Pairs never to be proposed again (a "no", a relationship that did not work), and when.
        self.never_again: list[tuple[Learner, Volunteer, str, str, datetime]] = []
        self.when: dict[int, datetime] = {}  # the real date of rows whose date field is auto_now_add
        limit = adapter.criteria_for(self.programme).max_distance_km
        self.reach = 0.8 * limit if limit else None  # well within the limit (addresses move a little)
        self.paired: set[int] = set()  # volunteers given a pair by this seeder
        self.moved: list[Volunteer] = []  # volunteers who live where their first learner lives
        self.spread: list[Learner] = []  # waiting learners given a ready volunteer's free moment
        self.relaxed: list[Learner] = []  # learners who would take a mentor of any gender after all
        self.returned: list[Learner] = []  # back on the waiting list after a pair came apart

    # --- who fits whom ---------------------------------------------------------------------

    def fits(self, volunteer: Volunteer, learner: Learner) -> bool:
        """A pair the engine could make: they live in the same city or well within the distance
        limit, do not share a first or a family name (no siblings), and the mentor is of the
        gender the learner asked for. (Both speak the programme's language; a free moment in
        common is seen to in ``write``.)"""
        return ((volunteer.person.city == learner.person.city or self.near(volunteer, learner))
                and volunteer.person.given_name != learner.person.given_name
                and volunteer.person.family_name != learner.person.family_name  # not siblings
                and learner.gender_preference in ("", "any", volunteer.gender))

    def near(self, volunteer: Volunteer, learner: Learner) -> bool:
        points = (volunteer.latitude, volunteer.longitude, learner.latitude, learner.longitude)
        if self.reach is None or None in points:
            return False
        lat1, lon1, lat2, lon2 = (math.radians(float(x)) for x in points if x is not None)
        a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
        return 2 * 6371 * math.asin(math.sqrt(a)) <= self.reach

    def choose(self, candidates: list[Volunteer], learner: Learner, start: int = 0) -> Volunteer | None:
        """The first candidate (from ``start`` on, round the list) who fits the learner; else the
        first who has no pair yet, moved to the learner's city (a volunteer with no history may
        live anywhere); else none."""
        rotated = candidates[start % len(candidates):] + candidates[:start % len(candidates)] if candidates else []
        chosen = next((v for v in rotated if self.fits(v, learner)), None)
        if chosen is None:
            chosen = next((v for v in rotated if v.pk not in self.paired and v.pk != self.account_volunteer.pk
                           and v.person.given_name != learner.person.given_name
                           and v.person.family_name != learner.person.family_name
                           and learner.gender_preference in ("", "any", v.gender)), None)
            if chosen is not None:
                self.move(chosen, learner)
        if chosen is None and learner.gender_preference not in ("", "any"):
            # Nobody of the gender asked for: at intake the learner said anyone would do after all.
            learner.gender_preference = "any"
            self.relaxed.append(learner)
            return self.choose(candidates, learner, start)
        if chosen is not None:
            self.paired.add(chosen.pk)
        return chosen

    def move(self, volunteer: Volunteer, learner: Learner) -> None:
        person = volunteer.person
        person.city, person.postcode = learner.person.city, learner.person.postcode
        person.phone = demo_phone(self.programme.country, person.city, person.pk * 7919)
        where = geocode(country=self.programme.country, postcode=person.postcode, city=person.city)
        volunteer.latitude, volunteer.longitude = where if where else (learner.latitude, learner.longitude)
        self.moved.append(volunteer)

    # --- helpers ---------------------------------------------------------------------------

    def text(self, kind: str, **fmt: Any) -> str:
        options = TEXTS[kind].get(self.language) or TEXTS[kind]["en"]
        return self.rng.choice(options).format(**fmt)

    def at(self, day: date, hour: int = 16, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), self.tz)

    def ago(self, low: int, high: int) -> date:
        return self.today - timedelta(days=self.rng.randint(low, high))

    def place(self, learner: Learner) -> str:
        return services.default_place(self.programme) or self.text("place", city=learner.person.city or "")

    def community(self, volunteer: Volunteer) -> LearningCommunity | None:
        if not self.group:
            return None
        if volunteer.pk not in self.communities:
            city = volunteer.person.city or self.ctx.spec.places[0][0]
            community = LearningCommunity(
                programme=self.programme, volunteer=volunteer, capacity=volunteer.capacity,
                meeting_place=self.text("room", n=self.rng.randint(101, 420), city=city),
            )
            community.save()
            self.communities[volunteer.pk] = community
        return self.communities[volunteer.pk]

    def explained(self, volunteer: Volunteer, learner: Learner) -> tuple[float | None, list[Any]]:
        check = adapter.check_pair(programme=self.programme, volunteer=volunteer, learner=learner, today=self.today)
        return (check.score, check.items) if check.items else (None, [])

    def answered_as(self, learner: Learner) -> str:
        return "guardian" if intake_selectors.needs_consent(learner, today=self.today) else "learner"

    def pair(self, volunteer: Volunteer, learner: Learner, *, state: str, proposed: date, meeting: date,
             **fields: Any) -> Match:
        """A match written in bulk, with the timeline of a pair that got this far."""
        moved = self.ctx.spec.meeting_day(meeting)  # on a day and at an hour this programme meets
        if fields.get("cycle_start") == meeting:  # the cycle runs from the day of that meeting
            fields["cycle_start"] = moved
            # …and so does its end, when it was counted from the unmoved day: else a 20-week pair
            # ran 20 weeks and some days, and its journal read "Week 9 of 21".
            if fields.get("cycle_end") is not None and fields["cycle_end"] == self.cycle(meeting):
                fields["cycle_end"] = self.cycle(moved)
        meeting = moved
        # The coordinator proposes and plans on working days.
        proposed = next_working_day(proposed)
        score, items = self.explained(volunteer, learner)
        is_open = state in ("proposed", "introduced", "active")
        if is_open:
            self.used[volunteer.pk] = self.used.get(volunteer.pk, 0) + 1
        met, mentor_said, learner_said = (self.ctx.meeting_at(meeting), self.at(meeting + timedelta(days=1), 19),
                                          self.at(meeting + timedelta(days=2), 20))
        values: dict[str, Any] = {
            "programme": self.programme, "volunteer": volunteer, "learner": learner, "state": state,
            "community": self.community(volunteer) if is_open else None,
            "slot": self.used[volunteer.pk] if is_open else 1, "capacity": volunteer.capacity,
            "score": score, "items": items, "first_meeting_at": met, "first_meeting_place": self.place(learner),
            "first_meeting_held_on": meeting,
            "mentor_answer": "yes", "mentor_answered_at": mentor_said,
            "learner_answer": "yes", "learner_answered_at": learner_said,
            "learner_answered_as": self.answered_as(learner), "created_by": self.coordinator,
        }
        match = Match(**{**values, **fields})
        self.when[id(match)] = self.at(proposed, 10)
        self.matches.append(match)
        self.event(match, Kind.PROPOSED, self.at(proposed, 10), score=score, manual=False, warnings=[])
        self.event(match, Kind.FIRST_MEETING, self.at(next_working_day(proposed + timedelta(days=1)), 11),
                   at=met.isoformat(), place=match.first_meeting_place)
        self.event(match, Kind.ANSWERED, mentor_said, side="mentor", answer="yes", reason="", answered_as="mentor")
        self.event(match, Kind.ANSWERED, learner_said, side="learner", answer=match.learner_answer,
                   reason=match.learner_reason, answered_as=match.learner_answered_as)
        if match.cycle_start:
            self.event(match, Kind.ACTIVE, learner_said, cycle_start=match.cycle_start.isoformat(),
                       cycle_end=match.cycle_end.isoformat() if match.cycle_end else None)
        return match

    def event(self, match: Match, kind: str, when: datetime, **data: Any) -> None:
        self.events.append((match, kind, when, data))

    def cycle(self, start: date) -> date | None:
        return pair_end(self.programme, start)

    def bounce(self, learner: Learner, volunteer: Volunteer | None, why: str, *, matched: datetime,
               apart: datetime) -> None:
        """The pair was matched (at ``matched``) and came apart (at ``apart``): both sides'
        histories show the way back."""
        self.learner_steps += [(learner, LState.WAITING, LState.MATCHED, MatchingReason.MATCHED_WITH_MENTOR, matched),
                               (learner, LState.MATCHED, LState.WAITING, why, apart)]
        # Waiting again since that day, as the services count it (the waiting list's "days
        # waiting" and its longest-waiting first read it).
        learner.waiting_since = timezone.localdate(apart)
        self.returned.append(learner)
        if volunteer is not None and volunteer.state == VState.READY:
            self.volunteer_steps += [
                (volunteer, VState.READY, VState.ACTIVE, MatchingReason.MATCHED_WITH_LEARNER, matched),
                (volunteer, VState.ACTIVE, VState.READY,
                 MatchingReason.NO_OPEN_PLACE if self.group else MatchingReason.NO_OPEN_MATCH, apart)]

    # --- the scenes ------------------------------------------------------------------------

    def run(self) -> None:
        self.active_matches()
        self.declined_match()
        self.closed_matches()
        self.spread_ready()
        self.write()
        self.demo_accounts()
        self.answer_by_phone()
        self.round()
        self.meetings()

    def active_matches(self) -> None:
        matched = [x for x in self.learners if x.state == LState.MATCHED]
        hosts = [v for v in self.volunteers if v.state == VState.ACTIVE]
        if self.group:
            # The demo mentor leads a community with a few members (the demo learner joins later).
            hosts = [self.account_volunteer, self.account_volunteer, *hosts]
        hosts = [h for h in hosts if h.capacity > 0]
        for learner in matched:
            free = [h for h in hosts if self.used.get(h.pk, 0) < h.capacity - (1 if self.group else 0)]
            # An active mentor of the learner's city (or one with no pair yet, who lives there).
            # Those who lead no pair yet first (every active mentor has one).
            free.sort(key=lambda h: self.used.get(h.pk, 0))
            volunteer = self.choose(free, learner) if free else None
            starting = volunteer is None
            if volunteer is None:  # no active mentor for them: a ready one starts
                if len(self.ready) <= 2:  # keep two for the declined and the early-closed pair
                    break
                volunteer = self.choose(self.ready[::-1], learner)
                if volunteer is None:
                    break
                self.ready.remove(volunteer)
                volunteer.state = VState.ACTIVE
                hosts.append(volunteer)
            self.paired.add(volunteer.pk)
            start = self.ago(14, 110)  # the first meeting: the cycle starts that day
            match = self.pair(volunteer, learner, state=Match.State.ACTIVE, proposed=start - timedelta(days=12),
                              meeting=start, cycle_start=start, cycle_end=self.cycle(start))
            if starting:  # active from this pair's match on
                self.volunteer_steps.append((volunteer, VState.READY, VState.ACTIVE,
                                             MatchingReason.MATCHED_WITH_LEARNER, self.when[id(match)]))

    def declined_match(self) -> None:
        if not self.waiting or not self.ready:
            return
        learner = self.waiting.pop(0)
        volunteer = self.choose(self.ready, learner)
        if volunteer is None:
            return
        self.ready.remove(volunteer)
        meeting = self.ago(6, 12)
        reason = self.text("declined")
        match = self.pair(volunteer, learner, state=Match.State.DECLINED, proposed=meeting - timedelta(days=7),
                          meeting=meeting, learner_answer="no", learner_reason=reason)
        self.event(match, Kind.DECLINED, self.at(meeting + timedelta(days=2), 20), side="learner")
        said_no = self.at(meeting + timedelta(days=2), 20)
        self.never_again.append((learner, volunteer, DeclinedPair.Kind.DECLINED, reason, said_no))
        self.bounce(learner, volunteer, MatchingReason.PLACE_DECLINED_AFTER_FIRST_MEETING if self.group
                    else MatchingReason.DECLINED_AFTER_FIRST_MEETING,
                    matched=self.when[id(match)], apart=said_no)

    def closed_matches(self) -> None:
        alumni = [v for v in self.volunteers if v.state == VState.ALUMNI] or list(self.ready)
        completed = [x for x in self.learners if x.state == LState.COMPLETED]
        ending = [(x, (Match.Closure.PLANNED_END, Match.Closure.GOALS_REACHED)[i % 2]) for i, x in enumerate(completed)]
        ending += [(x, Match.Closure.LEFT_SCHOOL) for x in self.learners if x.state == LState.LEFT]
        # Two early endings that were not the learner's doing: back on the waiting list.
        early = [Match.Closure.MENTOR_MOVED, Match.Closure.DID_NOT_WORK]
        for reason in early:
            if self.waiting:
                ending.append((self.waiting.pop(0), reason))
        for index, (learner, reason) in enumerate(ending):
            # A mentor who moved away is no ready mentor near the learner any more (moving away
            # excludes nothing: the round would propose the two again). After "did not work" the
            # mentor may well be ready: the pair is never proposed again (written below).
            ready = [] if reason == Match.Closure.MENTOR_MOVED else self.ready
            volunteer = (self.choose(alumni, learner, index) or self.choose(ready, learner)
                         or self.choose([v for v in self.volunteers if v.state in (VState.ACTIVE, VState.PAUSED)
                                         and v.pk != self.account_volunteer.pk], learner)
                         or alumni[index % len(alumni)])
            start = self.ago(120, 300)
            weeks = self.programme.cycle_weeks or 30
            end = working_day(min(start + timedelta(weeks=weeks), self.today - timedelta(days=3))
                              if reason == Match.Closure.PLANNED_END
                              else start + timedelta(days=self.rng.randint(40, 100)))  # closed on a working day
            note = self.text("note") if reason in early else ""  # drawn for the stream; the reason's own below
            if reason in early:  # the first text says the mentor moved, the second that they stopped
                notes = TEXTS["note"].get(self.language) or TEXTS["note"]["en"]
                note = notes[early.index(reason)]
            rematch = reason in early
            planned = reason == Match.Closure.PLANNED_END
            match = self.pair(volunteer, learner, state=Match.State.CLOSED, proposed=start - timedelta(days=12),
                              meeting=start, cycle_start=start,
                              cycle_end=end if planned else self.cycle(start),
                              closed_at=self.at(end, 12), closure_reason=reason, closure_note=note)
            learner_state = LState.WAITING if rematch else learner.state
            self.event(match, Kind.CLOSED, self.at(end, 12), reason=reason, note=note, learner_state=learner_state)
            for side in ExitSurvey.Side.values:
                answered = self.rng.random() < 0.7
                survey = ExitSurvey(match=match, side=side)
                if answered:
                    survey.rating = self.rng.randint(2, 5) if rematch else self.rng.randint(3, 5)
                    survey.recommend = survey.rating >= 3
                    survey.comment = self.text("survey") if self.rng.random() < 0.6 else ""
                    # A few days after the end, but never after yesterday (a pair that ended
                    # three days ago cannot have answered tomorrow).
                    answered_on = min(end + timedelta(days=self.rng.randint(1, 4)), self.today - timedelta(days=1))
                    survey.answered_at = self.at(answered_on, 18)
                    self.event(match, Kind.SURVEY, survey.answered_at, side=side)
                self.surveys.append(survey)
            if rematch:
                self.bounce(learner, volunteer, MatchingReason.WAITING_FOR_NEW_MENTOR,
                            matched=self.when[id(match)], apart=self.at(end, 12))
            if reason == Match.Closure.DID_NOT_WORK:  # as services.match_close records it
                self.never_again.append((learner, volunteer, DeclinedPair.Kind.DID_NOT_WORK, note, self.at(end, 12)))

    def spread_ready(self) -> None:
        """Today's round finds pairs: a ready volunteer with no history and nobody waiting near
        them lives where a waiting learner who has no ready volunteer near them lives."""
        placed: set[int] = set()
        waiting = [x for x in self.waiting if x.state == LState.WAITING]
        for learner in waiting:
            if any(self.fits(v, learner) for v in self.ready):
                continue
            volunteer = next((v for v in self.ready if v.pk not in self.paired and v.pk not in placed
                              and not any(self.fits(v, other) for other in waiting)
                              and v.person.given_name != learner.person.given_name
                              and v.person.family_name != learner.person.family_name
                              and learner.gender_preference in ("", "any", v.gender)), None)
            if volunteer is None:
                continue
            placed.add(volunteer.pk)
            self.move(volunteer, learner)
            if self.meet(volunteer, learner):
                self.spread.append(learner)

    def write(self) -> None:
        # Moved volunteers live in their learner's city; a pair has a free moment in common.
        Person.objects.bulk_update([v.person for v in self.moved], ["city", "postcode", "phone"])
        Volunteer.objects.bulk_update(self.moved, ["latitude", "longitude"])
        Learner.objects.bulk_update(self.relaxed, ["gender_preference"])
        Learner.objects.bulk_update(self.returned, ["waiting_since"])
        Learner.objects.bulk_update(self.spread, ["availability"])
        Learner.objects.bulk_update([m.learner for m in self.matches if self.meet(m.volunteer, m.learner)],
                                    ["availability"])
        # auto_now_add stamps "now" on insert: the history's real dates are written afterwards.
        Match.objects.bulk_create(self.matches)
        for match in self.matches:
            match.created = self.when[id(match)]
        Match.objects.bulk_update(self.matches, ["created"])
        events = [MatchEvent(match=m, kind=kind, data=data,
                             actor=self.coordinator if kind in (Kind.PROPOSED, Kind.FIRST_MEETING, Kind.CLOSED)
                             else None)
                  for m, kind, _when, data in self.events]
        MatchEvent.objects.bulk_create(events)
        for event, (_m, _kind, when, _data) in zip(events, self.events, strict=True):
            event.at = when
        MatchEvent.objects.bulk_update(events, ["at"])
        for survey in self.surveys:
            survey.match_id = survey.match.pk
        ExitSurvey.objects.bulk_create(self.surveys)
        bulk_create_dated(DeclinedPair, [
            DeclinedPair(programme=self.programme, learner=learner, volunteer=volunteer, kind=kind, note=note,
                         created_by=self.coordinator, created=when)
            for learner, volunteer, kind, note, when in self.never_again], "created")
        self.learners_history()
        bulk_create_dated(LearnerTransition, [
            LearnerTransition(learner=x, from_state=a, to_state=b, actor=self.coordinator, reason=why, at=when)
            for x, a, b, why, when in self.learner_steps], "at")
        bulk_create_dated(VolunteerTransition, [
            VolunteerTransition(volunteer=v, from_state=a, to_state=b, actor=self.coordinator, reason=why, at=when)
            for v, a, b, why, when in self.volunteer_steps], "at")
        started = {v.pk for v, a, b, _why, _when in self.volunteer_steps if (a, b) == (VState.READY, VState.ACTIVE)
                   and v.state == VState.ACTIVE}
        Volunteer.objects.filter(pk__in=started).update(state=VState.ACTIVE)

    @staticmethod
    def meet(volunteer: Volunteer, learner: Learner) -> bool:
        """Give the learner one of the volunteer's free moments if they share none (they found
        one to meet at); True if the learner's availability changed."""
        if set(volunteer.availability or ()) & set(learner.availability or ()) or not volunteer.availability:
            return False
        learner.availability = sorted({*(learner.availability or ()), volunteer.availability[0]})
        return True

    def learners_history(self) -> None:
        """Intake dated each learner's way to the waiting list; what a match did to them (matched,
        completed, left) is dated by that match, and a learner matched before the day intake gave
        for joining the waiting list joined it the week before that match instead."""
        first: dict[int, datetime] = {}
        closed: dict[int, datetime] = {}
        for match in self.matches:
            when = self.when[id(match)]
            first[match.learner_id] = min(when, first.get(match.learner_id, when))
            if match.closed_at is not None:
                closed[match.learner_id] = match.closed_at
        # Intake's steps, written before (by learner, in the order they happened).
        steps = list(LearnerTransition.objects.filter(learner_id__in=first).order_by("learner_id", "at", "pk"))
        floor: dict[int, datetime] = {}
        after_match: set[int] = set()
        for step in steps:
            matched = first[step.learner_id]
            if step.to_state == LState.MATCHED:
                step.at = matched
                after_match.add(step.learner_id)
            elif step.to_state in (LState.COMPLETED, LState.LEFT) and step.learner_id in closed:
                step.at = closed[step.learner_id]
            elif step.learner_id in after_match:  # back on the waiting list later: dated by its service
                continue
            else:  # referred, intake, waiting: before the match, in their order
                # A waiting step moved to the week before the match must not come before the
                # referral intake dated: every earlier step moves too, and none before the one before.
                days_before = {LState.WAITING.value: 7, LState.INTAKE.value: 10}.get(step.to_state, 14)
                moved = min(step.at, matched - timedelta(days=days_before))
                step.at = max(moved, floor[step.learner_id]) if step.learner_id in floor else moved
                floor[step.learner_id] = step.at
        LearnerTransition.objects.bulk_update(steps, ["at"])

    def demo_accounts(self) -> None:
        """The demo mentor and the demo learner: proposed nine days ago, their first meeting
        planned the day after and held two days ago (or the last day before that the programme
        meets), through the services and each step at its own moment, so both log-ins (and the
        demo guardian's) show the match and can answer (answers are taken only once the first
        meeting has taken place)."""
        volunteer, learner = self.account_volunteer, self.account_learner
        if self.meet(volunteer, learner):
            learner.save(update_fields=["availability"])
        check = adapter.check_pair(programme=self.programme, volunteer=volunteer, learner=learner, today=self.today)
        proposed = working_day(self.today - timedelta(days=9))  # the coordinator's steps on working days
        with happening_at(self.at(proposed, 10)):
            match = services.match_create(programme=self.programme, volunteer=volunteer, learner=learner,
                                          actor=self.coordinator, score=check.score, items=check.items,
                                          warnings=check.broken)
        when = self.ctx.meeting_at(self.today - timedelta(days=2))
        with happening_at(self.at(next_working_day(proposed + timedelta(days=1)), 11)):
            match = services.match_plan_first_meeting(match=match, at=when, place=self.place(learner),
                                                      actor=self.coordinator, expected_version=match.version)
        # The coordinator heard from the school that it took place (the two sides still answer).
        held = when + timedelta(minutes=self.programme.session_minutes + 30)
        with happening_at(held):
            services.match_mark_held(match=match, actor=self.coordinator, expected_version=match.version,
                                     held_on=when.date())

    def answer_by_phone(self) -> None:
        """Where mentors answer by phone (``spec.answers_by_phone``, VerA's senior experts): a
        pair proposed nine days ago whose first meeting took place four days ago; the mentor called
        the office the day after and the coordinator recorded the yes (``match_answer`` with
        ``recorded_via``) after marking the meeting held, so the match's story and the audit say
        who recorded it and how. The learner has not answered yet: the match waits for them."""
        if not self.ctx.spec.answers_by_phone or self.group:
            return
        for learner in [x for x in self.waiting if x.state == LState.WAITING and x not in self.spread]:
            volunteer = next((v for v in self.ready if self.fits(v, learner)), None)
            if volunteer is None:
                continue
            self.ready.remove(volunteer)
            self.waiting.remove(learner)
            proposed = working_day(self.today - timedelta(days=9))
            check = adapter.check_pair(programme=self.programme, volunteer=volunteer, learner=learner,
                                       today=self.today)
            with happening_at(self.at(proposed, 10)):
                match = services.match_create(programme=self.programme, volunteer=volunteer, learner=learner,
                                              actor=self.coordinator, score=check.score, items=check.items,
                                              warnings=check.broken)
            when = self.ctx.meeting_at(self.ctx.spec.meeting_day(self.today - timedelta(days=4)))
            with happening_at(self.at(next_working_day(proposed + timedelta(days=1)), 11)):
                match = services.match_plan_first_meeting(match=match, at=when, place=self.place(learner),
                                                          actor=self.coordinator, expected_version=match.version)
            called = self.at(next_working_day(when.date() + timedelta(days=1)), 10, 15)
            with happening_at(called):  # the call says it took place, then what the mentor answers
                match = services.match_mark_held(match=match, actor=self.coordinator, expected_version=match.version,
                                                 held_on=when.date())
                services.match_answer(match=match, side="mentor", answer=Match.Answer.YES, actor=self.coordinator,
                                      recorded_via=Match.Via.PHONE, today=timezone.localdate(called),
                                      note=(TEXTS["phoned"].get(self.language) or TEXTS["phoned"]["en"])[0])
            return

    def round(self) -> None:
        """A real round over today's pools, run here (not by the worker); a few proposals are
        published, the others wait for the coordinator's review."""
        matching_round = services.round_start(programme=self.programme, actor=self.coordinator, background=False)
        ids = list(matching_round.proposals.filter(status=Proposal.Status.PROPOSED)
                   .order_by("rank").values_list("pk", flat=True))
        # Publish a few, one by one in rank order (a proposal the services refuse is skipped),
        # and leave at least one for the coordinator to review.
        published: list[Match] = []
        for pk in ids[:-1]:
            if len(published) == PUBLISH:
                break
            matching_round.refresh_from_db(fields=["version"])
            done, _problems = services.round_publish(matching_round=matching_round, actor=self.coordinator,
                                                     expected_version=matching_round.version, proposal_ids=[pk])
            published += done
        if len(published) > 1:
            # The first has its first meeting next week (nobody can answer before it took place);
            # the other stays *proposed*, its meeting still to plan.
            first = published[0]
            services.match_plan_first_meeting(
                match=first, at=self.ctx.meeting_at(self.today + timedelta(days=4)), place=self.place(first.learner),
                actor=self.coordinator, expected_version=first.version)
        if published:
            return
        # Too few proposals to publish one: the coordinator proposes a pair by hand (its warnings,
        # if any, are kept on the match) from the learners and mentors the round left over.
        proposed = matching_round.proposals.values("learner_id", "volunteer_id")
        learner = (Learner.objects.filter(programme=self.programme, state=LState.WAITING)
                   .exclude(pk=self.account_learner.pk).exclude(pk__in=proposed.values("learner_id"))
                   .exclude(declined_pairs__volunteer__in=[v.pk for v in self.ready])
                   .select_related("person", "programme").order_by("pk").first())
        taken = set(proposed.values_list("volunteer_id", flat=True))
        if learner is None:
            return
        # A ready volunteer of the learner's city (or one with no pair yet, who lives there); one
        # whom the services refuse (a screening not complete) is passed over for the next.
        candidates = [v for v in self.ready if v.pk not in taken]
        while (volunteer := self.choose(candidates, learner)) is not None:
            candidates.remove(volunteer)
            if volunteer in self.moved:
                volunteer.person.save(update_fields=["city", "postcode", "phone"])
                volunteer.save(update_fields=["latitude", "longitude"])
            if self.meet(volunteer, learner):
                learner.save(update_fields=["availability"])
            if learner in self.relaxed:
                learner.save(update_fields=["gender_preference"])
            try:
                services.match_propose(programme=self.programme, learner=learner, volunteer=volunteer,
                                       actor=self.coordinator, confirm=True, today=self.today)
            except ValidationError:
                continue
            return

    def meetings(self) -> None:
        if not self.group:
            return
        rows = []
        communities = LearningCommunity.objects.filter(
            programme=self.programme, matches__state__in=("proposed", "introduced", "active")).distinct()
        for community in communities.select_related("volunteer__person").order_by("pk"):
            if not community.meeting_place:
                community.meeting_place = self.text("room", n=self.rng.randint(101, 420),
                                                    city=community.volunteer.person.city or "")
                community.save(update_fields=["meeting_place"])
            step = 14 if self.programme.meeting_cadence == Programme.Cadence.FORTNIGHTLY else 7
            first = self.ctx.spec.meeting_day(self.today - timedelta(days=step + self.rng.randint(0, 3)))
            topics = self.rng.sample(TEXTS["topic"].get(self.language) or TEXTS["topic"]["en"], k=3)
            rows += [CommunityMeeting(community=community, starts_at=self.ctx.meeting_at(first + timedelta(days=i * step)),
                                      place=community.meeting_place, topic=topic)
                     for i, topic in enumerate(topics)]
        CommunityMeeting.objects.bulk_create(rows)

