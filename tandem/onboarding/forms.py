from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _

from tandem.core.antispam import HumanCheckMixin
from tandem.core.availability import slot_choices
from tandem.core.forms import DateInput
from tandem.core.inputs import (
    MENTOR_CAPACITY_MAX,
    StrictIntegerField,
    validate_latitude,
    validate_longitude,
)
from tandem.core.models import Programme
from tandem.core.once import OnceFormMixin
from tandem.onboarding.models import Gender, VolunteerState, Workshop

COMMON_LANGUAGES = ["en", "nl", "fr", "de"]


def language_name(code: str) -> str:
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code.upper()




def split_list(value: str) -> list[str]:
    return [item.strip() for item in value.replace(";", ",").split(",") if item.strip()]


class ApplicationForm(HumanCheckMixin, forms.Form):
    given_name = forms.CharField(label=_("Given name"), max_length=100)
    family_name = forms.CharField(label=_("Family name"), max_length=100)
    email = forms.EmailField(label=_("E-mail address"))
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    address = forms.CharField(label=_("Address"), max_length=250, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=12)
    city = forms.CharField(label=_("City"), max_length=120)
    languages = forms.MultipleChoiceField(
        label=_("Languages you speak"), widget=forms.CheckboxSelectMultiple, required=False
    )
    other_languages = forms.CharField(
        label=_("Other languages"), required=False, max_length=100,
        help_text=_("Two-letter codes separated by commas, e.g. tr, ar."),
    )
    expertise = forms.CharField(
        label=_("Fields of expertise"), required=False, max_length=300,
        help_text=_("Your trade, studies or work, separated by commas, e.g. electrician, maths."),
    )
    availability = forms.MultipleChoiceField(
        label=_("When are you available?"), widget=forms.CheckboxSelectMultiple, required=False
    )
    motivation = forms.CharField(
        label=_("Why would you like to volunteer?"), widget=forms.Textarea(attrs={"rows": 4}),
        max_length=3000,
    )
    gender = forms.ChoiceField(
        label=_("Gender (optional)"), required=False,
        choices=[("", _("Prefer not to say")), *Gender.choices],
    )
    consent = forms.BooleanField(label=_("I agree"))
    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        codes = list(dict.fromkeys([*programme.languages, *COMMON_LANGUAGES]))
        cast(forms.MultipleChoiceField, self.fields["languages"]).choices = [
            (code, language_name(code)) for code in codes
        ]
        cast(forms.MultipleChoiceField, self.fields["availability"]).choices = slot_choices()

    def clean_other_languages(self) -> list[str]:
        codes = [c.lower() for c in split_list(self.cleaned_data["other_languages"])]
        for code in codes:
            if not (2 <= len(code) <= 3 and code.isalpha()):
                raise forms.ValidationError(
                    _("“%(code)s” is not a language code (two or three letters).") % {"code": code}
                )
        return codes

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "given_name": data["given_name"], "family_name": data["family_name"],
            "email": data["email"], "phone": data["phone"], "address": data["address"],
            "postcode": data["postcode"], "city": data["city"],
            "languages": list(dict.fromkeys([*data["languages"], *data["other_languages"]])),
            "expertise": split_list(data["expertise"]), "availability": data["availability"],
            "motivation": data["motivation"], "gender": data["gender"],
            "consent": data["consent"], "language": (get_language() or "en")[:2],
        }


class TransitionForm(forms.Form):
    to_state = forms.ChoiceField(label=_("Move to"), choices=VolunteerState.choices)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class InterviewPlanForm(forms.Form):
    planned_at = forms.DateTimeField(
        label=_("Interview planned for"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class InterviewForm(forms.Form):
    held_on = forms.DateField(label=_("Interview held on"), widget=DateInput())
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ReferencesForm(forms.Form):
    received = StrictIntegerField(label=_("References received"), min_value=0, max_value=20)


class CertificateForm(forms.Form):
    seen_on = forms.DateField(label=_("Seen on"), widget=DateInput())
    issued_on = forms.DateField(label=_("Issued on"), widget=DateInput())


class LocationForm(forms.Form):
    latitude = forms.FloatField(label=_("Latitude"), required=False, validators=[validate_latitude])
    longitude = forms.FloatField(label=_("Longitude"), required=False,
                                 validators=[validate_longitude])
    capacity = StrictIntegerField(label=_("Capacity"), min_value=1, max_value=MENTOR_CAPACITY_MAX)


class WorkshopForm(OnceFormMixin, forms.ModelForm[Workshop]):
    class Meta:
        model = Workshop
        fields = ("title", "starts_at", "place", "capacity", "trainer", "hours")
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
        }


class VerifyForm(forms.Form):
    code = forms.CharField(label=_("Verification code"), max_length=20)
