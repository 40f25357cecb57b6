from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from tandem.core.extensions import nav_links
from tandem.core.roles import roles_for


def tandem(request: HttpRequest) -> dict[str, Any]:
    programme = getattr(request, "programme", None)
    roles = roles_for(request.user, programme) if programme is not None else frozenset()
    return {
        "current_programme": programme,
        "current_organisation": getattr(request, "organisation", None),
        "current_roles": roles,
        "app_nav_links": (
            nav_links(request=request, programme=programme, roles=roles) if roles else []
        ),
        "LANGUAGE_CHOICES": settings.LANGUAGES,
    }
