"""Pages without a log-in: the application form and the certificate check."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods

from tandem.core import extensions
from tandem.core.models import Programme
from tandem.core.places import geocode, unplaced_warning
from tandem.core.ratelimit import public_form_limit
from tandem.core.text import file_name
from tandem.onboarding import selectors, services
from tandem.onboarding.forms import DECLARATION_WHY, ApplicationForm, VerifyForm
from tandem.onboarding.models import TrainingCertificate
from tandem.onboarding.pdf import certificate_pdf
from tandem.onboarding.screening import certificate_name


def _public_programme(org: str, prog: str) -> Programme:
    return get_object_or_404(
        Programme.objects.select_related("organisation"),
        organisation__slug=org, slug=prog, is_active=True,
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, org: str, prog: str) -> HttpResponse:
    programme = _public_programme(org, prog)
    form = ApplicationForm(request.POST or None, programme=programme)
    thanks = redirect("onboarding:apply_thanks", org=org, prog=prog)
    if request.method == "POST":
        if limited := public_form_limit(request, form="apply"):
            return limited  # too many in a short while from this connection
        if form.is_spam:
            return thanks  # a bot: look successful, store nothing
        if form.is_valid():
            if limited := public_form_limit(request, form="apply",
                                            addresses=[form.cleaned_data["email"]]):
                return limited  # this address was used too often today
            data = form.service_data()
            try:
                services.volunteer_apply(programme=programme, **data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                # The same page whether the application is new or a duplicate: the warning
                # depends only on what was typed.
                if geocode(postcode=data["postcode"], city=data["city"], programme=programme) is None:
                    messages.warning(request, unplaced_warning(
                        postcode=data["postcode"], city=data["city"], public=True))
                return thanks
        form.refresh_timestamp()
    context = {
        "programme": programme, "form": form,
        "consent_version": services.CONSENT_VERSION, "declaration_why": DECLARATION_WHY,
        "certificate_name": certificate_name(programme)
        if programme.requirement("safeguarding_certificate_required") else "",
        "training_hours": programme.requirement("training_hours_required"),
    }
    return render(request, "onboarding/apply.html", context, status=400 if form.errors else 200)


@login_not_required
@require_GET
def apply_thanks(request: HttpRequest, org: str, prog: str) -> HttpResponse:
    programme = _public_programme(org, prog)
    return render(request, "onboarding/apply_thanks.html", {"programme": programme})


@login_not_required
@require_GET
def certificate_verify(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.GET or None)
    if form.is_valid():
        return redirect("onboarding:certificate_verify_code", code=form.cleaned_data["code"].strip().upper())
    return render(request, "onboarding/verify.html", {"form": form})


@login_not_required
@require_GET
def certificate_verify_code(request: HttpRequest, code: str) -> HttpResponse:
    certificate = selectors.certificate_by_code(code)
    # Other documents with a code (expenses: attestations) are checked on the same page.
    document = None if certificate else extensions.verified_document(code.strip().upper())
    return render(
        request, "onboarding/verify.html",
        {"form": VerifyForm(initial={"code": code}), "certificate": certificate, "document": document,
         "checked": code},
        status=200 if certificate or document else 404,
    )


@login_not_required
@require_GET
def certificate_download(request: HttpRequest, token: str) -> HttpResponse:
    certificate = (
        TrainingCertificate.objects.filter(download_token=token)
        .select_related("volunteer__person", "volunteer__programme__organisation")
        .first()
    )
    if certificate is None:
        raise Http404
    response = HttpResponse(certificate_pdf(certificate), content_type="application/pdf")
    name = file_name(pgettext("file name", "certificate"), certificate.code)  # outside the f-string: xgettext reads it
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response
