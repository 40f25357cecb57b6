"""Reads of the journal, always through a match the reader may open (``matching.selectors``).

Who reads what is decided by the reader's *part in the pair* (``pair_roles``): the programme's
coordinators, the pair's mentor, its learner, the learner's guardian, and the supervisors at the
learner's school. A note is read by the parts its visibility names (``models.READERS``).

The pair's page and the supervisor's overview read a fixed number of queries however many
meetings a pair has (prefetches and annotations, never a query per meeting).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import (
    Avg,
    Count,
    Exists,
    FloatField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from tandem.core.models import Membership, Person, Programme, Role
from tandem.core.roles import roles_for
from tandem.journal.models import (
    READERS,
    Goal,
    GoalCategory,
    GoalProgress,
    LearnerLink,
    Meeting,
    MeetingDraft,
    Note,
)
from tandem.matching import selectors as matching_selectors
from tandem.matching.models import Match, MatchEvent

COORDINATOR_ROLES = frozenset({Role.COORDINATOR, Role.ORG_ADMIN})
WRITABLE_STATES = (Match.State.INTRODUCED, Match.State.ACTIVE)
OPEN_STATES = (Match.State.PROPOSED, Match.State.INTRODUCED, Match.State.ACTIVE)
CADENCE_DAYS = {"weekly": 7, "fortnightly": 14, "monthly": 28}
# Where a slot of the week starts when a first meeting is planned from the pair's free time.
SLOT_HOURS = {"morning": 10, "afternoon": 15, "evening": 19}
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
IMPORTANT_RECENT = timedelta(days=14)  # "marked important" counts this long, in the overview's rows and figures
RATE_DAYS = 30  # a held meeting can be rated (again) for this long


def me(user: Any, programme: Programme) -> Person | None:
    return matching_selectors.me(user, programme)


def pair_roles(*, match: Match, user: Any) -> frozenset[str]:
    """The parts ``user`` plays in this pair: coordinator, mentor, learner, guardian, supervisor."""
    roles = roles_for(user, match.programme)
    parts: set[str] = set()
    if roles & COORDINATOR_ROLES:
        parts.add("coordinator")
    person = me(user, match.programme) if roles else None
    if person is None:
        return frozenset(parts)
    if Role.MENTOR in roles and match.volunteer.person_id == person.pk:
        parts.add("mentor")
    if Role.LEARNER in roles and match.learner.person_id == person.pk:
        parts.add("learner")
    if Role.GUARDIAN in roles and match.learner.person.guardian_links.filter(guardian=person).exists():
        parts.add("guardian")
    if Role.SUPERVISOR in roles and match.learner.institution_id and Membership.objects.filter(
            person=person, programme=match.programme, role=Role.SUPERVISOR,
            institution_id=match.learner.institution_id).exists():
        parts.add("supervisor")
    return frozenset(parts)


def readable_visibilities(parts: frozenset[str]) -> list[str]:
    return [visibility for visibility, readers in READERS.items() if readers & parts]


def pair_supervisors(match: Match) -> QuerySet[Person]:
    """The supervisors of a pair: those at the learner's school (the ones who can open it)."""
    if not match.learner.institution_id:
        return Person.objects.none()
    return Person.objects.filter(
        memberships__programme_id=match.programme_id, memberships__role=Role.SUPERVISOR,
        memberships__institution_id=match.learner.institution_id).distinct()


def supervision(programme: Programme) -> bool:
    """Does the programme ask for a preparation before and supervision around each meeting?"""
    return bool(programme.requirement("supervisor_feedback_per_session"))


def categories(*, programme: Programme, include: GoalCategory | None = None) -> QuerySet[GoalCategory]:
    """The categories a new goal may take (and the goal's own, if it was put out of use)."""
    q = Q(in_use=True)
    if include is not None:
        q |= Q(pk=include.pk)
    return GoalCategory.objects.filter(programme=programme).filter(q)


# --- the next meeting, from the cadence --------------------------------------------------------

def _step(programme: Programme) -> timedelta:
    return timedelta(days=CADENCE_DAYS.get(programme.meeting_cadence, 7))


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment)


def _first_shared_slot(match: Match, now: datetime) -> datetime | None:
    """The next free moment both have in the week (e.g. "tue-afternoon" → next Tuesday 15:00)."""
    mentor = set(match.volunteer.availability or [])
    learner = list(match.learner.availability or [])
    slots = [s for s in learner if s in mentor] or learner or sorted(mentor)
    today = timezone.localdate(now)
    best: datetime | None = None
    for slot in slots:
        day, _sep, part = slot.partition("-")
        if day not in WEEKDAYS or part not in SLOT_HOURS:
            continue
        ahead = (WEEKDAYS.index(day) - today.weekday()) % 7 or 7
        moment = timezone.make_aware(datetime.combine(today + timedelta(days=ahead), time(SLOT_HOURS[part])))
        if best is None or moment < best:
            best = moment
    return best


def next_slot(*, match: Match, now: datetime | None = None, last: Meeting | None = None) -> tuple[datetime, str]:
    """When and where the pair's next meeting most likely is: the last meeting (or the first
    meeting) moved on by the programme's cadence past now, at the same weekday and local time;
    at school (the learner's school's name) where the programme meets at school."""
    now = now or timezone.now()
    if last is None:
        last = match.meetings.order_by("-starts_at").first()
    base = last.starts_at if last is not None else match.first_meeting_at
    step = _step(match.programme)
    if base is not None:
        local = _local(base)
        day, clock = local.date(), local.time()
        if last is not None:
            day += step  # the meeting after the last one, never a second one at its time
        while timezone.make_aware(datetime.combine(day, clock)) <= now:
            day += step
        starts = timezone.make_aware(datetime.combine(day, clock))
    else:
        starts = _first_shared_slot(match, now) or timezone.make_aware(
            datetime.combine(timezone.localdate(now) + timedelta(days=7), time(15)))
    return starts, default_place(match, last)


def default_place(match: Match, last: Meeting | None = None) -> str:
    if last is not None and last.place:
        return last.place
    if match.programme.requirement("meet_at_school") and match.learner.institution_id:
        return match.learner.institution.name  # type: ignore[union-attr]
    return match.first_meeting_place


# --- the pair's page ---------------------------------------------------------------------------

@dataclass
class Entry:
    """One line of the pair's timeline: a step of the match, a goal, or a meeting."""

    at: datetime
    kind: str  # "event", "goal", "goal_step", "meeting"
    item: Any


@dataclass
class Stats:
    held: int = 0
    minutes: int = 0
    past: int = 0  # meetings planned for a moment now passed (whatever became of them)
    unlogged: int = 0
    cancelled: int = 0
    no_show: int = 0
    expected: int | None = None  # meetings the cadence asks for since the cycle started
    ratings: list[int] = field(default_factory=list)

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)

    @property
    def average_rating(self) -> float | None:
        return round(sum(self.ratings) / len(self.ratings), 1) if self.ratings else None


@dataclass
class PairStory:
    match: Match
    parts: frozenset[str]
    goals: list[Goal]
    meetings: list[Meeting]
    timeline: list[Entry]
    stats: Stats
    next_meeting: Meeting | None
    last_meeting: Meeting | None
    link: LearnerLink | None

    @property
    def held_newest_first(self) -> list[Meeting]:
        return [m for m in reversed(self.meetings) if m.state == Meeting.State.HELD]

    @property
    def to_log(self) -> list[Meeting]:
        """Meetings whose time has come and that nobody logged yet."""
        now = timezone.now()
        return [m for m in self.meetings if m.state == Meeting.State.PLANNED and m.starts_at <= now]


def _goals(match: Match) -> list[Goal]:
    return list(match.goals.select_related("category", "replaces").prefetch_related(
        Prefetch("progress", queryset=GoalProgress.objects.select_related("author")),
        "transitions__actor"))


def _meetings(match: Match, parts: frozenset[str]) -> list[Meeting]:
    notes = Note.objects.filter(visibility__in=readable_visibilities(parts)).select_related("author")
    meetings = list(match.meetings.prefetch_related("goals", Prefetch("notes", queryset=notes)))
    for meeting in meetings:
        shown = list(meeting.notes.all())
        by_parent: dict[int, list[Note]] = {}
        for note in shown:
            if note.parent_id:
                by_parent.setdefault(note.parent_id, []).append(note)
        for note in shown:
            note.shown_replies = by_parent.get(note.pk, [])  # type: ignore[attr-defined]
        meeting.shown_notes = [n for n in shown if not n.parent_id]  # type: ignore[attr-defined]
        kinds = {n.kind for n in shown}
        meeting.prepared = Note.Kind.PREPARATION in kinds  # type: ignore[attr-defined]
        meeting.commented = Note.Kind.COMMENT in kinds  # type: ignore[attr-defined]
    return meetings


def stats_of(match: Match, meetings: list[Meeting], now: datetime) -> Stats:
    stats = Stats()
    for meeting in meetings:
        if meeting.starts_at <= now:
            stats.past += 1
        if meeting.state == Meeting.State.HELD:
            stats.held += 1
            stats.minutes += meeting.duration_minutes or 0
        elif meeting.state == Meeting.State.CANCELLED:
            stats.cancelled += 1
        elif meeting.state == Meeting.State.NO_SHOW:
            stats.no_show += 1
        elif meeting.starts_at <= now:
            stats.unlogged += 1
        if meeting.rating:
            stats.ratings.append(meeting.rating)
    stats.expected = expected_meetings(match, timezone.localdate(now))
    return stats


def expected_meetings(match: Match, today: date) -> int | None:
    """How many meetings the cadence asks for from the cycle's start until today (inclusive), or
    until the day the match closed (a closed pair's cadence asks nothing more of it)."""
    if match.cycle_start is None or match.cycle_start > today:
        return None
    end = min(today, match.cycle_end) if match.cycle_end else today
    if match.closed_at is not None:
        end = min(end, timezone.localdate(match.closed_at))
    return (end - match.cycle_start).days // _step(match.programme).days + 1


def pair_story(*, match: Match, parts: frozenset[str], now: datetime | None = None) -> PairStory:
    now = now or timezone.now()
    goals = _goals(match)
    meetings = _meetings(match, parts)
    timeline = [Entry(e.at, "event", e) for e in match.events.select_related("actor")
                if e.kind != MatchEvent.Kind.NOTIFIED]
    for goal in goals:
        timeline.append(Entry(goal.created, "goal", goal))
        timeline += [Entry(t.at, "goal_step", t) for t in goal.transitions.all() if t.from_state]
    timeline += [Entry(m.starts_at, "meeting", m) for m in meetings]
    timeline.sort(key=lambda entry: entry.at, reverse=True)
    upcoming = [m for m in meetings if m.state == Meeting.State.PLANNED and m.starts_at > now]
    link = None
    if parts & {"coordinator", "mentor"}:
        link = LearnerLink.objects.filter(match=match, revoked_at__isnull=True, expires_at__gt=now).first()
    return PairStory(
        match=match, parts=parts, goals=goals, meetings=meetings, timeline=timeline,
        stats=stats_of(match, meetings, now), next_meeting=upcoming[0] if upcoming else None,
        last_meeting=meetings[-1] if meetings else None, link=link,
    )


def pair_meeting(*, match: Match, pk: int) -> Meeting:
    return match.meetings.select_related("match").get(pk=pk)


def meeting_notes(*, meeting: Meeting, parts: frozenset[str]) -> list[Note]:
    """The notes of a meeting the reader may read, replies under the note they answer."""
    shown = list(meeting.notes.filter(visibility__in=readable_visibilities(parts)).select_related("author"))
    by_parent: dict[int, list[Note]] = {}
    for note in shown:
        if note.parent_id:
            by_parent.setdefault(note.parent_id, []).append(note)
    for note in shown:
        note.shown_replies = by_parent.get(note.pk, [])  # type: ignore[attr-defined]
    return [n for n in shown if not n.parent_id]


def draft_of(*, meeting: Meeting, user: Any) -> dict[str, Any]:
    draft = MeetingDraft.objects.filter(meeting=meeting, user=user).first()
    return dict(draft.data) if draft is not None else {}


def rateable(meeting: Meeting, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return meeting.state == Meeting.State.HELD and meeting.starts_at >= now - timedelta(days=RATE_DAYS)


def learner_link(token: str) -> LearnerLink | None:
    return (LearnerLink.objects.filter(token=token)
            .select_related("match__programme__organisation", "match__learner__person",
                            "match__volunteer__person").first())


# --- the supervisor's overview -----------------------------------------------------------------

def _per_match(queryset: QuerySet[Any], value: Any, output: Any = None) -> Coalesce:
    """One number per pair from a correlated subquery (``value``: an aggregate over the rows of
    ``queryset`` of that pair). Subqueries rather than a join and GROUP BY: the database then
    reads each pair's meetings once per number, not the product of all of them."""
    rows = queryset.order_by().values("match").annotate(value=value).values("value")
    return Coalesce(Subquery(rows, output_field=output or IntegerField()), Value(0), output_field=output or IntegerField())


def supervised_pairs(*, programme: Programme, user: Any, now: datetime | None = None) -> QuerySet[Match]:
    """The open pairs ``user`` supervises (all of the programme's for coordinators), each with
    its counts, next meeting and what waits for the supervisor — in one query."""
    now = now or timezone.now()
    visible = matching_selectors.visible_matches(programme=programme, user=user)
    meetings = Meeting.objects.filter(match=OuterRef("pk"))
    planned_ahead = meetings.filter(state=Meeting.State.PLANNED, starts_at__gt=now).order_by("starts_at")
    commented = Note.objects.filter(meeting=OuterRef("meeting_id"), kind=Note.Kind.COMMENT)
    waiting = (Note.objects.filter(meeting__match=OuterRef("pk"), kind=Note.Kind.PREPARATION,
                                   meeting__state=Meeting.State.PLANNED, meeting__starts_at__gt=now)
               .annotate(answered=Exists(commented)).filter(answered=False)
               .order_by().values("meeting__match").annotate(n=Count("pk")).values("n"))
    intervised = Note.objects.filter(meeting=OuterRef("pk"), kind=Note.Kind.INTERVISION)
    held = meetings.filter(state=Meeting.State.HELD)
    return (Match.objects.filter(pk__in=visible.filter(state__in=OPEN_STATES).values("pk"))
            .select_related("learner__person", "learner__institution", "volunteer__person", "programme")
            .annotate(
                n_held=_per_match(held, Count("pk")),
                n_minutes=_per_match(held, Sum("duration_minutes")),
                n_past=_per_match(meetings.filter(starts_at__lte=now), Count("pk")),
                n_unlogged=_per_match(meetings.filter(state=Meeting.State.PLANNED, starts_at__lte=now), Count("pk")),
                # As the programme's figure: marked important in the last two weeks.
                n_important=_per_match(meetings.filter(important=True, logged_at__gte=now - IMPORTANT_RECENT),
                                       Count("pk")),
                avg_rating=Subquery(meetings.filter(rating__isnull=False).order_by().values("match")
                                    .annotate(value=Avg("rating")).values("value"), output_field=FloatField()),
                next_at=Subquery(planned_ahead.values("starts_at")[:1]),
                next_id=Subquery(planned_ahead.values("pk")[:1]),
                n_waiting_feedback=Coalesce(Subquery(waiting, output_field=IntegerField()), Value(0)),
                n_waiting_intervision=_per_match(held.annotate(done=Exists(intervised)).filter(done=False),
                                                 Count("pk")),
            )
            .order_by("-n_waiting_feedback", "-n_unlogged", "next_at", "learner__person__given_name", "pk"))


@dataclass
class ProgrammeNumbers:
    pairs: int
    held: int
    hours: float
    past: int
    unlogged: int
    important: int


def programme_numbers(*, programme: Programme, now: datetime | None = None) -> ProgrammeNumbers:
    now = now or timezone.now()
    meetings = Meeting.objects.filter(match__programme=programme, match__state__in=OPEN_STATES)
    row = meetings.aggregate(
        held=Count("pk", filter=Q(state=Meeting.State.HELD)),
        minutes=Coalesce(Sum("duration_minutes", filter=Q(state=Meeting.State.HELD)), Value(0)),
        past=Count("pk", filter=Q(starts_at__lte=now)),
        unlogged=Count("pk", filter=Q(state=Meeting.State.PLANNED, starts_at__lte=now)),
        important=Count("pk", filter=Q(important=True, logged_at__gte=now - IMPORTANT_RECENT)),
    )
    pairs = Match.objects.filter(programme=programme, state=Match.State.ACTIVE).count()
    return ProgrammeNumbers(pairs=pairs, held=row["held"], hours=round(row["minutes"] / 60, 1),
                            past=row["past"], unlogged=row["unlogged"], important=row["important"])
