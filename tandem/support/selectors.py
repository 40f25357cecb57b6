"""Reads of support and safeguarding, always through the programme and the reader's roles.

A safeguarding concern is read only by the programme's safeguarding leads (``is_lead``); other
concerns by its coordinators. Whoever raised a concern sees its state on their own page, never
the staff's notes."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Sum, Value, When
from django.http import Http404
from django.utils import timezone

from tandem.core.models import Membership, Person, Programme, Role, Site
from tandem.core.roles import roles_for
from tandem.matching import selectors as matching_selectors
from tandem.matching.models import Match
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

COORDINATOR_ROLES = frozenset({Role.COORDINATOR, Role.ORG_ADMIN})
RAISERS = (Role.MENTOR, Role.LEARNER, Role.GUARDIAN, Role.SUPERVISOR, Role.PARTNER_CONTACT)


def me(user: Any, programme: Programme) -> Person | None:
    return matching_selectors.me(user, programme)


def is_coordinator(user: Any, programme: Programme) -> bool:
    return bool(roles_for(user, programme) & COORDINATOR_ROLES)


def is_lead(user: Any, programme: Programme) -> bool:
    """Is ``user`` one of the programme's designated safeguarding leads (a coordinator)?"""
    if not is_coordinator(user, programme):
        return False
    return SafeguardingLead.objects.filter(programme=programme, person__user=user,
                                           person__organisation_id=programme.organisation_id).exists()


def leads_of(programme: Programme) -> QuerySet[Person]:
    return Person.objects.filter(safeguarding_leads__programme=programme).order_by("given_name", "pk")


def staff_concerns(*, programme: Programme, user: Any) -> QuerySet[Concern]:
    """The concerns a coordinator reads: every one but safeguarding, and those too for a lead."""
    if not is_coordinator(user, programme):
        return Concern.objects.none()
    rows = Concern.objects.filter(programme=programme).select_related(
        "match__volunteer__person", "match__learner__person", "raised_by")
    if not is_lead(user, programme):
        rows = rows.exclude(kind=Concern.Kind.SAFEGUARDING)
    return rows


def concern_for_staff(*, programme: Programme, user: Any, pk: int) -> Concern:
    """A concern for its page: 404 if it is not the programme's, 403 for a safeguarding concern
    and a reader who is not a lead (the caller audits each view)."""
    concern = (Concern.objects.filter(programme=programme, pk=pk)
               .select_related("match__volunteer__person", "match__learner__person", "raised_by",
                               "programme__organisation").first())
    if concern is None:
        raise Http404
    if concern.is_safeguarding and not is_lead(user, programme):
        raise PermissionDenied
    return concern


def concern_steps(concern: Concern) -> list[ConcernStep]:
    return list(concern.steps.select_related("actor").order_by("at", "pk"))


def my_concerns(*, programme: Programme, user: Any) -> QuerySet[Concern]:
    person = me(user, programme)
    if person is None:
        return Concern.objects.none()
    return Concern.objects.filter(programme=programme, raised_by=person).select_related(
        "match__volunteer__person", "match__learner__person")


def raisable_matches(*, programme: Programme, user: Any) -> QuerySet[Match]:
    """The pairs a person may raise a concern about: those they may open, and for a partner
    contact the pairs of learners at their school or employer. Ongoing pairs first, by the
    learner's and the mentor's names; ended pairs after them (a worry may come after the end)."""
    roles = roles_for(user, programme)
    visible = matching_selectors.visible_matches(programme=programme, user=user)
    q = Q(pk__in=visible.values("pk"))
    person = me(user, programme)
    if Role.PARTNER_CONTACT in roles and person is not None:
        institutions = Membership.objects.filter(person=person, programme=programme, role=Role.PARTNER_CONTACT,
                                                 institution__isnull=False).values("institution_id")
        q |= Q(learner__institution_id__in=institutions)
    return (Match.objects.filter(programme=programme).filter(q)
            .exclude(state__in=(Match.State.DECLINED, Match.State.PROPOSED))
            .select_related("volunteer__person", "learner__person")
            .order_by(Case(When(state=Match.State.CLOSED, then=Value(1)), default=Value(0), output_field=IntegerField()),
                      "learner__person__given_name", "volunteer__person__given_name", "-pk"))


def raised_as(*, programme: Programme, user: Any, match: Match | None) -> str:
    """Which part the raiser plays (their part in the pair first, then their role)."""
    roles = roles_for(user, programme)
    person = me(user, programme)
    if match is not None and person is not None:
        if match.volunteer.person_id == person.pk and Role.MENTOR in roles:
            return Concern.As.MENTOR
        if match.learner.person_id == person.pk and Role.LEARNER in roles:
            return Concern.As.LEARNER
        if Role.GUARDIAN in roles and match.learner.person.guardian_links.filter(guardian=person).exists():
            return Concern.As.GUARDIAN
    for role in (Role.SUPERVISOR, Role.PARTNER_CONTACT, Role.MENTOR, Role.LEARNER, Role.GUARDIAN):
        if role in roles:
            return str(role)
    return Concern.As.COORDINATOR


def open_pause(match: Match) -> MatchPause | None:
    return MatchPause.objects.filter(match=match, lifted_at__isnull=True).first()


def pair_check_ins(match: Match) -> QuerySet[CheckIn]:
    return match.check_ins.select_related("by").order_by("-on", "-pk")


def pair_pulses(match: Match) -> list[PulseRating]:
    return list(match.pulse_ratings.order_by("-at", "-pk")[:12])


def pair_concerns(*, match: Match, user: Any) -> list[Concern]:
    return list(staff_concerns(programme=match.programme, user=user).filter(match=match))


def n_hidden_concerns(*, match: Match, user: Any) -> int:
    """Open safeguarding concerns a coordinator who is not a lead may not read (shown as a count)."""
    if is_lead(user, match.programme):
        return 0
    return match.concerns.filter(kind=Concern.Kind.SAFEGUARDING).exclude(state=Concern.State.RESOLVED).count()


def n_concerns_for_coordinators(match: Match) -> int:
    """Open concerns about the pair, for a reader around it who may not read them (a supervisor):
    the coordinators handle them, and the count matches the "open concern" reason they see."""
    return match.concerns.exclude(state=Concern.State.RESOLVED).count()


def concern_counts(*, programme: Programme, user: Any) -> dict[str, int]:
    rows = staff_concerns(programme=programme, user=user).order_by().values("state").annotate(n=Count("pk"))
    found = {row["state"]: row["n"] for row in rows}
    return {state: found.get(state, 0) for state in Concern.State.values}


# --- exchange meetings -------------------------------------------------------------------------

def exchange_meetings(*, programme: Programme) -> QuerySet[ExchangeMeeting]:
    return (ExchangeMeeting.objects.filter(programme=programme).select_related("site")
            .annotate(n_invited=Count("invitations"),
                      n_yes=Count("invitations", filter=Q(invitations__answer=ExchangeInvitation.Answer.YES)),
                      n_attended=Count("invitations", filter=Q(invitations__attended=True)))
            .order_by("-starts_at", "-pk"))


def exchange_meeting(*, programme: Programme, pk: int) -> ExchangeMeeting:
    found = ExchangeMeeting.objects.filter(programme=programme, pk=pk).select_related(
        "site", "programme__organisation").first()
    if found is None:
        raise Http404
    return found


def invitations(meeting: ExchangeMeeting) -> list[ExchangeInvitation]:
    return list(meeting.invitations.select_related("person").order_by("person__given_name", "pk"))


def my_invitations(*, programme: Programme, user: Any, upcoming: bool = True) -> QuerySet[ExchangeInvitation]:
    person = me(user, programme)
    if person is None:
        return ExchangeInvitation.objects.none()
    rows = ExchangeInvitation.objects.filter(person=person, meeting__programme=programme,
                                             meeting__cancelled_at__isnull=True).select_related("meeting__site")
    if upcoming:
        rows = rows.filter(meeting__starts_at__gte=timezone.now())
    return rows.order_by("meeting__starts_at", "pk")


def mentors_of(*, programme: Programme, site: Site | None = None) -> QuerySet[Person]:
    """The programme's mentors; with ``site``, those who live in its city (the pool a matching
    round for that site reads)."""
    rows = Person.objects.filter(memberships__programme=programme, memberships__role=Role.MENTOR)
    if site is not None:
        rows = rows.filter(city__iexact=site.city)
    return rows.distinct()


def mentors_to_invite(*, programme: Programme, meeting: ExchangeMeeting, everywhere: bool = False) -> QuerySet[Person]:
    """The mentors not yet invited: those of the meeting's site (a Paris meeting is for Paris's
    mentors), or with ``everywhere`` or a meeting for no site, the whole programme's."""
    invited = meeting.invitations.values("person_id")
    site = None if everywhere else meeting.site
    return (mentors_of(programme=programme, site=site).exclude(pk__in=invited)
            .order_by("given_name", "family_name", "pk"))


def attended_by(person: Person) -> QuerySet[ExchangeInvitation]:
    """A volunteer's attended exchange meetings (their record), newest first."""
    return (ExchangeInvitation.objects.filter(person=person, attended=True)
            .select_related("meeting").order_by("-meeting__starts_at", "-pk"))


def exchange_attendance(*, person: Person, programme: Programme, start: date, end: date) -> tuple[int, int]:
    """(minutes, meetings) of the exchange meetings ``person`` attended in ``programme`` between
    ``start`` and ``end`` (both days included); cancelled meetings do not count. One query."""
    found = ExchangeInvitation.objects.filter(
        person=person, attended=True, meeting__programme=programme, meeting__cancelled_at__isnull=True,
        meeting__starts_at__date__gte=start, meeting__starts_at__date__lte=end,
    ).aggregate(minutes=Sum("meeting__minutes"), n=Count("pk"))
    return found["minutes"] or 0, found["n"] or 0


def pulse_answers(match_ids: Any, *, start: date | None = None, end: date | None = None) -> list[tuple[Any, ...]]:
    """Every pulse answer of the given pairs (ids, or a subquery of them), answered between
    ``start`` and ``end`` (local days, both included, when given), oldest first, as tuples
    ``(match_id, side, score, day)`` with the local day it was answered. One query, no model per
    answer; for aggregate figures only (outcomes' dashboard)."""
    from django.db.models.functions import TruncDate

    rows = PulseRating.objects.filter(match_id__in=match_ids).annotate(day=TruncDate("at"))
    if start:  # local midnights: no function per row in the filter
        rows = rows.filter(at__gte=timezone.make_aware(datetime.combine(start, time.min)))
    if end:
        rows = rows.filter(at__lt=timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min)))
    return list(rows.values_list("match_id", "side", "score", "day").order_by("at", "pk"))


def pulse_answers_by_period(match_ids: Any, *, periods: list[tuple[str, datetime]], start: date | None = None,
                            end: date | None = None) -> list[tuple[Any, ...]]:
    """As :func:`pulse_answers`, but each answer with the name of the period it falls in instead of
    its day: ``periods`` are (name, the moment it begins), newest first (an answer before the last
    one's beginning gets ""). The period is found in SQL by comparing the moment with the
    beginnings, so SQLite calls no Python function per answer (the day of thousands of answers
    did; outcomes' grouped pass reads every answer of a programme)."""
    from django.db.models import Case, CharField, Value, When

    rows = PulseRating.objects.filter(match_id__in=match_ids)
    if start:
        rows = rows.filter(at__gte=timezone.make_aware(datetime.combine(start, time.min)))
    if end:
        rows = rows.filter(at__lt=timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min)))
    period = Case(*(When(at__gte=begins, then=Value(name)) for name, begins in periods), default=Value(""),
                  output_field=CharField())
    return list(rows.annotate(period=period).values_list("match_id", "side", "score", "period").order_by("at", "pk"))


def exchange_with_invitations(programme: Programme) -> Prefetch:
    return Prefetch("invitations", queryset=ExchangeInvitation.objects.select_related("person"))


# --- pulse questions ---------------------------------------------------------------------------

def my_side(*, match: Match, user: Any) -> str:
    """"mentor" or "learner" when ``user`` is that side of the pair (and has that role), else ""."""
    roles = roles_for(user, match.programme)
    person = me(user, match.programme)
    if person is None:
        return ""
    if Role.MENTOR in roles and match.volunteer.person_id == person.pk:
        return PulseRating.Side.MENTOR
    if Role.LEARNER in roles and match.learner.person_id == person.pk:
        return PulseRating.Side.LEARNER
    return ""


def pulse_question(*, match: Match, side: str, pulse_days: int, now: Any = None) -> str:
    """The question waiting for ``side``: "fit" once after the first meeting (its planned time
    passed, or it was marked held, or a meeting was logged as held), then "pulse"
    when their last answer is ``pulse_days`` old; "" when nothing is asked. A match from
    ``with_pulse_facts`` is answered without a query."""
    if not hasattr(match, "pulse_held"):
        match = with_pulse_facts(Match.objects.filter(pk=match.pk)).get()
    now = now or timezone.now()
    if match.state not in ("introduced", "active"):
        return ""
    met = (match.first_meeting_held_on is not None
           or (match.first_meeting_at is not None and match.first_meeting_at <= now)
           or match.pulse_held)  # type: ignore[attr-defined]
    if not met:
        return ""
    if not getattr(match, f"pulse_fit_{side}"):
        return PulseRating.Question.FIT
    last = getattr(match, f"pulse_last_{side}")
    if last is None or last <= now - timedelta(days=pulse_days):
        return PulseRating.Question.PULSE
    return ""


def with_pulse_facts(matches: Any) -> Any:
    """``matches`` annotated with what ``pulse_question`` reads, for both sides, in the one query."""
    from django.db.models import Exists, Max, OuterRef, Subquery

    from tandem.journal.models import Meeting

    def ratings(side: str) -> Any:
        return PulseRating.objects.filter(match=OuterRef("pk"), side=side)

    facts: dict[str, Any] = {"pulse_held": Exists(Meeting.objects.filter(match=OuterRef("pk"),
                                                                          state=Meeting.State.HELD))}
    for side in (PulseRating.Side.MENTOR, PulseRating.Side.LEARNER):
        facts[f"pulse_fit_{side}"] = Exists(ratings(side).filter(question=PulseRating.Question.FIT))
        facts[f"pulse_last_{side}"] = Subquery(
            ratings(side).order_by().values("match").annotate(last=Max("at")).values("last")[:1])
    return matches.annotate(**facts)
