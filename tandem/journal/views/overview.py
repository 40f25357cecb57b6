"""The supervisor's overview of their pairs (the coordinator's of all pairs), and the journal's
settings: preparation and supervision on or off, and the goal categories."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tandem.core.models import Programme
from tandem.core.once import submit_once
from tandem.core.roles import roles_for
from tandem.core.scoping import programme_view
from tandem.core.services import EditConflict
from tandem.journal import selectors, services
from tandem.journal.categories import categories_seed
from tandem.journal.forms import CategoryEditForm, NewCategoryForm, SupervisionForm
from tandem.journal.models import GoalCategory


@require_GET
@programme_view("journal.supervise")
def overview(request: HttpRequest, programme: Programme) -> HttpResponse:
    coordinator = bool(roles_for(request.user, programme) & selectors.COORDINATOR_ROLES)
    pairs = selectors.supervised_pairs(programme=programme, user=request.user)
    return render(request, "journal/overview.html", {
        "programme": programme, "pairs": pairs[:selectors.SHOWN_PAIRS], "coordinator": coordinator,
        "supervision": selectors.supervision(programme), "now": timezone.now(),
        "numbers": selectors.programme_numbers(programme=programme) if coordinator else None,
    })


def _settings_url(programme: Programme) -> HttpResponse:
    return redirect("journal:settings", org=programme.organisation.slug, prog=programme.slug)


@require_http_methods(["GET", "POST"])
@programme_view("journal.manage_journal")
def journal_settings(request: HttpRequest, programme: Programme) -> HttpResponse:
    categories_seed(programme=programme)
    which = request.POST.get("form", "") if request.method == "POST" else ""
    supervision = SupervisionForm(request.POST if which == "supervision" else None, initial={
        "version": programme.version, "supervision": selectors.supervision(programme)})
    form = NewCategoryForm(request.POST if which == "category" else None)
    if which == "supervision" and supervision.is_valid():
        try:
            services.supervision_set(programme=programme, actor=request.user,
                                     expected_version=supervision.cleaned_data["version"],
                                     on=supervision.cleaned_data["supervision"])
        except EditConflict as exc:
            supervision.add_error(None, exc)
        except ValidationError as exc:
            supervision.add_error(None, exc)
        else:
            messages.success(request, _("Changes saved."))
            return _settings_url(programme)
    if which == "category" and form.is_valid():
        def save() -> HttpResponse | None:
            try:
                category = services.category_create(programme=programme, actor=request.user, labels=form.labels())
            except ValidationError as exc:
                form.add_error(None, exc)
                return None
            messages.success(request, _("Category “%(name)s” added.") % {"name": category.label()})
            return _settings_url(programme)

        if (response := submit_once(request, form, save)) is not None:
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
    form = CategoryEditForm(request.POST or None, initial={
        "label_en": item.label_en, "label_nl": item.label_nl, "label_fr": item.label_fr,
        "label_de": item.label_de, "in_use": item.in_use, "version": item.version})
    conflict: GoalCategory | None = None
    if request.method == "POST" and form.is_valid():
        try:
            services.category_update(category=item, actor=request.user, labels=form.labels(),
                                     in_use=form.cleaned_data["in_use"], expected_version=form.cleaned_data["version"])
        except EditConflict as exc:
            form.add_error(None, exc)
            conflict = GoalCategory.objects.get(pk=item.pk)
            form.data = {**request.POST.dict(), "version": str(conflict.version)}
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Changes saved."))
            return _settings_url(programme)
    return render(request, "journal/category_form.html", {"programme": programme, "category": item, "form": form,
                                                          "conflict": conflict})
