from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tandem.core.antispam import HumanCheckMixin
from tandem.core.availability import slot_choices
from tandem.core.forms import DateInput, FieldsField, LanguagesField, refuse_mismatched_address
from tandem.core.inputs import (
    MENTOR_CAPACITY_MAX,
    StrictIntegerField,
    decimal_input,
    validate_latitude,
    validate_longitude,
)
from tandem.core.models import Programme
from tandem.core.naming import person_label
from tandem.core.once import OnceFormMixin
from tandem.core.versioning import VersionedFormMixin
from tandem.onboarding.models import Gender, Registration, Volunteer, VolunteerState, Workshop


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class DeclaredField(forms.TypedChoiceField):
    """Yes / no / prefer not to say (``None``), always optional."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=[("", _("Prefer not to say")), ("yes", _("Yes")), ("no", _("No"))],
                         coerce=_yes_no, empty_value=None, required=False, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, bool):
            return "yes" if value else "no"
        return value


def declaration_fields() -> dict[str, forms.Field]:
    return {
        "migration_background": DeclaredField(
            label=_("Do you have a migration background? (optional)"),
            help_text=_("You, or at least one of your parents, were born in another country.")),
        "first_generation": DeclaredField(
            label=_("Are you the first in your family to go on to higher education? (optional)")),
    }


DECLARATION_WHY = _(
    "Why we ask: the programme wants people with a migration background and those who are the "
    "first in their family to study to take part not only as learners but also as mentors. Your answers are counted only in aggregate shares "
    "(small groups are never shown), are never used for matching, and only the coordinators see "
    "them. Answering is voluntary: by answering you agree to this use; you can change or withdraw "
    "your answers at any time on your own page.")


class DeclarationForm(VersionedFormMixin, forms.Form):
    """The volunteer's own self-declaration on their page."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")  # the labels are questions
        super().__init__(*args, **kwargs)
        self.fields.update(declaration_fields())

    @classmethod
    def for_volunteer(cls, volunteer: Volunteer, data: Any = None) -> DeclarationForm:
        declaration = getattr(volunteer, "declaration", None)
        if declaration is None:
            return cls(data, version=0)
        return cls(data, version=declaration.version, initial={
            "migration_background": declaration.migration_background,
            "first_generation": declaration.first_generation})


class ApplicationForm(HumanCheckMixin, forms.Form):
    given_name = forms.CharField(label=_("Given name"), max_length=100)
    family_name = forms.CharField(label=_("Family name"), max_length=100)
    email = forms.EmailField(label=_("E-mail address"))
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    address = forms.CharField(label=_("Address"), max_length=250, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=12)
    city = forms.CharField(label=_("City"), max_length=120)
    languages = LanguagesField(label=_("Languages you speak"))
    expertise = FieldsField(
        label=_("Fields of expertise"),
        help_text=_("What you know about from your trade, studies or work."),
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
        self.country = programme.country
        # The self-declaration goes before the consent (the form is rendered in field order).
        consent = self.fields.pop("consent")
        self.fields.update(declaration_fields())
        self.fields["consent"] = consent
        cast(LanguagesField, self.fields["languages"]).offer(
            country=programme.country, programme_languages=programme.languages)
        cast(FieldsField, self.fields["expertise"]).offer(programme=programme)
        cast(forms.MultipleChoiceField, self.fields["availability"]).choices = slot_choices()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        refuse_mismatched_address(self, country=self.country)
        return cleaned

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "given_name": data["given_name"], "family_name": data["family_name"],
            "email": data["email"], "phone": data["phone"], "address": data["address"],
            "postcode": data["postcode"], "city": data["city"],
            "languages": data["languages"], "expertise": data["expertise"],
            "availability": data["availability"],
            "motivation": data["motivation"], "gender": data["gender"],
            "migration_background": data["migration_background"],
            "first_generation": data["first_generation"],
            "consent": data["consent"], "language": (get_language() or "en")[:2],
        }


class TransitionForm(forms.Form):
    to_state = forms.ChoiceField(label=_("Move to"), choices=VolunteerState.choices)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class VolunteerForm(VersionedFormMixin, forms.Form):
    """A form on a volunteer's page; ``for_volunteer`` fills it from the stored volunteer."""

    initial_from: dict[str, str] = {}  # form field -> volunteer field

    @classmethod
    def for_volunteer(cls, volunteer: Volunteer, data: Any = None) -> VolunteerForm:
        return cls(data, version=volunteer.version,
                   initial={name: getattr(volunteer, source) for name, source in cls.initial_from.items()})


class InterviewPlanForm(VolunteerForm):
    initial_from = {"planned_at": "interview_planned_at"}

    planned_at = forms.DateTimeField(
        label=_("Interview planned for"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class InterviewForm(VolunteerForm):
    initial_from = {"held_on": "interview_held_on", "notes": "interview_notes"}
    held_on = forms.DateField(label=_("Interview held on"), widget=DateInput())
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ReferencesForm(VolunteerForm):
    initial_from = {"received": "references_received"}
    received = StrictIntegerField(label=_("References received"), min_value=0, max_value=20)


class CertificateForm(VolunteerForm):
    initial_from = {"seen_on": "certificate_seen_on", "issued_on": "certificate_issued_on"}
    seen_on = forms.DateField(label=_("Seen on"), widget=DateInput())
    issued_on = forms.DateField(label=_("Issued on"), widget=DateInput())


class LocationForm(VolunteerForm):
    initial_from = {"latitude": "latitude", "longitude": "longitude", "capacity": "capacity"}
    latitude = forms.FloatField(label=_("Latitude"), required=False, validators=[validate_latitude],
                                localize=True, widget=decimal_input())
    longitude = forms.FloatField(label=_("Longitude"), required=False, validators=[validate_longitude],
                                 localize=True, widget=decimal_input())
    capacity = StrictIntegerField(label=_("Capacity"), min_value=1, max_value=MENTOR_CAPACITY_MAX)


class WorkshopForm(OnceFormMixin, forms.ModelForm[Workshop]):
    class Meta:
        model = Workshop
        fields = ("title", "starts_at", "place", "capacity", "trainer", "hours")
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
        }


class _Ticks(forms.MultipleChoiceField):
    def validate(self, value: Any) -> None:
        """Any ids: the view parses them (ASCII digits, ``core.inputs``) and ignores ids that are
        not booked (a registration cancelled meanwhile)."""


class AttendanceForm(VersionedFormMixin, forms.Form):
    """Who of the booked volunteers attended a workshop (ticked by registration)."""

    attended = _Ticks(label=_("Attended"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, workshop: Workshop, booked: list[Registration] | None = None,
                 **kwargs: Any) -> None:
        if booked is None:
            booked = list(workshop.registrations.filter(status=Registration.Status.BOOKED)
                          .select_related("volunteer__person"))
        kwargs.setdefault("initial", {"attended": [r.pk for r in booked if r.attended]})
        super().__init__(*args, version=workshop.version, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["attended"]).choices = [
            (r.pk, person_label(r.volunteer)) for r in booked]


class VerifyForm(forms.Form):
    code = forms.CharField(label=_("Verification code"), max_length=20)
