"""What the intake app adds to the programme's navigation and overview (see core.extensions)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.core.models import Programme, Role
from tandem.intake import selectors

COORDINATOR_ROLES = {Role.COORDINATOR, Role.ORG_ADMIN}


def _kw(programme: Programme) -> dict[str, str]:
    return {"org": programme.organisation.slug, "prog": programme.slug}


def nav_links(*, request: Any, programme: Programme, roles: frozenset[str]) -> list[tuple[str, str]]:
    if roles & COORDINATOR_ROLES:
        return [(_("Learners"), reverse("intake:learners", kwargs=_kw(programme))),
                (_("Waiting list"), reverse("intake:waiting_list", kwargs=_kw(programme)))]
    if Role.PARTNER_CONTACT in roles:
        return [(_("Referrals"), reverse("intake:referrals", kwargs=_kw(programme)))]
    return []


def panels(*, request: Any, programme: Programme, roles: frozenset[str], me: Any) -> list[str]:
    if roles & COORDINATOR_ROLES:
        today = timezone.localdate()
        longest = selectors.waiting_learners(programme=programme)[:3]
        return [render_to_string("intake/_panel_coordinator.html", {
            "programme": programme,
            "longest": selectors.waiting_rows(programme=programme, learners=longest, today=today),
            "waiting": selectors.waiting_learners(programme=programme).count(),
            "to_review": selectors.intake_queue(programme=programme).count(),
            "unplaced": selectors.unplaced_learners(programme=programme),
        }, request=request)]
    html: list[str] = []
    if Role.GUARDIAN in roles and me is not None:
        consents = selectors.guardian_consents(programme=programme, guardian=me)
        html.append(render_to_string("intake/_panel_guardian.html", {
            "programme": programme, "consents": consents,
            "current": selectors.current_consent_version(programme),
        }, request=request))
    if Role.PARTNER_CONTACT in roles:
        referrals = selectors.partner_referrals(programme=programme, user=request.user)
        html.append(render_to_string("intake/_panel_partner.html", {
            "programme": programme, "referrals": referrals[:5], "total": referrals.count(),
        }, request=request))
    return html
