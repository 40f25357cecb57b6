"""The one definition of "needs attention" — and of when a check-in is due.

Every page and e-mail that says a pair needs attention reads it here: the risk list, the
dashboard's counts, the pair's page and the weekly digest. ``pairs_with_risks`` reads the pairs
with everything the rules need in **one query** (correlated subqueries, never a query per pair),
then ``risks_of`` applies the rules to each row in Python: a pure function of the row, the
programme's thresholds (``SupportSettings``) and today, so each rule is tested at its boundary.

A risk is stored nowhere: it is computed from the journal's meetings, the pulse ratings, the
concerns and the check-ins, and disappears as soon as its cause does. It carries a code and its
numbers; ``Risk.words`` turns it into a sentence in the reader's language when it is shown.

The rules (N = the programme's threshold):

* ``no_meeting`` — no meeting held for more than N days (since the last held meeting, or since
  the cycle started if none was held): day N is fine, day N+1 is a risk.
* ``missed`` — at least N meetings cancelled or missed (no-show) in the last six weeks.
* ``rating_drop`` — the mentor's or the learner's latest rating is N or more below their
  previous one (pulse and "does this fit?" answers, in the order they were given).
* ``rating_gap`` — the mentor's and the learner's latest ratings are N or more apart.
* ``concern`` — a concern about the pair is open (not resolved). Its kind is not named here: a
  safeguarding concern is read only by the safeguarding leads.
* ``check_in`` — the check-in the programme's rule asks for is overdue (see ``next_check_in``).
* ``closure`` — the cycle ends within N days and no closing meeting is planned (no meeting
  planned or held in the cycle's last 14 days).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace
from typing import Any

from django.db.models import Count, Exists, IntegerField, Max, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tandem.core.models import Programme
from tandem.journal.models import Meeting
from tandem.matching.models import Match
from tandem.support.models import CheckIn, Concern, MatchPause, PulseRating, SupportSettings

RUNNING = (Match.State.INTRODUCED, Match.State.ACTIVE)
MISSED_WINDOW_DAYS = 42
FIRST_MONTH_DAYS = 28
CLOSING_WINDOW_DAYS = 14

# The reasons, in the order the list and the dashboard show them.
REASONS: dict[str, Any] = {
    "concern": gettext_lazy("Open concern"),
    "no_meeting": gettext_lazy("No meeting for a while"),
    "missed": gettext_lazy("Cancelled or missed meetings"),
    "rating_drop": gettext_lazy("Falling ratings"),
    "rating_gap": gettext_lazy("Mentor and learner rate it differently"),
    "check_in": gettext_lazy("Check-in overdue"),
    "closure": gettext_lazy("Cycle ends without a closure planned"),
}


def rules_for(programme: Programme) -> SupportSettings:
    """The programme's thresholds (the defaults, unsaved, until a coordinator changes them)."""
    found = SupportSettings.objects.filter(programme=programme).first()
    return found if found is not None else SupportSettings(programme=programme)


def _day(value: date) -> str:
    return date_format(value, "DATE_FORMAT")


@dataclass(frozen=True)
class Risk:
    code: str
    numbers: tuple[Any, ...] = ()

    @property
    def label(self) -> str:
        return str(REASONS[self.code])

    @property
    def words(self) -> str:
        """The reason in a sentence, in the active language."""
        n = self.numbers
        if self.code == "no_meeting":
            if n[1]:
                return ngettext("No meeting held for %(days)s day (last on %(date)s).",
                                "No meeting held for %(days)s days (last on %(date)s).", n[0]) % {
                    "days": n[0], "date": _day(n[1])}
            return ngettext("No meeting held in the %(days)s day since the start.",
                            "No meeting held in the %(days)s days since the start.", n[0]) % {"days": n[0]}
        if self.code == "missed":
            return ngettext("%(n)s meeting cancelled or missed in the last six weeks.",
                            "%(n)s meetings cancelled or missed in the last six weeks.", n[0]) % {"n": n[0]}
        if self.code == "rating_drop":
            side = _("The mentor's rating") if n[0] == "mentor" else _("The learner's rating")
            return _("%(side)s fell from %(old)s to %(new)s.") % {"side": side, "old": n[1], "new": n[2]}
        if self.code == "rating_gap":
            return _("The mentor rates it %(mentor)s, the learner %(learner)s.") % {"mentor": n[0], "learner": n[1]}
        if self.code == "concern":
            return ngettext("%(n)s concern is open.", "%(n)s concerns are open.", n[0]) % {"n": n[0]}
        if self.code == "check_in":
            return _("A check-in was due on %(date)s.") % {"date": _day(n[0])}
        if self.code == "closure":
            return ngettext("The cycle ends on %(date)s (in %(days)s day) and no closing meeting is planned.",
                            "The cycle ends on %(date)s (in %(days)s days) and no closing meeting is planned.",
                            n[1]) % {"date": _day(n[0]), "days": n[1]}
        return self.label


def today() -> date:
    return timezone.localdate()


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def with_facts(matches: QuerySet[Match], *, on: date | None = None) -> QuerySet[Match]:
    """``matches`` with every fact the rules read, as annotations (one query for them all)."""
    on = on or today()
    meetings = Meeting.objects.filter(match=OuterRef("pk")).order_by()
    missed_since = _start_of(on - timedelta(days=MISSED_WINDOW_DAYS))
    until = _start_of(on + timedelta(days=1))
    missed = (meetings.filter(state__in=(Meeting.State.CANCELLED, Meeting.State.NO_SHOW),
                              starts_at__gte=missed_since, starts_at__lt=until)
              .values("match").annotate(n=Count("pk")).values("n"))
    open_concerns = (Concern.objects.filter(match=OuterRef("pk")).exclude(state=Concern.State.RESOLVED)
                     .order_by().values("match").annotate(n=Count("pk")).values("n"))

    def score(side: str, offset: int) -> Subquery:
        rows = PulseRating.objects.filter(match=OuterRef("pk"), side=side).order_by("-at", "-pk")
        return Subquery(rows.values("score")[offset:offset + 1], output_field=IntegerField())

    return matches.annotate(
        last_held=Subquery(meetings.filter(state=Meeting.State.HELD).values("match")
                           .annotate(v=Max("starts_at")).values("v")),
        last_kept=Subquery(meetings.exclude(state__in=(Meeting.State.CANCELLED, Meeting.State.NO_SHOW))
                           .values("match").annotate(v=Max("starts_at")).values("v")),
        n_missed=Subquery(missed, output_field=IntegerField()),
        n_open_concerns=Subquery(open_concerns, output_field=IntegerField()),
        mentor_last=score("mentor", 0), mentor_prev=score("mentor", 1),
        learner_last=score("learner", 0), learner_prev=score("learner", 1),
        last_check_in=Subquery(CheckIn.objects.filter(match=OuterRef("pk")).order_by()
                               .values("match").annotate(v=Max("on")).values("v")),
        paused=Exists(MatchPause.objects.filter(match=OuterRef("pk"), lifted_at__isnull=True)),
    )


def _local_date(value: datetime | None, tz: Any = None) -> date | None:
    if value is None:
        return None
    return value.astimezone(tz).date() if tz is not None else timezone.localdate(value)


def start_of_pair(match: Match | Facts) -> date:
    """The day the pair's support starts: the cycle's start, else the day it was proposed."""
    return match.cycle_start or timezone.localdate(match.created)


def next_check_in(match: Match | Facts, rules: SupportSettings) -> date:
    """When the next check-in is due: ``first_month_checkins`` spread evenly over the first four
    weeks (default two: on day 14 and day 28), then one every ``checkin_every_days`` after the
    last one. Read from the annotation ``last_check_in`` (``with_facts``)."""
    start = start_of_pair(match)
    last: date | None = getattr(match, "last_check_in", None)
    every = timedelta(days=rules.checkin_every_days)
    if rules.first_month_checkins:
        first = timedelta(days=max(FIRST_MONTH_DAYS // rules.first_month_checkins, 1))
        month_end = start + timedelta(days=FIRST_MONTH_DAYS)
        if last is None or last < start:
            return start + first
        if last < month_end - first + timedelta(days=1):
            return min(last + first, month_end)
    if last is None or last < start:
        return start + every
    return last + every


def risks_of(match: Match | Facts, rules: SupportSettings, on: date | None = None, *, tz: Any = None) -> list[Risk]:
    """The reasons a pair (read through ``with_facts``) needs attention on day ``on``."""
    on = on or today()
    if match.state not in RUNNING:
        return []
    found: list[Risk] = []
    n_concerns = getattr(match, "n_open_concerns", None) or 0
    if n_concerns:
        found.append(Risk("concern", (n_concerns,)))
    start = start_of_pair(match)
    last_held = _local_date(getattr(match, "last_held", None), tz)
    since = last_held or start
    if since <= on and (on - since).days > rules.no_meeting_days:
        found.append(Risk("no_meeting", ((on - since).days, last_held)))
    n_missed = getattr(match, "n_missed", None) or 0
    if n_missed >= rules.missed_meetings:
        found.append(Risk("missed", (n_missed,)))
    for side in ("mentor", "learner"):
        last, prev = getattr(match, f"{side}_last", None), getattr(match, f"{side}_prev", None)
        if last is not None and prev is not None and prev - last >= rules.rating_drop:
            found.append(Risk("rating_drop", (side, prev, last)))
    mentor, learner = getattr(match, "mentor_last", None), getattr(match, "learner_last", None)
    if mentor is not None and learner is not None and abs(mentor - learner) >= rules.rating_gap:
        found.append(Risk("rating_gap", (mentor, learner)))
    due = next_check_in(match, rules)
    if due < on:
        found.append(Risk("check_in", (due,)))
    end = match.cycle_end
    if end is not None and on <= end and (end - on).days <= rules.closure_days:
        last_kept = _local_date(getattr(match, "last_kept", None), tz)
        if last_kept is None or last_kept < end - timedelta(days=CLOSING_WINDOW_DAYS):
            found.append(Risk("closure", (end, (end - on).days)))
    order = list(REASONS)
    return sorted(found, key=lambda risk: order.index(risk.code))


# What the rules read of a pair: its own columns and the annotations of ``with_facts``.
FACT_FIELDS = ("pk", "state", "cycle_start", "cycle_end", "created", "last_held", "last_kept", "n_missed",
               "n_open_concerns", "mentor_last", "mentor_prev", "learner_last", "learner_prev", "last_check_in",
               "paused")


class Facts(SimpleNamespace):
    """One pair's facts (a row of ``with_facts(...).values(*FACT_FIELDS)``): what ``risks_of`` and
    ``next_check_in`` read, without building the match, its people and its programme. A list of
    thousands of pairs builds these, then loads the matches of the rows it shows (``load``)."""

    pk: int


def facts_of(matches: QuerySet[Match], *, on: date | None = None) -> list[Facts]:
    """Every pair of ``matches`` as ``Facts`` (by pk), with exactly the facts of ``with_facts``,
    read for all the pairs at once: one query for the pairs, then one grouped query per table
    (meetings, pulse ratings — the last two of each side, by a window —, check-ins, open concerns,
    open pauses) over the pairs as a subquery. Six queries whatever the number of pairs, and no
    subquery per pair: for thousands of pairs much cheaper than ``with_facts``' correlated
    subqueries (``tests/test_agreement.py`` checks that both read the same facts)."""
    from django.db.models import F, Q, Window
    from django.db.models.functions import RowNumber

    on = on or today()
    rows: Any = matches.order_by("pk").values("pk", "state", "cycle_start", "cycle_end", "created")
    pairs = [Facts(**row) for row in rows]
    if not pairs:
        return pairs
    scope = matches.order_by().values("pk")
    missed = (Meeting.State.CANCELLED, Meeting.State.NO_SHOW)
    meetings = {row["match"]: row for row in Meeting.objects.filter(match__in=scope).order_by().values("match").annotate(
        last_held=Max("starts_at", filter=Q(state=Meeting.State.HELD)),
        last_kept=Max("starts_at", filter=~Q(state__in=missed)),
        n_missed=Count("pk", filter=Q(state__in=missed,
                                      starts_at__gte=_start_of(on - timedelta(days=MISSED_WINDOW_DAYS)),
                                      starts_at__lt=_start_of(on + timedelta(days=1)))))}
    latest = (PulseRating.objects.filter(match__in=scope)
              .annotate(n=Window(RowNumber(), partition_by=[F("match_id"), F("side")],
                                 order_by=[F("at").desc(), F("pk").desc()]))
              .filter(n__lte=2).values_list("match_id", "side", "n", "score"))
    scores = {(match_id, f"{side}_{'last' if n == 1 else 'prev'}"): score for match_id, side, n, score in latest}
    check_ins = dict(CheckIn.objects.filter(match__in=scope).order_by().values("match").annotate(v=Max("on"))
                     .values_list("match", "v"))
    concerns = dict(Concern.objects.filter(match__in=scope).exclude(state=Concern.State.RESOLVED).order_by()
                    .values("match").annotate(n=Count("pk")).values_list("match", "n"))
    paused = set(MatchPause.objects.filter(match__in=scope, lifted_at__isnull=True).values_list("match_id", flat=True))
    nothing: dict[str, Any] = {}
    for pair in pairs:
        met = meetings.get(pair.pk, nothing)
        pair.last_held, pair.last_kept = met.get("last_held"), met.get("last_kept")
        pair.n_missed = met.get("n_missed") or None  # as with_facts: no missed meeting is no number
        pair.n_open_concerns = concerns.get(pair.pk)
        for side in ("mentor_last", "mentor_prev", "learner_last", "learner_prev"):
            setattr(pair, side, scores.get((pair.pk, side)))
        pair.last_check_in = check_ins.get(pair.pk)
        pair.paused = pair.pk in paused
    return pairs


@dataclass
class PairRisks:
    """A pair and its reasons. ``match`` is the ``Match`` (with its people and programme) once
    loaded (``load``), else the pair's ``Facts`` (``match.pk`` is there either way)."""

    match: Any
    risks: list[Risk]
    paused: bool = False


def running_pairs(matches: QuerySet[Match]) -> QuerySet[Match]:
    return matches.filter(state__in=RUNNING)


def load(pairs: list[PairRisks]) -> list[PairRisks]:
    """Give ``pairs`` their ``Match`` with its people and programme (one query, whatever their
    number): a list page loads only the rows it shows."""
    wanted = [pair.match.pk for pair in pairs if not isinstance(pair.match, Match)]
    if wanted:
        found = (Match.objects.filter(pk__in=wanted)
                 .select_related("volunteer__person", "learner__person", "programme__organisation").in_bulk())
        for pair in pairs:
            if not isinstance(pair.match, Match):
                pair.match = found[pair.match.pk]
    return pairs


def pairs_with_risks(*, programme: Programme, matches: QuerySet[Match], on: date | None = None,
                     reason: str = "", loaded: bool = True) -> list[PairRisks]:
    """Every running pair of ``matches`` that needs attention, most reasons first, with its
    reasons (only those with ``reason`` when given). One query for the pairs' facts, one for the
    rules; then, unless ``loaded=False`` (counts, or a page that loads its own rows with ``load``),
    one for the matches of the pairs found."""
    on = on or today()
    rules = rules_for(programme)
    found = []
    tz = timezone.get_current_timezone()  # read once, not twice per pair
    for facts in facts_of(running_pairs(matches), on=on):
        risks = risks_of(facts, rules, on, tz=tz)
        if risks and (not reason or any(r.code == reason for r in risks)):
            found.append(PairRisks(facts, risks, paused=bool(facts.paused)))
    order = list(REASONS)
    found.sort(key=lambda pair: (-len(pair.risks), order.index(pair.risks[0].code), pair.match.pk))
    return load(found) if loaded else found


def counts(pairs: list[PairRisks]) -> dict[str, int]:
    """Pairs per reason (a pair with two reasons counts under both) and ``total`` pairs."""
    tally: Counter[str] = Counter(risk.code for pair in pairs for risk in pair.risks)
    return {"total": len(pairs), **{code: tally.get(code, 0) for code in REASONS}}


def pair_risks(*, match: Match, on: date | None = None) -> list[Risk]:
    """One pair's reasons (the pair's page): the same rules on the same facts."""
    on = on or today()
    row = with_facts(Match.objects.filter(pk=match.pk), on=on).select_related("programme").first()
    return risks_of(row, rules_for(match.programme), on) if row is not None else []


def due_check_ins(*, programme: Programme, matches: QuerySet[Match], on: date | None = None,
                  days: int = 7, loaded: bool = True) -> list[tuple[Any, date]]:
    """Running pairs whose next check-in falls before ``on`` + ``days`` (overdue ones first): the
    match (or, with ``loaded=False``, only its ``Facts``; ``load_due`` loads a page of them) and
    the day. Two queries, whatever the number of pairs."""
    on = on or today()
    rules = rules_for(programme)
    last = CheckIn.objects.filter(match=OuterRef("pk")).order_by().values("match").annotate(v=Max("on")).values("v")
    rows: Any = (running_pairs(matches).annotate(last_check_in=Subquery(last)).order_by("pk")
                 .values("pk", "state", "cycle_start", "created", "last_check_in"))
    due = [(m, next_check_in(m, rules)) for m in (Facts(**row) for row in rows)]
    found = sorted([(m, d) for m, d in due if d < on + timedelta(days=days)], key=lambda x: (x[1], x[0].pk))
    return load_due(found) if loaded else found


def load_due(rows: list[tuple[Any, date]]) -> list[tuple[Match, date]]:
    """``due_check_ins`` rows with their ``Match`` and its people (one query)."""
    pairs = load([PairRisks(match, []) for match, _day in rows])
    return [(pair.match, day) for pair, (_match, day) in zip(pairs, rows, strict=True)]
