"""Conflicts of interest: pairs a coordinator rules out for good (family, neighbours, the
learner's teacher…). Recorded as a ``DeclinedPair``, so no round, alternative or manual pair ever
proposes them; the page also lists the pairs that said no after a first meeting and those whose
match was closed because the relationship did not work."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tandem.core.inputs import parse_id
from tandem.core.models import Programme
from tandem.core.once import create_once
from tandem.core.paging import paginate
from tandem.core.scoping import programme_view
from tandem.matching import selectors, services
from tandem.matching.forms import ConflictForm
from tandem.matching.models import OPEN_STATES, DeclinedPair, Match


@require_http_methods(["GET", "POST"])
@programme_view("matching.manage_matching")
def conflicts(request: HttpRequest, programme: Programme) -> HttpResponse:
    # Links from a match, a proposal or an alternative fill in the pair: ?learner=…&volunteer=…
    initial = {key: pk for key in ("learner", "volunteer") if (pk := parse_id(request.GET.get(key)))}
    form = ConflictForm(request.POST or None, programme=programme, initial=initial)
    back = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""

    def names(pair: DeclinedPair) -> dict[str, str]:
        return {"learner": pair.learner.person.full_name, "mentor": pair.volunteer.person.full_name}

    def recorded(pair: DeclinedPair) -> HttpResponse:
        if Match.objects.filter(learner=pair.learner, volunteer=pair.volunteer, state__in=OPEN_STATES).exists():
            messages.warning(request, _("%(learner)s and %(mentor)s have an open match. Close it from the "
                                        "match page if it must end.") % names(pair))
        if back:
            return redirect(back)
        return redirect("matching:conflicts", org=programme.organisation.slug, prog=programme.slug)

    if request.method == "POST" and form.is_valid() and (response := create_once(
        request, form,
        lambda: services.conflict_record(programme=programme, learner=form.cleaned_data["learner"],
                                         volunteer=form.cleaned_data["volunteer"],
                                         note=form.cleaned_data["note"], actor=request.user),
        message=lambda pair: _("Recorded: %(learner)s and %(mentor)s will never be proposed to each "
                               "other.") % names(pair),
        then=recorded,
    )):
        return response
    page = paginate(request, selectors.never_pairs(programme=programme))
    return render(request, "matching/conflicts.html", {
        "programme": programme, "form": form, "next": back, "page": page, "pairs": page.object_list,
    })
