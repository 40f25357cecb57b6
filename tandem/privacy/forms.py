"""Forms of the privacy app."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.core.forms import DateInput
from tandem.core.models import Programme
from tandem.core.privacy import PERIOD_MAX_MONTHS, Period, period_default, period_key
from tandem.core.text import fold


def same_name(typed: str, name: str) -> bool:
    """Typed as written, give or take case, spaces and accents ("jose garcia" for "José
    García"); names in other scripts must be typed as written."""
    if " ".join(typed.split()).casefold() == " ".join(name.split()).casefold():
        return True
    return bool(fold(name)) and fold(typed) == fold(name) and len(fold(name)) >= len(name) // 2


class EraseForm(forms.Form):
    """Erasing is final: the coordinator types the person's full name to confirm."""

    confirm = forms.CharField(
        label=gettext_lazy("Type the person's full name to confirm"), max_length=250,
    )

    def __init__(self, *args: Any, name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.name = name

    def clean_confirm(self) -> str:
        typed = self.cleaned_data["confirm"]
        if not same_name(typed, self.name):
            raise forms.ValidationError(
                _("This is not the person's full name. Nothing was erased."))
        return typed


class RetentionForm(forms.Form):
    """The programme's retention periods, in months."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.fields["version"].initial = programme.version
        for period in Period:
            self.fields[period.value] = forms.IntegerField(
                label=period.label, min_value=0, max_value=PERIOD_MAX_MONTHS,
                initial=programme.requirement(period_key(period.value)),
                help_text=_("months (default: %(n)s)") % {"n": period_default(period.value)},
            )

    def requirements(self) -> dict[str, Any]:
        """The programme's requirements with these periods."""
        return {**(self.programme.requirements or {}),
                **{period_key(p.value): self.cleaned_data[p.value] for p in Period}}


class AccessFilterForm(forms.Form):
    person = forms.CharField(label=gettext_lazy("Whose record"), required=False, max_length=100)
    user = forms.CharField(label=gettext_lazy("Opened by"), required=False, max_length=100)
    since = forms.DateField(label=gettext_lazy("From"), required=False, widget=DateInput())
    until = forms.DateField(label=gettext_lazy("Until"), required=False, widget=DateInput())
