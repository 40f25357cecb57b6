"""Forms of the results app. Create forms carry a one-time token (``core.once``); edit forms the
version they started from (``core.versioning``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tandem.core.inputs import decimal_input, validate_plausible_date
from tandem.core.once import OnceFormMixin
from tandem.core.versioning import VersionedFormMixin
from tandem.outcomes.instruments import INSTRUMENTS, latest, pick
from tandem.outcomes.models import (
    Audience,
    EarlyLeaving,
    GradeProgression,
    IndicatorKind,
    LvsLevel,
    SchoolStatus,
    WaveKind,
)
from tandem.outcomes.report import PARTICIPATION


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SettingsForm(VersionedFormMixin, forms.Form):
    threshold = forms.IntegerField(label=_("Smallest group shown to observers"), min_value=3, max_value=50,
                                   help_text=_("Counts below this are suppressed for observers and in funder "
                                               "reports (default 5)."))
    min_denominator = forms.IntegerField(label=_("Smallest base for a percentage"), min_value=5, max_value=200)
    early_leaving = forms.ChoiceField(label=_("Definition of early school leaving"), choices=EarlyLeaving.choices,
                                      widget=forms.RadioSelect)
    school_data_consent = forms.BooleanField(
        label=_("Our consent text covers school results"), required=False,
        help_text=_("Only then can school indicators be recorded, and only for learners whose consent is "
                    "recorded."))
    def __init__(self, *args: Any, apprentices: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        words = list(PARTICIPATION)
        if apprentices:  # an apprentice is not a student (tandem.core.apprentices)
            words = [(key, _("Learners who are the first in the family in vocational training"),
                      _("Target: learners who are the first in the family in vocational training (%)"))
                     if key == "learner_first_generation" else (key, title, label) for key, title, label in words]
        for key, _title, label in words:
            self.fields[f"target_{key}"] = forms.IntegerField(label=label, required=False, min_value=0,
                                                              max_value=100)
        for key, title, _label in words:
            self.fields[f"population_{key}"] = forms.IntegerField(
                label=_("In the population the programme serves: %(measure)s (%%)") % {"measure": title},
                required=False, min_value=0, max_value=100,
                help_text=_("For example the share in the schools or neighbourhoods you work with, "
                            "from their own figures."))

    TARGETS = tuple(key for key, _title, _label in PARTICIPATION)

    def values(self) -> dict[str, Any]:
        data = {k: self.cleaned_data[k] for k in ("threshold", "min_denominator", "early_leaving",
                                                  "school_data_consent")}
        data["targets"] = {k: self.cleaned_data[f"target_{k}"] for k in self.TARGETS
                           if self.cleaned_data.get(f"target_{k}") is not None}
        # The population's shares are kept beside the targets, as "population_<measure>".
        data["targets"] |= {f"population_{k}": self.cleaned_data[f"population_{k}"] for k in self.TARGETS
                            if self.cleaned_data.get(f"population_{k}") is not None}
        return data


def instrument_choices() -> list[tuple[str, str]]:
    return [(i.key, pick(i.title)) for i in latest()]


class WaveForm(OnceFormMixin, forms.Form):
    instrument = forms.ChoiceField(label=_("Questionnaire"), choices=instrument_choices)
    audience = forms.ChoiceField(label=_("Asked of"), choices=Audience.choices)
    kind = forms.ChoiceField(label=_("Moment"), choices=WaveKind.choices)
    opens_on = forms.DateField(label=_("Opens on"), widget=_date_widget(), validators=[validate_plausible_date])
    closes_on = forms.DateField(label=_("Closes on"), widget=_date_widget(), validators=[validate_plausible_date])
    anonymous = forms.BooleanField(label=_("Anonymous"), required=False,
                                   help_text=_("Answers are kept without a link to the person; before/after "
                                               "changes then cannot be paired."))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            raise ValidationError(_("A wave closes on or after the day it opens."))
        key = data.get("instrument")
        if key in INSTRUMENTS and data.get("audience") not in INSTRUMENTS[key].audiences:
            raise ValidationError(_("This questionnaire is not meant for this group."))
        return data


def _follow_up_for_group(form: forms.Form) -> None:
    """A group programme's follow-up counts from joining the learning community (docs/outcomes.md)."""
    form.fields["months_after"].choices = [  # type: ignore[attr-defined]
        ("", "—"), (6, _("6 months after joining the learning community")),
        (12, _("12 months after joining the learning community"))]


class IndicatorForm(OnceFormMixin, forms.Form):
    learner = forms.TypedChoiceField(label=_("Learner"), coerce=int, choices=())
    kind = forms.ChoiceField(label=_("Indicator"), choices=IndicatorKind.choices)
    measured_on = forms.DateField(label=_("Measured on"), widget=_date_widget(), validators=[validate_plausible_date])
    number = forms.DecimalField(label=_("Value"), required=False, max_digits=6, decimal_places=2, localize=True,
                                widget=decimal_input(),
                                help_text=_("An absence rate in per cent, or a test score."))
    code = forms.ChoiceField(label=_("Result"), required=False, choices=[
        ("", "—"), (_("LVS level"), LvsLevel.choices), (_("Grade progression"), GradeProgression.choices),
        (_("School status"), SchoolStatus.choices)])
    months_after = forms.TypedChoiceField(label=_("Follow-up"), required=False, coerce=int, empty_value=None,
                                          choices=[("", "—"), (6, _("6 months after the match started")),
                                                   (12, _("12 months after the match started"))])

    def __init__(self, *args: Any, learners: list[tuple[int, str]], group: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["learner"].choices = learners  # type: ignore[attr-defined]
        if group:
            _follow_up_for_group(self)


class IndicatorEditForm(VersionedFormMixin, forms.Form):
    """Correct a recorded value: the day, the value or result, the follow-up (not the learner nor
    the indicator: such a value is deleted and recorded again)."""

    measured_on = IndicatorForm.base_fields["measured_on"]
    number = IndicatorForm.base_fields["number"]
    code = IndicatorForm.base_fields["code"]
    months_after = IndicatorForm.base_fields["months_after"]

    @classmethod
    def for_indicator(cls, row: Any, data: Any = None) -> IndicatorEditForm:
        form = cls(data, version=row.version, initial={
            "measured_on": row.measured_on, "number": row.number, "code": row.code,
            "months_after": row.months_after})
        if row.learner.programme.is_group:
            _follow_up_for_group(form)
        return form


class SurveyForm(forms.Form):
    """One radio group per item, built from the instrument."""

    def __init__(self, *args: Any, instrument: Any, young: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = instrument.scale.young if young else instrument.scale.labels
        choices = [(str(v), pick(label)) for v, label in zip(instrument.scale.values, labels, strict=True)]
        for item in instrument.items:
            self.fields[item.code] = forms.TypedChoiceField(label=pick(item.text), choices=choices, coerce=int,
                                                            widget=forms.RadioSelect)

    def answers(self) -> dict[str, int]:
        return {k: int(v) for k, v in self.cleaned_data.items()}
