"""What the privacy app adds to the programme's navigation, to every page about a person and to
the account page (see core.extensions)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from tandem.core.models import Person, Programme, Role

COORDINATOR_ROLES = {Role.COORDINATOR, Role.ORG_ADMIN}


def nav_links(*, request: Any, programme: Programme, roles: frozenset[str]) -> list[tuple[str, str]]:
    if roles & COORDINATOR_ROLES:
        kwargs = {"org": programme.organisation.slug, "prog": programme.slug}
        return [(_("Privacy"), reverse("privacy:retention", kwargs=kwargs))]
    return []


def person_panels(*, request: Any, programme: Programme, person: Person) -> list[str]:
    if not request.user.has_perm("privacy.manage", programme):
        return []
    return [render_to_string("privacy/_person_panel.html", {
        "programme": programme, "person": person}, request=request)]


def account_links(*, request: Any) -> list[tuple[str, str]]:
    return [(_("Download what Tandem holds about you"), reverse("privacy:my_data"))]
