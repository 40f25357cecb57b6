"""What the results app adds to the programme's navigation and the organisation's, and the funder's
(observer's) card on the programme overview: their way to the results (core.extensions)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from tandem.core.models import Programme, Role

READERS = frozenset({Role.COORDINATOR, Role.ORG_ADMIN, Role.OBSERVER})


def nav_links(*, request: Any, programme: Programme, roles: frozenset[str]) -> list[tuple[str, str]]:
    if roles & READERS:
        return [(_("Results"), reverse("outcomes:dashboard", kwargs={"org": programme.organisation.slug,
                                                                     "prog": programme.slug}))]
    return []


def panels(*, request: Any, programme: Programme, roles: frozenset[str], me: Any) -> list[str]:
    if Role.OBSERVER in roles:
        return [render_to_string("outcomes/_panel_observer.html", {"programme": programme}, request=request)]
    return []
