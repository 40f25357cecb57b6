"""What every expenses view needs: the reader's volunteer record, the programme's URL kwargs."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse

from tandem.core.models import Programme
from tandem.core.roles import roles_for
from tandem.expenses import selectors
from tandem.onboarding.models import Volunteer

COORDINATOR_ROLES = frozenset({"coordinator", "org_admin"})


def kw(programme: Programme, **extra: Any) -> dict[str, Any]:
    return {"org": programme.organisation.slug, "prog": programme.slug, **extra}


def is_coordinator(request: HttpRequest, programme: Programme) -> bool:
    return bool(roles_for(request.user, programme) & COORDINATOR_ROLES)


def volunteer_or_404(request: HttpRequest, programme: Programme) -> Volunteer:
    """The mentor's own volunteer record; a mentor without one has nothing here (404)."""
    volunteer = selectors.my_volunteer(programme=programme, user=request.user)
    if volunteer is None:
        raise Http404
    return volunteer


def download(content: bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
