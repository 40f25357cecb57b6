"""Volunteers' expenses and recognition (docs/expenses.md).

* **Policy**: one per programme — budget per cycle, what may be claimed and at which rates, the
  programme's own limits per claim, month and year, the currency, whether a receipt is needed,
  and the country's legal ceilings (defaults in ``legal.py``), with the SEPA debtor account.
* **BankDetails**: a volunteer's account (IBAN and BIC validated with ``schwifty``), shown
  masked to everyone but the volunteer.
* **Claim**: a date, a category, an amount (or kilometres at the policy's rate), the meeting it
  belongs to, a receipt kept in private storage; submitted → approved / rejected → paid. The
  checks it failed when it was last looked at are kept as codes (``flags``); a flagged claim is
  approved only with an explicit override.
* **PaymentBatch**: the approved claims exported together (pain.001, CSV, XLSX), then marked paid.
  A claim belongs to at most one batch, so it is never paid twice.
* **Attestation**: a volunteer's attestation of engagement with a code anyone can check.

Amounts are ``DecimalField``s (cents, rounded half up in ``money.py``), never floats.
"""

from __future__ import annotations

import secrets
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tandem.core.history import Key, hidden
from tandem.core.inputs import validate_plausible_date
from tandem.core.models import Person, Programme
from tandem.core.privacy import (
    Basis,
    Category,
    Days,
    Delete,
    Link,
    NotPersonal,
    Personal,
    WithPerson,
)
from tandem.core.versioning import Versioned
from tandem.expenses.receipts import private_storage, receipt_path
from tandem.journal.models import Meeting
from tandem.onboarding.models import Volunteer

POSITIVE = [MinValueValidator(Decimal("0.00"))]


def get_private_storage() -> Any:
    return private_storage


class Kind(models.TextChoices):
    TRANSPORT = "transport", _("Public transport")
    KILOMETRES = "km", _("Kilometres by car or bike")
    ACTIVITY = "activity", _("Activity costs")
    FLAT_MONTH = "flat_month", _("Flat-rate allowance for a month")
    FLAT_MEETING = "flat_meeting", _("Flat-rate allowance for a meeting")


FLAT_KINDS = frozenset({Kind.FLAT_MONTH, Kind.FLAT_MEETING})
# Reimbursed actual costs (Belgium: not mixed with flat-rate allowances in one year). Kilometres
# may go with either there (up to 2,000 km a year beside a flat rate), so they are neither.
ACTUAL_KINDS = frozenset({Kind.TRANSPORT, Kind.ACTIVITY})


class Flag(models.TextChoices):
    """Why a claim needs an explicit decision (stored as codes, shown as words)."""

    OVER_CLAIM = "over_claim", _("Above the programme's limit per claim")
    OVER_MONTH = "over_month", _("Above the programme's limit per month")
    OVER_YEAR = "over_year", _("Above the programme's limit per year")
    CEILING_DAY = "ceiling_day", _("Above the legal ceiling per day")
    CEILING_MONTH = "ceiling_month", _("Above the legal ceiling per month")
    CEILING_YEAR = "ceiling_year", _("Above the legal ceiling per year")
    MIXED = "mixed", _("Flat-rate and actual costs in the same year")
    KM_BESIDE_FLAT = "km_beside_flat", _("More than 2,000 km in a year beside a flat-rate allowance")
    OVER_BUDGET = "over_budget", _("Above the remaining budget")
    NO_RECEIPT = "no_receipt", _("No receipt")


class Policy(Versioned):
    audit_subject = "expense_policy"

    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, related_name="expense_policy", verbose_name=_("programme"))
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    budget = models.DecimalField(_("budget per cycle"), max_digits=10, decimal_places=2, null=True, blank=True, validators=POSITIVE)
    allow_transport = models.BooleanField(_("public transport"), default=True)
    allow_km = models.BooleanField(_("kilometres"), default=True)
    km_rate = models.DecimalField(_("rate per kilometre"), max_digits=6, decimal_places=4,
                                  default=Decimal("0.23"), validators=POSITIVE)
    allow_activity = models.BooleanField(_("activity costs"), default=True)
    flat_per_month = models.DecimalField(_("flat-rate allowance per month"), max_digits=10, decimal_places=2, null=True, blank=True,
                                         validators=POSITIVE)
    flat_per_meeting = models.DecimalField(_("flat-rate allowance per meeting"), max_digits=10, decimal_places=2, null=True,
                                           blank=True, validators=POSITIVE)
    limit_claim = models.DecimalField(_("limit per claim"), max_digits=10, decimal_places=2, null=True, blank=True, validators=POSITIVE)
    limit_month = models.DecimalField(_("limit per month"), max_digits=10, decimal_places=2, null=True, blank=True, validators=POSITIVE)
    limit_year = models.DecimalField(_("limit per year"), max_digits=10, decimal_places=2, null=True, blank=True, validators=POSITIVE)
    receipt_required = models.BooleanField(_("a receipt is required for actual costs"), default=True)
    ceiling_day = models.DecimalField(_("legal ceiling per day"), max_digits=10, decimal_places=2, null=True, blank=True,
                                      validators=POSITIVE)
    ceiling_month = models.DecimalField(_("legal ceiling per month"), max_digits=10, decimal_places=2, null=True, blank=True,
                                        validators=POSITIVE)
    ceiling_year = models.DecimalField(_("legal ceiling per year"), max_digits=10, decimal_places=2, null=True, blank=True,
                                       validators=POSITIVE)
    no_mixing = models.BooleanField(_("flat-rate and actual costs may not be mixed in one year"), default=False)
    debtor_name = models.CharField(_("account holder paying"), max_length=70, blank=True)
    debtor_iban = models.CharField(_("IBAN paying"), max_length=34, blank=True)
    debtor_bic = models.CharField(_("BIC paying"), max_length=11, blank=True)

    privacy = NotPersonal("The programme's expense rules and the organisation's own account; no people.")

    class Meta:
        verbose_name = _("expense policy")
        verbose_name_plural = _("expense policies")

    def __str__(self) -> str:
        return str(self.programme)

    def allowed_kinds(self) -> list[str]:
        kinds = []
        if self.allow_transport:
            kinds.append(Kind.TRANSPORT)
        if self.allow_km:
            kinds.append(Kind.KILOMETRES)
        if self.allow_activity:
            kinds.append(Kind.ACTIVITY)
        if self.flat_per_month:
            kinds.append(Kind.FLAT_MONTH)
        if self.flat_per_meeting:
            kinds.append(Kind.FLAT_MEETING)
        return [str(k) for k in kinds]


class BankDetails(Versioned):
    audit_subject = "bank_details"
    audit_keys: ClassVar[dict[str, Key]] = {"iban": Key("", hidden), "bic": Key("", hidden),
                                             "holder": Key("", hidden)}

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="bank_details",
                                  verbose_name=_("person"))
    holder = models.CharField(_("account holder"), max_length=70)
    iban = models.CharField(_("IBAN"), max_length=34)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    privacy = Personal(
        whose="person", categories=Category.FINANCIAL, basis=Basis.AGREEMENT,
        purpose=_("The account a volunteer's approved expenses are paid into."),
        retention=WithPerson(), export=("holder", "iban", "bic"), erase=Delete(),
    )

    class Meta:
        verbose_name = _("bank details")
        verbose_name_plural = _("bank details")

    def __str__(self) -> str:
        return self.masked_iban

    @property
    def formatted_iban(self) -> str:
        """In groups of four, as on a bank card (shown to the volunteer only)."""
        compact = self.iban.replace(" ", "")
        return " ".join(compact[i:i + 4] for i in range(0, len(compact), 4))

    @property
    def masked_iban(self) -> str:
        """Country, check digits and the last four characters: enough to recognise it."""
        compact = self.iban.replace(" ", "")
        return f"{compact[:4]} •••• {compact[-4:]}" if len(compact) > 8 else "••••"


class PaymentBatch(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="payment_batches",
                                  verbose_name=_("programme"))
    created = models.DateTimeField(_("exported"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    execution_date = models.DateField(_("payment date"))
    total = models.DecimalField(_("total"), max_digits=10, decimal_places=2)
    count = models.PositiveIntegerField(_("claims"))
    message_id = models.CharField(_("payment file reference"), max_length=35, unique=True)
    paid_at = models.DateTimeField(_("marked paid"), null=True, blank=True)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")

    privacy = NotPersonal("A batch of payments: its total, count and dates; the claims in it name the people.")

    class Meta:
        verbose_name = _("payment batch")
        verbose_name_plural = _("payment batches")
        ordering = ("-created", "-pk")

    def __str__(self) -> str:
        return self.message_id


class Claim(Versioned):
    audit_subject = "claim"
    audit_keys: ClassVar[dict[str, Key]] = {"description": Key("", hidden), "reason": Key("", hidden)}

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        # "Rejected" alone is also a volunteer's state (onboarding), whose translation wins in
        # the merged catalogue: French showed a claim as "Refusé" beside "Approuvée", "Payée".
        REJECTED = "rejected", pgettext_lazy("an expense claim", "Rejected")
        PAID = "paid", _("Paid")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="expense_claims",
                                  verbose_name=_("programme"))
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="expense_claims",
                                  verbose_name=_("volunteer"))
    spent_on = models.DateField(_("date"), validators=[validate_plausible_date])
    kind = models.CharField(_("what for"), max_length=20, choices=Kind.choices)
    kilometres = models.DecimalField(_("kilometres"), max_digits=7, decimal_places=1, null=True, blank=True,
                                     validators=POSITIVE)
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))])
    meeting = models.ForeignKey(Meeting, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="expense_claims", verbose_name=_("meeting"))
    month = models.DateField(_("month"), null=True, blank=True)  # a monthly allowance: its first day
    description = models.CharField(_("description"), max_length=200, blank=True)
    receipt = models.FileField(_("receipt"), storage=get_private_storage, upload_to=receipt_path, blank=True,
                               max_length=200)
    receipt_type = models.CharField(_("receipt type"), max_length=40, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.SUBMITTED)
    flags = models.JSONField(_("needs a decision"), default=list, blank=True)
    overridden = models.BooleanField(_("approved despite the warnings"), default=False)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    batch = models.ForeignKey(PaymentBatch, on_delete=models.RESTRICT, null=True, blank=True,
                              related_name="claims", verbose_name=_("payment batch"))
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    created = models.DateTimeField(_("submitted"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    privacy = Personal(
        whose=(Link("volunteer__person", label=_("as the volunteer")),),
        categories=(Category.FINANCIAL, Category.ACTIVITY), basis=Basis.AGREEMENT,
        purpose=_("A volunteer's expense claims, their receipts, approval and payment."),
        # Kept for the bookkeeping period, then deleted with the receipt file (docs/expenses.md).
        retention=(WithPerson(), Days("created", days=7 * 366, setting="EXPENSES_KEEP_DAYS")),
        export=("spent_on", "kind", "kilometres", "amount", "description", "receipt_type", "state", "reason",
                "paid_at"),
        erase=Delete(),
    )

    class Meta:
        verbose_name = _("expense claim")
        verbose_name_plural = _("expense claims")
        ordering = ("-spent_on", "-pk")
        indexes = [models.Index(fields=("programme", "state"), name="claim_programme_state"),
                   models.Index(fields=("volunteer", "spent_on"), name="claim_volunteer_date")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="paid") | Q(batch__isnull=False, paid_at__isnull=False),
                name="paid_claim_has_batch",
                violation_error_message=_("A paid claim belongs to a payment batch."),
            ),
            models.UniqueConstraint(
                fields=("volunteer", "meeting"), condition=Q(kind="flat_meeting") & ~Q(state="rejected"),
                name="one_allowance_per_meeting",
                violation_error_message=_("This meeting already has an allowance."),
            ),
            models.UniqueConstraint(
                fields=("volunteer", "month"), condition=Q(kind="flat_month") & ~Q(state="rejected"),
                name="one_allowance_per_month",
                violation_error_message=_("This month already has an allowance."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.spent_on} {self.amount}"

    @property
    def in_payment(self) -> bool:
        return self.state == self.State.APPROVED and self.batch_id is not None

    def flag_labels(self) -> list[str]:
        return [str(Flag(code).label) for code in self.flags if code in Flag.values]


def _verification_code() -> str:
    # Unambiguous characters only (no 0/O, 1/I), as on the training certificates.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _i in range(10))


class Attestation(models.Model):
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="attestations",
                                  verbose_name=_("volunteer"))
    code = models.CharField(_("verification code"), max_length=12, unique=True, default=_verification_code,
                            editable=False)
    period_start = models.DateField(pgettext_lazy("a period", "from"))
    period_end = models.DateField(_("until"))
    mentoring_hours = models.DecimalField(_("hours of mentoring"), max_digits=7, decimal_places=2)
    meetings = models.PositiveIntegerField(_("meetings held"))
    training_hours = models.DecimalField(_("hours of training"), max_digits=7, decimal_places=2)
    workshops = models.PositiveIntegerField(_("workshops attended"))
    exchange_hours = models.DecimalField(_("hours of exchange meetings"), max_digits=7, decimal_places=2,
                                         default=Decimal("0.00"))
    exchange_meetings = models.PositiveIntegerField(_("exchange meetings attended"), default=0)
    issued_on = models.DateField(pgettext_lazy("an attestation", "issued on"))

    privacy = Personal(
        whose="volunteer__person", categories=Category.ACTIVITY, basis=Basis.AGREEMENT,
        purpose=_("The volunteer's attestation of engagement; anyone holding its code can check it."),
        retention=WithPerson(),
        export=("code", "period_start", "period_end", "mentoring_hours", "meetings", "training_hours",
                "workshops", "exchange_hours", "exchange_meetings", "issued_on"),
        erase=Delete(),
    )

    class Meta:
        verbose_name = _("attestation")
        verbose_name_plural = _("attestations")
        ordering = ("-issued_on", "-pk")

    def __str__(self) -> str:
        return self.code
