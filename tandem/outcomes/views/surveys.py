"""Survey waves (coordinators), the instruments' pages, and the personal survey link (no log-in)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.core.models import Programme
from tandem.core.once import create_once
from tandem.core.paging import paginate
from tandem.core.ratelimit import HOUR, client_ip, hit, too_many
from tandem.core.scoping import programme_view
from tandem.core.text import grouped
from tandem.outcomes import selectors, services
from tandem.outcomes.forms import SurveyForm, WaveForm
from tandem.outcomes.instruments import INSTRUMENTS
from tandem.outcomes.models import SurveyInvitation, SurveyWave

POSTS_PER_HOUR = 30
MISSES_PER_HOUR = 30
YOUNG_UNTIL = 13  # learners younger than this see the child-friendly wording of the answers


def _waves_url(programme: Programme) -> HttpResponse:
    return redirect("outcomes:waves", org=programme.organisation.slug, prog=programme.slug)


@require_http_methods(["GET", "POST"])
@programme_view("outcomes.manage_results")
def waves(request: HttpRequest, programme: Programme) -> HttpResponse:
    form = WaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and (response := create_once(
            request, form, lambda: services.wave_create(
                programme=programme, actor=request.user, instrument=form.cleaned_data["instrument"],
                audience=form.cleaned_data["audience"], kind=form.cleaned_data["kind"],
                opens_on=form.cleaned_data["opens_on"], closes_on=form.cleaned_data["closes_on"],
                anonymous=form.cleaned_data["anonymous"]),
            message=_("Survey wave added."),
            then=lambda wave: redirect("outcomes:wave", org=programme.organisation.slug, prog=programme.slug,
                                       wave=wave.pk))):
        return response
    page = paginate(request, selectors.waves(programme=programme))
    return render(request, "outcomes/waves.html", {
        "programme": programme, "form": form, "page": page, "instruments": list(INSTRUMENTS.values())})


def _wave_or_404(programme: Programme, pk: int) -> SurveyWave:
    try:
        return SurveyWave.objects.select_related("programme__organisation").get(programme=programme, pk=pk)
    except SurveyWave.DoesNotExist as exc:
        raise Http404 from exc


@require_GET
@programme_view("outcomes.manage_results")
def wave(request: HttpRequest, programme: Programme, wave: int) -> HttpResponse:
    item = _wave_or_404(programme, wave)
    invitations = item.invitations.select_related("person").order_by("pk")
    page = paginate(request, invitations)
    rows = [(i, services.link_url(i)) for i in page.object_list]
    return render(request, "outcomes/wave.html", {
        "programme": programme, "wave": item, "page": page, "rows": rows,
        "audience_size": len(selectors.wave_audience(item)), **selectors.wave_counts(item)})


@require_POST
@programme_view("outcomes.manage_results")
def wave_send(request: HttpRequest, programme: Programme, wave: int) -> HttpResponse:
    item = _wave_or_404(programme, wave)
    count = services.invitations_send(wave=item, actor=request.user)
    messages.success(request, _("%(n)s people asked.") % {"n": grouped(count)})
    return redirect("outcomes:wave", org=programme.organisation.slug, prog=programme.slug, wave=item.pk)


def _invitation_or_404(programme: Programme, wave: int, pk: int) -> SurveyInvitation:
    found = (SurveyInvitation.objects.filter(wave__programme=programme, wave_id=wave, pk=pk)
             .select_related("wave__programme__organisation", "person").first())
    if found is None:
        raise Http404
    return found


def _back_to_wave(programme: Programme, invitation: SurveyInvitation) -> HttpResponse:
    return redirect("outcomes:wave", org=programme.organisation.slug, prog=programme.slug,
                    wave=invitation.wave_id)


@require_POST
@programme_view("outcomes.manage_results")
def invitation_revoke(request: HttpRequest, programme: Programme, wave: int, pk: int) -> HttpResponse:
    """Stop one person's link (sent to the wrong person, or the family asks)."""
    found = _invitation_or_404(programme, wave, pk)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Confirm that you want to stop this link."))
    elif services.invitation_revoke(invitation=found, actor=request.user):
        messages.success(request, _("The link of %(name)s no longer works.") % {"name": found.person.given_name})
    else:
        messages.info(request, _("This link was already stopped."))
    return _back_to_wave(programme, found)


@require_POST
@programme_view("outcomes.manage_results")
def invitation_reissue(request: HttpRequest, programme: Programme, wave: int, pk: int) -> HttpResponse:
    """A new link for one person: the old one stops working."""
    found = _invitation_or_404(programme, wave, pk)
    try:
        done = services.invitation_reissue(invitation=found, actor=request.user,
                                           nonce=request.POST.get("link", "")[:24])
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return _back_to_wave(programme, found)
    name = found.person.given_name
    if not done:
        messages.info(request, _("The link had already changed; nothing was sent."))
    elif found.person.email:
        messages.success(request, _("A new link was e-mailed to %(name)s; the old one no longer works.")
                         % {"name": name})
    else:
        messages.success(request, _("A new link for %(name)s is ready: copy it from the list and pass it on. "
                                    "The old one no longer works.") % {"name": name})
    return _back_to_wave(programme, found)


@require_GET
@programme_view("outcomes.manage_results")
def instrument(request: HttpRequest, programme: Programme, code: str) -> HttpResponse:
    found = INSTRUMENTS.get(code)
    if found is None:
        raise Http404
    return render(request, "outcomes/instrument.html", {"programme": programme, "instrument": found})


@login_not_required
@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponse:
    """The questionnaire, on a phone, through a signed personal link (no log-in). It shows the
    programme's name and the person's first name only; it expires with the wave."""
    invitation = services.invitation_for_token(token[:200])
    if invitation is None:
        allowed, wait = hit(f"outcomes_link_miss:{client_ip(request)}", limit=MISSES_PER_HOUR, period=HOUR)
        if not allowed:
            return too_many(request, wait)
        if services.link_was_ours(token[:200]):
            # Revoked or replaced by a new link: say so, naming nothing (not even the programme).
            return render(request, "outcomes/survey_revoked.html", {}, status=410)
        raise Http404
    # The reader's language (their log-in's, the language picker's or the browser's), as on
    # every page; the invitation e-mail was written in the person's own.
    language = (translation.get_language() or "en")[:2]
    item = invitation.wave
    programme = item.programme
    today = timezone.localdate()
    context = {"programme": programme, "wave": item, "invitation": invitation, "language": language}
    if invitation.answered_at is not None:
        return render(request, "outcomes/survey_done.html", context)
    if not item.opens_on <= today <= item.closes_on:
        return render(request, "outcomes/survey_closed.html", context, status=410)
    definition = item.definition
    age = invitation.person.age_on(today) if hasattr(invitation.person, "age_on") else None
    young = item.audience == "learner" and (age is None or age < YOUNG_UNTIL)
    form = SurveyForm(request.POST or None, instrument=definition, young=young)
    if request.method == "POST":
        allowed, wait = hit(f"outcomes_link:{invitation.pk}", limit=POSTS_PER_HOUR, period=HOUR)
        if not allowed:
            return too_many(request, wait)
        if form.is_valid():
            try:
                services.response_submit(invitation=invitation, answers=form.answers(), language=language)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect(request.path)
    return render(request, "outcomes/survey.html", {**context, "form": form, "definition": definition,
                                                     "young": young})
