"""What every journal view needs: the match the reader may open, and their part in it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from tandem.core.models import Programme
from tandem.journal import selectors
from tandem.journal.models import Goal, Meeting
from tandem.matching import selectors as matching_selectors
from tandem.matching.models import Match


def match_or_404(request: HttpRequest, programme: Programme, pk: int) -> tuple[Match, frozenset[str]]:
    """The pair (404 unless the reader may open it) and the reader's part in it."""
    try:
        match = matching_selectors.programme_match(programme=programme, user=request.user, pk=pk)
    except Match.DoesNotExist as exc:
        raise Http404 from exc
    parts = selectors.pair_roles(match=match, user=request.user)
    if not parts:
        raise Http404
    return match, parts


def require(parts: frozenset[str], *allowed: str) -> None:
    """403 unless the reader plays one of ``allowed`` in this pair."""
    if not parts & set(allowed):
        raise PermissionDenied


def meeting_or_404(match: Match, pk: int) -> Meeting:
    try:
        return selectors.pair_meeting(match=match, pk=pk)
    except Meeting.DoesNotExist as exc:
        raise Http404 from exc


def goal_or_404(match: Match, pk: int) -> Goal:
    try:
        return match.goals.select_related("category").get(pk=pk)
    except Goal.DoesNotExist as exc:
        raise Http404 from exc


def kw(match: Match, **extra: Any) -> dict[str, Any]:
    return {"org": match.programme.organisation.slug, "prog": match.programme.slug, "pk": match.pk, **extra}


def to_pair(match: Match) -> HttpResponse:
    return redirect("journal:pair", **kw(match))


def to_meeting(meeting: Meeting) -> HttpResponse:
    return redirect("journal:meeting", **kw(meeting.match, meeting=meeting.pk))
