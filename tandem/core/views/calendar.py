"""The user's calendar: the settings page (make, replace or stop the private link) and the feed
itself, which calendar apps read without a log-in (``tandem.core.calendar``)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST, require_safe

from tandem.core import calendar, selectors, services
from tandem.core.http import AuthenticatedHttpRequest
from tandem.core.models import CalendarFeed
from tandem.core.notify import site_url
from tandem.core.paging import paginate
from tandem.core.ratelimit import HOUR, hit, too_many

# The new link waits here between the POST that made it and the page that shows it, once.
NEW_TOKEN = "tandem_calendar_new_token"
UPCOMING_DAYS = 60
UPCOMING_PER_PAGE = 10  # a short card: the calendar app shows them all


def _path(url: str) -> str:
    """An event's link as a link on this site (events carry absolute ones, for calendar apps)."""
    base = site_url()
    return url[len(base):] or "/" if url.startswith(base + "/") else ""


@require_GET
def calendar_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    feed = CalendarFeed.objects.filter(user=user).first()
    token = request.session.pop(NEW_TOKEN, None)
    new_url = ""
    if feed is not None and isinstance(token, str) and calendar.token_digest(token) == feed.token_hash:
        new_url = calendar.feed_url(token)
    now = timezone.now()
    upcoming = calendar.events_for_user(user, since=now, until=now + timedelta(days=UPCOMING_DAYS))
    page = paginate(request, upcoming, per_page=UPCOMING_PER_PAGE, param="upcoming")
    return render(request, "core/calendar.html", {
        "feed": feed, "new_url": new_url,
        "webcal_url": "webcal://" + new_url.split("://", 1)[1] if new_url else "",
        "upcoming": [(event, _path(event.url)) for event in page.object_list],
        "upcoming_page": page,
        "days_back": calendar.FEED_DAYS_BACK,
    })


@require_POST
def calendar_renew(request: AuthenticatedHttpRequest) -> HttpResponse:
    had_one = CalendarFeed.objects.filter(user=request.user).exists()
    request.session[NEW_TOKEN] = services.calendar_feed_renew(user=request.user)
    if had_one:
        messages.success(request, _("Your new calendar link is ready. The old one no longer works."))
    else:
        messages.success(request, _("Your calendar link is ready."))
    return redirect("core:calendar")


@require_POST
def calendar_stop(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Confirm that you want to stop your calendar link."))
    elif services.calendar_feed_stop(user=request.user):
        request.session.pop(NEW_TOKEN, None)
        messages.success(request, _("Your calendar link no longer works. Calendar apps that used it "
                                    "will stop showing your meetings."))
    return redirect("core:calendar")


@login_not_required
@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed a calendar app reads. The token is the only credential: unknown, replaced or
    stopped → 404. Each link may be read ``CALENDAR_FEED_LIMIT_PER_HOUR`` times an hour (apps
    poll every few minutes at most); counting per link, not per address, because Google and
    Microsoft fetch everyone's calendars from the same few servers."""
    allowed, wait = hit(f"calendar:{calendar.token_digest(token)[:32]}",
                        limit=settings.CALENDAR_FEED_LIMIT_PER_HOUR, period=HOUR)
    if not allowed:
        return too_many(request, wait)
    feed = selectors.calendar_feed_by_token(token)
    if feed is None:
        raise Http404
    user = feed.user
    services.calendar_feed_mark_read(feed=feed)
    since, until = calendar.feed_window()
    language = calendar.feed_language(user)
    with translation.override(language):
        events = calendar.events_for_user(user, since=since, until=until)
        return calendar.ics_response(events, name=calendar.calendar_name(), language=language)
