"""Reads of the results app: the figures of a programme's dashboard and funder report.

``figures(programme, filters)`` reads everything a dashboard shows in a fixed number of queries
(one per table: matches, meetings, goals, responses, indicators, waiting learners, declarations),
whatever the size of the programme, and computes the numbers in Python. Nothing here suppresses:
``report.py`` turns figures into what an observer may see.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from tandem.core.models import Person, Programme, Role
from tandem.intake import selectors as intake_selectors
from tandem.intake.models import Learner
from tandem.journal.models import Goal, Meeting
from tandem.matching.models import Match
from tandem.outcomes.instruments import INSTRUMENTS, Instrument
from tandem.outcomes.models import (
    IndicatorKind,
    OutcomeSettings,
    SchoolIndicator,
    SchoolStatus,
    SurveyResponse,
    SurveyWave,
    WaveKind,
)
from tandem.outcomes.stats import Change, paired_change, safe_mean, safe_median

STARTED = (Match.State.ACTIVE, Match.State.CLOSED)
# Closures that are not early: the cycle ended as planned, or the goals were reached.
ON_TIME = {Match.Closure.PLANNED_END, Match.Closure.GOALS_REACHED}


def outcome_settings(programme: Programme) -> OutcomeSettings:
    row, _created = OutcomeSettings.objects.get_or_create(programme=programme)
    programme.outcome_settings = row
    return row


def may_record_school_data(learner: Learner) -> bool:
    """Only with the recorded consent: the programme's consent text covers school results, and
    the learner is old enough to consent or a guardian consented to the current text."""
    settings_row = outcome_settings(learner.programme)
    return settings_row.school_data_consent and intake_selectors.consent_ok(learner, today=timezone.localdate())


def cycle_of(day: date | None) -> str:
    """The school year a day belongs to ("2025-2026"; years start on 1 August)."""
    if day is None:
        return ""
    start = day.year if day.month >= 8 else day.year - 1
    return f"{start}-{start + 1}"


@dataclass(frozen=True)
class Filters:
    cycle: str = ""
    site: int | None = None
    partner: int | None = None
    start: date | None = None  # a report's period
    end: date | None = None

    def query(self) -> dict[str, str]:
        found = {"cycle": self.cycle, "site": self.site, "partner": self.partner}
        return {k: str(v) for k, v in found.items() if v}


def wave_audience(wave: SurveyWave) -> list[tuple[Person, int | None]]:
    """Who a wave asks: learners and mentors of the programme's started matches (with the match,
    newest first), or the programme's supervisors."""
    programme = wave.programme
    if wave.audience == "supervisor":
        people = Person.objects.filter(memberships__programme=programme, memberships__role=Role.SUPERVISOR).distinct()
        return [(p, None) for p in people.order_by("pk")]
    side = "learner__person" if wave.audience == "learner" else "volunteer__person"
    matches = (Match.objects.filter(programme=programme, state__in=STARTED).select_related(side)
               .order_by("-cycle_start", "-pk"))
    seen: dict[int, tuple[Person, int | None]] = {}
    for match in matches:
        person = match.learner.person if wave.audience == "learner" else match.volunteer.person
        seen.setdefault(person.pk, (person, match.pk))
    return list(seen.values())


def _midnight(day: date, days: int = 0) -> datetime:
    """The start of the local day ``days`` after ``day``: ``at >= _midnight(d)`` is "on or after
    day d" and ``at < _midnight(d, 1)`` "on or before day d", in the current time zone, without
    a function per row (an index can be used; SQLite calls no Python function per row)."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=days), time.min))


def _cycle_start(cycle: str) -> date | None:
    """The first day of a school year named "2025-2026"; None for anything else."""
    first = cycle[:4]
    if not (first.isascii() and first.isdigit()) or cycle != cycle_of(date(int(first), 8, 1)):
        return None
    return date(int(first), 8, 1)


def _scoped(programme: Programme, filters: Filters) -> QuerySet[Match]:
    """The started pairs the figures count: the site, the partner, the school year the pair
    started in (``cycle``) and the report's period, all in SQL (so the figures' other queries
    take the pairs as a subquery, never as a list of thousands of ids)."""
    rows = Match.objects.filter(programme=programme, state__in=STARTED)
    if filters.site:
        rows = rows.filter(learner__institution__site_id=filters.site)
    if filters.partner:
        rows = rows.filter(learner__institution_id=filters.partner)
    if filters.end:
        rows = rows.filter(Q(cycle_start__lte=filters.end) | Q(cycle_start__isnull=True))
    if filters.start:
        rows = rows.filter(Q(closed_at__isnull=True) | Q(closed_at__gte=_midnight(filters.start)))
    if filters.cycle:
        first = filters.cycle[:4]
        if not (first.isascii() and first.isdigit()) or filters.cycle != cycle_of(date(int(first), 8, 1)):
            return rows.none()
        begins, ends = date(int(first), 8, 1), date(int(first) + 1, 7, 31)
        # The day the pair started (``_start``): the first meeting's day, else the cycle's start.
        rows = rows.filter(Q(first_meeting_at__gte=_midnight(begins), first_meeting_at__lt=_midnight(ends, 1))
                           | Q(first_meeting_at__isnull=True, cycle_start__gte=begins, cycle_start__lte=ends))
    return rows


def _scoped_matches(programme: Programme, filters: Filters) -> list[dict[str, Any]]:
    found: list[Any] = list(_scoped(programme, filters).values(
        "pk", "state", "cycle_start", "first_meeting_at", "closed_at", "closure_reason", "created", "learner_id",
        "learner__waiting_since", "volunteer_id").order_by("pk"))
    return found


def _start(match: dict[str, Any], tz: Any = None) -> date | None:
    """The day the pair started; ``tz`` (the current time zone, read once by a caller that asks
    for thousands of pairs) spares looking it up for each."""
    if match["first_meeting_at"] is not None:
        return match["first_meeting_at"].astimezone(tz or timezone.get_current_timezone()).date()
    return match["cycle_start"]


@dataclass
class SurveyFigure:
    instrument: Instrument
    audience: str
    change: Change | None
    waves: list[tuple[str, int, float | None]] = field(default_factory=list)  # kind, n, mean


@dataclass
class PulseFigure:
    """Support's pulse ratings (1–5) of one school year: each side's mean over its answers and the
    number of pairs that answered; pairs where both sides answered and, of them, those whose latest
    answers in the year are ``gap`` or more apart."""

    mentor_n: int = 0
    mentor_mean: float | None = None
    learner_n: int = 0
    learner_mean: float | None = None
    both: int = 0
    with_gap: int = 0


@dataclass
class Figures:
    programme: Programme
    filters: Filters
    matches: int = 0
    active: int = 0
    closed: int = 0
    learners: int = 0
    mentors: int = 0
    meetings_held: int = 0
    minutes: int = 0
    meetings_per_match: float | None = None
    match_days_median: float | None = None
    closure_reasons: dict[str, int] = field(default_factory=dict)
    closure_unrecorded: int = 0  # closed without a recorded reason
    early_closures: int = 0
    waiting_days_median: float | None = None
    waiting_n: int = 0
    waiting_now: int | None = 0  # None in a report of a period that has ended: it says nothing of it
    goals: int = 0
    goals_reached: int = 0
    surveys: list[SurveyFigure] = field(default_factory=list)
    absence_by_cycle: dict[str, tuple[int, float | None]] = field(default_factory=dict)
    test_by_cycle: dict[str, tuple[int, float | None]] = field(default_factory=dict)
    follow_up: dict[int, dict[str, int]] = field(default_factory=dict)  # months → status → learners
    cycles: list[str] = field(default_factory=list)
    pulse: dict[str, PulseFigure] = field(default_factory=dict)  # school year → ratings
    pulse_gap: int = 2  # support's threshold for "mentor and learner rate it differently"
    # Every scored answer of the programme as ``_responses`` read them (the grouped pass of the
    # same request reuses them instead of reading them again).
    responses: list[Any] = field(default_factory=list, repr=False)

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)

    def dropout(self, months: int) -> tuple[int, int]:
        """(left without a qualification, learners with a status) at ``months`` after the match."""
        counts = self.follow_up.get(months, {})
        return counts.get(SchoolStatus.LEFT_UNQUALIFIED, 0), sum(counts.values())


def figures(*, programme: Programme, filters: Filters | None = None) -> Figures:
    filters = filters or Filters()
    out = Figures(programme=programme, filters=filters)
    tz = timezone.get_current_timezone()
    every = _scoped_matches(programme, Filters(site=filters.site, partner=filters.partner))
    started = {m["pk"]: cycle_of(_start(m, tz)) for m in every}
    out.cycles = sorted(set(started.values()) - {""}, reverse=True)
    matches = [m for m in every if not filters.cycle or started[m["pk"]] == filters.cycle]
    if filters.start or filters.end:
        matches = _scoped_matches(programme, filters)
    # The same pairs as a subquery, for the queries on the pairs' meetings, goals, ratings, results.
    scope = _scoped(programme, filters).order_by()
    ids = scope.values("pk")
    out.matches = len(matches)
    out.active = sum(1 for m in matches if m["state"] == Match.State.ACTIVE)
    out.closed = sum(1 for m in matches if m["state"] == Match.State.CLOSED)
    out.learners = len({m["learner_id"] for m in matches})
    out.mentors = len({m["volunteer_id"] for m in matches})

    meetings = Meeting.objects.filter(match_id__in=ids, state=Meeting.State.HELD)
    if filters.start:
        meetings = meetings.filter(starts_at__gte=_midnight(filters.start))
    if filters.end:
        meetings = meetings.filter(starts_at__lt=_midnight(filters.end, 1))
    held = meetings.aggregate(n=Count("pk"), minutes=Sum("duration_minutes"))
    out.meetings_held, out.minutes = held["n"] or 0, held["minutes"] or 0
    out.meetings_per_match = out.meetings_held / out.matches if out.matches else None

    closed = [m for m in matches if m["state"] == Match.State.CLOSED and m["closed_at"]]
    lengths = [(m["closed_at"].astimezone(tz).date() - s).days for m in closed if (s := _start(m, tz))]
    out.match_days_median = safe_median(lengths)
    # Every closed match by its reason, as the matches report counts them (``matching.selectors
    # .protect_matches`` protects both alike): the reasons add up to the closed ones.
    ended = [m["closure_reason"] for m in matches if m["state"] == Match.State.CLOSED]
    out.closure_reasons = dict(Counter(r for r in ended if r in Match.Closure.values))
    out.closure_unrecorded = len(ended) - sum(out.closure_reasons.values())
    out.early_closures = out.closure_unrecorded + sum(
        n for reason, n in out.closure_reasons.items() if reason not in ON_TIME)

    waits = [(m["created"].astimezone(tz).date() - m["learner__waiting_since"]).days for m in matches
             if m["learner__waiting_since"]]
    waits = [w for w in waits if w >= 0]
    out.waiting_n, out.waiting_days_median = len(waits), safe_median(waits)
    waiting = Learner.objects.filter(programme=programme, state=Learner.State.WAITING)
    if filters.site:
        waiting = waiting.filter(institution__site_id=filters.site)
    if filters.partner:
        waiting = waiting.filter(institution_id=filters.partner)
    # Today's waiting list is no figure of a period that has ended (a past school year's report).
    out.waiting_now = None if filters.end and filters.end < timezone.localdate() else waiting.count()

    goals = Goal.objects.filter(match_id__in=ids).exclude(state=Goal.State.ADJUSTED).aggregate(
        n=Count("pk"), reached=Count("pk", filter=Q(state=Goal.State.REACHED)))
    out.goals, out.goals_reached = goals["n"] or 0, goals["reached"] or 0

    # Anonymous and supervisors' answers (no pair) count in the whole programme and the report, not
    # in a view of some of the pairs: there they would be a group in every view (docs/outcomes.md).
    out.responses = _responses(programme)
    out.surveys = _surveys(programme, matches, shared=not (filters.site or filters.partner or filters.cycle),
                           rows=out.responses)
    learners = scope.values("learner_id")
    earlier = None
    if filters.cycle and (begins := _cycle_start(filters.cycle)) is not None:
        # A learner's indicators count in the school year of their first started pair only (as in
        # equal participation), so the school years' views are a partition of the learners.
        earlier = Match.objects.filter(programme=programme, state__in=STARTED).filter(
            Q(first_meeting_at__lt=_midnight(begins)) | Q(first_meeting_at__isnull=True, cycle_start__lt=begins)
        ).values("learner_id")
    _indicators(out, learners, filters, earlier=earlier)
    _pulse(out, ids, filters)
    return out


def report_years(*, programme: Programme, today: date) -> list[str]:
    """The school years a funder report can be asked for, newest first: the dashboard's (those
    its started pairs began in), the last complete one (the report's default) and the current
    one. Never typed dates: a school year's report is the dashboard's view of that school year,
    protected jointly with every other view (docs/outcomes.md, *Funder report period*)."""
    tz = timezone.get_current_timezone()
    rows = Match.objects.filter(programme=programme, state__in=STARTED).values("first_meeting_at", "cycle_start")
    found = {cycle_of(_start(dict(m), tz)) for m in rows} - {""}
    this = cycle_of(today)
    return sorted(found | {this, cycle_of(date(int(this[:4]) - 1, 8, 1))}, reverse=True)


# --- every part at once (an observer's filtered view) ---------------------------------------------

WHOLE, ALL_YEARS = ("whole", None), "all"
NO_YEAR = ""  # pairs without a start date: in the whole, in no school year's view


@dataclass
class Parts:
    """The counts of every part of a programme a funder can open on the dashboard, read in one
    grouped pass (:func:`parts`): ``counts[(row, col)][key]`` (a view without pairs is left out,
    a key left out counts 0), a *row* being the whole programme
    (:data:`WHOLE`), a site ``("site", pk)`` or a school ``("partner", pk)`` (``pk`` None: pairs at
    no site, or no school; no page shows them), a *col* every school year (:data:`ALL_YEARS`), one
    school year, or :data:`NO_YEAR`. ``sites`` gives each site's schools (the key None: the schools
    at no site). The keys: each match count of ``matching.selectors.match_tree`` the dashboard shows
    (``active``, ``reason:<code>``, ``unrecorded``, ``closed``, ``started``), ``learners``,
    ``mentors``, ``goals:reached``, ``goals:other``, ``goals`` and, over every year only, ``waiting``;
    and the counts of the surveys, pulse ratings, school indicators and follow-ups
    (:func:`extra_counts`). ``period`` (a funder report's, when asked for): the report's counts of
    the whole programme by the school year its pairs started in (its column), and ``period_total``
    the report's counts (learners and mentors counted once)."""

    counts: dict[tuple[Any, str], dict[str, int]]
    sites: dict[int | None, list[int | None]]
    years: list[str]
    period: dict[str, dict[str, int]] = field(default_factory=dict)
    period_total: dict[str, int] = field(default_factory=dict)

    def whole(self) -> dict[str, int]:
        """The unfiltered view's counts."""
        return dict(self.counts.get((WHOLE, ALL_YEARS), {}))

    def view(self, filters: Filters) -> tuple[Any, str] | None:
        """The (row, col) a dashboard filter reads; None for a site with another site's school (no pairs)."""
        if filters.partner:
            if filters.site and filters.partner not in self.sites.get(filters.site, []):
                return None
            row: Any = ("partner", filters.partner)
        else:
            row = ("site", filters.site) if filters.site else WHOLE
        return row, filters.cycle or ALL_YEARS


def _year_order(year: str) -> tuple[bool, str]:
    """School years oldest first, pairs without a start date last (``min`` picks a learner's first)."""
    return year == NO_YEAR, year


def parts(*, programme: Programme, period: tuple[date, date] | None = None,
          responses: list[Any] | None = None) -> Parts:
    """Every part's counts in a fixed number of queries, whatever the number of sites, schools and
    years (the sites, the schools, the pairs with their goals counted, the waiting learners grouped
    by school, the survey answers, the pulse answers, the school indicators): the rows are split in
    Python, not one ``figures`` per part. The same pairs and people as ``figures`` counts for each
    filter (``_scoped``, ``_start``; a learner's indicators in the school year of their first pair,
    anonymous and supervisors' answers in the whole programme only: the part at no school and in no
    school year, which no page shows). ``period`` (start, end): also the counts of the funder
    report of that period (``Parts.period``), as ``figures`` counts them with ``Filters(start, end)``.
    ``responses``: the programme's answers as ``figures`` of the same request read them
    (``Figures.responses``), not read again."""
    from tandem.journal.models import Goal
    from tandem.support.attention import rules_for
    tz = timezone.get_current_timezone()
    sites: dict[int | None, list[int | None]] = {pk: [] for pk in programme.sites.values_list("pk", flat=True)}
    sites[None] = [None]
    for pk, site in programme.partners.values_list("pk", "site_id"):
        sites.setdefault(site, []).append(pk)
    # The pairs with their goals counted in the same query (one row a pair: the goals are the only
    # relation joined), as tuples: thousands of rows, no dict each.
    goals = Q(goals__isnull=False) & ~Q(goals__state=Goal.State.ADJUSTED)
    started = Match.objects.filter(programme=programme, state__in=STARTED)
    matches: list[Any] = list(started.values_list(
        "pk", "state", "closure_reason", "learner_id", "volunteer_id", "learner__institution_id",
        "learner__institution__site_id", "first_meeting_at", "cycle_start").annotate(
        n=Count("goals", filter=goals), reached=Count("goals", filter=goals & Q(goals__state=Goal.State.REACHED)))
        .order_by("pk"))
    # Each pair into its school and school year (the finest part), then each part into the parts
    # that hold it: the work per pair is constant, the rest grows with schools × years only.
    finest: dict[tuple[int | None, str], Counter[str]] = defaultdict(Counter)
    faces: dict[tuple[int | None, str], tuple[set[int], set[int]]] = defaultdict(lambda: (set(), set()))
    site_of: dict[int | None, int | None] = {p: s for s, ps in sites.items() for p in ps}
    active, reasons = str(Match.State.ACTIVE), frozenset(Match.Closure.values)  # read once, not per pair
    cell_of: dict[int, tuple[int | None, str]] = {}  # pair → its cell
    learner_cell: dict[int, tuple[int | None, str]] = {}  # learner → the cell of their first pair
    # The report's pairs (those whose cycle overlaps the period: ``_scoped``, one more query only
    # for a report), by their cell's year.
    in_period: set[int] = set()
    report_pairs: set[int] = set(_scoped(programme, Filters(start=period[0], end=period[1])).order_by()
                                 .values_list("pk", flat=True)) if period else set()
    report: dict[str, Counter[str]] = defaultdict(Counter)
    report_faces: dict[str, tuple[set[int], set[int]]] = defaultdict(lambda: (set(), set()))
    report_learners: set[int] = set()
    for pk, state, reason, learner, mentor, school, site, first_meeting, cycle_start, n, reached in matches:
        start = first_meeting.astimezone(tz).date() if first_meeting is not None else cycle_start  # as _start
        cell = (school, cycle_of(start))
        cell_of[pk] = cell
        if learner not in learner_cell or _year_order(cell[1]) < _year_order(learner_cell[learner][1]):
            learner_cell[learner] = cell
        if school not in site_of:  # a school of another programme: kept with its site
            site_of[school] = site
            sites.setdefault(site, []).append(school)
        kind = "active" if state == active else f"reason:{reason}" if reason in reasons else "unrecorded"
        found = finest[cell]
        found[kind] += 1
        if n:
            found["goals:reached"] += reached
            found["goals:other"] += n - reached
        faces[cell][0].add(learner)
        faces[cell][1].add(mentor)
        if period and pk in report_pairs:
            in_period.add(pk)
            found = report[cell[1]]
            found[kind] += 1
            if n:
                found["goals:reached"] += reached
                found["goals:other"] += n - reached
            report_faces[cell[1]][0].add(learner)
            report_faces[cell[1]][1].add(mentor)
            report_learners.add(learner)
    extra: dict[tuple[int | None, str], Counter[str]] = defaultdict(Counter)
    report_extra: dict[str, Counter[str]] = defaultdict(Counter)
    _extra_answers(_responses(programme) if responses is None else responses, cell_of,
                   in_period if period else None, extra, report_extra)
    dated = [int(cell[1][:4]) for cell in finest if cell[1] != NO_YEAR]
    first = min(dated, default=timezone.localdate().year) - 1
    answers = _pulse_answers(started.values("pk"), first=first)
    gap = rules_for(programme).rating_gap if answers else 0  # read only when there is an answer
    _extra_pulse(answers, cell_of, gap, extra)
    if period and answers:
        _extra_pulse(_pulse_answers(started.values("pk"), first=first, start=period[0], end=period[1]),
                     {pk: cell_of[pk] for pk in in_period}, gap, report_extra, by_year=True)
    _extra_indicators(started.values("learner_id"), learner_cell, report_learners if period else None, period,
                      extra, report_extra)
    for cell, found in extra.items():
        finest[cell].update(found)
    sums = extra_sums({key for found in extra.values() for key in found})  # once, not per view
    counts: dict[tuple[Any, str], Counter[str]] = defaultdict(Counter)
    people: dict[tuple[Any, str], tuple[set[int], set[int]]] = defaultdict(lambda: (set(), set()))
    for (partner, year), found in finest.items():
        for row in (WHOLE, ("site", site_of[partner]), ("partner", partner)):
            for col in (ALL_YEARS, year):
                counts[(row, col)].update(found)
                people[(row, col)][0].update(faces[(partner, year)][0])
                people[(row, col)][1].update(faces[(partner, year)][1])
    waiting = (Learner.objects.filter(programme=programme, state=Learner.State.WAITING)
               .values("institution_id", "institution__site_id").order_by().annotate(n=Count("pk")))
    for w in waiting:
        for row in (WHOLE, ("site", w["institution__site_id"]), ("partner", w["institution_id"])):
            counts[(row, ALL_YEARS)]["waiting"] += w["n"]
    years = {year for _partner, year in finest}
    out: dict[tuple[Any, str], dict[str, int]] = {}
    for view, found in counts.items():
        learners, mentors = people.get(view, ((), ()))
        out[view] = with_sums({**found, "learners": len(learners), "mentors": len(mentors)}, sums)
    found_period: dict[str, dict[str, int]] = {}
    total: dict[str, int] = {}
    if period:
        for year in set(report) | set(report_extra):
            learners, mentors = report_faces.get(year, ((), ()))
            found_period[year] = with_sums({**report[year], **report_extra[year], "learners": len(learners),
                                            "mentors": len(mentors)}, sums)
        every = Counter[str]()
        for year_counts in found_period.values():
            every.update(year_counts)
        total = with_sums({**every, "learners": len(report_learners),
                           "mentors": len({m for _l, ms in report_faces.values() for m in ms})}, sums)
    return Parts(counts=out, sites=sites, years=sorted(years - {NO_YEAR}, reverse=True), period=found_period,
                 period_total=total)


def _extra_answers(rows: list[Any], cell_of: dict[int, tuple[int | None, str]], in_period: set[int] | None,
                   extra: dict[tuple[int | None, str], Counter[str]], report: dict[str, Counter[str]]) -> None:
    """The survey counts (:func:`extra_counts`) of each cell: an answer in the cell of its pair, an
    anonymous or supervisor's one in the part no page shows; a change in the cell of the pair of
    its after answer. With ``in_period``: the report's counts of those pairs (and every shared one)."""
    shared = (None, NO_YEAR)
    for key, audience, kind, anonymous, _person, match, _score in rows:
        if key not in INSTRUMENTS:
            continue
        is_shared = _shared(audience, anonymous)
        cell = shared if is_shared else cell_of.get(match) if match is not None else None
        if cell is None:
            continue
        extra[cell][f"survey:{key}:{audience}:{kind}"] += 1
        if in_period is not None and (is_shared or match in in_period):
            report[cell[1]][f"survey:{key}:{audience}:{kind}"] += 1
    for (key, audience), found in _changes(rows).items():
        if key not in INSTRUMENTS:
            continue
        for _before, _after, match, is_shared in found:
            cell = shared if is_shared else cell_of.get(match) if match is not None else None
            if cell is None:
                continue
            extra[cell][f"survey:{key}:{audience}:change"] += 1
            if in_period is not None and (is_shared or match in in_period):
                report[cell[1]][f"survey:{key}:{audience}:change"] += 1


def _extra_pulse(answers: list[Any], cell_of: dict[int, tuple[int | None, str]], gap: int,
                 extra: Any, *, by_year: bool = False) -> None:
    """The pulse counts of each cell (of each cell's year, ``by_year``): per school year of the
    answer, the pairs with a mentor's answer, with a learner's, with both, and of those with a gap
    (their latest answers ``gap`` or more apart) and without."""
    latest: dict[tuple[int, str], dict[str, int]] = defaultdict(dict)
    for match_id, side, score, cycle in answers:
        if match_id in cell_of:
            latest[(match_id, cycle)][side] = score  # oldest first: the last one stays
    for (match_id, cycle), sides in latest.items():
        cell = cell_of[match_id]
        found = extra[cell[1] if by_year else cell]
        for side in sides:
            found[f"pulse:{cycle}:{side}"] += 1
        if "mentor" in sides and "learner" in sides:
            found[f"pulse:{cycle}:{'gap' if abs(sides['mentor'] - sides['learner']) >= gap else 'same'}"] += 1


def _extra_indicators(learner_ids: Any, learner_cell: dict[int, tuple[int | None, str]],
                      report_learners: set[int] | None, period: tuple[date, date] | None,
                      extra: dict[tuple[int | None, str], Counter[str]], report: dict[str, Counter[str]]) -> None:
    """The indicator counts of each cell, a learner's in the cell of their first pair: the
    measurements of absence and test scores per school year measured, and each follow-up's
    learners per status (their latest). With a period: the report's (its learners' measurements in
    the period, their statuses whenever)."""
    rows = (SchoolIndicator.objects.filter(learner_id__in=learner_ids)
            .values_list("learner_id", "kind", "measured_on", "number", "code", "months_after")
            .order_by("measured_on", "pk"))
    status: dict[tuple[int, int], str] = {}
    for learner, kind, measured_on, number, code, months in rows:
        cell = learner_cell.get(learner)
        if cell is None:
            continue
        if kind in (IndicatorKind.ABSENCE, IndicatorKind.TEST) and number is not None:
            key = f"{'absence' if kind == IndicatorKind.ABSENCE else 'test'}:{cycle_of(measured_on)}"
            extra[cell][key] += 1
            if report_learners is not None and period and learner in report_learners \
                    and period[0] <= measured_on <= period[1]:
                report[cell[1]][key] += 1
        elif kind == IndicatorKind.STATUS and months:
            status[(learner, months)] = code
    for (learner, months), code in status.items():
        cell = learner_cell[learner]
        extra[cell][f"follow:{months}:{code}"] += 1
        if report_learners is not None and learner in report_learners:
            report[cell[1]][f"follow:{months}:{code}"] += 1


def extra_counts(f: Figures) -> dict[str, int]:
    """The counts of a view's surveys, pulse ratings, school indicators and follow-ups, by key:
    ``survey:<instrument>:<audience>:<kind>`` (answers) and ``…:change`` (people before and after),
    ``pulse:<year>:mentor|learner|both|gap|same`` (pairs), ``absence:<year>`` and ``test:<year>``
    (measurements), ``follow:<months>:<status>`` and ``follow:<months>`` (learners)."""
    out: dict[str, int] = {}
    for s in f.surveys:
        for kind, n, _mean in s.waves:
            out[f"survey:{s.instrument.key}:{s.audience}:{kind}"] = n
        if s.change is not None:
            out[f"survey:{s.instrument.key}:{s.audience}:change"] = s.change.n
    for cycle, p in f.pulse.items():
        out |= {f"pulse:{cycle}:mentor": p.mentor_n, f"pulse:{cycle}:learner": p.learner_n,
                f"pulse:{cycle}:gap": p.with_gap, f"pulse:{cycle}:same": p.both - p.with_gap,
                f"pulse:{cycle}:both": p.both}
    for cycle, (n, _mean) in f.absence_by_cycle.items():
        out[f"absence:{cycle}"] = n
    for cycle, (n, _mean) in f.test_by_cycle.items():
        out[f"test:{cycle}"] = n
    for months, found in f.follow_up.items():
        for code in SchoolStatus.values:
            out[f"follow:{months}:{code}"] = found.get(code, 0)
        out[f"follow:{months}"] = sum(found.values())
    return out


def family(key: str) -> str:
    """The keys protected together (they share sums): a questionnaire's, a school year's pulse, a
    follow-up's statuses; every other extra key alone; the match counts are ``"matches"``."""
    head, *rest = key.split(":")
    if head == "survey":
        return ":".join(key.split(":")[:3])
    if head in ("pulse", "follow") and rest:
        return f"{head}:{rest[0]}"
    if head in ("absence", "test"):
        return key
    return "matches"


def extra_sums(keys: Any) -> dict[str, list[str]]:
    """The sums among extra keys in a view: a school year's pulse pairs with both sides' answers
    (with a gap and without), a follow-up's learners (each status)."""
    out: dict[str, list[str]] = {}
    for key in keys:
        head, *rest = key.split(":")
        if head == "pulse":
            out[f"pulse:{rest[0]}:both"] = [f"pulse:{rest[0]}:gap", f"pulse:{rest[0]}:same"]
        elif head == "follow":
            out[f"follow:{rest[0]}"] = [f"follow:{rest[0]}:{code}" for code in SchoolStatus.values]
    return out


def with_sums(counts: dict[str, int], extra: Mapping[str, list[str]] | None = None) -> dict[str, int]:
    """A view's counts with its own sums (:data:`PART_SUMS`, and ``extra``: :func:`extra_sums` of
    the extra keys; those of ``counts`` when not given)."""
    get = counts.get
    for total, keys in PART_SUMS.items():
        counts[total] = sum([get(k, 0) for k in keys])
    for total, keys in (extra_sums(list(counts)) if extra is None else extra).items():
        counts[total] = sum([get(k, 0) for k in keys])
    return counts


# Each view's own sums, in the order they are computed (a sum may add up an earlier one).
PART_SUMS = {"closed": [*(f"reason:{r}" for r in Match.Closure.values), "unrecorded"],
             "started": ["active", "closed"], "goals": ["goals:reached", "goals:other"]}


def _pulse_answers(ids: Any, *, first: int, start: date | None = None,
                   end: date | None = None) -> list[tuple[Any, ...]]:
    """Support's pulse answers of the pairs ``ids`` as (pair, side, score, school year of the
    answer), the school year found in SQL (no Python function per answer on SQLite: the grouped
    pass reads every answer of the programme), from the school year beginning in ``first`` (the
    year before the first pair's) on; an answer older than that (none: a rating comes after its
    pair began) would count in no school year."""
    from tandem.support.selectors import pulse_answers_by_period

    this = timezone.localdate()
    newest = this.year if this.month >= 8 else this.year - 1
    periods = [(f"{y}-{y + 1}", _midnight(date(y, 8, 1))) for y in range(newest + 1, first - 1, -1)]
    return pulse_answers_by_period(ids, periods=periods, start=start, end=end)


def _pulse(out: Figures, ids: Any, filters: Filters) -> None:
    """Support's pulse ratings of the scoped pairs, per school year of the answer (two queries)."""
    from tandem.support.attention import rules_for
    from tandem.support.selectors import pulse_answers

    out.pulse_gap = rules_for(out.programme).rating_gap
    scores: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    answered: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    latest: dict[str, dict[int, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    cycles: dict[date, str] = {}
    for match_id, side, score, day in pulse_answers(ids, start=filters.start, end=filters.end):
        cycle = cycles.get(day) or cycles.setdefault(day, cycle_of(day))
        scores[cycle][side].append(score)
        answered[cycle][side].add(match_id)
        latest[cycle][match_id][side] = score  # oldest first: the last one stays
    for cycle in sorted(scores, reverse=True):
        both = [sides for sides in latest[cycle].values() if "mentor" in sides and "learner" in sides]
        out.pulse[cycle] = PulseFigure(
            mentor_n=len(answered[cycle]["mentor"]), mentor_mean=safe_mean(scores[cycle]["mentor"]),
            learner_n=len(answered[cycle]["learner"]), learner_mean=safe_mean(scores[cycle]["learner"]),
            both=len(both), with_gap=sum(1 for s in both if abs(s["mentor"] - s["learner"]) >= out.pulse_gap))


def _responses(programme: Programme) -> list[Any]:
    """Every scored answer of the programme's waves on a started pair or on none (anonymous and
    supervisors' answers), oldest first, as tuples (instrument key, audience, kind, anonymous,
    person, pair, score). One query, for ``figures`` and ``parts`` alike."""
    rows = (SurveyResponse.objects.filter(wave__programme=programme, score__isnull=False)
            .filter(Q(match__isnull=True) | Q(match__state__in=STARTED))
            .values_list("wave__instrument", "wave__instrument_version", "wave__audience", "wave__kind",
                         "wave__anonymous", "person_id", "match_id", "score").order_by("pk"))
    return [(f"{i}@{v}", audience, kind, anonymous, person, match, score)
            for i, v, audience, kind, anonymous, person, match, score in rows]


def _shared(audience: str, anonymous: bool) -> bool:
    """An answer with no pair: anonymous, or a supervisor's (about all the pairs they follow)."""
    return bool(anonymous) or audience == "supervisor"


_ORDER = {WaveKind.INTAKE: 0, WaveKind.MID: 1, WaveKind.CLOSURE: 2, WaveKind.FOLLOW_UP: 3}


def _changes(rows: list[Any]) -> dict[tuple[str, str], list[tuple[float, float, int | None, bool]]]:
    """Per questionnaire and audience, each person's (before, after, the pair of the after answer,
    shared): the first answer (intake, else mid-cycle) and the last (closure, else follow-up), over
    all their answers, whichever pair they were given on. The change counts in the view of the pair
    of the *after* answer (a partition of the people), a supervisor's in the whole programme."""
    per_person: dict[tuple[str, str], dict[int, dict[str, tuple[float, int | None]]]] = defaultdict(
        lambda: defaultdict(dict))
    shared_of: dict[tuple[str, str], bool] = {}
    for key, audience, kind, anonymous, person, match, score in rows:
        if person is None:
            continue
        per_person[(key, audience)][person][kind] = (score, match)
        shared_of[(key, audience)] = _shared(audience, anonymous)
    out: dict[tuple[str, str], list[tuple[float, float, int | None, bool]]] = defaultdict(list)
    for group, people in per_person.items():
        for answers in people.values():
            before = answers.get(WaveKind.INTAKE, answers.get(WaveKind.MID))
            after = answers.get(WaveKind.CLOSURE, answers.get(WaveKind.FOLLOW_UP))
            if before is not None and after is not None and len(answers) >= 2:
                out[group].append((before[0], after[0], after[1], shared_of[group]))
    return out


def _surveys(programme: Programme, matches: list[dict[str, Any]], *, shared: bool = True,
             rows: list[Any] | None = None) -> list[SurveyFigure]:
    """Per questionnaire and audience: the mean of each wave, and the paired change from the
    first answer (intake, else mid-cycle) to the last (closure, else follow-up) of each person.
    ``shared``: anonymous and supervisors' answers count too (the whole programme, a report)."""
    ids = {m["pk"] for m in matches}
    rows = _responses(programme) if rows is None else rows
    by_key: dict[tuple[str, str], dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for key, audience, kind, anonymous, _person, match, score in rows:
        if (shared and _shared(audience, anonymous)) or (match in ids and not _shared(audience, anonymous)):
            by_key[(key, audience)][kind].append(score)
    changes = {group: [(b, a) for b, a, match, is_shared in found
                       if (is_shared and shared) or (not is_shared and match in ids)]
               for group, found in _changes(rows).items()}
    found = []
    for (key, audience) in sorted(set(by_key) | {g for g, pairs in changes.items() if pairs}):
        if key not in INSTRUMENTS:
            continue
        per_wave = by_key.get((key, audience), {})
        waves = [(kind, len(per_wave[kind]), safe_mean(per_wave[kind]))
                 for kind in sorted(per_wave, key=lambda k: _ORDER.get(k, 9))]  # type: ignore[call-overload]
        found.append(SurveyFigure(instrument=INSTRUMENTS[key], audience=audience,
                                  change=paired_change(changes.get((key, audience), [])), waves=waves))
    return found


def _indicators(out: Figures, learner_ids: Any, filters: Filters, *, earlier: Any = None) -> None:
    """Absence and test scores measured in the period (a report's), by school year; the follow-up
    status of the period's learners whenever it was measured (it comes months after). ``earlier``:
    learners left out (in a school year's view, those whose first pair started before it)."""
    in_period = Q()
    if filters.start:
        in_period &= Q(measured_on__gte=filters.start)
    if filters.end:
        in_period &= Q(measured_on__lte=filters.end)
    scope = SchoolIndicator.objects.filter(learner_id__in=learner_ids)
    if earlier is not None:
        scope = scope.exclude(learner_id__in=earlier)
    if in_period:
        scope = scope.filter(Q(kind=IndicatorKind.STATUS) | in_period)
    rows = scope.values(
        "learner_id", "kind", "measured_on", "number", "code", "months_after").order_by("measured_on", "pk")
    absence: dict[str, list[float]] = defaultdict(list)
    tests: dict[str, list[float]] = defaultdict(list)
    status: dict[int, dict[int, str]] = defaultdict(dict)  # months → learner → latest status
    for r in rows:
        if r["kind"] == IndicatorKind.ABSENCE and r["number"] is not None:
            absence[cycle_of(r["measured_on"])].append(float(r["number"]))
        elif r["kind"] == IndicatorKind.TEST and r["number"] is not None:
            tests[cycle_of(r["measured_on"])].append(float(r["number"]))
        elif r["kind"] == IndicatorKind.STATUS and r["months_after"]:
            status[r["months_after"]][r["learner_id"]] = r["code"]
    out.absence_by_cycle = {c: (len(v), safe_mean(v)) for c, v in sorted(absence.items())}
    out.test_by_cycle = {c: (len(v), safe_mean(v)) for c, v in sorted(tests.items())}
    out.follow_up = {m: dict(Counter(v.values())) for m, v in sorted(status.items())}


# --- equal participation -------------------------------------------------------------------------

def participation(*, programme: Programme) -> dict[str, dict[str, dict[str, int]]]:
    """Learners and mentors of the programme's started matches, by cycle, counted by what they
    declared: ``{measure: {cycle: {"yes"|"no"|"unknown": n}}}`` ("unknown": not declared, or
    "prefer not to say"). Learners' migration background, first generation and gender come from
    intake's special-category data (declared with consent); mentors' migration background and
    first generation from their own declaration (onboarding), their gender from their
    application. Each person counts once, in the cycle of their first started match. Aggregates
    only. Every school year: a funder report keeps the rows of its own school years after the
    whole table is protected (``report.participation_sections``), so that its rows hide what the
    equal-participation page hides."""
    from tandem.intake.models import SensitiveProfile
    from tandem.onboarding.models import Volunteer, VolunteerDeclaration

    matches: list[Any] = list(Match.objects.filter(programme=programme, state__in=STARTED)
                   .values("learner_id", "volunteer_id", "cycle_start", "first_meeting_at").order_by("pk"))
    learner_cycle: dict[int, str] = {}
    mentor_cycle: dict[int, str] = {}
    for m in matches:
        learner_cycle.setdefault(m["learner_id"], cycle_of(_start(m)))
        mentor_cycle.setdefault(m["volunteer_id"], cycle_of(_start(m)))
    profiles = {p["learner_id"]: p for p in SensitiveProfile.objects.filter(learner_id__in=list(learner_cycle))
                .values("learner_id", "migration_background", "first_generation", "gender")}
    genders = dict(Volunteer.objects.filter(pk__in=list(mentor_cycle)).values_list("pk", "gender"))
    declarations = {d["volunteer_id"]: d for d in VolunteerDeclaration.objects.filter(
        volunteer_id__in=list(mentor_cycle)).values("volunteer_id", "migration_background", "first_generation")}
    out: Any = defaultdict(lambda: defaultdict(Counter))

    def word(value: bool | None) -> str:
        return "unknown" if value is None else ("yes" if value else "no")

    def female(gender: str | None) -> str:
        return "unknown" if not gender else ("yes" if gender == "female" else "no")

    for learner, cycle in learner_cycle.items():
        profile: Any = profiles.get(learner, {})
        out["learner_migration"][cycle][word(profile.get("migration_background"))] += 1
        out["learner_first_generation"][cycle][word(profile.get("first_generation"))] += 1
        out["learner_female"][cycle][female(profile.get("gender"))] += 1
    for mentor, cycle in mentor_cycle.items():
        declared: Any = declarations.get(mentor, {})
        out["mentor_migration"][cycle][word(declared.get("migration_background"))] += 1
        out["mentor_first_generation"][cycle][word(declared.get("first_generation"))] += 1
        out["mentor_female"][cycle][female(genders.get(mentor))] += 1
    return {k: {c: dict(v) for c, v in sorted(cycles.items())} for k, cycles in out.items()}


# --- lists -----------------------------------------------------------------------------------------

# An invitation whose link was stopped (and that was not answered) no longer counts as asked.
_LIVE = Q(invitations__revoked_at__isnull=True) | Q(invitations__answered_at__isnull=False)


def wave_counts(wave: SurveyWave) -> dict[str, int]:
    """A wave's invitations counted apart: asked (links live or answered), answered, stopped."""
    return wave.invitations.aggregate(
        asked=Count("pk", filter=Q(revoked_at__isnull=True) | Q(answered_at__isnull=False)),
        answered=Count("pk", filter=Q(answered_at__isnull=False)),
        stopped=Count("pk", filter=Q(revoked_at__isnull=False, answered_at__isnull=True)))


def waves(*, programme: Programme) -> Any:
    return (SurveyWave.objects.filter(programme=programme)
            .annotate(n_invited=Count("invitations", filter=_LIVE, distinct=True),
                      n_answered=Count("invitations", filter=Q(invitations__answered_at__isnull=False),
                                       distinct=True))
            .order_by("-opens_on", "-pk"))


def indicators(*, programme: Programme) -> Any:
    return (SchoolIndicator.objects.filter(learner__programme=programme)
            .select_related("learner__person").order_by("-measured_on", "-pk"))
