"""Partner contacts refer learners and follow their own institution's referrals.

A partner contact sees only the learners referred from their own institution(s), and of those
only the name, the level and where the referral stands: no contact details, no coordinator's
notes, no special-category data. Coordinators see every referral (and get the full learner page).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tandem.core.audit import record_view
from tandem.core.http import AuthenticatedHttpRequest
from tandem.core.models import PartnerInstitution, Programme
from tandem.core.once import create_once
from tandem.core.paging import paginate
from tandem.core.places import unplaced_warning
from tandem.core.roles import is_coordinator
from tandem.core.scoping import programme_view
from tandem.core.selectors import person_for_user
from tandem.intake import selectors, services
from tandem.intake.forms import ReferralForm
from tandem.intake.models import Learner


def _institutions(request: AuthenticatedHttpRequest, programme: Programme) -> list[PartnerInstitution]:
    if is_coordinator(request.user, programme):
        return list(programme.partners.all())
    return selectors.partner_institutions(programme=programme, user=request.user)


@require_http_methods(["GET", "POST"])
@programme_view("intake.refer")
def referral_create(request: AuthenticatedHttpRequest, programme: Programme) -> HttpResponse:
    institutions = _institutions(request, programme)
    language = get_language() or "en"
    form = ReferralForm(request.POST or None, programme=programme, institutions=institutions,
                        initial={"language": language, "guardian_language": language})

    def referred(learner: Learner) -> HttpResponse:
        if learner.latitude is None:
            messages.warning(request, unplaced_warning(
                postcode=learner.person.postcode, city=learner.person.city,
                referrer=not is_coordinator(request.user, programme)))
        return redirect("intake:referral", org=programme.organisation.slug, prog=programme.slug,
                        pk=learner.pk)

    if request.method == "POST" and form.is_valid() and (response := create_once(
        request, form,
        lambda: services.referral_create(
            programme=programme, actor=request.user,
            referrer=person_for_user(programme=programme, user=request.user),
            institution=form.cleaned_data["institution"], person=form.person(),
            profile=form.profile(), guardian=form.guardian(),
            source=Learner.Source.COORDINATOR if is_coordinator(request.user, programme)
            else Learner.Source.REFERRAL,
        ),
        message=lambda learner: _("Thank you: %(name)s has been referred. The coordinator will "
                                  "review the referral.") % {"name": learner.person.full_name},
        then=referred,
    )):
        return response
    return render(request, "intake/referral_form.html", {
        "programme": programme, "form": form, "institutions": institutions,
        "consent_age": selectors.consent_age(programme),
    })


@require_GET
@programme_view("intake.view_referrals")
def referral_list(request: AuthenticatedHttpRequest, programme: Programme) -> HttpResponse:
    if is_coordinator(request.user, programme):
        referrals = Learner.objects.filter(programme=programme, source=Learner.Source.REFERRAL).select_related(
            "person", "institution").order_by("-created", "-pk")
    else:
        referrals = selectors.partner_referrals(programme=programme, user=request.user)
    page = paginate(request, referrals)
    return render(request, "intake/referral_list.html", {
        "programme": programme, "page": page, "referrals": page.object_list,
        "institutions": _institutions(request, programme),
    })


@require_GET
@programme_view("intake.view_referrals")
def referral_detail(request: AuthenticatedHttpRequest, programme: Programme, pk: int) -> HttpResponse:
    if is_coordinator(request.user, programme):
        return redirect("intake:learner", org=programme.organisation.slug, prog=programme.slug, pk=pk)
    try:
        learner = selectors.partner_referral(programme=programme, user=request.user, pk=pk)
    except Learner.DoesNotExist as exc:
        raise Http404 from exc
    record_view(user=request.user, programme=programme, person=learner.person,
                subject=f"learner:{learner.pk}")
    steps = learner.transitions.order_by("at", "pk").values("to_state", "at")
    return render(request, "intake/referral_detail.html", {
        "programme": programme, "learner": learner,
        "steps": [(Learner.State(s["to_state"]).label, s["at"]) for s in steps],
    })
