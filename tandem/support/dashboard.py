"""What support adds to the programme's navigation, overview, match page and people's records
(core.extensions). The counts come from ``attention`` — the same rules as the risk list."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from tandem.core.models import Programme, Role
from tandem.core.text import in_sentence
from tandem.matching import selectors as matching_selectors
from tandem.support import attention, selectors

RAISERS = frozenset({Role.MENTOR, Role.LEARNER, Role.GUARDIAN, Role.SUPERVISOR, Role.PARTNER_CONTACT})


def _kw(programme: Programme) -> dict[str, str]:
    return {"org": programme.organisation.slug, "prog": programme.slug}


def nav_links(*, request: Any, programme: Programme, roles: frozenset[str]) -> list[tuple[str, str]]:
    if roles & selectors.COORDINATOR_ROLES:
        return [(_("Support"), reverse("support:overview", kwargs=_kw(programme)))]
    if roles & RAISERS:
        return [(_("Support and questions"), reverse("support:mine", kwargs=_kw(programme)))]
    return []


def panels(*, request: Any, programme: Programme, roles: frozenset[str], me: Any) -> list[str]:
    html: list[str] = []
    if roles & (selectors.COORDINATOR_ROLES | {Role.SUPERVISOR}):
        matches = matching_selectors.visible_matches(programme=programme, user=request.user)
        counts = attention.counts(attention.pairs_with_risks(programme=programme, matches=matches, loaded=False))
        html.append(render_to_string("support/_panel_attention.html", {
            "programme": programme, "counts": counts, "reasons": attention.REASONS,
            "coordinator": bool(roles & selectors.COORDINATOR_ROLES)}, request=request))
    if roles & RAISERS:
        from tandem.support.views.people import pulse_questions

        html.append(render_to_string("support/_panel_mine.html", {
            "programme": programme, "questions": pulse_questions(request, programme),
            "invitations": list(selectors.my_invitations(programme=programme, user=request.user)[:3])
            if Role.MENTOR in roles else []}, request=request))
    return html


def match_links(*, request: Any, match: Any) -> list[tuple[str, str]]:
    """On the match page: its support page, with the reasons it needs attention in its label."""
    programme = match.programme
    if not request.user.has_perm("support.view_risks", programme):
        return []
    kw = {**_kw(programme), "pk": match.pk}
    risks = attention.pair_risks(match=match)
    label = _("Support") if not risks else _("Support — needs attention: %(reasons)s") % {
        "reasons": ", ".join(in_sentence(r.label) for r in risks)}
    return [(label, reverse("support:pair", kwargs=kw))]


def person_panels(*, request: Any, programme: Programme, person: Any) -> list[str]:
    """On a volunteer's record: the exchange meetings they attended, and the hours."""
    if not request.user.has_perm("support.manage", programme):
        return []
    rows = list(selectors.attended_by(person).filter(meeting__programme=programme)[:20])
    if not rows:
        return []
    minutes = sum(row.meeting.minutes for row in rows)
    return [render_to_string("support/_person_exchanges.html", {
        "programme": programme, "rows": rows, "hours": round(minutes / 60, 1)}, request=request)]
