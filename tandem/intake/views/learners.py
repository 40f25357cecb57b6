"""The coordinator's pages: the learners, one learner's intake, the waiting list, consent texts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.core import extensions
from tandem.core import selectors as core_selectors
from tandem.core.apprentices import learners_are_apprentices
from tandem.core.audit import record_view
from tandem.core.http import AuthenticatedHttpRequest
from tandem.core.models import Programme
from tandem.core.once import create_once
from tandem.core.paging import paginate
from tandem.core.places import unplaced_warning
from tandem.core.scoping import programme_view
from tandem.core.text import grouped
from tandem.core.versioning import submit_edit
from tandem.intake import selectors, services
from tandem.intake.forms import (
    ConsentTextForm,
    GuardianChoiceForm,
    InfoRequestForm,
    LearnerForm,
    ReasonForm,
    SensitiveProfileForm,
    TransitionForm,
)
from tandem.intake.models import ConsentText, Learner, SensitiveProfile


def _learner_or_404(programme: Programme, pk: int) -> Learner:
    try:
        return selectors.programme_learner(programme=programme, pk=pk)
    except Learner.DoesNotExist as exc:
        raise Http404 from exc


def _back(programme: Programme, learner: Learner) -> HttpResponse:
    return redirect("intake:learner", org=programme.organisation.slug, prog=programme.slug,
                    pk=learner.pk)


def _run(request: HttpRequest, action: Callable[[], object], success: str) -> None:
    try:
        action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)


QUEUE_SHOWN = 10


@require_GET
@programme_view("intake.manage_learners")
def learner_list(request: HttpRequest, programme: Programme) -> HttpResponse:
    state = request.GET.get("state", "")
    if state not in Learner.State.values:
        state = ""
    query = request.GET.get("q", "").strip()
    page = paginate(request, selectors.programme_learners(programme=programme, state=state, query=query))
    counts = selectors.state_counts(programme=programme)
    context = {
        "programme": programme, "state": state, "query": query,
        "page": page, "learners": page.object_list,
        "counts": counts, "total": sum(counts.values()),
        "states": Learner.State.choices,
        # The oldest open referrals first; the whole queue is the list filtered by their state.
        "queue": list(selectors.intake_queue(programme=programme)[:QUEUE_SHOWN]),
        "queue_total": sum(counts[state] for state in selectors.OPEN_STATES),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "intake/learner_list.html#results", context)
    return render(request, "intake/learner_list.html", context)


@require_GET
@programme_view("intake.manage_learners")
def waiting_list(request: HttpRequest, programme: Programme) -> HttpResponse:
    today = timezone.localdate()
    page = paginate(request, selectors.waiting_learners(programme=programme))
    rows = selectors.waiting_rows(programme=programme, learners=page.object_list, today=today)
    summary = selectors.waiting_summary(programme=programme, today=today)
    return render(request, "intake/waiting_list.html", {
        "programme": programme, "page": page, "rows": rows,
        # The longest waits are the first rows of the first page.
        "longest": rows[:3] if page.number == 1 else [],
        "waiting": summary.waiting,
        "median": summary.median_days,
        "long_waits": summary.long_waits,
        "long_wait_days": selectors.LONG_WAIT_DAYS,
        "not_matchable": summary.not_matchable,
    })


@require_GET
@programme_view("intake.manage_learners")
def learner_detail(request: AuthenticatedHttpRequest, programme: Programme, pk: int) -> HttpResponse:
    learner = _learner_or_404(programme, pk)
    # A minor's record, special-category data: who opened it is kept (docs/privacy.md).
    record_view(user=request.user, programme=programme, person=learner.person,
                subject=f"learner:{learner.pk}")
    return _detail_page(request, programme, learner)


def _detail_page(request: HttpRequest, programme: Programme, learner: Learner,
                 **forms: forms.Form) -> HttpResponse:
    """The learner's page; ``forms`` replace its empty forms (one sent back with what was
    typed, e.g. after a refused stale save)."""
    today = timezone.localdate()
    guardians = selectors.guardians_of(learner=learner)
    sensitive = SensitiveProfile.objects.filter(learner=learner).first()
    return render(request, "intake/learner_detail.html", {
        "programme": programme, "learner": learner, "person": learner.person,
        "age": learner.person.age_on(today),
        "needs_consent": selectors.needs_consent(learner, today=today),
        "consent_ok": selectors.consent_ok(learner, today=today),
        "consent_age": selectors.consent_age(programme),
        "consent_version": selectors.current_consent_version(programme),
        "consents": selectors.open_consents(learner=learner),
        "guardians": guardians,
        "guardian_form": GuardianChoiceForm(guardians=guardians),
        "transitions": learner.transitions.select_related("actor"),
        "info_form": InfoRequestForm(), "decline_form": ReasonForm(),
        "transition_form": TransitionForm(
            initial={"to_state": next(iter(services.ALLOWED[learner.state]), "")}),
        "next_states": [(s, Learner.State(s).label) for s in services.ALLOWED[learner.state]
                        if s != Learner.State.MATCHED],  # matched only by publishing a match
        "sensitive": sensitive,
        "sensitive_form": SensitiveProfileForm(instance=sensitive,
                                               apprentices=learners_are_apprentices(programme)),
        **forms,
        # Who opened the record: every access, paged (as on the person's page).
        "views": paginate(request, core_selectors.person_audit(person=learner.person, viewed=True),
                          param="views"),
        "person_panels": extensions.person_panels(request=request, programme=programme,
                                                  person=learner.person),
    })


@require_http_methods(["GET", "POST"])
@programme_view("intake.manage_learners")
def learner_edit(request: AuthenticatedHttpRequest, programme: Programme, pk: int) -> HttpResponse:
    learner = _learner_or_404(programme, pk)
    form = LearnerForm(request.POST or None, programme=programme, learner=learner)
    if request.method == "POST" and form.is_valid() and submit_edit(
        form,
        lambda: services.learner_update(
            learner=learner, actor=request.user, expected_version=form.expected_version,
            postcode=form.cleaned_data["postcode"], city=form.cleaned_data["city"],
            institution=form.cleaned_data["institution"], **form.profile(),
        ),
        saved=lambda row: LearnerForm(programme=programme, learner=row),
    ):
        messages.success(request, _("Changes saved."))
        learner = _learner_or_404(programme, pk)
        if learner.latitude is None:
            messages.warning(request, unplaced_warning(postcode=learner.person.postcode,
                                                       city=learner.person.city))
        return _back(programme, learner)
    return render(request, "intake/learner_form.html",
                  {"programme": programme, "learner": learner, "form": form})


@require_POST
@programme_view("intake.manage_learners")
def learner_accept(request: AuthenticatedHttpRequest, programme: Programme, pk: int) -> HttpResponse:
    learner = _learner_or_404(programme, pk)
    try:
        learner = services.learner_accept(learner=learner, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if learner.state == Learner.State.WAITING:
            messages.success(request, _("%(name)s is on the waiting list.") % {"name": learner.person.full_name})
        else:
            messages.success(request, _("Accepted. %(name)s enters the waiting list as soon as a "
                                        "guardian consents.") % {"name": learner.person.full_name})
    return _back(programme, learner)


def _shows(learner: Learner, form_name: str) -> bool:
    """Whether the learner's page shows that form (as learner_detail.html decides)."""
    if form_name == "transition_form":
        return any(s != Learner.State.MATCHED for s in services.ALLOWED[learner.state])
    return learner.state in (Learner.State.REFERRED, Learner.State.INTAKE)


def _form_action(
    request: AuthenticatedHttpRequest, programme: Programme, pk: int, form_class: type[forms.Form],
    name: str, action: Callable[[Learner, dict[str, Any]], object], success: str,
) -> HttpResponse:
    """A coordinator's small POST form on a learner's page: validate, run one service, say how
    it went, and go back to the learner. A refused form shows the page again with its errors
    (a reason too long says so) and what was typed."""
    learner = _learner_or_404(programme, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        if not _shows(learner, name):  # a hand-made post: the page has no such form to show it in
            messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return _detail_page(request, programme, learner, **{name: form})
    _run(request, lambda: action(learner, form.cleaned_data), success)
    return _back(programme, learner)


@require_POST
@programme_view("intake.manage_learners")
def learner_request_info(request: AuthenticatedHttpRequest, programme: Programme, pk: int) -> HttpResponse:
    return _form_action(
        request, programme, pk, InfoRequestForm, "info_form",
        lambda learner, data: services.learner_request_info(
            learner=learner, actor=request.user, message=data["message"]),
        _("Your question was sent."),
    )


@require_POST
@programme_view("intake.manage_learners")
def learner_decline(request: AuthenticatedHttpRequest, programme: Programme, pk: int) -> HttpResponse:
    return _form_action(
        request, programme, pk, ReasonForm, "decline_form",
        lambda learner, data: services.learner_decline(
            learner=learner, actor=request.user, reason=data["reason"]),
        _("The referral was declined."),
    )


@require_POST
@programme_view("intake.manage_learners")
def learner_transition(request: AuthenticatedHttpRequest, programme: Programme, pk: int) -> HttpResponse:
    return _form_action(
        request, programme, pk, TransitionForm, "transition_form",
        lambda learner, data: services.learner_transition(
            learner=learner, to_state=data["to_state"], actor=request.user,
            reason=data["reason"]),
        _("State changed."),
    )


@require_POST
@programme_view("intake.manage_learners")
def consent_request(request: AuthenticatedHttpRequest, programme: Programme, pk: int) -> HttpResponse:
    learner = _learner_or_404(programme, pk)
    form = GuardianChoiceForm(request.POST, guardians=selectors.guardians_of(learner=learner))
    if not form.is_valid():
        messages.error(request, _("Choose a guardian."))
    else:
        _run(request, lambda: services.consent_request(
            learner=learner, guardian=form.cleaned_data["guardian"], actor=request.user),
            _("The guardian was e-mailed a link to give consent."))
    return _back(programme, learner)


@require_POST
@programme_view("intake.manage_learners")
def consent_paper(request: AuthenticatedHttpRequest, programme: Programme, pk: int) -> HttpResponse:
    learner = _learner_or_404(programme, pk)
    form = GuardianChoiceForm(request.POST, guardians=selectors.guardians_of(learner=learner))
    if not form.is_valid():
        messages.error(request, _("Choose a guardian."))
    else:
        _run(request, lambda: services.consent_record_paper(
            learner=learner, guardian=form.cleaned_data["guardian"], actor=request.user),
            _("The paper consent form was recorded."))
    return _back(programme, learner)


@require_POST
@programme_view("intake.manage_learners")
def consent_withdraw(request: AuthenticatedHttpRequest, programme: Programme, pk: int,
                     consent: int) -> HttpResponse:
    learner = _learner_or_404(programme, pk)
    record = learner.consents.filter(pk=consent).first()
    if record is None:
        raise Http404
    _run(request, lambda: services.consent_withdraw(consent=record, actor=request.user),
         _("Consent withdrawn. The learner is no longer matched."))
    return _back(programme, learner)


@require_POST
@programme_view("intake.view_sensitive")
def sensitive_save(request: AuthenticatedHttpRequest, programme: Programme, pk: int) -> HttpResponse:
    learner = _learner_or_404(programme, pk)
    if request.POST.get("delete"):
        services.sensitive_profile_delete(learner=learner, actor=request.user)
        messages.success(request, _("Special-category data deleted."))
        return _back(programme, learner)
    apprentices = learners_are_apprentices(programme)
    form = SensitiveProfileForm(request.POST, apprentices=apprentices)
    if not form.is_valid():
        messages.error(request, _("Record it only with the learner's (or guardian's) consent."))
        return _back(programme, learner)
    if submit_edit(
        form,
        lambda: services.sensitive_profile_save(learner=learner, actor=request.user,
                                                expected_version=form.expected_version,
                                                **form.cleaned_data),
        saved=lambda row: SensitiveProfileForm(instance=row, apprentices=apprentices),
    ):
        messages.success(request, _("Changes saved."))
        return _back(programme, learner)
    return _detail_page(request, programme, learner, sensitive_form=form)


@require_http_methods(["GET", "POST"])
@programme_view("intake.manage_learners")
def consent_texts(request: AuthenticatedHttpRequest, programme: Programme) -> HttpResponse:
    form = ConsentTextForm(request.POST or None)

    def published(version: int) -> HttpResponse:
        if form.cleaned_data["ask_again"]:
            asked = services.consent_request_again(programme=programme, actor=request.user)
            # The first text: nobody was asked before, so not "again".
            message = ngettext(
                "The guardians of %(n)s learner were asked for their consent.",
                "The guardians of %(n)s learners were asked for their consent.", asked,
            ) if version == 1 else ngettext(
                "The guardians of %(n)s learner were asked again.",
                "The guardians of %(n)s learners were asked again.", asked)
            messages.success(request, message % {"n": grouped(asked)})
        return redirect("intake:consent_texts", org=programme.organisation.slug, prog=programme.slug)

    if request.method == "POST" and form.is_valid() and (response := create_once(
        request, form,
        lambda: services.consent_text_publish(programme=programme, actor=request.user,
                                              texts=form.texts()),
        message=lambda version: _("Version %(version)s published. Consent to an earlier version no "
                                  "longer counts.") % {"version": version},
        then=published,
    )):
        return response
    return render(request, "intake/consent_texts.html", {
        "programme": programme, "form": form, "texts": ConsentText.objects.filter(programme=programme).all(),
        "consent_age": selectors.consent_age(programme),
    })
