from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from tandem.core.models import PartnerInstitution, Person, Programme, Role, Site
from tandem.core.once import OnceFormMixin


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class PersonForm(forms.ModelForm[Person]):
    # The version the editor started from; a stale one means a concurrent edit (see services).
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Person
        fields = (
            "given_name", "family_name", "email", "phone", "date_of_birth", "language",
            "postcode", "city",
        )
        widgets = {"date_of_birth": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.fields["version"].initial = self.instance.version


class NewPersonForm(OnceFormMixin, PersonForm):
    role = forms.ChoiceField(label=_("Role in this programme"), choices=())
    institution = forms.ModelChoiceField(
        label=_("School or employer"), queryset=PartnerInstitution.objects.none(), required=False
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["role"]).choices = programme_role_choices()
        cast(forms.ModelChoiceField, self.fields["institution"]).queryset = (
            programme.partners.all()
        )


def programme_role_choices() -> list[tuple[str, Any]]:
    return [(value, label) for value, label in Role.choices if value != Role.ORG_ADMIN]


class RoleGrantForm(OnceFormMixin, forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=())
    institution = forms.ModelChoiceField(
        label=_("School or employer"), queryset=PartnerInstitution.objects.none(), required=False
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["role"]).choices = programme_role_choices()
        cast(forms.ModelChoiceField, self.fields["institution"]).queryset = (
            programme.partners.all()
        )


class ProgrammeForm(forms.ModelForm[Programme]):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    languages = forms.CharField(
        label=_("Languages"), required=False,
        help_text=_("ISO codes separated by commas, e.g. nl, tr, ar."),
    )

    class Meta:
        model = Programme
        fields: tuple[str, ...] = (
            "name", "description", "format", "country", "languages", "commitment",
            "cycle_start", "cycle_end", "cycle_weeks", "meeting_cadence", "session_minutes",
            "is_active",
        )
        widgets = {"cycle_start": DateInput(), "cycle_end": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["languages"] = ", ".join(self.instance.languages or [])
            if self.instance.pk:
                self.fields["version"].initial = self.instance.version

    def clean_languages(self) -> list[str]:
        raw = self.cleaned_data.get("languages") or ""
        codes = [code.strip().lower() for code in raw.split(",") if code.strip()]
        for code in codes:
            if not code.isalpha() or not 2 <= len(code) <= 3:
                raise forms.ValidationError(
                    _("“%(code)s” is not a language code such as nl or tr."), params={"code": code}
                )
        return codes


class NewProgrammeForm(OnceFormMixin, ProgrammeForm):
    class Meta(ProgrammeForm.Meta):
        fields: tuple[str, ...] = ("name", "slug", *ProgrammeForm.Meta.fields[1:])


class SiteForm(OnceFormMixin, forms.ModelForm[Site]):
    class Meta:
        model = Site
        fields = ("name", "city", "latitude", "longitude")


class PartnerForm(OnceFormMixin, forms.ModelForm[PartnerInstitution]):
    class Meta:
        model = PartnerInstitution
        fields = ("name", "kind", "city", "address", "site")

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["site"]).queryset = (
            programme.sites.all()
        )


class InvitationForm(OnceFormMixin, forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=())
    language = forms.ChoiceField(label=_("Language of the e-mail"), choices=settings.LANGUAGES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["role"]).choices = programme_role_choices()


class SignUpForm(forms.Form):
    """Create a log-in while accepting an invitation (the e-mail comes from the invitation)."""

    full_name = forms.CharField(label=_("Your name"), max_length=200)
    password = forms.CharField(label=_("Choose a password"), widget=forms.PasswordInput)

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        from tandem.core.models import User

        validate_password(password, User(email=self.email))
        return password


class AccountForm(forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=200)
    language = forms.ChoiceField(
        label=_("Interface language"),
        choices=[("", _("Same as my browser")), *settings.LANGUAGES],
        required=False,
    )
