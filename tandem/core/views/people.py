"""Coordinators' pages about people: list, add, read (with audit trail), edit, roles."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.core import extensions, selectors, services
from tandem.core.audit import record_view
from tandem.core.forms import NewPersonForm, PersonForm, RoleGrantForm
from tandem.core.http import AuthenticatedHttpRequest
from tandem.core.models import Person, Programme, Role
from tandem.core.once import create_once
from tandem.core.paging import paginate
from tandem.core.places import geocode, unplaced_warning
from tandem.core.scoping import programme_view
from tandem.core.versioning import submit_edit


def _person_or_404(programme: Programme, pk: int) -> Person:
    try:
        return selectors.programme_person(programme=programme, pk=pk)
    except Person.DoesNotExist as exc:
        raise Http404 from exc


def _warn_if_unplaced(request: HttpRequest, programme: Programme, person: Person) -> None:
    if (person.postcode or person.city) and geocode(
        postcode=person.postcode, city=person.city, programme=programme
    ) is None:
        messages.warning(request, unplaced_warning(postcode=person.postcode, city=person.city))


@require_GET
@programme_view("core.view_people")
def people_list(request: HttpRequest, programme: Programme) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    role = request.GET.get("role", "")
    if role not in Role.values:
        role = ""
    page = paginate(request, selectors.programme_people(programme=programme, query=query, role=role))
    context = {
        "programme": programme, "page": page, "people": page.object_list, "query": query, "role": role,
        "roles": [(v, label) for v, label in Role.choices if v != Role.ORG_ADMIN],
        "counts": selectors.role_counts(programme=programme),
    }
    if request.htmx:  # type: ignore[attr-defined]
        # Live search: only the results table is swapped.
        return render(request, "core/people_list.html#results", context)
    return render(request, "core/people_list.html", context)


@require_http_methods(["GET", "POST"])
@programme_view("core.manage_people")
def person_create(request: HttpRequest, programme: Programme) -> HttpResponse:
    form = NewPersonForm(request.POST or None, programme=programme)

    def create() -> Person:
        data = {k: v for k, v in form.cleaned_data.items() if k not in {"role", "institution"}}
        with transaction.atomic():
            person = services.person_create(organisation=programme.organisation,
                                            programme=programme, actor=request.user, **data)
            services.membership_grant(person=person, programme=programme,
                                      role=form.cleaned_data["role"],
                                      institution=form.cleaned_data["institution"], actor=request.user)
        return person

    def added(person: Person) -> HttpResponse:
        _warn_if_unplaced(request, programme, person)
        return redirect("core:person", org=programme.organisation.slug, prog=programme.slug,
                        pk=person.pk)

    if request.method == "POST" and form.is_valid() and (response := create_once(
        request, form, create,
        message=lambda person: _("%(name)s was added.") % {"name": person.full_name}, then=added,
    )):
        return response
    return render(request, "core/person_form.html", {"programme": programme, "form": form})


@require_GET
@programme_view("core.view_people")
def person_detail(request: AuthenticatedHttpRequest, programme: Programme, pk: int) -> HttpResponse:
    person = _person_or_404(programme, pk)
    record_view(user=request.user, programme=programme, person=person)
    context = {
        "programme": programme,
        "person": person,
        "memberships": person.memberships.filter(programme=programme).select_related(
            "institution"
        ),
        "guardians": Person.objects.filter(ward_links__learner=person),
        "wards": Person.objects.filter(guardian_links__guardian=person),
        "changes": paginate(request, selectors.person_audit(person=person), param="changes"),
        "views": paginate(request, selectors.person_audit(person=person, viewed=True), param="views"),
        "person_panels": extensions.person_panels(request=request, programme=programme,
                                                  person=person),
        "role_form": RoleGrantForm(programme=programme),
        "age": person.age_on(timezone.localdate()),
    }
    return render(request, "core/person_detail.html", context)


@require_http_methods(["GET", "POST"])
@programme_view("core.manage_people")
def person_edit(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    person = _person_or_404(programme, pk)
    form = PersonForm(request.POST or None, instance=_person_or_404(programme, pk), country=programme.country)
    if request.method == "POST" and form.is_valid() and submit_edit(
        form,
        lambda: services.person_update(person=person, actor=request.user, programme=programme,
                                       expected_version=form.expected_version, **form.cleaned_data),
        saved=lambda row: PersonForm(instance=row),
    ):
        messages.success(request, _("Changes saved."))
        person.refresh_from_db()
        _warn_if_unplaced(request, programme, person)
        return redirect("core:person", org=programme.organisation.slug, prog=programme.slug,
                        pk=person.pk)
    return render(request, "core/person_form.html",
                  {"programme": programme, "form": form, "person": person})


@require_POST
@programme_view("core.manage_people")
def person_role_add(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    person = _person_or_404(programme, pk)
    form = RoleGrantForm(request.POST, programme=programme)
    back = redirect("core:person", org=programme.organisation.slug, prog=programme.slug, pk=pk)
    if not form.is_valid():
        messages.error(request, _("Choose a role."))
        return back

    return create_once(
        request, form,
        lambda: services.membership_grant(person=person, programme=programme,
                                          role=form.cleaned_data["role"],
                                          institution=form.cleaned_data["institution"],
                                          actor=request.user),
        message=_("Role added."), then=lambda membership: back, back=back,
    ) or back


@require_POST
@programme_view("core.manage_people")
def person_role_remove(
    request: HttpRequest, programme: Programme, pk: int, membership: int
) -> HttpResponse:
    person = _person_or_404(programme, pk)
    found = person.memberships.filter(programme=programme, pk=membership).first()
    if found is None:
        raise Http404
    try:
        services.membership_revoke(
            membership=found, actor=request.user, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("Role removed."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    if not person.memberships.filter(programme=programme).exists():
        # They are no longer part of this programme, so their page here is gone too.
        return redirect("core:people", org=programme.organisation.slug, prog=programme.slug)
    return redirect("core:person", org=programme.organisation.slug, prog=programme.slug, pk=pk)
