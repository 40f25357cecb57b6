"""What the journal adds to the programme's navigation, overview and match page (core.extensions)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.core.models import Programme, Role
from tandem.journal import selectors
from tandem.journal.models import Meeting
from tandem.matching import selectors as matching_selectors


def _kw(programme: Programme) -> dict[str, str]:
    return {"org": programme.organisation.slug, "prog": programme.slug}


def nav_links(*, request: Any, programme: Programme, roles: frozenset[str]) -> list[tuple[str, str]]:
    # Coordinators reach the overview from their panel (their menu is long enough already).
    if Role.SUPERVISOR in roles and not roles & selectors.COORDINATOR_ROLES:
        return [(_("Your pairs"), reverse("journal:overview", kwargs=_kw(programme)))]
    return []


def panels(*, request: Any, programme: Programme, roles: frozenset[str], me: Any) -> list[str]:
    if roles & selectors.COORDINATOR_ROLES:
        return [render_to_string("journal/_panel_coordinator.html", {
            "programme": programme, "numbers": selectors.programme_numbers(programme=programme)}, request=request)]
    html: list[str] = []
    if Role.SUPERVISOR in roles:
        pairs = list(selectors.supervised_pairs(programme=programme, user=request.user)[:5])
        html.append(render_to_string("journal/_panel_supervisor.html", {
            "programme": programme, "pairs": pairs,
            "waiting": sum(getattr(p, "n_waiting_feedback", 0) for p in pairs)}, request=request))
    if roles & {Role.MENTOR, Role.LEARNER, Role.GUARDIAN}:
        matches = list(matching_selectors.visible_matches(programme=programme, user=request.user)
                       .filter(state__in=selectors.WRITABLE_STATES)[:5])
        now = timezone.now()
        upcoming = {m.match_id: m for m in Meeting.objects.filter(
            match__in=matches, state=Meeting.State.PLANNED, starts_at__gt=now).order_by("-starts_at")}
        unlogged = set(Meeting.objects.filter(match__in=matches, state=Meeting.State.PLANNED, starts_at__lte=now)
                       .values_list("match_id", flat=True)) if Role.MENTOR in roles else set()
        if matches:
            html.append(render_to_string("journal/_panel_pair.html", {
                "programme": programme, "rows": [(m, upcoming.get(m.pk), m.pk in unlogged) for m in matches],
                "mentor": Role.MENTOR in roles, "learner": Role.LEARNER in roles}, request=request))
    return html


def match_links(*, request: Any, match: Any) -> list[tuple[str, str]]:
    """On the match page: the pair's journal, once there is one to keep."""
    if match.state not in (*selectors.WRITABLE_STATES, "closed"):
        return []
    if not selectors.pair_roles(match=match, user=request.user):
        return []
    return [(_("The weeks together: goals and meetings"),
             reverse("journal:pair", kwargs={**_kw(match.programme), "pk": match.pk}))]
