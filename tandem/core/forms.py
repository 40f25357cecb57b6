from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from tandem.core.fields import vocabulary
from tandem.core.languages import language_choices, validate_languages
from tandem.core.models import Field, PartnerInstitution, Person, Programme, Role, Site
from tandem.core.naming import person_label
from tandem.core.once import OnceFormMixin
from tandem.core.places import postcode_town_error
from tandem.core.versioning import VersionedFormMixin


class PersonSelect(forms.Select):
    """Django's select, with its options written in one pass instead of one template per
    option: a programme's picker of learners or mentors holds thousands of them, and the
    template per option cost most of the page's time (a second for 2,000 options)."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None,
               renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        options = [
            format_html('<option value="{}"{}>{}</option>', option["value"],
                        mark_safe(" selected") if option["selected"] else "", option["label"])
            for _group, choices, _index in widget["optgroups"] for option in choices
        ]
        return format_html('<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]),
                           mark_safe("".join(options)))  # each option escaped by format_html


class PersonChoiceField(forms.ModelChoiceField):
    """A select of people (or learners, volunteers…) that tells namesakes apart: every option
    reads "Marie Yıldız (Erasmus College, 15 years)". Select ``person`` (and ``institution``)
    with the queryset."""

    widget = PersonSelect

    def label_from_instance(self, obj: Any) -> str:
        return person_label(obj)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class LanguagePicker(forms.CheckboxSelectMultiple):
    """Languages to tick: the first groups (the programme's languages, those often spoken in its
    country) as checkboxes, every other language in a list to pick from."""

    template_name = "core/widgets/language_picker.html"


class LanguagesField(forms.MultipleChoiceField):
    """Languages chosen from a list, never typed: stored as ISO codes, shown by name."""

    widget = LanguagePicker

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(validators=[validate_languages], **kwargs)

    def offer(self, *, country: str, programme_languages: Sequence[str] = (), current: Sequence[str] = ()) -> None:
        """The list for a programme in ``country``; ``current`` (a record's languages) show ticked."""
        self.choices = language_choices(country=country, programme_languages=programme_languages,
                                        current=current)


class FieldsField(forms.MultipleChoiceField):
    """Fields of the programme's vocabulary (expertise, needs), ticked from the list."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def offer(self, *, programme: Programme, current: Sequence[str] = ()) -> None:
        self.choices = vocabulary(programme).choices(current)


def refuse_mismatched_address(form: forms.Form, *, country: str) -> None:
    """A postcode and a town that do not belong together, typed or changed in ``form``, are a
    form error on the postcode (the text stays in both boxes): the map would show the postcode's
    place, not the town's (``places.postcode_town_mismatch``, docs/architecture.md). An address
    not touched is left alone, so an old record can still be saved for another field."""
    cleaned = form.cleaned_data
    if "postcode" not in cleaned or "city" not in cleaned or not {"postcode", "city"} & set(form.changed_data):
        return
    error = postcode_town_error(country=country, postcode=cleaned["postcode"] or "", city=cleaned["city"] or "")
    if error:
        form.add_error("postcode", error)


class PersonForm(VersionedFormMixin, forms.ModelForm[Person]):
    class Meta:
        model = Person
        fields = (
            "given_name", "family_name", "email", "phone", "date_of_birth", "language",
            "postcode", "city",
        )
        widgets = {"date_of_birth": DateInput()}

    def __init__(self, *args: Any, country: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.country = country

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.country:
            refuse_mismatched_address(self, country=self.country)
        return cleaned


class NewPersonForm(OnceFormMixin, PersonForm):
    role = forms.ChoiceField(label=_("Role in this programme"), choices=())
    institution = forms.ModelChoiceField(
        label=_("School or employer"), queryset=PartnerInstitution.objects.none(), required=False
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, country=programme.country, **kwargs)
        del self.fields["version"]  # a new person: nothing to compare with
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


class ProgrammeForm(VersionedFormMixin, forms.ModelForm[Programme]):
    languages = LanguagesField(label=_("Languages"))

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
        current = list(self.instance.languages or [])
        cast(LanguagesField, self.fields["languages"]).offer(
            country=self.instance.country or self.initial.get("country", ""),
            programme_languages=current, current=current,
        )


class NewProgrammeForm(OnceFormMixin, ProgrammeForm):
    class Meta(ProgrammeForm.Meta):
        fields: tuple[str, ...] = ("name", "slug", *ProgrammeForm.Meta.fields[1:])
        # Django's own message names the field "slug": the form calls it the short name.
        error_messages = {"slug": {"invalid": _(
            "Write the short name with letters, numbers, hyphens or underscores only, e.g. afev-lyon.")}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["version"]  # a new programme: nothing to compare with


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
    email = forms.EmailField(label=_("E-mail address"), max_length=254)  # the invitation's stored bound
    role = forms.ChoiceField(label=_("Role"), choices=())
    language = forms.ChoiceField(label=_("Language of the e-mail"), choices=settings.LANGUAGES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["role"]).choices = programme_role_choices()


# Django 6 asks its catalogues for this wording of MinimumLengthValidator's message, which its
# Dutch catalogue lacks (it has an older wording): a new coordinator accepting an invitation in
# Dutch read it in English. Marked here so that Tandem's catalogues carry it (and makemessages
# keeps it); Django merges catalogues per message, so Tandem's fills the gap.
DJANGO_PASSWORD_TOO_SHORT = ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
    "min_length",
)


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


class AccountForm(VersionedFormMixin, forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=200)
    language = forms.ChoiceField(
        label=_("Interface language"),
        choices=[("", _("Same as my browser")), *settings.LANGUAGES],
        required=False,
    )

    @classmethod
    def for_user(cls, user: Any, data: Any = None) -> AccountForm:
        return cls(data, initial={"full_name": user.full_name, "language": user.language},
                   version=user.version)


class FieldForm(VersionedFormMixin, forms.Form):
    """A field of the programme's vocabulary: its name and other words in each language."""

    label_en = forms.CharField(label=_("Name in English"), max_length=80, required=False)
    label_nl = forms.CharField(label=_("Name in Dutch"), max_length=80, required=False)
    label_fr = forms.CharField(label=_("Name in French"), max_length=80, required=False)
    label_de = forms.CharField(label=_("Name in German"), max_length=80, required=False)
    synonyms_en = forms.CharField(label=_("Other words in English"), max_length=500, required=False,
                                  help_text=_("Separated by commas, e.g. math, arithmetic."))
    synonyms_nl = forms.CharField(label=_("Other words in Dutch"), max_length=500, required=False,
                                  help_text=_("Separated by commas, e.g. rekenen."))
    synonyms_fr = forms.CharField(label=_("Other words in French"), max_length=500, required=False,
                                  help_text=_("Separated by commas, e.g. maths, calcul."))
    synonyms_de = forms.CharField(label=_("Other words in German"), max_length=500, required=False,
                                  help_text=_("Separated by commas, e.g. Mathe, Rechnen."))

    LANGUAGES = ("en", "nl", "fr", "de")

    @classmethod
    def for_field(cls, field: Field, data: Any = None) -> FieldForm:
        initial = {f"label_{lang}": getattr(field, f"label_{lang}") for lang in cls.LANGUAGES}
        initial.update({f"synonyms_{lang}": ", ".join((field.synonyms or {}).get(lang, []))
                        for lang in cls.LANGUAGES})
        return cls(data, initial=initial, version=field.version)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(data.get(f"label_{lang}") for lang in self.LANGUAGES):
            raise forms.ValidationError(_("Give the field a name in at least one language."))
        return data

    def labels(self) -> dict[str, str]:
        return {lang: self.cleaned_data[f"label_{lang}"] for lang in self.LANGUAGES}

    def synonyms(self) -> dict[str, list[str]]:
        return {lang: [w.strip() for w in self.cleaned_data[f"synonyms_{lang}"].replace(";", ",").split(",")
                       if w.strip()] for lang in self.LANGUAGES}


class NewFieldForm(OnceFormMixin, FieldForm):
    """Adding a field: sent twice (a double click), it adds one (``tandem.core.once``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["version"]  # a new field: nothing to compare with
