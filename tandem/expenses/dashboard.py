"""What the expenses app adds to the programme's navigation and overview (core.extensions)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from tandem.core.models import Programme, Role
from tandem.expenses import selectors

COORDINATOR_ROLES = frozenset({Role.COORDINATOR, Role.ORG_ADMIN})


def _kw(programme: Programme) -> dict[str, str]:
    return {"org": programme.organisation.slug, "prog": programme.slug}


def nav_links(*, request: Any, programme: Programme, roles: frozenset[str]) -> list[tuple[str, str]]:
    if roles & COORDINATOR_ROLES:  # the claims to approve; payments and the policy are one tab away
        return [(_("Expenses"), reverse("expenses:review", kwargs=_kw(programme)))]
    if Role.MENTOR in roles:
        return [(_("Expenses"), reverse("expenses:mine", kwargs=_kw(programme)))]
    return []


def panels(*, request: Any, programme: Programme, roles: frozenset[str], me: Any) -> list[str]:
    if roles & COORDINATOR_ROLES:
        return [render_to_string("expenses/_panel_coordinator.html", {
            "programme": programme, "counts": selectors.state_counts(programme=programme)}, request=request)]
    return []
