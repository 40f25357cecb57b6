"""Reads of the matching app, always through the programme, and who may see which match."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet

from tandem.core.models import Membership, Person, Programme, Role, Site
from tandem.core.roles import person_of, roles_for
from tandem.core.suppression import Shown, protect_sums
from tandem.matching.models import (
    OPEN_STATES,
    DeclinedPair,
    LearningCommunity,
    Match,
    MatchingRound,
    Proposal,
)

COORDINATOR_ROLES = {Role.COORDINATOR, Role.ORG_ADMIN}


def me(user: Any, programme: Programme) -> Person | None:
    return person_of(user, programme.organisation_id)  # read once per request


def visible_matches(*, programme: Programme, user: Any) -> QuerySet[Match]:
    """The matches ``user`` may open: all for coordinators; their own for mentors and learners;
    their child's for guardians; their institution's learners for supervisors."""
    matches = Match.objects.filter(programme=programme).select_related(
        "volunteer__person", "learner__person", "learner__institution", "community__volunteer__person")
    roles = roles_for(user, programme)
    if roles & COORDINATOR_ROLES:
        return matches
    person = me(user, programme)
    if person is None:
        return matches.none()
    q = Q(pk__in=[])
    if Role.MENTOR in roles:
        q |= Q(volunteer__person=person)
    if Role.LEARNER in roles:
        q |= Q(learner__person=person)
    if Role.GUARDIAN in roles:
        q |= Q(learner__person__guardian_links__guardian=person)
    if Role.SUPERVISOR in roles:
        institutions = Membership.objects.filter(person=person, programme=programme, role=Role.SUPERVISOR,
                                                 institution__isnull=False).values("institution_id")
        q |= Q(learner__institution_id__in=institutions)
    # The guardian's join can repeat a match (a row per guardian link): the matches are chosen
    # in a subquery, not with DISTINCT, which over the wide select_related row cost PostgreSQL
    # 100-200 ms of planning per query (measured on the load test's data, docs/scale.md).
    return matches.filter(pk__in=Match.objects.filter(programme=programme).filter(q).values("pk"))


def matches_visible_everywhere(*, user: Any, programmes: list[tuple[Programme, frozenset[str]]]) -> QuerySet[Match]:
    """The matches ``user`` may open in any of ``programmes`` (their roles there, as
    ``core.selectors.programmes_for_user`` gives them), by the rules of ``visible_matches``, in
    one query (for the calendar feed)."""
    by_role: dict[str, list[int]] = {}
    for programme, roles in programmes:
        for role in (("coordinator",) if roles & COORDINATOR_ROLES else roles):
            by_role.setdefault(role, []).append(programme.pk)
    q = Q(pk__in=[])
    if ids := by_role.get("coordinator"):
        q |= Q(programme_id__in=ids)
    if ids := by_role.get(Role.MENTOR):
        q |= Q(programme_id__in=ids, volunteer__person__user=user)
    if ids := by_role.get(Role.LEARNER):
        q |= Q(programme_id__in=ids, learner__person__user=user)
    if ids := by_role.get(Role.GUARDIAN):
        q |= Q(programme_id__in=ids, learner__person__guardian_links__guardian__user=user)
    if ids := by_role.get(Role.SUPERVISOR):
        institutions = Membership.objects.filter(person__user=user, programme_id__in=ids, role=Role.SUPERVISOR,
                                                 institution__isnull=False).values("institution_id")
        q |= Q(programme_id__in=ids, learner__institution_id__in=institutions)
    return Match.objects.filter(pk__in=Match.objects.filter(q).values("pk")).select_related(
        "volunteer__person", "learner__person", "learner__institution", "community__volunteer__person")


def communities_visible_q(*, user: Any, coordinated: list[int], led: list[int], prefix: str = "") -> Q:
    """Learning communities ``user`` may open (as ``programme_community``): all in the programmes
    they coordinate, their own in those where they are a mentor."""
    return (Q(**{f"{prefix}programme_id__in": coordinated})
            | Q(**{f"{prefix}programme_id__in": led, f"{prefix}volunteer__person__user": user}))


def programme_match(*, programme: Programme, user: Any, pk: int) -> Match:
    return visible_matches(programme=programme, user=user).get(pk=pk)


def answer_side(*, match: Match, user: Any) -> str:
    """Which side ``user`` answers for on their own page: "mentor", "learner" or ""."""
    from tandem.matching.services import learner_side_is_guardian

    person = me(user, match.programme)
    if person is None:
        return ""
    if match.volunteer.person_id == person.pk:
        return "mentor"
    guardian = learner_side_is_guardian(match)
    if guardian and match.learner.person.guardian_links.filter(guardian=person).exists():
        return "learner"
    if not guardian and match.learner.person_id == person.pk:
        return "learner"
    return ""


def consent_to_give(*, match: Match, user: Any) -> Any:
    """The guardian's own consent record for the child of ``match`` while their consent is
    withdrawn or not yet given (their answer yes would be refused), else ``None``."""
    from django.utils import timezone

    from tandem.intake import selectors as intake_selectors

    person = me(user, match.programme)
    if person is None or intake_selectors.consent_ok(match.learner, today=timezone.localdate()):
        return None
    return match.learner.consents.filter(guardian=person).order_by("-pk").first()


def reader_of(*, match: Match, user: Any) -> str:
    """Who reads the match as the learner's side: "learner" (their own match), "guardian" (their
    child's) or "" (anyone else: coordinators, the mentor, a supervisor)."""
    person = me(user, match.programme)
    if person is None:
        return ""
    if match.learner.person_id == person.pk:
        return "learner"
    if match.learner.person.guardian_links.filter(guardian=person).exists():
        return "guardian"
    return ""


def programme_rounds(*, programme: Programme) -> QuerySet[MatchingRound]:
    return MatchingRound.objects.filter(programme=programme).select_related("site", "created_by").annotate(
        n_proposals=Count("proposals", filter=Q(proposals__status__in=("proposed", "published")))
    ).order_by("-created", "-pk")


def programme_round(*, programme: Programme, pk: int) -> MatchingRound:
    return MatchingRound.objects.select_related("programme__organisation", "site").get(programme=programme, pk=pk)


def round_proposals(*, matching_round: MatchingRound) -> QuerySet[Proposal]:
    return matching_round.proposals.filter(status__in=("proposed", "published")).select_related(
        "learner__person", "learner__institution", "volunteer__person")


def declined_needing_partner(*, programme: Programme) -> QuerySet[Match]:
    """Declined matches whose learner waits again without an open match: offer the next best."""
    return (Match.objects.filter(programme=programme, state=Match.State.DECLINED, learner__state="waiting")
            .exclude(learner__matches__state__in=OPEN_STATES)
            # No DISTINCT: the exclusion is a subquery (no repeated rows), and DISTINCT over the
            # wide select_related row costs PostgreSQL far more planning than the query itself.
            .select_related("learner__person", "learner__institution", "volunteer__person"))


def answers_pending(*, programme: Programme) -> QuerySet[Match]:
    return Match.objects.filter(programme=programme, state__in=(Match.State.PROPOSED, Match.State.INTRODUCED))


def state_counts(*, programme: Programme) -> dict[str, int]:
    counts = dict.fromkeys(Match.State.values, 0)
    for state, n in Match.objects.filter(programme=programme).values_list("state").annotate(n=Count("id")):
        counts[state] = n
    return counts


@dataclass(frozen=True)
class MatchReport:
    """The matches report's counts as they may be shown (``Shown.value`` None reads "hidden")."""

    states: list[tuple[str, Shown]]  # (label, count) per match state
    reasons: list[tuple[str, str, Shown]]  # (code, label, count) per closure reason
    unrecorded: Shown  # closed matches without a recorded reason
    total: Shown  # every match of the programme
    threshold: int


# Matches that started (active or closed): a total the results dashboard publishes too.
STARTED = "started"
UNRECORDED = "unrecorded"
ALL = "all"


def protect_matches(*, states: Mapping[str, int], reasons: Mapping[str, int], unrecorded: int = 0,
                    threshold: int) -> dict[str, Shown]:
    """The one protection of the programme's match counts, for every page that shows some of them
    (this app's matches report, the results dashboard and the funder reports): matches by state,
    the closed ones by reason (``reasons``; ``unrecorded`` without a reason), as one tree of sums
    (all matches, the started ones, the closed ones). ``states`` gives each state but ``closed``
    (a state left out counts 0). The keys that come back: each state, :data:`STARTED`,
    :data:`ALL`, ``reason:<code>`` and :data:`UNRECORDED`. A count under ``threshold`` is hidden,
    and so is whatever would let it be worked out; ``threshold=1`` shows every count."""
    closed = Match.State.CLOSED
    counts: dict[str, int] = {**{s: int(states.get(s, 0)) for s in Match.State.values if s != closed},
                              **{f"reason:{r}": int(reasons.get(r, 0)) for r in Match.Closure.values},
                              UNRECORDED: unrecorded}
    return protect_sums(counts, {
        closed: [*(f"reason:{r}" for r in Match.Closure.values), UNRECORDED],
        STARTED: [Match.State.ACTIVE, closed],
        ALL: [*(s for s in Match.State.values if s not in (Match.State.ACTIVE, closed)), STARTED],
    }, threshold=threshold, shown_elsewhere=[STARTED])


def match_report(*, programme: Programme, threshold: int = 1) -> MatchReport:
    """Matches by state and the closed ones by reason, protected by :func:`protect_matches`:
    a count under ``threshold`` is hidden, and so is whatever would let it be worked out from the
    totals (all matches, the started ones, the closed ones). ``threshold=1`` shows every count."""
    states = dict.fromkeys(Match.State.values, 0)
    reasons = dict.fromkeys(Match.Closure.values, 0)
    unrecorded = 0
    rows = (Match.objects.filter(programme=programme).order_by()
            .values_list("state", "closure_reason").annotate(n=Count("id")))
    for state, reason, n in rows:
        if state != Match.State.CLOSED:
            states[state] += n
        elif reason in reasons:
            reasons[reason] += n
        else:
            unrecorded += n
    shown = protect_matches(states=states, reasons=reasons, unrecorded=unrecorded, threshold=threshold)
    return MatchReport(
        states=[(str(label), shown[code]) for code, label in Match.State.choices],
        reasons=[(code, str(label), shown[f"reason:{code}"]) for code, label in Match.Closure.choices],
        unrecorded=shown[UNRECORDED], total=shown[ALL], threshold=threshold)


def programme_community(*, programme: Programme, user: Any, pk: int) -> LearningCommunity:
    communities = LearningCommunity.objects.filter(programme=programme).select_related("volunteer__person")
    if not roles_for(user, programme) & COORDINATOR_ROLES:
        communities = communities.filter(volunteer__person__user=user)
    return communities.get(pk=pk)


def never_pairs(*, programme: Programme) -> QuerySet[DeclinedPair]:
    """Pairs that are never proposed: conflicts of interest, pairs that said no, and pairs whose
    relationship did not work."""
    return (DeclinedPair.objects.filter(programme=programme)
            .select_related("learner__person", "learner__institution", "volunteer__person", "created_by")
            .order_by("-created", "-pk"))


def pair_never_proposed(*, programme_id: int, learner_id: int, volunteer_id: int) -> bool:
    """Whether this mentor and learner are among the pairs never proposed (they said no, their
    relationship did not work, or a conflict of interest is recorded). The one check a match's
    page and a hand-made pair's scoring (``problem.check_pair``) both ask."""
    return DeclinedPair.objects.filter(programme_id=programme_id, learner_id=learner_id,
                                       volunteer_id=volunteer_id).exists()


def never_proposed(*, match: Match) -> bool:
    """Whether the match's mentor and learner are already among the pairs never proposed."""
    return pair_never_proposed(programme_id=match.programme_id, learner_id=match.learner_id,
                               volunteer_id=match.volunteer_id)


def _at_site(queryset: QuerySet[Any], site: Site | None) -> QuerySet[Any]:
    return queryset.filter(person__city__iexact=site.city) if site is not None else queryset


def learners_out_of_reach(*, programme: Programme, today: date, site: Site | None = None) -> dict[str, int]:
    """Why no learner can enter a round: counts (never names) for the round page's advice."""
    from tandem.intake import selectors as intake_selectors
    from tandem.intake.models import Learner

    learners = _at_site(Learner.objects.filter(programme=programme), site)
    waiting = learners.filter(state=Learner.State.WAITING).exclude(matches__state__in=OPEN_STATES)
    matchable = _at_site(intake_selectors.matchable_learners(programme=programme, today=today), site)
    return {
        "in_intake": learners.filter(state__in=(Learner.State.REFERRED, Learner.State.INTAKE)).count(),
        "without_consent": waiting.exclude(pk__in=matchable.values("pk")).count(),
        "matched": learners.filter(state=Learner.State.MATCHED).count(),
    }


def volunteers_out_of_reach(*, programme: Programme, today: date, site: Site | None = None,
                            load: dict[int, int]) -> dict[str, int]:
    """Why no volunteer can take a learner in a round: counts for the round page's advice."""
    from tandem.onboarding.models import Volunteer, VolunteerState
    from tandem.onboarding.screening import screening_complete_q

    volunteers = _at_site(Volunteer.objects.filter(programme=programme), site)
    available = volunteers.filter(state__in=(VolunteerState.READY, VolunteerState.ACTIVE))
    screened = available.filter(screening_complete_q(programme=programme, today=today))
    rows = list(screened.values_list("pk", "capacity", "state"))
    # As ``matchable_volunteers`` counts: an active volunteer without a known load is full.
    full = sum(1 for pk, capacity, state in rows
               if load.get(pk, capacity if state == VolunteerState.ACTIVE else 0) >= capacity)
    return {
        "full": full,
        "no_location": len(rows) - full,  # screened, with room, yet left out: no known place
        "screening": available.exclude(pk__in=screened.values("pk")).count(),
        "on_their_way": volunteers.filter(state__in=(VolunteerState.APPLIED, VolunteerState.SCREENING,
                                                     VolunteerState.TRAINING)).count(),
        "paused": volunteers.filter(state=VolunteerState.PAUSED).count(),
    }
