"""The programme's retention periods, and what the rules will remove within a month."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tandem.core import services as core_services
from tandem.core.models import Programme
from tandem.core.scoping import programme_view
from tandem.privacy import retention as rules
from tandem.privacy.forms import RetentionForm


@require_http_methods(["GET", "POST"])
@programme_view("privacy.manage")
def retention(request: HttpRequest, programme: Programme) -> HttpResponse:
    form = RetentionForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        try:
            core_services.programme_update(
                programme=programme, actor=request.user,
                expected_version=form.cleaned_data["version"] or 0,
                requirements=form.requirements(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Retention periods saved."))
            return redirect("privacy:retention", org=programme.organisation.slug,
                            prog=programme.slug)
    return render(request, "privacy/retention.html", {"programme": programme, "form": form})


@require_GET
@programme_view("privacy.manage")
def upcoming(request: HttpRequest, programme: Programme) -> HttpResponse:
    today = timezone.localdate()
    return render(request, "privacy/upcoming.html", {
        "programme": programme, "dues": rules.upcoming(programme=programme, today=today),
        "today": today, "until": rules.months_after(today, 1),
    })
