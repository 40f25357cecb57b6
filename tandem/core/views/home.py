"""The start page and each programme's dashboard, shaped by the viewer's roles."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from tandem.core import extensions, health, selectors
from tandem.core.models import Programme, Role
from tandem.core.requirements import safeguarding_certificate_name
from tandem.core.roles import reads_as_learner, roles_for
from tandem.core.scoping import programme_view


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    programmes = selectors.programmes_for_user(request.user)
    if len(programmes) == 1 and not selectors.organisations_administered(request.user).exists():
        return redirect(programmes[0][0].get_absolute_url())
    return render(
        request,
        "core/home.html",
        {
            "programmes": programmes,
            "administered": selectors.organisations_administered(request.user),
        },
    )


@require_GET
@programme_view("core.view_programme")
def programme_home(request: HttpRequest, programme: Programme) -> HttpResponse:
    roles = roles_for(request.user, programme)
    me = selectors.person_for_user(programme=programme, user=request.user)
    context: dict[str, object] = {
        "programme": programme,
        "roles": roles,
        "me": me,
        "coordinators": selectors.coordinators_of(programme=programme),
        # The mentor's role card promises a certificate check only where the programme asks for
        # one (Students as Community Builders does not).
        "certificate_name": safeguarding_certificate_name(programme.country)
        if programme.requirement("safeguarding_certificate_required") else "",
        "to_learner": reads_as_learner(roles),
    }
    if roles & {Role.COORDINATOR, Role.ORG_ADMIN}:
        context["counts"] = selectors.role_counts(programme=programme)
        context["recent"] = selectors.recent_programme_audit(programme=programme)
        context["pending_invitations"] = selectors.pending_invitations(programme=programme)[:5]
    elif Role.OBSERVER in roles:
        threshold = extensions.observer_threshold(programme=programme)
        context["aggregates"] = selectors.aggregate_counts(programme=programme, threshold=threshold)
        context["hidden_word"] = selectors.hidden_word()
        context["hidden_note"] = selectors.protected_note(threshold)
    if Role.GUARDIAN in roles and me is not None:
        context["wards"] = selectors.wards_of(guardian=me, programme=programme)
    if Role.PARTNER_CONTACT in roles and me is not None:
        context["institutions"] = [
            m.institution
            for m in me.memberships.filter(programme=programme, role=Role.PARTNER_CONTACT)
            .select_related("institution")
            if m.institution
        ]
    context["app_panels"] = extensions.panels(
        request=request, programme=programme, roles=roles, me=me
    )
    return render(request, "core/programme_home.html", context)


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and monitors: 200 when the database, the cache and the task queue are
    fine, 503 when one is not (tandem/core/health.py)."""
    ok, checks = health.run_checks()
    response = JsonResponse({"status": "ok" if ok else "fail", "checks": checks},
                            status=200 if ok else 503)
    response["Cache-Control"] = "no-store"
    return response
