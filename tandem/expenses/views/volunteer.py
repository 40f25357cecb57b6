"""A volunteer's side: their claims (from a phone), bank details and attestations."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods

from tandem.core.models import Programme
from tandem.core.once import create_once
from tandem.core.paging import paginate
from tandem.core.scoping import programme_view
from tandem.core.text import file_name
from tandem.core.versioning import submit_edit
from tandem.expenses import selectors, services
from tandem.expenses.forms import AttestationForm, BankDetailsForm, ClaimForm
from tandem.expenses.models import BankDetails, Claim
from tandem.expenses.pdf import attestation_pdf
from tandem.expenses.views.common import download, is_coordinator, kw, volunteer_or_404
from tandem.journal.models import Meeting


def _headroom(policy: Any, volunteer: Any, today: date) -> list[tuple[str, Any]]:
    """What the volunteer may still claim before a limit or ceiling (shown before they claim)."""
    totals = services.totals(volunteer=volunteer, day=today)
    rows: list[tuple[str, Any]] = []
    for label, limit, used in (
        (_("Your limit this month"), policy.limit_month, totals.month),
        (_("Your limit this year"), policy.limit_year, totals.year),
        (_("Legal ceiling for allowances this month"), policy.ceiling_month, totals.flat_month),
        (_("Legal ceiling for allowances this year"), policy.ceiling_year, totals.flat_year),
    ):
        if limit is not None:
            rows.append((label, max(limit - used, 0)))
    return rows


def _coordinators_to_review(request: HttpRequest, programme: Programme) -> HttpResponse | None:
    """A coordinator who opens the mentors' own expenses page (a bookmark, a shared link) is sent
    to the claims they approve instead of a "No access" page: they are the coordination."""
    if request.user.has_perm("expenses.manage", programme):
        return redirect("expenses:review", **kw(programme))
    return None


@require_GET
@programme_view("expenses.claim", otherwise=_coordinators_to_review)
def mine(request: HttpRequest, programme: Programme) -> HttpResponse:
    volunteer = volunteer_or_404(request, programme)
    policy = services.policy_for(programme)
    page = paginate(request, selectors.my_claims(volunteer=volunteer))
    return render(request, "expenses/mine.html", {
        "programme": programme, "policy": policy, "page": page, "volunteer": volunteer,
        "proposals": selectors.allowance_proposals(volunteer=volunteer, policy=policy),
        "headroom": _headroom(policy, volunteer, timezone.localdate()),
        "bank": BankDetails.objects.filter(person=volunteer.person).first(),
    })


def _meetings(volunteer: Any) -> Any:
    return (Meeting.objects.filter(match__volunteer=volunteer, state=Meeting.State.HELD)
            .select_related("match__learner__person").order_by("-starts_at"))


@require_http_methods(["GET", "POST"])
@programme_view("expenses.claim")
def claim_new(request: HttpRequest, programme: Programme) -> HttpResponse:
    volunteer = volunteer_or_404(request, programme)
    policy = services.policy_for(programme)
    meetings = _meetings(volunteer)
    if request.method == "POST":
        form = ClaimForm(request.POST, request.FILES, policy=policy, meetings=meetings)
    else:
        initial: dict[str, Any] = {"spent_on": timezone.localdate()}
        if request.GET.get("kind") in policy.allowed_kinds():
            initial["kind"] = request.GET["kind"]
        meeting = meetings.filter(pk=request.GET.get("meeting", "") or 0).first() \
            if (request.GET.get("meeting") or "").isdigit() else None
        if meeting is not None:
            initial.update(meeting=meeting, spent_on=timezone.localdate(meeting.starts_at))
        month = re.fullmatch(r"(20[0-9]{2})-(0[1-9]|1[0-2])", request.GET.get("month", ""))
        if month:
            initial["spent_on"] = date(int(month[1]), int(month[2]), 1)
        form = ClaimForm(policy=policy, meetings=meetings, initial=initial)

    def message(claim: Claim) -> str:
        if claim.flags:
            return _("Your claim is sent. To check: %(why)s — the coordinator decides.") % {
                "why": ", ".join(claim.flag_labels())}
        return _("Your claim is sent to the coordinator.")

    if request.method == "POST" and form.is_valid() and (response := create_once(
            request, form, lambda: services.claim_create(
                volunteer=volunteer, actor=request.user, kind=form.cleaned_data["kind"],
                spent_on=form.cleaned_data["spent_on"], amount=form.cleaned_data["amount"],
                kilometres=form.cleaned_data["kilometres"], meeting=form.cleaned_data["meeting"],
                description=form.cleaned_data["description"], receipt=form.cleaned_data["receipt"]),
            message=message, then=lambda claim: redirect("expenses:claim", **kw(programme, pk=claim.pk)))):
        return response
    return render(request, "expenses/claim_new.html", {
        "programme": programme, "form": form, "policy": policy,
        "headroom": _headroom(policy, volunteer, timezone.localdate())})


@require_GET
@programme_view("expenses.view_claim")
def receipt(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    """The receipt file, to the claim's volunteer and the coordinators only (404 otherwise)."""
    coordinator = is_coordinator(request, programme)
    volunteer = None if coordinator else selectors.my_volunteer(programme=programme, user=request.user)
    claim = selectors.claim_for_reader(programme=programme, pk=pk, volunteer=volunteer, coordinator=coordinator)
    if claim is None or not claim.receipt:
        raise Http404
    try:
        handle = claim.receipt.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=claim.receipt_type or "application/octet-stream")
    extension = (claim.receipt.name or "").rsplit(".", 1)[-1]
    name = file_name(pgettext("file name", "receipt"), claim.pk)  # outside the f-string: xgettext reads it
    response["Content-Disposition"] = f'inline; filename="{name}.{extension}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response  # type: ignore[return-value]  # a FileResponse streams the file


@require_http_methods(["GET", "POST"])
@programme_view("expenses.claim")
def bank(request: HttpRequest, programme: Programme) -> HttpResponse:
    volunteer = volunteer_or_404(request, programme)
    current = BankDetails.objects.filter(person=volunteer.person).first()

    def filled(row: BankDetails | None, data: Any = None) -> BankDetailsForm:
        initial = {"holder": row.holder, "iban": row.iban, "bic": row.bic} if row else {
            "holder": volunteer.person.full_name}
        return BankDetailsForm(data, version=row.version if row else 0, initial=initial)

    form = filled(current, request.POST or None)
    if request.method == "POST" and form.is_valid() and submit_edit(
            form, lambda: services.bank_details_save(
                person=volunteer.person, actor=request.user,
                expected_version=form.expected_version if current else None, **form.cleaned_data),
            saved=lambda row: filled(row)):
        messages.success(request, _("Your bank details are saved."))
        return redirect("expenses:mine", **kw(programme))
    return render(request, "expenses/bank.html", {"programme": programme, "form": form, "current": current})


@require_http_methods(["GET", "POST"])
@programme_view("expenses.claim")
def attestations(request: HttpRequest, programme: Programme) -> HttpResponse:
    volunteer = volunteer_or_404(request, programme)
    today = timezone.localdate()
    form = AttestationForm(request.POST or None, initial={
        "period_start": selectors.engagement_start(volunteer=volunteer), "period_end": today})
    if request.method == "POST" and form.is_valid() and (response := create_once(
            request, form, lambda: services.attestation_issue(
                volunteer=volunteer, actor=request.user, period_start=form.cleaned_data["period_start"],
                period_end=form.cleaned_data["period_end"]),
            message=_("Your attestation is ready."),
            then=lambda _a: redirect("expenses:attestations", **kw(programme)))):
        return response
    page = paginate(request, selectors.attestations(volunteer=volunteer))
    return render(request, "expenses/attestations.html", {"programme": programme, "form": form, "page": page})


@require_GET
@programme_view("expenses.claim")
def attestation_file(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    volunteer = volunteer_or_404(request, programme)
    found = volunteer.attestations.select_related("volunteer__person", "volunteer__programme__organisation") \
        .filter(pk=pk).first()
    if found is None:
        raise Http404
    return download(attestation_pdf(found), content_type="application/pdf", filename=file_name(pgettext("file name", "attestation"), found.code) + ".pdf")


