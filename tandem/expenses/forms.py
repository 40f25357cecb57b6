"""The expenses app's forms. Amounts are ``DecimalField``s: parsed to ``Decimal``, never floats."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from tandem.core.inputs import decimal_input
from tandem.core.once import OnceFormMixin
from tandem.core.versioning import VersionedFormMixin
from tandem.expenses.banking import completed_account
from tandem.expenses.models import Kind, Policy
from tandem.expenses.receipts import check_receipt
from tandem.expenses.templatetags.expenses_tags import rate
from tandem.journal.models import Meeting


class ClaimForm(OnceFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("What for"))
    spent_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    amount = forms.DecimalField(label=_("Amount"), required=False, max_digits=10, decimal_places=2,
                                min_value=Decimal("0.01"), max_value=Decimal("99999.99"), localize=True,
                                widget=decimal_input())
    kilometres = forms.DecimalField(label=_("Kilometres"), required=False, max_digits=7, decimal_places=1,
                                    min_value=Decimal("0.1"), max_value=Decimal("9999.9"), localize=True,
                                    widget=decimal_input())
    meeting = forms.ModelChoiceField(label=_("Meeting it belongs to"), queryset=Meeting.objects.none(),
                                     required=False)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    receipt = forms.FileField(label=_("Receipt (photo or PDF)"), required=False,
                              widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf",
                                                                     "capture": "environment"}))

    def __init__(self, *args: Any, policy: Policy, meetings: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [(k, Kind(k).label) for k in policy.allowed_kinds()]
        meeting = self.fields["meeting"]
        assert isinstance(meeting, forms.ModelChoiceField)
        meeting.queryset = meetings
        # With whom: a mentor of several learners (or of last year's learner too) cannot tell two
        # Wednesdays at 16:00 apart by the date alone.
        meeting.label_from_instance = lambda m: (  # type: ignore[method-assign,assignment]
            f"{formats.date_format(timezone.localtime(m.starts_at), 'SHORT_DATETIME_FORMAT')}"
            f" · {m.match.learner.person.given_name}")
        self.fields["kilometres"].help_text = _("Paid at %(rate)s a kilometre.") % {
            "rate": rate(policy.km_rate, policy.currency)}

    def clean_receipt(self) -> Any:
        upload = self.cleaned_data.get("receipt")
        if upload:
            check_receipt(upload)
        return upload


class ReviewForm(VersionedFormMixin, forms.Form):
    override = forms.BooleanField(label=_("Approve despite the warnings above"), required=False)
    reason = forms.CharField(label=_("Reason (when you reject)"), max_length=300, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class BankDetailsForm(VersionedFormMixin, forms.Form):
    holder = forms.CharField(label=_("Account holder"), max_length=70)
    iban = forms.CharField(label=_("IBAN"), max_length=42, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    bic = forms.CharField(label=_("BIC"), max_length=11, required=False,
                          help_text=_("Leave empty: it is found from the IBAN when the bank is known."))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _complete_account(cleaned, "iban", "bic")
        return cleaned


def _complete_account(cleaned: dict[str, Any], iban: str, bic: str) -> None:
    """The account as it will be stored (the IBAN compact, the BIC found from it when left
    empty), so a Save sent twice finds its own save rather than "BIC: ABNANL2A / your version: —"
    (``tandem.core.versioning``). A bad IBAN or BIC is an error on its field."""
    if cleaned.get(iban):
        cleaned[iban], cleaned[bic] = completed_account(cleaned[iban], cleaned.get(bic) or "",
                                                        field_iban=iban, field_bic=bic)


POLICY_FIELDS = ("currency", "budget", "allow_transport", "allow_km", "km_rate", "allow_activity", "flat_per_month",
                 "flat_per_meeting", "limit_claim", "limit_month", "limit_year", "receipt_required", "ceiling_day",
                 "ceiling_month", "ceiling_year", "no_mixing", "debtor_name", "debtor_iban", "debtor_bic")


class PolicyForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Policy
        fields = POLICY_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["currency"].widget = forms.Select(choices=[("EUR", "EUR")])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _complete_account(cleaned, "debtor_iban", "debtor_bic")
        return cleaned


class AttestationForm(OnceFormMixin, forms.Form):
    period_start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    period_end = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class BatchForm(OnceFormMixin, forms.Form):
    execution_date = forms.DateField(label=_("Payment date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
