"""The supervisor's overview of their pairs (the coordinator's of all pairs), and the journal's
settings: preparation and supervision on or off, and the goal categories."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tandem.core.models import Programme
from tandem.core.once import create_once
from tandem.core.paging import paginate
from tandem.core.roles import roles_for
from tandem.core.scoping import programme_view
from tandem.core.versioning import submit_edit
from tandem.journal import selectors, services
from tandem.journal.categories import categories_seed
from tandem.journal.forms import CategoryEditForm, NewCategoryForm, SupervisionForm
from tandem.journal.models import GoalCategory


@require_GET
@programme_view("journal.supervise")
def overview(request: HttpRequest, programme: Programme) -> HttpResponse:
    coordinator = bool(roles_for(request.user, programme) & selectors.COORDINATOR_ROLES)
    page = paginate(request, selectors.supervised_pairs(programme=programme, user=request.user))
    return render(request, "journal/overview.html", {
        "programme": programme, "page": page, "pairs": page.object_list, "coordinator": coordinator,
        "supervision": selectors.supervision(programme), "now": timezone.now(),
        "numbers": selectors.programme_numbers(programme=programme) if coordinator else None,
    })


def _settings_url(programme: Programme) -> HttpResponse:
    return redirect("journal:settings", org=programme.organisation.slug, prog=programme.slug)


def _supervision_form(programme: Programme, data: Any = None) -> SupervisionForm:
    return SupervisionForm(data, version=programme.version,
                           initial={"supervision": selectors.supervision(programme)})


@require_http_methods(["GET", "POST"])
@programme_view("journal.manage_journal")
def journal_settings(request: HttpRequest, programme: Programme) -> HttpResponse:
    categories_seed(programme=programme)
    which = request.POST.get("form", "") if request.method == "POST" else ""
    supervision = _supervision_form(programme, request.POST if which == "supervision" else None)
    form = NewCategoryForm(request.POST if which == "category" else None)
    if which == "supervision" and supervision.is_valid() and submit_edit(
            supervision, lambda: services.supervision_set(
                programme=programme, actor=request.user, expected_version=supervision.expected_version,
                on=supervision.cleaned_data["supervision"]),
            saved=_supervision_form):
        messages.success(request, _("Changes saved."))
        return _settings_url(programme)
    if which == "category" and form.is_valid() and (response := create_once(
            request, form, lambda: services.category_create(programme=programme, actor=request.user,
                                                            labels=form.labels()),
            message=lambda category: _("Category “%(name)s” added.") % {"name": category.label()},
            then=lambda _category: _settings_url(programme))):
        return response
    return render(request, "journal/settings.html", {
        "programme": programme, "supervision_form": supervision, "form": form,
        "categories": GoalCategory.objects.filter(programme=programme),
    })


@require_http_methods(["GET", "POST"])
@programme_view("journal.manage_journal")
def category_edit(request: HttpRequest, programme: Programme, category: int) -> HttpResponse:
    try:
        item = GoalCategory.objects.get(programme=programme, pk=category)
    except GoalCategory.DoesNotExist as exc:
        raise Http404 from exc
    form = _category_form(item, request.POST or None)
    if request.method == "POST" and form.is_valid() and submit_edit(
            form, lambda: services.category_update(
                category=item, actor=request.user, labels=form.labels(), in_use=form.cleaned_data["in_use"],
                expected_version=form.expected_version),
            saved=_category_form):
        messages.success(request, _("Changes saved."))
        return _settings_url(programme)
    return render(request, "journal/category_form.html", {"programme": programme, "category": item, "form": form})


def _category_form(item: GoalCategory, data: Any = None) -> CategoryEditForm:
    return CategoryEditForm(data, version=item.version, initial={
        "label_en": item.label_en, "label_nl": item.label_nl, "label_fr": item.label_fr,
        "label_de": item.label_de, "in_use": item.in_use})
