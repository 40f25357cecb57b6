"""The coordinators' side: the claim page (shared with its volunteer), review, payment, policy."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.core.models import Programme
from tandem.core.once import create_once
from tandem.core.paging import paginate
from tandem.core.scoping import programme_view
from tandem.core.text import file_name, grouped
from tandem.core.versioning import EditConflict, submit_edit
from tandem.expenses import exports, selectors, sepa, services
from tandem.expenses.forms import BatchForm, PolicyForm, ReviewForm
from tandem.expenses.models import Claim, Flag
from tandem.expenses.templatetags.expenses_tags import money
from tandem.expenses.views.common import download, is_coordinator, kw

TABS = ("submitted", "approved", "in_payment", "paid", "rejected")


# The policy's amount each limit or ceiling flag goes past.
LIMITS = {Flag.OVER_CLAIM: "limit_claim", Flag.OVER_MONTH: "limit_month", Flag.OVER_YEAR: "limit_year",
          Flag.CEILING_DAY: "ceiling_day", Flag.CEILING_MONTH: "ceiling_month", Flag.CEILING_YEAR: "ceiling_year"}


def _warning(flag: str, policy: Any) -> str:
    """A flag in words, with the amount it goes past: "Above the programme's limit per claim
    (150.00 €)" — the coordinator decides knowing what the limit is."""
    label = str(Flag(flag).label)
    limit = getattr(policy, LIMITS[Flag(flag)], None) if Flag(flag) in LIMITS else None
    return label if limit is None else f"{label} ({money(limit, policy.currency)})"


@require_http_methods(["GET", "POST"])
@programme_view("expenses.view_claim")
def claim(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    coordinator = is_coordinator(request, programme)
    volunteer = None if coordinator else selectors.my_volunteer(programme=programme, user=request.user)
    item = selectors.claim_for_reader(programme=programme, pk=pk, volunteer=volunteer, coordinator=coordinator)
    if item is None:
        raise Http404
    warnings: list[str] = []
    if coordinator and item.state == Claim.State.SUBMITTED:
        policy = services.policy_for(programme)
        warnings = [_warning(f, policy) for f in services.claim_flags(
            policy=policy, volunteer=item.volunteer, kind=item.kind, amount=item.amount,
            day=item.spent_on, has_receipt=bool(item.receipt), exclude=item.pk, budget=True,
            kilometres=item.kilometres)]
    form = ReviewForm(request.POST or None, version=item.version)
    if not warnings:
        del form.fields["override"]
    if request.method == "POST":
        if not coordinator:
            raise Http404
        if form.is_valid():
            decision = request.POST.get("decision")
            try:
                if decision == "reject":
                    services.claim_reject(claim=item, actor=request.user, expected_version=form.expected_version,
                                          reason=form.cleaned_data["reason"])
                    messages.success(request, _("The claim is rejected; the volunteer sees why."))
                else:
                    services.claim_approve(claim=item, actor=request.user, expected_version=form.expected_version,
                                           override=form.cleaned_data.get("override", False))
                    messages.success(request, _("The claim is approved."))
                return redirect("expenses:review", **kw(programme))
            except EditConflict as conflict:
                messages.error(request, " ".join(conflict.messages))
                return redirect("expenses:claim", **kw(programme, pk=item.pk))
            except ValidationError as error:
                form.add_error(None, error)
    return render(request, "expenses/claim.html", {
        "programme": programme, "claim": item, "coordinator": coordinator, "form": form, "warnings": warnings,
        "policy": services.policy_for(programme)})


@require_GET
@programme_view("expenses.manage")
def review(request: HttpRequest, programme: Programme) -> HttpResponse:
    state = request.GET.get("state", "submitted")
    if state not in TABS:
        state = "submitted"
    page = paginate(request, selectors.review_claims(programme=programme, state=state))
    counts = selectors.state_counts(programme=programme)
    return render(request, "expenses/review.html", {
        "programme": programme, "page": page, "state": state,
        "tabs": [(t, _tab_label(t), counts[t]) for t in TABS], "budget": _budget(programme)})


def _tab_label(tab: str) -> str:
    return {"submitted": _("Waiting for approval"), "approved": _("Approved"), "in_payment": _("In a payment file"),
            "paid": _("Paid"), "rejected": str(Claim.State.REJECTED.label)}[tab]


def _budget(programme: Programme) -> dict[str, Any]:
    policy = services.policy_for(programme)
    spent = services.committed(programme)
    left = None if policy.budget is None else policy.budget - spent["approved"] - spent["paid"]
    return {"budget": policy.budget, "currency": policy.currency, "left": left, **spent}


@require_POST
@programme_view("expenses.manage")
def approve_bulk(request: HttpRequest, programme: Programme) -> HttpResponse:
    pks = [int(v) for v in request.POST.getlist("claim") if v.isdigit() and len(v) < 12]
    approved, left = services.claims_approve_bulk(programme=programme, actor=request.user, pks=pks)
    if approved:
        messages.success(request, ngettext("%(n)s claim approved.", "%(n)s claims approved.", approved)
                         % {"n": grouped(approved)})
    if left:
        messages.warning(request, ngettext("%(n)s claim needs your decision on its own page.",
                                          "%(n)s claims need your decision one by one.", left) % {"n": grouped(left)})
    if not approved and not left:
        messages.warning(request, _("Choose the claims to approve."))
    return redirect("expenses:review", **kw(programme))


@require_http_methods(["GET", "POST"])
@programme_view("expenses.manage")
def payments(request: HttpRequest, programme: Programme) -> HttpResponse:
    policy = services.policy_for(programme)
    form = BatchForm(request.POST or None, initial={"execution_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid() and (response := create_once(
            request, form, lambda: services.batch_create(
                programme=programme, actor=request.user, execution_date=form.cleaned_data["execution_date"]),
            message=_("The payment file is ready. Download it, send it to the bank, then mark it paid."),
            then=lambda batch: redirect("expenses:batch", **kw(programme, pk=batch.pk)))):
        return response
    payable = list(services.payable(programme).select_related("volunteer__person").order_by("pk")[:200])
    waiting_bank = programme.expense_claims.filter(
        state=Claim.State.APPROVED, batch__isnull=True, volunteer__person__bank_details__isnull=True).count()
    page = paginate(request, selectors.batches(programme=programme))
    return render(request, "expenses/payments.html", {
        "programme": programme, "policy": policy, "form": form, "payable": payable, "waiting_bank": waiting_bank,
        "page": page, "budget": _budget(programme), "year": timezone.localdate().year})


def _batch_or_404(programme: Programme, pk: int) -> Any:
    found = programme.payment_batches.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@require_GET
@programme_view("expenses.manage")
def batch(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    item = _batch_or_404(programme, pk)
    return render(request, "expenses/batch.html", {
        "programme": programme, "batch": item, "claims": selectors.batch_claims(item)})


@require_GET
@programme_view("expenses.manage")
def batch_file(request: HttpRequest, programme: Programme, pk: int, fmt: str) -> HttpResponse:
    item = _batch_or_404(programme, pk)
    claims = selectors.batch_claims(item)
    policy = services.policy_for(programme)
    # In the reader's language, with the reference the bank shows: "zahlungen-vera-tandem-…"
    name = file_name(pgettext("file name", "payments"), programme.slug, item.message_id)
    if fmt == "xml":
        try:
            content = sepa.pain001(policy=policy, batch=item, claims=claims)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("expenses:batch", **kw(programme, pk=item.pk))
        return download(content, content_type="application/xml", filename=f"{name}.xml")
    rows = exports.payment_rows(claims, policy.currency, item.message_id)
    if fmt == "csv":
        return download(exports.write("csv", exports.PAYMENT_COLUMNS, rows, pgettext("sheet", "Payments")),
                        content_type="text/csv; charset=utf-8", filename=f"{name}.csv")
    if fmt == "xlsx":
        return download(exports.write("xlsx", exports.PAYMENT_COLUMNS, rows, pgettext("sheet", "Payments")),
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        filename=f"{name}.xlsx")
    raise Http404


@require_POST
@programme_view("expenses.manage")
def batch_paid(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    item = _batch_or_404(programme, pk)
    if request.POST.get("action") == "cancel":
        try:
            services.batch_cancel(batch=item, actor=request.user)
            messages.success(request, _("The payment file is cancelled; its claims can be paid again."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("expenses:batch", **kw(programme, pk=item.pk))
        return redirect("expenses:payments", **kw(programme))
    count = services.batch_mark_paid(batch=item, actor=request.user)
    if count:
        messages.success(request, ngettext("%(n)s claim is marked paid.", "%(n)s claims are marked paid.", count)
                         % {"n": grouped(count)})
    else:
        messages.info(request, _("This payment file was already marked paid."))
    return redirect("expenses:batch", **kw(programme, pk=item.pk))


@require_GET
@programme_view("expenses.manage")
def allowances(request: HttpRequest, programme: Programme, fmt: str) -> HttpResponse:
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and len(raw) == 4 else timezone.localdate().year
    rows = selectors.yearly_allowances(programme=programme, year=year)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    content_type = "text/csv; charset=utf-8" if fmt == "csv" else \
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    # The words outside the f-strings, so that xgettext finds them (it does not read f-strings).
    sheet, name = pgettext("sheet", "Allowances"), pgettext("file name", "allowances")
    return download(exports.write(fmt, exports.ALLOWANCE_COLUMNS, rows, f"{sheet} {year}"),
                    content_type=content_type, filename=f"{file_name(name, programme.slug, year)}.{fmt}")


@require_http_methods(["GET", "POST"])
@programme_view("expenses.manage")
def policy(request: HttpRequest, programme: Programme) -> HttpResponse:
    current = services.policy_for(programme)
    form = PolicyForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid() and submit_edit(
            form, lambda: services.policy_update(
                policy=current, actor=request.user, expected_version=form.expected_version,
                **{name: form.cleaned_data[name] for name in form.Meta.fields}),
            saved=lambda row: PolicyForm(instance=row)):
        messages.success(request, _("The expense policy is saved."))
        return redirect("expenses:policy", **kw(programme))
    return render(request, "expenses/policy.html", {"programme": programme, "form": form, "policy": current})
