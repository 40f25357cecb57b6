"""The learner's personal link (no log-in): their goals, to agree to, and their meetings, to rate
with one tap. The random token is the credential; it only ever shows that one pair, by first
names. It expires, can be revoked (410 then), and posts through it are rate-limited per link."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tandem.core.ratelimit import HOUR, client_ip, hit, too_many
from tandem.journal import selectors, services
from tandem.journal.forms import AgreeForm, RateForm
from tandem.journal.models import Goal, LearnerLink, Meeting
from tandem.journal.views.pair import faces

POSTS_PER_HOUR = 60  # per link: a pupil taps a few faces; a script does not get far
MISSES_PER_HOUR = 30  # unknown tokens per address: nobody guesses a 43-character token


def _post(request: HttpRequest, link: LearnerLink) -> None:
    match = link.match
    if request.POST.get("action") == "agree":
        form = AgreeForm(request.POST)
        goal = match.goals.filter(pk=form.cleaned_data["goal"]).first() if form.is_valid() else None
        if goal is None:
            return
        services.goal_agree(goal=goal, agreed_as=Goal.Agreed.LEARNER, actor=None)
        messages.success(request, _("Thank you! Your mentor can see that you agree."))
        return
    rate = RateForm(request.POST)
    meeting = match.meetings.filter(pk=rate.cleaned_data["meeting"]).first() if rate.is_valid() else None
    if meeting is None:
        messages.error(request, _("Choose one of the faces."))
        return
    try:
        services.meeting_rate(meeting=meeting, rating=rate.cleaned_data["rating"], via=Meeting.RatedVia.LINK)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Thank you for telling us how it was!"))


@login_not_required
@require_http_methods(["GET", "POST"])
def link(request: HttpRequest, token: str) -> HttpResponse:
    found = selectors.learner_link(token[:64])
    if found is None:
        allowed, wait = hit(f"journal_link_miss:{client_ip(request)}", limit=MISSES_PER_HOUR, period=HOUR)
        if not allowed:
            return too_many(request, wait)
        raise Http404
    match = found.match
    if not found.usable:
        return render(request, "journal/link_gone.html", {"programme": match.programme}, status=410)
    if request.method == "POST":
        allowed, wait = hit(f"journal_link:{found.pk}", limit=POSTS_PER_HOUR, period=HOUR)
        if not allowed:
            return too_many(request, wait)
        _post(request, found)
        return redirect("journal:link", token=found.token)
    LearnerLink.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
    now = timezone.now()
    meetings = list(match.meetings.prefetch_related("goals").order_by("-starts_at"))
    return render(request, "journal/link.html", {
        "programme": match.programme, "match": match, "link": found, "faces": faces(),
        "goals": [g for g in match.goals.select_related("category") if g.is_active],
        "reached": [g for g in match.goals.select_related("category") if g.state == Goal.State.REACHED],
        "to_rate": [m for m in meetings if selectors.rateable(m, now)],
        "next_meeting": next((m for m in reversed(meetings) if m.is_planned and m.starts_at > now), None),
    })
