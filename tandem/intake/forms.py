from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tandem.core.antispam import HumanCheckMixin
from tandem.core.apprentices import learners_are_apprentices
from tandem.core.availability import slot_choices
from tandem.core.forms import (
    DateInput,
    FieldsField,
    LanguagesField,
    PersonChoiceField,
    refuse_mismatched_address,
)
from tandem.core.inputs import (
    decimal_input,
    validate_latitude,
    validate_learner_age,
    validate_longitude,
)
from tandem.core.models import PartnerInstitution, Person, Programme
from tandem.core.once import OnceFormMixin
from tandem.core.places import geocode
from tandem.core.versioning import VersionedFormMixin
from tandem.intake.levels import level_choices
from tandem.intake.models import (
    DeclaredGender,
    GenderPreference,
    Learner,
    Reason,
    SensitiveProfile,
)


def _learner_date_of_birth(value: Any) -> Any:
    """Born between 1900 and today, and of an age a learner has (see ``core.inputs``)."""
    try:
        validate_learner_age(value)
    except ValidationError as exc:
        raise forms.ValidationError(exc.messages) from exc
    return value


class ProfileFields(forms.Form):
    """What the learner needs and when they can meet: shared by every learner form. Levels,
    languages and fields are chosen from the programme's lists (school levels of its country,
    its languages first, its vocabulary of fields)."""

    level = forms.ChoiceField(label=_("Level"), choices=(), required=False)
    employer = forms.CharField(label=_("Employer (for apprentices)"), max_length=200, required=False)
    reasons = forms.MultipleChoiceField(
        label=_("Why a mentor?"), choices=Reason.choices, widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    needs = FieldsField(label=_("Help needed with"))
    languages = LanguagesField(label=_("Languages spoken"))
    availability = forms.MultipleChoiceField(
        label=_("When can they meet?"), choices=slot_choices,
        widget=forms.CheckboxSelectMultiple, required=False,
    )
    mentor_wishes = forms.CharField(
        label=_("What kind of mentor would help?"), widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    gender_preference = forms.ChoiceField(
        label=_("Mentor's gender"), choices=GenderPreference.choices, initial=GenderPreference.ANY
    )

    def __init__(self, *args: Any, programme: Programme, learner: Learner | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.country = programme.country
        if "institution" in self.fields and learners_are_apprentices(programme):
            self.fields["institution"].label = _("Vocational school or company")  # core.apprentices
        if "level" in self.fields:
            cast(forms.ChoiceField, self.fields["level"]).choices = level_choices(
                programme.country, learner.level if learner else "")
        cast(FieldsField, self.fields["needs"]).offer(programme=programme,
                                                      current=learner.needs if learner else ())
        cast(LanguagesField, self.fields["languages"]).offer(
            country=programme.country, programme_languages=programme.languages,
            current=learner.languages if learner else ())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        refuse_mismatched_address(self, country=self.country)  # a form with an address
        return cleaned

    def profile(self) -> dict[str, Any]:
        keys = ("level", "employer", "reasons", "needs", "languages", "availability", "mentor_wishes",
                "gender_preference")
        return {k: self.cleaned_data[k] for k in keys if k in self.cleaned_data}


class ReferralForm(OnceFormMixin, ProfileFields):
    given_name = forms.CharField(label=_("Given name"), max_length=100)
    family_name = forms.CharField(label=_("Family name"), max_length=100)
    date_of_birth = forms.DateField(label=_("Date of birth"), widget=DateInput())
    email = forms.EmailField(label=_("Learner's e-mail address"), required=False)
    phone = forms.CharField(label=_("Learner's phone"), max_length=40, required=False)
    language = forms.ChoiceField(label=_("Language for messages"), choices=settings.LANGUAGES)
    institution = forms.ModelChoiceField(
        label=_("School or institution"), queryset=PartnerInstitution.objects.none()
    )
    postcode = forms.CharField(label=_("Postcode"), max_length=12, required=False)
    city = forms.CharField(label=_("City"), max_length=120, required=False)
    guardian_given_name = forms.CharField(label=_("Guardian's given name"), max_length=100, required=False)
    guardian_family_name = forms.CharField(label=_("Guardian's family name"), max_length=100, required=False)
    guardian_email = forms.EmailField(
        label=_("Guardian's e-mail address"), required=False,
        help_text=_("For a learner under the age of digital consent, the guardian is e-mailed a "
                    "link to give consent."),
    )
    guardian_language = forms.ChoiceField(
        label=_("Guardian's language"), choices=settings.LANGUAGES
    )

    field_order = ("given_name", "family_name", "date_of_birth", "email", "phone", "language",
                   "institution", "level", "employer", "postcode", "city")

    def __init__(self, *args: Any, programme: Programme, institutions: list[PartnerInstitution] | Any,
                 **kwargs: Any) -> None:
        super().__init__(*args, programme=programme, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["institution"])
        field.queryset = PartnerInstitution.objects.filter(pk__in=[i.pk for i in institutions])
        if len(institutions) == 1:
            field.initial = institutions[0].pk

    def clean_date_of_birth(self) -> Any:
        return _learner_date_of_birth(self.cleaned_data["date_of_birth"])

    def person(self) -> dict[str, Any]:
        keys = ("given_name", "family_name", "date_of_birth", "email", "phone", "language",
                "postcode", "city")
        return {k: self.cleaned_data[k] for k in keys}

    def guardian(self) -> dict[str, Any]:
        return {
            "given_name": self.cleaned_data["guardian_given_name"],
            "family_name": self.cleaned_data["guardian_family_name"],
            "email": self.cleaned_data["guardian_email"],
            "language": self.cleaned_data["guardian_language"],
        }


class JoinForm(HumanCheckMixin, ProfileFields):
    """The public self-registration form, with two spam traps: a field people never see
    (bots fill it in) and a signed start time (bots post faster than anyone can type)."""

    given_name = forms.CharField(label=_("Given name"), max_length=100)
    family_name = forms.CharField(label=_("Family name"), max_length=100)
    email = forms.EmailField(label=_("E-mail address"))
    date_of_birth = forms.DateField(label=_("Date of birth"), widget=DateInput())
    postcode = forms.CharField(label=_("Postcode"), max_length=12, required=False)
    city = forms.CharField(label=_("City"), max_length=120, required=False)
    guardian_email = forms.EmailField(
        label=_("E-mail address of a parent or guardian"), required=False,
        help_text=_("Only if you are younger than the age of digital consent."),
    )

    field_order = ("given_name", "family_name", "email", "date_of_birth", "postcode", "city")

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, programme=programme, **kwargs)
        for name in ("employer", "level"):
            del self.fields[name]

    def clean_date_of_birth(self) -> Any:
        return _learner_date_of_birth(self.cleaned_data["date_of_birth"])

    def person(self, language: str) -> dict[str, Any]:
        keys = ("given_name", "family_name", "email", "date_of_birth", "postcode", "city")
        return {**{k: self.cleaned_data[k] for k in keys}, "language": language}


class LearnerForm(VersionedFormMixin, ProfileFields):
    """The coordinator completes the profile."""

    institution = forms.ModelChoiceField(
        label=_("School or institution"), queryset=PartnerInstitution.objects.none(), required=False
    )
    # The address and the point carry what the page showed (a hidden "initial-…" input each), so
    # ``clean`` can tell coordinates typed from coordinates left as they were shown.
    postcode = forms.CharField(label=_("Postcode"), max_length=12, required=False, show_hidden_initial=True)
    city = forms.CharField(label=_("City"), max_length=120, required=False, show_hidden_initial=True)
    latitude = forms.FloatField(label=_("Latitude"), required=False, validators=[validate_latitude],
                                localize=True, widget=decimal_input(), show_hidden_initial=True,
                                help_text=_("Left empty, it is looked up from the postcode and town."))
    longitude = forms.FloatField(label=_("Longitude"), required=False, localize=True, show_hidden_initial=True,
                                 widget=decimal_input(), validators=[validate_longitude])
    notes = forms.CharField(label=_("Coordinator's notes"), widget=forms.Textarea(attrs={"rows": 3}),
                            required=False)

    field_order = ("institution", "level", "employer")

    def __init__(self, *args: Any, programme: Programme, learner: Learner, **kwargs: Any) -> None:
        if not args or args[0] is None:
            kwargs.setdefault("initial", {
                **{k: getattr(learner, k) for k in (
                    "level", "employer", "reasons", "needs", "languages", "availability", "mentor_wishes",
                    "gender_preference", "latitude", "longitude", "notes")},
                "institution": learner.institution_id,
                "postcode": learner.person.postcode, "city": learner.person.city,
            })
        super().__init__(*args, programme=programme, learner=learner, version=learner.version,
                         **kwargs)
        cast(forms.ModelChoiceField, self.fields["institution"]).queryset = programme.partners.all()
        self.programme = programme

    def clean(self) -> dict[str, Any]:
        """The point the coordinator means, as it will be stored: coordinates typed stay as typed;
        emptied, or left as the page showed them while the postcode or town changed, they are
        the new address's (``core.places.geocode``, none when it cannot be placed). So what the
        form holds is what is saved, and the same form sent twice (a double tap on Save) finds
        its own save instead of "saved meanwhile: Schiedam's point / yours: Rotterdam's"."""
        cleaned = super().clean() or {}
        if "latitude" not in cleaned or "longitude" not in cleaned or self.has_error("postcode"):
            return cleaned  # not numbers, or the postcode is not in the town: the fields say so
        changed = set(self.changed_data)
        typed = bool(changed & {"latitude", "longitude"})
        moved = bool(changed & {"postcode", "city"})
        if cleaned["latitude"] is None or cleaned["longitude"] is None or (moved and not typed):
            point = geocode(postcode=cleaned.get("postcode") or "", city=cleaned.get("city") or "",
                            programme=self.programme)
            cleaned["latitude"], cleaned["longitude"] = point or (None, None)
        return cleaned

    def profile(self) -> dict[str, Any]:
        return {**super().profile(), "latitude": self.cleaned_data["latitude"],
                "longitude": self.cleaned_data["longitude"], "notes": self.cleaned_data["notes"]}


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, error_messages={"required": _("Give a reason.")})


class InfoRequestForm(forms.Form):
    message = forms.CharField(label=_("What do you need to know?"), widget=forms.Textarea(attrs={"rows": 3}),
                              error_messages={"required": _("Write what you need to know.")})


class TransitionForm(forms.Form):
    to_state = forms.ChoiceField(label=_("New state"), choices=Learner.State.choices,
                                 error_messages={"required": _("Choose the new state."),
                                                 "invalid_choice": _("Choose the new state.")})
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class GuardianChoiceField(PersonChoiceField):
    """A guardian often comes from a file or a referral with only an e-mail address (their name
    then reads like "ouders.demir Demir"): the address beside the name says who it is."""

    def label_from_instance(self, obj: Any) -> str:
        label = super().label_from_instance(obj)
        return f"{label} · {obj.email}" if obj.email else label


class GuardianChoiceForm(forms.Form):
    guardian = GuardianChoiceField(label=_("Guardian"), queryset=Person.objects.none())

    def __init__(self, *args: Any, guardians: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["guardian"]).queryset = guardians
        # One guardian, the usual case: chosen already, not one more click on "- Choose -".
        only = list(guardians[:2])
        if len(only) == 1 and not self.is_bound:
            self.fields["guardian"].initial = only[0].pk


class ConsentTextForm(OnceFormMixin, forms.Form):
    text_en = forms.CharField(label=_("Text in English"), widget=forms.Textarea, required=False)
    text_nl = forms.CharField(label=_("Text in Dutch"), widget=forms.Textarea, required=False)
    text_fr = forms.CharField(label=_("Text in French"), widget=forms.Textarea, required=False)
    text_de = forms.CharField(label=_("Text in German"), widget=forms.Textarea, required=False)
    ask_again = forms.BooleanField(
        label=_("E-mail every guardian whose consent is needed again"), required=False,
        initial=True,
    )

    def texts(self) -> dict[str, str]:
        return {code: self.cleaned_data[f"text_{code}"] for code, _label in settings.LANGUAGES}


class SensitiveProfileForm(VersionedFormMixin, forms.ModelForm[SensitiveProfile]):
    """Special-category data; the version is 0 while none is recorded yet."""

    class Meta:
        model = SensitiveProfile
        fields = ("migration_background", "first_generation", "gender", "cultural_background",
                  "declared_by", "consent")
        widgets = {
            "migration_background": forms.NullBooleanSelect,
            "first_generation": forms.NullBooleanSelect,
        }

    def __init__(self, *args: Any, apprentices: bool = False, **kwargs: Any) -> None:
        instance = kwargs.get("instance")
        kwargs.setdefault("version", instance.version if instance is not None else 0)
        super().__init__(*args, **kwargs)
        self.fields["consent"].required = True
        if apprentices:  # an apprentice is not a student (tandem.core.apprentices)
            self.fields["first_generation"].label = _("First in the family in vocational training")
            self.fields["first_generation"].help_text = _(
                "The first in the family to train for a vocational qualification.")
        gender = cast(forms.TypedChoiceField, self.fields["gender"])
        gender.choices = [("", _("Prefer not to say")), *DeclaredGender.choices]
        for name in ("migration_background", "first_generation"):
            widget = forms.NullBooleanSelect()
            widget.choices = [("unknown", _("Prefer not to say")), ("true", _("Yes")), ("false", _("No"))]
            self.fields[name].widget = widget
