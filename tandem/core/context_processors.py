from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from tandem.core.extensions import nav_links
from tandem.core.roles import roles_for


def _nav_links(request: HttpRequest, programme: Any, roles: frozenset[str]) -> list[tuple[str, str]]:
    """The apps' menu links, worked out once per request: this processor runs again for every
    panel and partial rendered with the request (each link may cost a query)."""
    cache: dict[tuple[int, frozenset[str]], list[tuple[str, str]]] = request.__dict__.setdefault(
        "_tandem_nav_links", {})
    key = (programme.pk, roles)
    if key not in cache:
        cache[key] = nav_links(request=request, programme=programme, roles=roles)
    return cache[key]


def tandem(request: HttpRequest) -> dict[str, Any]:
    programme = getattr(request, "programme", None)
    roles = roles_for(request.user, programme) if programme is not None else frozenset()
    return {
        "current_programme": programme,
        "current_organisation": getattr(request, "organisation", None),
        "current_roles": roles,
        "app_nav_links": _nav_links(request, programme, roles) if roles else [],
        "LANGUAGE_CHOICES": settings.LANGUAGES,
    }
