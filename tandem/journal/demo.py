"""Demo journals: every active match of every seed programme gets goals and its weeks together.

Called by ``manage.py seed_demo`` once per new programme, after the matching demo. For each active
pair, from the day its cycle started (the first meeting) up to today, one meeting per step of the
programme's cadence at the first meeting's time and place:

* most were **held** (duration, what they did, the goals they served, sometimes a note, often the
  learner's face), some **cancelled** (by whom, why) or **missed** (no-show), and — so reminders
  and the coordinator's view have something to show — the last one or two of some pairs were
  **never logged**; one meeting ahead is planned;
* two or three **goals** in the learner's words, in categories that fit the programme, with
  progress updates; an older one reached (or adjusted, or dropped) with a reflection; most
  agreed to by the learner or a guardian;
* where the programme asks for supervision (Mentoren op Zuid): the mentor's **preparation** for
  most meetings (also the one ahead), the supervisor's **feedback**, sometimes a reply, an
  **observation**, **intervision** notes (some private) and the mentor's **reflection**.

The demo accounts' own pair (first meeting two days ago, still to be answered) gets one goal to
agree to and its next meeting planned, so the demo mentor, learner and guardian see it.

**Closed pairs** get their history too (``seed_history``): this year's closed matches here, last
school year's cohort when the results demo creates it. From the first meeting to the day the match
closed, one meeting per step of the cadence (none in the Christmas and summer holidays), all of
them logged; a pair that ended early missed more of its last weeks; a pair that ran to its planned
end said goodbye at its last meeting; its goals were reached or dropped by then. Without it a
funder's report for last year would count thirty pairs and no meeting.

Everything people typed is in the programme's language (English, Dutch, French or German);
written with ``bulk_create``; deterministic (``ctx.rng`` for active pairs; the closed pairs' history
from a stream of its own, seeded with the run's seed, so that the rest of the demo stays as it was).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection, models
from django.db.models import QuerySet
from django.utils import timezone

from tandem.core.demo import DemoContext, restamp
from tandem.core.models import Membership, Person, Programme, Role
from tandem.journal import selectors
from tandem.journal.categories import categories_seed
from tandem.journal.models import (
    Goal,
    GoalCategory,
    GoalProgress,
    GoalTransition,
    JournalReason,
    Meeting,
    Note,
)
from tandem.matching.models import Match

# Categories that fit each seed programme (its objectives in ../shared/seeds).
CATEGORIES = {
    "studententutoring": ["homework", "language", "motivation", "social_skills"],
    "rolmodel-mentoring": ["career", "further_education", "motivation", "language"],
    "community-builders": ["homework", "social_skills", "further_education"],
    "mentoren-op-zuid": ["homework", "career", "talent", "further_education"],
    "vera": ["apprenticeship_exam", "motivation", "social_skills"],
    "accompagnement-vet": ["homework", "career", "motivation"],
}

# Goals in a learner's words, with what success looks like, per category and language.
GOALS: dict[str, dict[str, list[tuple[str, str]]]] = {
    "en": {
        "homework": [("I want to plan my homework in a diary", "A whole week with everything done on time"),
                     ("I want to understand fractions", "A pass in the maths test"),
                     ("I want to learn how to revise for tests", "Starting three days before")],
        "language": [("I want to read more fluently", "Reading a whole book to the end"),
                     ("I want to dare to speak up in class", "Saying something once every lesson")],
        "career": [("I want to find out which job suits me", "Three jobs looked at and one chosen"),
                   ("I want to see a company from the inside", "A day of job shadowing")],
        "talent": [("I want to show my talent for drawing", "A drawing in the school exhibition"),
                   ("I want to get better at football and at school", "Training and homework in one weekly plan")],
        "further_education": [("I want to know which secondary school suits me", "Two open days visited"),
                              ("I want to apply for a master's programme", "Application sent")],
        "motivation": [("I want to be at school on time every day", "A month without being late"),
                       ("I want to enjoy school again", "Choosing my own goal for next week")],
        "social_skills": [("I want to dare to ask the teacher for help", "Asking something twice a week")],
        "apprenticeship_exam": [("I want to pass my apprenticeship exam", "A pass in the mock exam")],
    },
    "nl": {
        "homework": [("Ik wil mijn huiswerk plannen in een agenda", "Een week lang alles op tijd af"),
                     ("Ik wil breuken snappen", "Een voldoende voor de rekentoets"),
                     ("Ik wil leren leren voor toetsen", "Drie dagen van tevoren beginnen")],
        "language": [("Ik wil beter Nederlands lezen", "Een boek helemaal uitlezen"),
                     ("Ik wil durven praten in de klas", "Eén keer per les iets zeggen")],
        "career": [("Ik wil weten welk beroep bij mij past", "Drie beroepen bekeken en één gekozen"),
                   ("Ik wil een bedrijf van dichtbij zien", "Een dag meelopen")],
        "talent": [("Ik wil mijn tekentalent laten zien", "Een tekening in de tentoonstelling op school"),
                   ("Ik wil beter worden in voetbal én school", "Trainen en huiswerk in één weekplanning")],
        "further_education": [("Ik wil weten welke middelbare school bij mij past", "Twee open dagen bezocht"),
                              ("Ik wil weten wat een hbo-opleiding is", "Een dag op de hogeschool")],
        "motivation": [("Ik wil elke dag op tijd op school zijn", "Een maand niet te laat"),
                       ("Ik wil weer zin hebben in school", "Zelf een doel voor volgende week kiezen")],
        "social_skills": [("Ik wil hulp durven vragen aan de docent", "Twee keer per week iets vragen")],
        "apprenticeship_exam": [("Ik wil slagen voor mijn examen", "Het proefexamen gehaald")],
    },
    "de": {
        "homework": [("Ich will meine Hausaufgaben im Kalender planen", "Eine Woche lang alles pünktlich fertig"),
                     ("Ich will lernen, wie man für Klausuren lernt", "Drei Tage vorher anfangen")],
        "career": [("Ich will wissen, welcher Beruf zu mir passt", "Drei Berufe angeschaut, einen gewählt")],
        "further_education": [("Ich will mich für einen Master bewerben", "Bewerbung abgeschickt"),
                              ("Ich will wissen, wie ich ein Stipendium bekomme", "Einen Antrag gestellt")],
        "motivation": [("Ich will meine Ausbildung nicht abbrechen", "Das Lehrjahr bestanden"),
                       ("Ich will wieder gern in den Betrieb gehen", "Ein gutes Gespräch mit dem Meister")],
        "social_skills": [("Ich will mich in der Lerngruppe trauen, Fragen zu stellen", "Jede Woche eine Frage"),
                          ("Ich will Konflikte im Betrieb ruhig ansprechen", "Ein Gespräch ohne Streit")],
        "apprenticeship_exam": [("Ich will die Gesellenprüfung bestehen", "Die Probeprüfung mit 3 oder besser"),
                                ("Ich will die Schaltpläne sicher lesen können", "Drei Schaltpläne allein erklärt")],
    },
    "fr": {
        "homework": [("Je veux organiser mes révisions", "Un planning tenu pendant deux semaines"),
                     ("Je veux rendre mes devoirs à l’heure", "Un mois sans retard")],
        "career": [("Je veux trouver une entreprise pour mon alternance", "Un contrat signé"),
                   ("Je veux savoir quel métier me plaît", "Trois métiers découverts")],
        "motivation": [("Je veux aller en cours tous les jours", "Un mois sans absence"),
                       ("Je veux reprendre confiance en moi", "Présenter mon projet devant la classe")],
    },
}

TEXTS: dict[str, dict[str, list[str]]] = {
    "activities": {
        "en": ["Planned this week's homework together", "Practised fractions with pizza slices",
               "Read a book together", "Did a career quiz and talked it through", "Watched videos about courses",
               "Prepared for a test", "Talked about the week and chose a new goal"],
        "nl": ["Huiswerk van deze week samen gepland", "Breuken geoefend met pizzapunten", "Samen een boek gelezen",
               "Beroepentest gedaan en besproken", "Filmpjes over opleidingen bekeken", "Toets voorbereid",
               "Over de week gepraat en een nieuw doel gekozen", "Woordjes geoefend met een spel"],
        "de": ["Die Woche gemeinsam geplant", "Für die Klausur gelernt", "Einen Schaltplan Schritt für Schritt erklärt",
               "Über Konflikte im Betrieb gesprochen", "Bewerbung gemeinsam geschrieben", "Lerngruppe organisiert"],
        "fr": ["Planning de révisions préparé ensemble", "Lettre de motivation rédigée", "Exercices de maths revus",
               "Discussion sur le stage en entreprise", "Simulation d’entretien", "Fiches de révision faites"],
    },
    "cancel": {
        "en": ["Ill", "Teacher training day", "Exam week", "Trains cancelled"],
        "nl": ["Ziek", "Studiedag op school", "Toetsweek", "Schoolreisje"],
        "de": ["Krank", "Berufsschulblock", "Prüfungsvorbereitung im Betrieb", "Zugausfall"],
        "fr": ["Malade", "Sortie scolaire", "Examens blancs", "Grève des transports"],
    },
    "note": {
        "en": ["Tired, but joined in well", "Things are unsettled at home; keep an eye on it"],
        "nl": ["Was moe, maar deed goed mee", "Thuis is het onrustig; even in de gaten houden",
               "Vraagt of we vaker kunnen afspreken"],
        "de": ["War müde, hat aber gut mitgemacht", "Sorgen wegen des Betriebs; im Blick behalten"],
        "fr": ["Fatigué mais impliqué", "Des soucis à la maison\u00a0; à suivre"],
    },
    "important": {
        "en": ["Wants to give up the training; please get in touch soon"],
        "nl": ["Vertelde dat het thuis niet goed gaat; graag contact met school"],
        "de": ["Will die Ausbildung abbrechen; bitte bald ein Gespräch"],
        "fr": ["Envisage d’arrêter sa formation\u00a0; merci de le contacter vite"],
    },
    "preparation": {
        "nl": ["Ik wil met breuken beginnen met iets tastbaars: pizzapunten. Doel: breuken snappen.",
               "We maken samen een weekplanning; ik neem een lege agenda mee.",
               "Ik laat filmpjes zien van drie beroepen en vraag wat hem aanspreekt.",
               "Ik begin met een spel om het ijs te breken, daarna de toets van vrijdag."],
    },
    "comment": {
        "nl": ["Goed plan. Laat haar zelf de stappen benoemen.", "Begin klein; vraag eerst hoe de week was.",
               "Mooi gekoppeld aan het doel. Let op de tijd.", "Denk aan een concrete afspraak voor volgende week."],
    },
    "reply": {"nl": ["Goede tip, doe ik!", "Dank je, ik neem het mee."]},
    "observation": {
        "nl": ["Rustig en geduldig uitgelegd.", "De leerling deed actief mee.", "Iets te snel door de stof."],
    },
    "observation_pair": {"nl": ["Jullie werkten heel goed samen, knap gedaan!"]},
    "intervision": {
        "nl": ["Besproken: open vragen stellen in plaats van voorzeggen.",
               "Casus: wat doe je als een leerling niet wil? Theorie over motivatie erbij gepakt.",
               "Teruggekeken op de planning; de student houdt het doel goed vast."],
    },
    "intervision_private": {"nl": ["Student twijfelt aan zichzelf; volgende keer extra aandacht."]},
    "reflection": {
        "nl": ["Het ging beter dan verwacht; de volgende keer laat ik meer stilte.",
               "Ik praatte te veel zelf. Volgende keer meer vragen.", "Goede sfeer, maar we kwamen niet toe aan de toets."],
    },
    "progress": {
        "en": ["Getting better", "Kept the diary alone this week", "Halfway there"],
        "nl": ["Gaat al beter", "Deze week zelf de agenda bijgehouden", "Halverwege"],
        "de": ["Läuft schon besser", "Diese Woche selbst geplant", "Auf halbem Weg"],
        "fr": ["Ça progresse", "Planning tenu seul cette semaine", "À mi-chemin"],
    },
    "goal_reflection": {  # reached, adjusted, dropped (in this order: closed pairs pick by state)
        "en": ["Done with small steps every week", "Was too big; made it smaller", "No time left"],
        "nl": ["Gelukt door elke week kleine stappen", "Was te groot; kleiner gemaakt", "Geen tijd meer door sport"],
        "de": ["Geschafft durch kleine Schritte jede Woche", "War zu groß; kleiner gemacht", "Keine Zeit mehr"],
        "fr": ["Réussi grâce à de petits pas chaque semaine", "Trop ambitieux\u00a0; réduit", "Plus le temps"],
    },
    # The last meeting of a pair that ran to its planned end.
    "goodbye": {
        "en": ["Looked back on the year together and said goodbye"],
        "nl": ["Samen teruggekeken op het jaar en afscheid genomen"],
        "de": ["Gemeinsam auf das Jahr zurückgeschaut und uns verabschiedet"],
        "fr": ["Bilan de l’année ensemble et au revoir"],
    },
}

# School holidays (month, day) to (month, day), the same in the four countries near enough: no
# meetings in a closed pair's history then.
HOLIDAYS = (((12, 22), (1, 4)), ((7, 14), (8, 25)))
REFLECTION_INDEX: dict[str, int] = {Goal.State.REACHED: 0, Goal.State.ADJUSTED: 1, Goal.State.DROPPED: 2}
# The last weeks of a pair that ended early: meetings missed more often.
TROUBLED_WEEKS = 4


def seed_demo(ctx: DemoContext) -> None:
    _Seeder(ctx).run()
    # This year's closed pairs (matching's demo); last year's cohort comes with the results demo.
    seed_history(ctx, Match.objects.filter(programme=ctx.programme, state=Match.State.CLOSED), stream="closed")


def seed_history(ctx: DemoContext, matches: QuerySet[Match], *, stream: str) -> None:
    """The journal of closed pairs, from their first meeting to the day they closed, drawn from a
    random stream of its own (``stream`` names it) so that the rest of the demo data stays the same."""
    rng = random.Random(f"{ctx.seed}:journal-history:{stream}:{ctx.spec.slug}")
    _Seeder(ctx, rng=rng).history(matches)


class _Seeder:
    def __init__(self, ctx: DemoContext, rng: random.Random | None = None) -> None:
        self.ctx, self.rng, self.today = ctx, rng or ctx.rng, ctx.today
        self.programme: Programme = ctx.programme
        self.language = ctx.spec.ui_language if ctx.spec.ui_language in GOALS else "en"
        self.supervision = selectors.supervision(self.programme)
        self.step = selectors.CADENCE_DAYS.get(self.programme.meeting_cadence, 7)
        self.now = timezone.now()
        self.goals: list[Goal] = []
        self.steps: list[GoalTransition] = []
        self.meetings: list[Meeting] = []
        self.served: list[tuple[Meeting, Goal]] = []
        self.progress: list[tuple[Goal, Meeting | None, str]] = []
        self.notes: list[tuple[Meeting, str, str, str, Person | None, int | None]] = []
        self.replies: dict[int, tuple[Meeting, str, Person | None]] = {}

    def text(self, kind: str) -> str:
        # Supervision texts exist in Dutch only: only Mentoren op Zuid asks for supervision.
        options = TEXTS[kind].get(self.language) or TEXTS[kind]["nl"]
        return self.rng.choice(options)

    def prepare(self) -> dict[int | None, Person]:
        """The programme's goal categories; its supervisors by the school they work at."""
        categories_seed(programme=self.programme)
        self.categories = {c.code: c for c in GoalCategory.objects.filter(programme=self.programme)}
        return {m.institution_id: m.person for m in Membership.objects.filter(
            programme=self.programme, role=Role.SUPERVISOR, institution__isnull=False).select_related("person")}

    def run(self) -> None:
        supervisors = self.prepare()
        for match in _with_people(Match.objects.filter(programme=self.programme, state=Match.State.ACTIVE)):
            self.pair(match, supervisors.get(match.learner.institution_id))
        self.demo_accounts()
        self.write()

    def history(self, matches: QuerySet[Match]) -> None:
        supervisors = self.prepare()
        for match in _with_people(matches):
            if match.closed_at is not None:
                self.closed_pair(match, supervisors.get(match.learner.institution_id))
        self.write()

    # --- one pair -------------------------------------------------------------------------

    def pair(self, match: Match, supervisor: Person | None) -> None:
        start = match.cycle_start or self.today
        first = timezone.localtime(match.first_meeting_at) if match.first_meeting_at else None
        clock = first.time() if first else datetime.min.time().replace(hour=16)
        place = selectors.default_place(match)
        goals = self.pair_goals(match, start)
        active = [g for g in goals if g.state == Goal.State.ACTIVE] or goals
        # Every step of the cadence until now, and the one meeting ahead.
        # On a day the programme's pairs meet (the first meeting was one): never a Sunday.
        start = self.ctx.spec.meeting_day(start + timedelta(days=self.step)) - timedelta(days=self.step)
        # Past means its time has passed (a meeting later today is still ahead, whenever the demo is
        # seeded); exactly one meeting is ahead.
        now = timezone.now()
        times = [timezone.make_aware(datetime.combine(start + timedelta(days=self.step * i), clock))
                 for i in range(1, 60)]
        past = [t for t in times if t <= now]
        times = [*past, next(t for t in times if t > now)]
        unlogged_tail = self.rng.random() < 0.3  # this pair's mentor forgot the last one(s)
        tail = self.rng.choice([1, 1, 2]) if unlogged_tail else 0
        for index, starts in enumerate(times):
            day = timezone.localdate(starts)
            meeting = Meeting(match=match, starts_at=starts, place=place,
                              ends_at=starts + timedelta(minutes=self.programme.session_minutes),
                              created_by=match.volunteer.person.user)
            self.meetings.append(meeting)
            ahead = starts > now
            forgotten = not ahead and index >= len(past) - tail and index > 0  # the first is logged
            if not ahead and not forgotten:
                self.log(meeting, active, day)
            if self.supervision and (meeting.state == Meeting.State.HELD or ahead or forgotten):
                self.supervise(meeting, match, supervisor, held=meeting.state == Meeting.State.HELD)

    def pair_goals(self, match: Match, start: date, until: date | None = None) -> list[Goal]:
        codes = [c for c in CATEGORIES.get(self.programme.slug, ["homework", "motivation"])
                 if c in self.categories and c in GOALS[self.language]]
        picked = self.rng.sample(codes, k=min(len(codes), self.rng.choice([2, 2, 3])))
        goals = []
        for index, code in enumerate(picked):
            description, success = self.rng.choice(GOALS[self.language][code])
            created = timezone.make_aware(datetime.combine(start + timedelta(days=self.step * (index and 1)),
                                                           datetime.min.time().replace(hour=18)))
            goal = Goal(match=match, category=self.categories[code], description=description, success=success,
                        target_date=start + timedelta(weeks=self.rng.choice([6, 10, 16])),
                        created_by=match.volunteer.person.user)
            goal.when = created  # type: ignore[attr-defined]
            agreed = self.rng.random() < 0.8
            if agreed:
                goal.agreed_at = created + timedelta(days=1)
                goal.agreed_as = Goal.Agreed.GUARDIAN if self.rng.random() < 0.3 else Goal.Agreed.LEARNER
            weeks = ((until or self.today) - start).days // 7
            if index == 0 and weeks >= 8:
                goal.state = self.rng.choice([Goal.State.REACHED, Goal.State.REACHED, Goal.State.ADJUSTED,
                                              Goal.State.DROPPED])
                goal.closed_at = created + timedelta(weeks=self.rng.randint(4, max(4, weeks - 2)))
                goal.reflection = self.text("goal_reflection")
            self.goals.append(goal)
            goals.append(goal)
            if goal.state == Goal.State.ADJUSTED:
                new = Goal(match=match, category=goal.category, created_by=goal.created_by,
                           description=self.rng.choice(GOALS[self.language][code])[0], success=success,
                           agreed_at=goal.agreed_at and goal.closed_at, agreed_as=goal.agreed_as)
                new.when = goal.closed_at  # type: ignore[attr-defined]
                new.replaces_goal = goal  # type: ignore[attr-defined]
                self.goals.append(new)
                goals.append(new)
        return goals

    # --- one closed pair ----------------------------------------------------------------------

    def closed_pair(self, match: Match, supervisor: Person | None) -> None:
        """Its weeks from the first meeting to the day it closed, every meeting logged (the mentor
        had the year to do it); a pair that ended early missed more of its last weeks, one that ran
        to its end said goodbye; its goals were closed by then."""
        assert match.closed_at is not None
        closed = match.closed_at
        first = timezone.localtime(match.first_meeting_at) if match.first_meeting_at else None
        start = first.date() if first else (match.cycle_start or timezone.localdate(closed))
        clock = first.time() if first else datetime.min.time().replace(hour=16)
        place = selectors.default_place(match)
        goals = self.pair_goals(match, start, until=timezone.localdate(closed))
        active = [g for g in goals if g.state == Goal.State.ACTIVE] or goals
        start = self.ctx.spec.meeting_day(start + timedelta(days=self.step)) - timedelta(days=self.step)
        session = timedelta(minutes=self.programme.session_minutes)
        times = [timezone.make_aware(datetime.combine(start + timedelta(days=self.step * i), clock))
                 for i in range(1, 400 // self.step)]
        times = [t for t in times if t + session <= closed and not _holiday(timezone.localdate(t))]
        early = match.closure_reason not in (Match.Closure.PLANNED_END, Match.Closure.GOALS_REACHED)
        troubled = closed - timedelta(weeks=TROUBLED_WEEKS)
        held: list[Meeting] = []
        for starts in times:
            meeting = Meeting(match=match, starts_at=starts, place=place, ends_at=starts + session,
                              created_by=match.volunteer.person.user)
            self.meetings.append(meeting)
            if early and starts >= troubled and self.rng.random() < 0.5:
                self.miss(meeting)
            else:
                self.log(meeting, active, timezone.localdate(starts))
            if meeting.state == Meeting.State.HELD:
                held.append(meeting)
                if self.supervision:
                    self.supervise(meeting, match, supervisor, held=True)
        if held and not early:
            held[-1].activities = self.text("goodbye")
        self.close_goals(goals, closed, on_time=not early)

    def miss(self, meeting: Meeting) -> None:
        meeting.logged_at = meeting.ends_at + timedelta(hours=self.rng.randint(1, 30))
        meeting.logged_by = meeting.created_by
        meeting.missed_by = Meeting.Who.LEARNER
        if self.rng.random() < 0.5:
            meeting.state = Meeting.State.NO_SHOW
        else:
            meeting.state, meeting.missed_reason = Meeting.State.CANCELLED, self.text("cancel")

    def close_goals(self, goals: list[Goal], closed: datetime, *, on_time: bool) -> None:
        """What became of the goals still open when the pair ended: mostly reached when it ran to
        its end, mostly dropped when it ended early; the reflection fits what became of it."""
        reflections = TEXTS["goal_reflection"][self.language]
        for goal in goals:
            if goal.state == Goal.State.ACTIVE:
                reached = self.rng.random() < (0.7 if on_time else 0.25)
                goal.state = Goal.State.REACHED if reached else Goal.State.DROPPED
                # Closed in the pair's last week, and never before it was set.
                goal.closed_at = max(closed - timedelta(days=self.rng.randint(1, 6)),
                                     goal.when + timedelta(days=1))  # type: ignore[attr-defined]
            goal.reflection = reflections[REFLECTION_INDEX.get(goal.state, 2)]

    def log(self, meeting: Meeting, goals: list[Goal], day: date) -> None:
        roll = self.rng.random()
        meeting.logged_at = meeting.ends_at + timedelta(hours=self.rng.randint(1, 30))
        meeting.logged_by = meeting.created_by
        if roll < 0.08:
            meeting.state = Meeting.State.CANCELLED
            meeting.missed_by = self.rng.choice([Meeting.Who.LEARNER, Meeting.Who.SCHOOL, Meeting.Who.MENTOR])
            meeting.missed_reason = self.text("cancel")
            return
        if roll < 0.13:
            meeting.state = Meeting.State.NO_SHOW
            meeting.missed_by = Meeting.Who.LEARNER
            return
        meeting.state = Meeting.State.HELD
        meeting.duration_minutes = max(15, self.programme.session_minutes + self.rng.choice([-15, 0, 0, 0, 10]))
        meeting.activities = self.text("activities")
        open_goals = [g for g in goals if g.when <= meeting.starts_at]  # type: ignore[attr-defined]
        if open_goals:
            self.served.append((meeting, self.rng.choice(open_goals)))
        if self.rng.random() < 0.15:
            meeting.note = self.text("note")
        if self.rng.random() < 0.02:
            meeting.important, meeting.note = True, self.text("important")
        if self.rng.random() < 0.6:
            meeting.rating = self.rng.choice([3, 4, 4, 5, 5])
            meeting.rated_at = meeting.ends_at + timedelta(hours=2)
            meeting.rated_via = self.rng.choice([Meeting.RatedVia.PAGE, Meeting.RatedVia.LINK])
        if open_goals and self.rng.random() < 0.25:
            self.progress.append((self.rng.choice(open_goals), meeting, self.text("progress")))

    def supervise(self, meeting: Meeting, match: Match, supervisor: Person | None, *, held: bool) -> None:
        mentor = match.volunteer.person
        if self.rng.random() < 0.85:
            self.note(meeting, Note.Kind.PREPARATION, "preparation", mentor)
            if supervisor is not None and (held or self.rng.random() < 0.4) and self.rng.random() < 0.8:
                index = self.note(meeting, Note.Kind.COMMENT, "comment", supervisor)
                if self.rng.random() < 0.3:
                    self.replies[index] = (meeting, self.text("reply"), mentor)
        if not held or supervisor is None:
            return
        if self.rng.random() < 0.5:
            pair = self.rng.random() < 0.2
            self.note(meeting, Note.Kind.OBSERVATION, "observation_pair" if pair else "observation", supervisor,
                      Note.Visibility.PAIR if pair else Note.Visibility.TEAM)
        if self.rng.random() < 0.8:
            private = self.rng.random() < 0.15
            self.note(meeting, Note.Kind.INTERVISION, "intervision_private" if private else "intervision",
                      supervisor, Note.Visibility.PRIVATE if private else Note.Visibility.TEAM)
        if self.rng.random() < 0.7:
            self.note(meeting, Note.Kind.REFLECTION, "reflection", mentor)

    def note(self, meeting: Meeting, kind: str, text: str, author: Person,
             visibility: str = Note.Visibility.TEAM) -> int:
        self.notes.append((meeting, kind, visibility, self.text(text), author, None))
        return len(self.notes) - 1

    # --- the demo accounts' pair ----------------------------------------------------------

    def demo_accounts(self) -> None:
        match = (Match.objects.filter(programme=self.programme, volunteer__person=self.ctx.mentors[0],
                                      state__in=selectors.WRITABLE_STATES)
                 .select_related("volunteer__person", "learner__person", "learner__institution", "programme").first())
        if match is None or match.goals.exists():
            return
        codes = [c for c in CATEGORIES.get(self.programme.slug, ["homework"]) if c in GOALS[self.language]]
        code = codes[0] if codes and codes[0] in self.categories else next(iter(self.categories))
        description, success = GOALS[self.language].get(code, GOALS[self.language]["homework"])[0]
        goal = Goal(match=match, category=self.categories[code], description=description, success=success,
                    created_by=match.volunteer.person.user)
        # Set together at their first meeting (if it took place), written down that evening.
        met = match.first_meeting_at
        goal.when = met + timedelta(hours=3) if met and met + timedelta(hours=3) < self.now else self.now  # type: ignore[attr-defined]
        self.goals.append(goal)
        starts, place = selectors.next_slot(match=match, now=self.now)
        self.meetings.append(Meeting(match=match, starts_at=starts, place=place, created_by=match.volunteer.person.user,
                                     ends_at=starts + timedelta(minutes=self.programme.session_minutes)))

    # --- writing ----------------------------------------------------------------------------

    def write(self) -> None:
        for goal in self.goals:
            replaced = getattr(goal, "replaces_goal", None)
            if replaced is not None:
                goal.replaces = replaced
        originals = [g for g in self.goals if getattr(g, "replaces_goal", None) is None]
        Goal.objects.bulk_create(originals, batch_size=500)
        for goal in self.goals:
            if getattr(goal, "replaces_goal", None) is not None:
                goal.replaces_id = goal.replaces_goal.pk  # type: ignore[attr-defined]
        Goal.objects.bulk_create([g for g in self.goals if g.pk is None], batch_size=500)
        for goal in self.goals:
            goal.created = goal.when  # type: ignore[attr-defined]
            self.steps.append(GoalTransition(goal=goal, from_state="", to_state=Goal.State.ACTIVE,
                                             actor=goal.created_by, reason=JournalReason.SET_TOGETHER))
            if goal.state != Goal.State.ACTIVE:
                self.steps.append(GoalTransition(goal=goal, from_state=Goal.State.ACTIVE, to_state=goal.state,
                                                 actor=goal.created_by, reason=goal.reflection))
        restamp(Goal, "created", self.goals)
        steps = GoalTransition.objects.bulk_create(self.steps, batch_size=500)
        for step in steps:  # auto_now_add: the real moments afterwards
            step.at = (step.goal.closed_at if step.from_state else None) or step.goal.created
        restamp(GoalTransition, "at", steps)
        _insert_meetings(self.meetings)
        Meeting.goals.through.objects.bulk_create(
            [Meeting.goals.through(meeting_id=m.pk, goal_id=g.pk) for m, g in self.served], batch_size=500)
        GoalProgress.objects.bulk_create(
            [GoalProgress(goal=g, meeting=m, note=text, author=g.match.volunteer.person,
                          at=(m.logged_at if m and m.logged_at else self.now))
             for g, m, text in self.progress], batch_size=500)
        notes = [Note(meeting=m, kind=kind, visibility=visibility, text=text, author=author,
                      created=self.moment(m, kind))
                 for m, kind, visibility, text, author, _parent in self.notes]
        Note.objects.bulk_create(notes, batch_size=500)
        Note.objects.bulk_create(
            [Note(meeting=m, kind=Note.Kind.REPLY, text=text, author=author, parent=notes[index],
                  created=min(notes[index].created + timedelta(hours=3), self.now - timedelta(hours=1)))
             for index, (m, text, author) in self.replies.items()], batch_size=500)

    def moment(self, meeting: Meeting, kind: str) -> datetime:
        """When a note was written: preparation and feedback before the meeting, the rest after.
        For a meeting in the next days, the preparation and the feedback on it were written
        today, before now (never on a day still to come)."""
        if kind == Note.Kind.PREPARATION:
            return min(meeting.starts_at - timedelta(days=2), self.now - timedelta(hours=3))
        if kind == Note.Kind.COMMENT:
            return min(meeting.starts_at - timedelta(days=1), self.now - timedelta(hours=2))
        if kind == Note.Kind.OBSERVATION:
            return meeting.starts_at + timedelta(minutes=30)
        return meeting.ends_at + timedelta(hours=2)


# The closed pairs' history adds thousands of meetings to the demo; written through the ORM's
# bulk_create and bulk_update (which compile every value of every row in Python) they made
# seeding a third slower. Plain parameterised statements, run many times by the database driver,
# write the same rows in a fraction of that time. Only values the driver cannot take as they are
# (dates and times, UUIDs) go through their field.

_PLAIN = (models.CharField, models.TextField, models.IntegerField, models.BooleanField, models.ForeignKey)


def _as_is(value: Any) -> Any:
    return value


def _db_value(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    if isinstance(field, _PLAIN):
        return _as_is
    return lambda value: field.get_db_prep_save(value, connection)


def _column(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field


def _insert_meetings(meetings: list[Meeting]) -> None:
    """Insert new meetings and give them their primary keys (read back by their ``uid``)."""
    if not meetings:
        return
    now = timezone.now()
    for meeting in meetings:  # planned the week before (auto_now_add would say: when the seed ran)
        meeting.created = min(now, meeting.starts_at - timedelta(days=7))
    fields = [f for f in Meeting._meta.concrete_fields if not f.primary_key]
    names = [f.attname for f in fields]
    convert = [_db_value(f) for f in fields]
    rows = [[c(getattr(m, name)) for c, name in zip(convert, names, strict=True)] for m in meetings]
    quote = connection.ops.quote_name
    sql = (f"INSERT INTO {quote(Meeting._meta.db_table)} ({', '.join(quote(str(f.column)) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    keys = dict(Meeting.objects.filter(match_id__in={m.match_id for m in meetings}).values_list("uid", "pk"))
    for meeting in meetings:
        meeting.pk = keys[meeting.uid]
        meeting._state.adding = False


def _with_people(matches: QuerySet[Match]) -> QuerySet[Match]:
    return matches.select_related("volunteer__person__user", "learner__person", "learner__institution",
                                  "programme").order_by("pk")


def _holiday(day: date) -> bool:
    key = (day.month, day.day)
    for first, last in HOLIDAYS:
        if (first <= key <= last) if first <= last else (key >= first or key <= last):
            return True
    return False


def demo_texts(language: str) -> set[str]:
    """Every text this module may write for a programme in ``language`` (the demo test's list)."""
    found = {text for texts in TEXTS.values() for text in texts.get(language, [])}
    return found | {part for goals in GOALS.get(language, {}).values() for pair in goals for part in pair}
