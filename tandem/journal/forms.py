"""Forms of the journal: short, with sensible defaults, made for a phone. Create forms carry a
one-time token (``core.once``); edit forms the version they started from (``core.versioning``)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from tandem.core.inputs import StrictIntegerField, validate_plausible_date
from tandem.core.once import OnceFormMixin
from tandem.core.versioning import VersionedFormMixin
from tandem.journal.models import KINDS, Goal, GoalCategory, Meeting, Note

FACES = ((1, "☹️"), (2, "🙁"), (3, "😐"), (4, "🙂"), (5, "😀"))
FACE_WORDS = {1: _("Not good at all"), 2: _("Not so good"), 3: _("Okay"), 4: _("Good"), 5: _("Great")}


def _datetime_widget() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return cast(GoalCategory, obj).label()


class GoalFields(forms.Form):
    category = CategoryChoiceField(label=_("What is it about?"), queryset=GoalCategory.objects.none(),
                                   empty_label=None, widget=forms.RadioSelect)
    description = forms.CharField(
        label=_("The goal, in the learner's words"), max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("As the learner says it, e.g. “I want to understand fractions”."))
    success = forms.CharField(label=_("What does success look like?"), max_length=500, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("How will you both know it is reached?"))
    target_date = forms.DateField(label=_("Reached by"), required=False, widget=_date_widget(),
                                  validators=[validate_plausible_date])

    def __init__(self, *args: Any, categories: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["category"]).queryset = categories


class GoalForm(OnceFormMixin, GoalFields):
    def clean_target_date(self) -> Any:
        day = self.cleaned_data.get("target_date")
        if day is not None and day < timezone.localdate():
            raise forms.ValidationError(_("Choose today or a later day: a new goal is reached ahead."))
        return day


class GoalEditForm(VersionedFormMixin, GoalFields):
    pass


class GoalCloseForm(VersionedFormMixin, forms.Form):
    OUTCOMES = (
        (Goal.State.REACHED, _("Reached")),
        (Goal.State.ADJUSTED, _("Adjusted: we change the goal")),
        (Goal.State.DROPPED, _("Dropped")),
    )
    outcome = forms.ChoiceField(label=_("What became of the goal?"), choices=OUTCOMES, widget=forms.RadioSelect)
    reflection = forms.CharField(label=_("Reflection"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
                                 help_text=_("A sentence or two: what went well, what did not, what you learned."))
    new_description = forms.CharField(label=_("The adjusted goal, in the learner's words"), max_length=500,
                                      required=False, widget=forms.Textarea(attrs={"rows": 2}))
    new_success = forms.CharField(label=_("What does success look like now?"), max_length=500, required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    new_target_date = forms.DateField(label=_("Reached by"), required=False, widget=_date_widget(),
                                      validators=[validate_plausible_date])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == Goal.State.ADJUSTED and not (data.get("new_description") or "").strip():
            self.add_error("new_description", _("Write the adjusted goal."))
        return data


class ProgressForm(OnceFormMixin, forms.Form):
    note = forms.CharField(label=_("What moved forward?"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class MeetingPlanForm(OnceFormMixin, forms.Form):
    starts_at = forms.DateTimeField(label=_("When"), widget=_datetime_widget(), validators=[validate_plausible_date])
    place = forms.CharField(label=_("Where"), max_length=200, required=False)
    minutes = StrictIntegerField(label=_("How long (minutes)"), min_value=5, max_value=600)


class MeetingEditForm(VersionedFormMixin, forms.Form):
    starts_at = forms.DateTimeField(label=_("When"), widget=_datetime_widget(), validators=[validate_plausible_date])
    place = forms.CharField(label=_("Where"), max_length=200, required=False)


class GoalsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return cast(Goal, obj).description


class MeetingLogForm(VersionedFormMixin, forms.Form):
    """The log, in the order a mentor answers on a phone: what happened (held is the default),
    how long (the planned length), the goals it served, what you did; the rest is optional."""

    STATES = (
        (Meeting.State.HELD, _("It took place")),
        (Meeting.State.CANCELLED, pgettext_lazy("a meeting", "Cancelled")),
        (Meeting.State.NO_SHOW, _("Someone did not come")),
    )
    state = forms.ChoiceField(label=_("What happened?"), choices=STATES, widget=forms.RadioSelect)
    duration_minutes = StrictIntegerField(label=_("How long (minutes)"), min_value=1, max_value=600, required=False)
    goals = GoalsField(label=_("Which goals did you work on?"), queryset=Goal.objects.none(), required=False,
                       widget=forms.CheckboxSelectMultiple)
    activities = forms.CharField(label=_("What did you do?"), max_length=2000, required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}),
                                 help_text=_("The learner reads this too."))
    missed_by = forms.ChoiceField(label=_("Who cancelled or did not come?"), required=False,
                                  choices=[("", "—"), *Meeting.Who.choices])
    missed_reason = forms.CharField(label=_("Why?"), max_length=300, required=False)
    note = forms.CharField(label=_("A note for the team"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("Read by you, the supervisor and the coordinators, not by the learner."))
    reflection = forms.CharField(label=_("Your reflection"), max_length=4000, required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}),
                                 help_text=_("Looking back: what went well, what would you do differently?"))
    important = forms.BooleanField(label=_("Important: tell the coordinator"), required=False,
                                   help_text=_("For something the coordinator must know now. They get an e-mail."))

    def __init__(self, *args: Any, goals: Any, reflection: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["goals"]).queryset = goals
        if not reflection:
            del self.fields["reflection"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("state") in (Meeting.State.CANCELLED, Meeting.State.NO_SHOW) and not data.get("missed_by"):
            self.add_error("missed_by", _("Say who cancelled or did not come."))
        return data


class NoteForm(OnceFormMixin, forms.Form):
    """A note of one kind; the visibilities offered are the kind's (``models.KINDS``)."""

    kind = forms.ChoiceField(choices=Note.Kind.choices, widget=forms.HiddenInput)
    parent = StrictIntegerField(id_field=True, required=False, widget=forms.HiddenInput)
    text = forms.CharField(label=_("Your note"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    visibility = forms.ChoiceField(label=_("Who may read it?"), choices=Note.Visibility.choices,
                                   widget=forms.RadioSelect, required=False)

    def __init__(self, *args: Any, kind: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kind:
            self.fields["kind"].initial = kind
            rule = KINDS[kind]
            choices = [(v, label) for v, label in Note.Visibility.choices if v in rule.visibilities]
            if len(choices) > 1:
                field = cast(forms.ChoiceField, self.fields["visibility"])
                field.choices = sorted(choices, key=lambda c: rule.visibilities.index(c[0]))
                field.initial = rule.visibilities[0]
            else:
                self.fields["visibility"].widget = forms.HiddenInput()
                self.fields["visibility"].initial = rule.visibilities[0]


class PreparationForm(OnceFormMixin, VersionedFormMixin, forms.Form):
    """Writes the preparation (once-token) or rewrites it (version; 0 while there is none)."""

    text = forms.CharField(
        label=_("Your preparation"), max_length=4000, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What do you want to do together, how, and why? Which goal does it serve?"))


class RateForm(forms.Form):
    meeting = StrictIntegerField(id_field=True, widget=forms.HiddenInput)
    rating = forms.TypedChoiceField(choices=FACES, coerce=int)


class AgreeForm(forms.Form):
    goal = StrictIntegerField(id_field=True, widget=forms.HiddenInput)


class CategoryForm(forms.Form):
    label_en = forms.CharField(label=_("Name in English"), max_length=80, required=False)
    label_nl = forms.CharField(label=_("Name in Dutch"), max_length=80, required=False)
    label_fr = forms.CharField(label=_("Name in French"), max_length=80, required=False)
    label_de = forms.CharField(label=_("Name in German"), max_length=80, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields([f"label_{(get_language() or 'en')[:2]}"])  # the reader's language first

    def labels(self) -> dict[str, str]:
        return {code: self.cleaned_data.get(f"label_{code}", "") or "" for code, _name in settings.LANGUAGES}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any((data.get(f"label_{code}") or "").strip() for code, _name in settings.LANGUAGES):
            raise forms.ValidationError(_("Give the category a name in at least one language."))
        return data


class NewCategoryForm(OnceFormMixin, CategoryForm):
    pass


class CategoryEditForm(VersionedFormMixin, CategoryForm):
    in_use = forms.BooleanField(label=_("In use for new goals"), required=False)


class SupervisionForm(VersionedFormMixin, forms.Form):
    supervision = forms.BooleanField(
        label=_("Preparation and supervision for every meeting"), required=False,
        help_text=_("The mentor writes a preparation before each meeting and a reflection after it; the "
                    "supervisor gives feedback on the preparation, observes, and holds intervision."))
