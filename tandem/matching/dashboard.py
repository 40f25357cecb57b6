"""What the matching app adds to the programme's navigation and overview (see core.extensions)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from tandem.core.models import Programme, Role
from tandem.core.roles import reads_as_learner
from tandem.matching import selectors
from tandem.matching.models import OPEN_STATES, Match, Proposal

PEOPLE_ROLES = {Role.MENTOR, Role.LEARNER, Role.GUARDIAN, Role.SUPERVISOR}


def _kw(programme: Programme) -> dict[str, str]:
    return {"org": programme.organisation.slug, "prog": programme.slug}


def nav_links(*, request: Any, programme: Programme, roles: frozenset[str]) -> list[tuple[str, str]]:
    links = []
    if roles & selectors.COORDINATOR_ROLES:
        links.append((_("Matching"), reverse("matching:home", kwargs=_kw(programme))))
    # A group programme's matches are its learning communities' places.
    label = _("Learning communities") if programme.is_group else _("Matches")
    if roles & (selectors.COORDINATOR_ROLES | PEOPLE_ROLES):
        links.append((label, reverse("matching:matches", kwargs=_kw(programme))))
    elif Role.OBSERVER in roles:
        links.append((label, reverse("matching:report", kwargs=_kw(programme))))
    return links


PANEL_MATCHES = 5


def _first_steps(request: Any, programme: Programme) -> list[str]:
    """Until its first match, a new programme's overview lists what to do, in order, with what
    is done ticked: a new coordinator did not know where to start (docs/matches.md)."""
    if programme.matches.exists():
        return []
    steps = {
        "volunteers": programme.volunteers.exists(),
        "ready": programme.volunteers.filter(state__in=("ready", "active")).exists(),
        "learners": programme.learners.exists(),
        "consent": programme.consent_texts.exists(),
        "round": programme.matching_rounds.exists(),
    }
    return [render_to_string("matching/_panel_first_steps.html", {"programme": programme, "steps": steps},
                             request=request)]


def panels(*, request: Any, programme: Programme, roles: frozenset[str], me: Any) -> list[str]:
    if roles & selectors.COORDINATOR_ROLES:
        return [*_first_steps(request, programme), render_to_string("matching/_panel_coordinator.html", {
            "programme": programme,
            "to_review": Proposal.objects.filter(round__programme=programme, status=Proposal.Status.PROPOSED,
                                                 round__status="done").count(),
            "pending": selectors.answers_pending(programme=programme).count(),
            "declined": selectors.declined_needing_partner(programme=programme).count(),
        }, request=request)]
    if roles & {Role.MENTOR, Role.LEARNER, Role.GUARDIAN}:
        matches = list(selectors.visible_matches(programme=programme, user=request.user)
                       .filter(state__in=OPEN_STATES)[:PANEL_MATCHES + 1])
        if matches:
            # The first few; more are one link away, on the (paged) match list.
            shown = matches[:PANEL_MATCHES]
            return [render_to_string("matching/_panel_person.html", {
                "programme": programme, "matches": shown, "answer_due": _answer_due(shown, request.user),
                "for_guardian": not roles & {Role.MENTOR, Role.LEARNER},
                "more": len(matches) > PANEL_MATCHES,
                # Read by the learner alone: French says *tu* there, like their goals below it.
                "to_learner": reads_as_learner(roles),
            }, request=request)]
    return []


def _answer_due(matches: list[Any], user: Any) -> set[int]:
    """The matches whose first meeting's time has passed and where ``user`` answers for a side
    (as ``selectors.answer_side`` decides: a minor's guardian answers for them) that has not
    answered yet: the panel asks them for it."""
    due = set()
    for match in matches:
        if match.state not in (Match.State.PROPOSED, Match.State.INTRODUCED) or not match.met:
            continue
        side = selectors.answer_side(match=match, user=user)
        if side and not getattr(match, f"{side}_answer"):
            due.add(match.pk)
    return due
