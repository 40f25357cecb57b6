"""A volunteer's own page: their state, what is still missing, and their self-declared background."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tandem.core.http import AuthenticatedHttpRequest
from tandem.core.models import Programme
from tandem.core.scoping import programme_view
from tandem.core.versioning import error_text, submit_edit
from tandem.onboarding import selectors, services
from tandem.onboarding.forms import DECLARATION_WHY, DeclarationForm
from tandem.onboarding.models import TrainingCertificate, Volunteer, VolunteerDeclaration
from tandem.onboarding.screening import certificate_name, certificate_status, missing_items


def _page(request: AuthenticatedHttpRequest, programme: Programme, volunteer: Volunteer | None,
          declaration_form: DeclarationForm | None = None) -> HttpResponse:
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
            # A workshop that took place reads as attended or not, with no calendar link.
            now=timezone.now(),
            declaration_form=declaration_form or DeclarationForm.for_volunteer(volunteer),
            declaration_why=DECLARATION_WHY,
        )
    return render(request, "onboarding/me.html", context)


@require_GET
@programme_view("onboarding.view_own_volunteering")
def me(request: AuthenticatedHttpRequest, programme: Programme) -> HttpResponse:
    return _page(request, programme, selectors.volunteer_for_user(programme=programme, user=request.user))


@require_POST
@programme_view("onboarding.view_own_volunteering")
def declaration(request: AuthenticatedHttpRequest, programme: Programme) -> HttpResponse:
    """The volunteer declares, changes or withdraws their background themselves."""
    back = redirect("onboarding:me", org=programme.organisation.slug, prog=programme.slug)
    volunteer = selectors.volunteer_for_user(programme=programme, user=request.user)
    if volunteer is None:
        return back
    form = DeclarationForm(request.POST)
    if not form.is_valid():  # only a tampered or incomplete post: every answer is optional
        messages.error(request, error_text(form))
        return back

    def saved(row: Any) -> DeclarationForm:
        shown = DeclarationForm(version=row.version, initial={
            "migration_background": row.migration_background, "first_generation": row.first_generation})
        return shown

    if submit_edit(form, lambda: services.volunteer_declaration_save(
            volunteer=volunteer, actor=request.user, expected_version=form.expected_version,
            **form.cleaned_data), saved=lambda row: saved(row) if isinstance(row, VolunteerDeclaration) else None):
        messages.success(request, _("Thank you. Your answers are saved."))
        return back
    return _page(request, programme, volunteer, form)
