"""How a request finds its organisation and programme.

Every programme page lives under ``/o/<org>/p/<prog>/``. The decorators below resolve the
programme once, refuse outsiders with 404 (so a URL does not reveal that a programme exists), refuse
members without the needed permission with 403, and hand the view the programme to query through.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from tandem.core.models import Organisation, Programme
from tandem.core.roles import is_member_of_organisation, roles_for

ProgrammeView = Callable[..., HttpResponse]


def get_programme_for_user(user: Any, org_slug: str, prog_slug: str) -> Programme:
    programme = get_object_or_404(
        Programme.objects.select_related("organisation"),
        organisation__slug=org_slug,
        slug=prog_slug,
    )
    if not roles_for(user, programme):
        raise Http404
    return programme


def programme_view(
    permission: str, *, otherwise: Callable[[HttpRequest, Programme], HttpResponse | None] | None = None,
) -> Callable[[ProgrammeView], Callable[..., HttpResponse]]:
    """Resolve ``org``/``prog`` from the URL, check ``permission`` on the programme, and call the
    view as ``view(request, programme, **rest)``. A member without the permission gets 403,
    unless ``otherwise(request, programme)`` answers instead (e.g. a redirect to the page their
    role uses); outsiders get 404 either way. The programme is looked up once."""

    def decorator(view: ProgrammeView) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, org: str, prog: str, **kwargs: Any) -> HttpResponse:
            programme = get_programme_for_user(request.user, org, prog)
            if not request.user.has_perm(permission, programme):
                if otherwise is not None and (response := otherwise(request, programme)) is not None:
                    return response
                raise PermissionDenied
            request.programme = programme  # type: ignore[attr-defined]
            request.organisation = programme.organisation  # type: ignore[attr-defined]
            return view(request, programme, **kwargs)

        return wrapper

    return decorator


def organisation_view(permission: str) -> Callable[[ProgrammeView], Callable[..., HttpResponse]]:
    """Like :func:`programme_view` for organisation-wide pages (``/o/<org>/``)."""

    def decorator(view: ProgrammeView) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, org: str, **kwargs: Any) -> HttpResponse:
            organisation = get_object_or_404(Organisation, slug=org)
            if not is_member_of_organisation(request.user, organisation):
                raise Http404
            if not request.user.has_perm(permission, organisation):
                raise PermissionDenied
            request.organisation = organisation  # type: ignore[attr-defined]
            return view(request, organisation, **kwargs)

        return wrapper

    return decorator
