"""A volunteer's own page: their state and what is still missing."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from tandem.core.http import AuthenticatedHttpRequest
from tandem.core.models import Programme
from tandem.core.scoping import programme_view
from tandem.onboarding import selectors
from tandem.onboarding.models import TrainingCertificate
from tandem.onboarding.screening import certificate_name, certificate_status, missing_items


@require_GET
@programme_view("onboarding.view_own_volunteering")
def me(request: AuthenticatedHttpRequest, programme: Programme) -> HttpResponse:
    volunteer = selectors.volunteer_for_user(programme=programme, user=request.user)
    context: dict[str, object] = {
        "programme": programme, "volunteer": volunteer,
        "in_calendar": request.user.has_perm("onboarding.workshop_calendar", programme),
    }
    if volunteer is not None:
        today = timezone.localdate()
        context.update(
            missing=missing_items(volunteer, today=today),
            certificate=certificate_status(volunteer, today=today),
            certificate_name=certificate_name(programme),
            training_certificate=TrainingCertificate.objects.filter(volunteer=volunteer).first(),
            registrations=volunteer.registrations.exclude(status="cancelled").select_related(
                "workshop"
            ),
        )
    return render(request, "onboarding/me.html", context)
