"""Public pages: self-registration (where a programme allows it) and the guardian's consent link."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods

from tandem.core.models import Programme
from tandem.core.places import geocode, unplaced_warning
from tandem.core.ratelimit import public_form_limit
from tandem.core.services import mask_email
from tandem.intake import selectors, services
from tandem.intake.forms import JoinForm
from tandem.intake.models import GuardianConsent, Learner


@login_not_required
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, org: str, prog: str) -> HttpResponse:
    programme = get_object_or_404(
        Programme.objects.select_related("organisation"), organisation__slug=org, slug=prog,
        is_active=True,
    )
    if not programme.requirement("self_registration"):
        raise Http404
    form = JoinForm(request.POST or None, programme=programme)
    context = {"programme": programme, "form": form,
               "consent_age": selectors.consent_age(programme)}
    if request.method == "POST" and (limited := public_form_limit(request, form="join")):
        return limited  # too many in a short while from this connection
    if request.method == "POST" and form.is_valid():
        if form.is_spam:
            # Answer as if it worked: a bot learns nothing, and nobody is created.
            return render(request, "intake/join_done.html", context)
        if limited := public_form_limit(request, form="join", addresses=[
                form.cleaned_data["email"], form.cleaned_data["guardian_email"]]):
            return limited  # these addresses were used too often today
        person = form.person(get_language() or "en")
        try:
            services.learner_register_self(
                programme=programme, person=person,
                profile=form.profile(),
                guardian={"email": form.cleaned_data["guardian_email"],
                          "language": get_language() or "en"},
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            # The same page whether the address was new or already registered: the page must
            # not tell strangers who is in the programme (the warning depends on what was typed).
            postcode, city = person.get("postcode") or "", person.get("city") or ""
            if (postcode or city) and geocode(postcode=postcode, city=city, programme=programme) is None:
                messages.warning(request, unplaced_warning(postcode=postcode, city=city, public=True))
            return render(request, "intake/join_done.html", context)
    if request.method == "POST":
        form.refresh_timestamp()  # a new stamp for the next try; what was typed stays
    return render(request, "intake/join.html", context)


@login_not_required
@require_http_methods(["GET", "POST"])
def consent(request: HttpRequest, token: str) -> HttpResponse:
    record = get_object_or_404(
        GuardianConsent.objects.select_related(
            "learner__person", "learner__programme__organisation", "guardian"
        ),
        token=token,
    )
    learner = record.learner
    programme = learner.programme
    language = record.guardian.language
    if request.COOKIES.get("tandem_language"):
        language = get_language() or language  # the guardian picked a language on the page
    error = ""
    if request.method == "POST" and (limited := public_form_limit(request, form="consent")):
        return limited  # a withdrawal e-mails the coordinators: not a thousand times a minute
    renewed = None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "withdraw" and record.withdrawn_at is None:
                services.consent_withdraw(consent=record, actor=None)
            elif request.POST.get("action") == "confirm":
                services.consent_confirm(consent=record)
            elif request.POST.get("action") == "renew":
                renewed = services.consent_renew(consent=record)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        record.refresh_from_db()
    version = selectors.current_consent_version(programme)
    shown_version = record.version if record.is_given else version
    text = (selectors.consent_text_for(programme=programme, version=shown_version,
                                       language=language) if shown_version else None)
    with translation.override(language):
        return render(request, "intake/consent.html", {
            "record": record, "learner": learner, "programme": programme, "text": text,
            "outdated": record.is_given and record.version != version, "error": error,
            "renewed": renewed, "address": mask_email(record.guardian.email),
            "valid_days": settings.CONSENT_LINK_VALID_DAYS,
            # A child already with a mentor stays so until a coordinator ends the match: they
            # were told (consent_withdraw) and get in touch, rather than the page saying nothing.
            "matched": learner.state == Learner.State.MATCHED,
            "can_renew": record.guardian.email and learner.state in services.STILL_TAKING_PART,
        }, status=400 if error else 200)
