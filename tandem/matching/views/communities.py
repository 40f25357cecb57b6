"""Learning communities (group programmes): members and planned meetings."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tandem.core.models import Programme
from tandem.core.once import create_once
from tandem.core.scoping import programme_view
from tandem.matching import selectors, services
from tandem.matching.forms import MeetingForm
from tandem.matching.models import OPEN_STATES, LearningCommunity


@require_http_methods(["GET", "POST"])
@programme_view("matching.view_community")
def community(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    try:
        item = selectors.programme_community(programme=programme, user=request.user, pk=pk)
    except LearningCommunity.DoesNotExist as exc:
        raise Http404 from exc
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and (response := create_once(
        request, form,
        lambda: services.community_meeting_add(community=item, actor=request.user, **form.cleaned_data),
        message=_("The meeting was planned."),
        then=lambda meeting: redirect("matching:community", org=programme.organisation.slug,
                                      prog=programme.slug, pk=item.pk),
    )):
        return response
    members = item.matches.filter(state__in=OPEN_STATES).select_related("learner__person", "learner__institution")
    return render(request, "matching/community.html", {
        "programme": programme, "community": item, "members": members, "form": form,
        "meetings": item.meetings.all(),
    })
