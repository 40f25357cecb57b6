"""Demo support: check-ins, pulse ratings, concerns and exchange meetings for each seed programme.

Called by ``manage.py seed_demo`` once per new programme, after the journal's demo (whose
meetings the risk rules read). For each programme:

* the main demo coordinator (Dana Peeters) is its **safeguarding lead**; the programme's other
  coordinator is not (so the demo shows both views);
* **check-ins** logged for most active pairs (by phone, in person, by message), a few with a
  follow-up; the others are due or overdue, so *Check-ins due this week* has rows;
* **pulse ratings** of both sides after the first meeting ("does this fit?"), then every four
  weeks; one pair whose learner's rating falls, one where mentor and learner see it differently;
* **concerns in every state** (raised, triaged, action, resolved), of every kind, one safeguarding
  concern with the pair paused; in VerA a conflict between an apprentice and the employer;
* one pair whose cycle ends soon without a closing meeting planned;
* in VerA and AFEV, **exchange meetings** of a site's mentors: one held (with attendance) and one ahead
  (invitations, some answers).

Everything typed is in the programme's language; deterministic (``ctx.rng`` only).
"""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from tandem.core.demo import DemoContext, happening_at, working_day
from tandem.core.models import Person, Site
from tandem.journal.models import Meeting
from tandem.matching.models import Match
from tandem.support import selectors
from tandem.support.models import (
    CheckIn,
    Concern,
    ConcernStep,
    ExchangeInvitation,
    ExchangeMeeting,
    MatchPause,
    PulseRating,
    SafeguardingLead,
)

EXCHANGE_PROGRAMMES = ("vera", "accompagnement-vet")

TEXTS: dict[str, dict[str, list[str]]] = {
    "check_in": {
        "nl": ["Gaat goed, ze zien elkaar elke week.", "Mentor vraagt tips voor huiswerkbegeleiding.",
               "Leerling is tevreden, wil graag meer over beroepen weten.", "Even afgestemd over de vakantie."],
        "de": ["Läuft gut, sie treffen sich jede Woche.", "Die Mentor:in fragt nach Tipps zur Prüfungsvorbereitung.",
               "Azubi ist zufrieden, der Betrieb auch.", "Kurz wegen der Urlaubszeit abgestimmt."],
        "fr": ["Tout va bien, ils se voient chaque semaine.", "Le mentor demande des conseils pour les révisions.",
               "L'apprenti est content, l'entreprise aussi.", "Point rapide sur les vacances."],
    },
    "word": {
        "nl": ["leuk", "gezellig", "lastig", "goed", "saai", "fijn"],
        "de": ["gut", "hilfreich", "schwierig", "super", "okay", "anstrengend"],
        "fr": ["super", "utile", "difficile", "bien", "bof", "sympa"],
    },
}
CONCERNS: dict[str, list[tuple[str, str, str, str]]] = {
    # (kind, state, description, what was done)
    "nl": [
        ("question", "raised", "Mogen we ook een keer online afspreken als het regent?", ""),
        ("problem", "triaged", "De mentor is de laatste weken vaak te laat.", "Gebeld met de mentor."),
        ("conflict", "action", "Ouders en mentor zijn het oneens over de huiswerktijd.",
         "Gesprek met ouders en mentor gepland."),
        ("safeguarding", "triaged", "De leerling vertelde iets over thuis waar ik me zorgen over maak.",
         "Met de vertrouwenspersoon van school gesproken."),
        ("question", "resolved", "Hoe lang duurt het traject nog?", "Uitgelegd: tot de zomervakantie."),
    ],
    "de": [
        ("question", "raised", "Können wir uns auch online treffen, wenn die Berufsschule Prüfungen hat?", ""),
        ("conflict", "triaged", "Der Azubi und der Ausbilder streiten über Überstunden.",
         "Mit dem Ausbilder telefoniert."),
        ("problem", "action", "Der Azubi überlegt, die Ausbildung abzubrechen.",
         "Gespräch mit Azubi, Mentor:in und Betrieb vereinbart."),
        ("safeguarding", "triaged", "Der Azubi wirkt sehr erschöpft und deutet Probleme zu Hause an.",
         "Mit der Ausbildungsberaterin der Kammer gesprochen."),
        ("question", "resolved", "Wie oft sollen wir uns treffen?", "Erklärt: einmal pro Woche."),
    ],
    "fr": [
        ("question", "raised", "Peut-on se voir en visio pendant la période d'examens\u00a0?", ""),
        ("conflict", "triaged", "L'apprenti et son tuteur en entreprise ne se parlent plus.",
         "Appel au tuteur en entreprise."),
        ("problem", "action", "L'apprenti pense à arrêter sa formation.",
         "Rendez-vous fixé avec l'apprenti, le mentor et le CFA."),
        ("safeguarding", "triaged", "L'apprenti semble avoir peur de rentrer chez lui.",
         "Échange avec l'assistante sociale du CFA."),
        ("question", "resolved", "Combien de temps dure l'accompagnement\u00a0?", "Expliqué\u00a0: jusqu'en juin."),
    ],
}
MISSED = {"nl": "Ziek", "de": "Krank", "fr": "Malade"}
EXCHANGES: dict[str, list[tuple[str, str, str]]] = {
    # (kind, topic, place)
    "de": [("intervision", "Konflikte zwischen Azubi und Betrieb ansprechen", "SES-Büro, Besprechungsraum 1"),
           ("exchange", "Prüfungsangst begleiten", "IHK, Raum 2.14")],
    "fr": [("exchange", "Accompagner un apprenti en difficulté", "Maison des associations"),
           ("refresher", "Le rôle du mentor face au CFA", "Local AFEV, salle 3")],
}


def seed_demo(ctx: DemoContext) -> None:
    _Seeder(ctx).run()


class _Seeder:
    def __init__(self, ctx: DemoContext) -> None:
        self.ctx, self.rng, self.today = ctx, ctx.rng, ctx.today
        self.programme = ctx.programme
        self.language = ctx.spec.ui_language if ctx.spec.ui_language in CONCERNS else "nl"
        self.now = timezone.now()

    def text(self, kind: str) -> str:
        return self.rng.choice(TEXTS[kind][self.language])

    def at(self, days: int, hour: int = 18) -> datetime:
        return timezone.make_aware(datetime.combine(self.today + timedelta(days=days), time(hour)))

    def run(self) -> None:
        lead = Person.objects.filter(organisation=self.programme.organisation, user=self.ctx.coordinator_user).first()
        if lead is not None:
            SafeguardingLead.objects.get_or_create(programme=self.programme, person=lead)
        self.lead_user = self.ctx.coordinator_user
        self.coordinator = lead
        matches = list(Match.objects.filter(programme=self.programme, state=Match.State.ACTIVE)
                       .select_related("volunteer__person", "learner__person").order_by("pk"))
        check_ins: list[CheckIn] = []
        pulses: list[PulseRating] = []
        for i, match in enumerate(matches):
            start = match.cycle_start or self.today - timedelta(days=30)
            age = (self.today - start).days
            if i % 5 != 1:  # one in five: no check-in yet (due or overdue)
                for day in range(14, age - 3, 30 if age > 60 else 14):
                    on = working_day(start + timedelta(days=day))  # the coordinator calls on working days
                    check_ins.append(CheckIn(
                        match=match, on=on, with_whom=self.rng.choice(
                            ["mentor", "mentor", "learner", "guardian" if i % 2 else "supervisor"]),
                        how=self.rng.choice(["phone", "phone", "in_person", "message", "video"]),
                        minutes=self.rng.choice([5, 10, 15, 20, 30]), notes=self.text("check_in"),
                        follow_up=self.rng.random() < 0.15, by=self.coordinator,
                        created=self.at((on - self.today).days, 17)))
            if age >= 7:
                for side in ("mentor", "learner"):
                    pulses.append(PulseRating(match=match, side=side, question="fit", score=self.rng.choice([4, 4, 5]),
                                              word=self.text("word"), at=self.at(-(age - 7))))
                for back in range(age - 35, 0, -28):
                    for side in ("mentor", "learner"):
                        pulses.append(PulseRating(match=match, side=side, score=self.rng.choice([4, 4, 5]),
                                                  word=self.text("word") if self.rng.random() < 0.5 else "",
                                                  at=self.at(-back)))
        CheckIn.objects.bulk_create(check_ins, batch_size=500)
        PulseRating.objects.bulk_create(pulses, batch_size=500)
        if len(matches) >= 6:
            self.risks(matches)
        self.concerns(matches)
        if self.programme.slug in EXCHANGE_PROGRAMMES:
            self.exchanges()

    def risks(self, matches: list[Match]) -> None:
        """Make sure each reason of the risk list shows somewhere."""
        falling, gap, ending = matches[2], matches[3], matches[4]
        PulseRating.objects.bulk_create([
            PulseRating(match=falling, side="learner", score=4, at=self.at(-20)),
            PulseRating(match=falling, side="learner", score=2, word=self.text("word"), at=self.at(-1)),
            PulseRating(match=gap, side="mentor", score=5, at=self.at(-2)),
            PulseRating(match=gap, side="learner", score=2, at=self.at(-2)),
        ])
        # A pair that has not met for weeks (the last meetings were called off by the learner).
        quiet = matches[5]
        recent = Meeting.objects.filter(match=quiet, state=Meeting.State.HELD, starts_at__gte=self.at(-25))
        if Meeting.objects.filter(match=quiet, state=Meeting.State.HELD, starts_at__lt=self.at(-25)).exists():
            recent.update(state=Meeting.State.CANCELLED, missed_by=Meeting.Who.LEARNER, duration_minutes=None,
                          missed_reason=MISSED[self.language], activities="", rating=None)
        # A pair whose cycle ends in under three weeks, its next meeting the last one planned.
        Match.objects.filter(pk=ending.pk).update(cycle_end=self.today + timedelta(days=18))
        soon = self.ctx.spec.meeting_day(self.today + timedelta(days=2), later=True)  # a day the pairs meet
        for meeting in Meeting.objects.filter(match=ending, starts_at__gt=self.now):
            starts = timezone.localtime(meeting.starts_at)
            moved = starts + timedelta(days=(soon - starts.date()).days)
            Meeting.objects.filter(pk=meeting.pk).update(starts_at=moved, ends_at=moved + (meeting.ends_at - meeting.starts_at))

    def concerns(self, matches: list[Match]) -> None:
        if not matches:
            return
        raisers = {"question": "mentor", "problem": "supervisor", "conflict": "mentor", "safeguarding": "mentor"}
        order = ["raised", "triaged", "action", "resolved"]
        for i, (kind, state, description, what) in enumerate(CONCERNS[self.language]):
            match = matches[(i * 3 + 5) % len(matches)]
            raised_as = "guardian" if kind == "question" and i == 0 else raisers[kind]
            raised_by = match.volunteer.person if raised_as == "mentor" else None
            # The coordinator's steps fall on working days, one a day, the last two to four days
            # ago; the concern was raised the day before the first (a mentor or a parent may write
            # on a Sunday, a teacher on a school day).
            # A question is answered at once (raised → resolved, the move skipping ahead); the
            # others go step by step.
            path = ["raised", state] if kind == "question" and state != "raised" else order[:order.index(state) + 1]
            days: list[date] = []
            for _step in path[1:]:
                days.insert(0, working_day((days[0] if days else self.today - timedelta(days=1 + i % 3))
                                           - timedelta(days=1)))
            raised_on = days[0] - timedelta(days=1) if days else self.today - timedelta(days=10 - i)
            if raised_as == "supervisor":
                raised_on = working_day(raised_on)
            raised_at = self.at((raised_on - self.today).days, 19 if raised_as != "supervisor" else 15)
            moments = [raised_at] + [self.at((day - self.today).days, 10 + n) for n, day in enumerate(days)]
            concern = Concern.objects.create(
                programme=self.programme, match=match, kind=kind, state=state, description=description,
                raised_by=raised_by, raised_as=raised_as, raised_at=raised_at,
                outcome=what if state == "resolved" else "",
                resolved_at=moments[-1] if state == "resolved" else None)
            steps = [ConcernStep(concern=concern, from_state="", to_state="raised")]
            for before, after in itertools.pairwise(path):
                steps.append(ConcernStep(concern=concern, from_state=before, to_state=after, actor=self.lead_user,
                                         reason=what))
            made = ConcernStep.objects.bulk_create(steps)
            for step, moment in zip(made, moments, strict=True):
                step.at = moment
            ConcernStep.objects.bulk_update(made, ["at"])
            if kind == "safeguarding":  # paused when the lead triaged it
                MatchPause.objects.get_or_create(match=match, lifted_at=None,
                                                 defaults={"concern": concern, "by": self.lead_user,
                                                           "since": moments[1] if len(moments) > 1
                                                           else raised_at + timedelta(hours=2)})

    def exchanges(self) -> None:
        """Each meeting is for one site (the first at the first site: Paris, München; the next at
        the next one), and its mentors are invited: those who live in the site's city, as the
        coordinator's invitation form ticks them (``selectors.mentors_of``)."""
        sites = list(Site.objects.filter(programme=self.programme).order_by("pk"))
        for n, (kind, topic, place) in enumerate(EXCHANGES[self.language]):
            site = sites[n % len(sites)] if sites else None
            mentors = list(selectors.mentors_of(programme=self.programme, site=site).order_by("pk")[:12])
            past = n == 0
            day = working_day(self.today + timedelta(days=-12 if past else 9))  # on a weekday evening
            announced = working_day(self.today - timedelta(days=30 if past else 5))  # weeks before
            with happening_at(self.at((announced - self.today).days, 10)):
                meeting = ExchangeMeeting.objects.create(
                    programme=self.programme, site=site, kind=kind, topic=topic, place=place,
                    starts_at=self.at((day - self.today).days, 18), minutes=120 if past else 90, places=15)
            invitations = []
            for i, mentor in enumerate(mentors):
                answer = "" if (not past and i % 3 == 2) else ("no" if i % 5 == 4 else "yes")
                invitations.append(ExchangeInvitation(
                    meeting=meeting, person=mentor, answer=answer,
                    answered_at=self.now - timedelta(days=14 if past else 2) if answer else None,
                    attended=past and answer == "yes" and i % 4 != 3))
            ExchangeInvitation.objects.bulk_create(invitations)
