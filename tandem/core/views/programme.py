"""Programme settings, sites, partner institutions, the organisation page and the audit log."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tandem.core import selectors, services
from tandem.core.fields import vocabulary
from tandem.core.forms import (
    FieldForm,
    NewFieldForm,
    NewProgrammeForm,
    PartnerForm,
    ProgrammeForm,
    SiteForm,
)
from tandem.core.models import Field, Organisation, Programme
from tandem.core.once import create_once
from tandem.core.paging import paginate
from tandem.core.scoping import organisation_view, programme_view
from tandem.core.versioning import submit_edit


@require_http_methods(["GET", "POST"])
@programme_view("core.manage_programme")
def programme_edit(request: HttpRequest, programme: Programme) -> HttpResponse:
    form = ProgrammeForm(request.POST or None, instance=Programme.objects.get(pk=programme.pk))
    if request.method == "POST" and form.is_valid() and submit_edit(
        form,
        lambda: services.programme_update(programme=programme, actor=request.user,
                                          expected_version=form.expected_version, **form.cleaned_data),
        saved=lambda row: ProgrammeForm(instance=row),
    ):
        messages.success(request, _("Programme settings saved."))
        return redirect(programme.get_absolute_url())
    return render(request, "core/programme_form.html", {"programme": programme, "form": form})


@require_http_methods(["GET", "POST"])
@programme_view("core.manage_programme")
def field_list(request: HttpRequest, programme: Programme) -> HttpResponse:
    """The programme's fields (expertise ↔ needs), and a form to add one."""
    services.fields_seed(programme=programme)  # programmes made outside the services have none yet
    form = NewFieldForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and (response := create_once(
        request, form,
        lambda: services.field_create(programme=programme, actor=request.user,
                                      labels=form.labels(), synonyms=form.synonyms()),
        message=lambda field: _("Field “%(name)s” added.") % {"name": field.label()},
        then=lambda field: redirect("core:fields", org=programme.organisation.slug, prog=programme.slug),
    )):
        return response
    return render(request, "core/fields.html", {
        "programme": programme, "form": form,
        "rows": sorted(vocabulary(programme).fields, key=lambda f: f.label().casefold()),
    })


@require_http_methods(["GET", "POST"])
@programme_view("core.manage_programme")
def field_edit(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    services.fields_seed(programme=programme)
    try:
        field = programme.fields.get(pk=pk)
    except Field.DoesNotExist as exc:
        raise Http404 from exc
    form = FieldForm.for_field(field, request.POST or None)
    if request.method == "POST" and form.is_valid() and submit_edit(
        form,
        lambda: services.field_update(field=field, actor=request.user, labels=form.labels(),
                                      synonyms=form.synonyms(), expected_version=form.expected_version),
        saved=FieldForm.for_field,
    ):
        messages.success(request, _("Changes saved."))
        return redirect("core:fields", org=programme.organisation.slug, prog=programme.slug)
    return render(request, "core/field_form.html", {"programme": programme, "form": form, "field": field})


@require_http_methods(["GET", "POST"])
@programme_view("core.manage_programme")
def site_list(request: HttpRequest, programme: Programme) -> HttpResponse:
    form = SiteForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and (response := create_once(
        request, form,
        lambda: services.site_create(programme=programme, actor=request.user, **form.cleaned_data),
        message=_("Site added."),
        then=lambda site: redirect("core:sites", org=programme.organisation.slug, prog=programme.slug),
    )):
        return response
    page = paginate(request, programme.sites.order_by("name", "pk"))
    return render(
        request, "core/sites.html",
        {"programme": programme, "page": page, "sites": page.object_list, "form": form},
    )


@require_http_methods(["GET", "POST"])
@programme_view("core.manage_partners")
def partner_list(request: HttpRequest, programme: Programme) -> HttpResponse:
    form = PartnerForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid() and (response := create_once(
        request, form,
        lambda: services.partner_create(programme=programme, actor=request.user, **form.cleaned_data),
        message=_("Partner institution added."),
        then=lambda partner: redirect("core:partners", org=programme.organisation.slug,
                                      prog=programme.slug),
    )):
        return response
    page = paginate(request, selectors.programme_partners(programme=programme))
    return render(
        request, "core/partners.html",
        {"programme": programme, "page": page, "partners": page.object_list, "form": form},
    )


@require_GET
@programme_view("core.view_audit")
def audit_log(request: HttpRequest, programme: Programme) -> HttpResponse:
    page = paginate(request, selectors.programme_audit(programme=programme))
    return render(request, "core/audit_log.html", {"programme": programme, "page": page})


@require_GET
@organisation_view("core.manage_organisation")
def organisation_home(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    programmes = selectors.organisation_programmes(organisation=organisation)
    return render(
        request, "core/organisation.html",
        {"organisation": organisation, "programmes": programmes},
    )


@require_http_methods(["GET", "POST"])
@organisation_view("core.manage_organisation")
def programme_create(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    form = NewProgrammeForm(
        request.POST or None, initial={"country": organisation.country}
    )
    if request.method == "POST" and form.is_valid() and (response := create_once(
        request, form,
        lambda: services.programme_create(organisation=organisation, actor=request.user,
                                          **form.cleaned_data),
        message=_("Programme created."),
        then=lambda programme: redirect(programme.get_absolute_url()),
    )):
        return response
    return render(
        request, "core/programme_form.html", {"organisation": organisation, "form": form}
    )
