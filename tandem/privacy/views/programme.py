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
from tandem.core.privacy import Period, period_key
from tandem.core.scoping import programme_view
from tandem.privacy import retention as rules
from tandem.privacy.forms import RetentionForm


@require_http_methods(["GET", "POST"])
@programme_view("privacy.manage")
def retention(request: HttpRequest, programme: Programme) -> HttpResponse:
    form = RetentionForm(request.POST or None, programme=programme)
    conflict: list[tuple[str, int]] = []
    if request.method == "POST" and form.is_valid():
        try:
            core_services.programme_update(
                programme=programme, actor=request.user,
                expected_version=form.cleaned_data["version"] or 0,
                requirements=form.requirements(),
            )
        except core_services.EditConflict as exc:
            # What was saved meanwhile, beside what this coordinator typed (the form keeps it).
            form.add_error(None, exc)
            saved = Programme.objects.get(pk=programme.pk)
            conflict = [(str(p.label), saved.requirement(period_key(p.value))) for p in Period]
            data = request.POST.copy()
            data["version"] = str(saved.version)
            form.data = data
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Retention periods saved."))
            return redirect("privacy:retention", org=programme.organisation.slug,
                            prog=programme.slug)
    return render(request, "privacy/retention.html",
                  {"programme": programme, "form": form, "conflict": conflict})


@require_GET
@programme_view("privacy.manage")
def upcoming(request: HttpRequest, programme: Programme) -> HttpResponse:
    today = timezone.localdate()
    return render(request, "privacy/upcoming.html", {
        "programme": programme, "dues": rules.upcoming(programme=programme, today=today),
        "today": today, "until": rules.months_after(today, 1),
    })
