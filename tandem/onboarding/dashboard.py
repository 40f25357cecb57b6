"""What the onboarding app adds to the programme pages (see tandem.core.extensions)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.core.models import Role
from tandem.onboarding import selectors
from tandem.onboarding.models import VolunteerState

COORDINATING = {Role.COORDINATOR, Role.ORG_ADMIN}


def _kwargs(programme: Any) -> dict[str, str]:
    return {"org": programme.organisation.slug, "prog": programme.slug}


def nav_links(*, request: Any, programme: Any, roles: frozenset[str]) -> list[tuple[str, str]]:
    if roles & COORDINATING:
        return [(_("Volunteers"), reverse("onboarding:board", kwargs=_kwargs(programme)))]
    if selectors.volunteer_for_user(programme=programme, user=request.user) is not None:
        return [(_("My volunteering"), reverse("onboarding:me", kwargs=_kwargs(programme)))]
    return []


def panels(*, request: Any, programme: Any, roles: frozenset[str], me: Any) -> list[str]:
    if not roles & COORDINATING:
        return []
    counts = selectors.state_counts(programme=programme)
    context = {
        "states": [(value, label, counts[value]) for value, label in VolunteerState.choices],
        "expired": len(selectors.expired_certificate_ids(
            programme=programme, today=timezone.localdate())),
        "board_url": reverse("onboarding:board", kwargs=_kwargs(programme)),
        "unplaced": selectors.unplaced_volunteers(programme=programme),
    }
    return [render_to_string("onboarding/_panel.html", context, request=request)]
