"""Forms of the matching app. Every review and match form carries the version it started from."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from tandem.core.forms import PersonChoiceField
from tandem.core.inputs import StrictIntegerField, validate_plausible_date
from tandem.core.models import Programme
from tandem.core.naming import for_labels
from tandem.core.once import OnceFormMixin
from tandem.core.versioning import VersionedFormMixin
from tandem.matching.models import CommunityMeeting, ExitSurvey, Match, MatchingCriteria
from tandem.matching.services import CRITERIA_FIELDS

WEIGHT = {"min": 0, "max": 50, "step": 1}


def _datetime_widget() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class CriteriaForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = MatchingCriteria
        fields = CRITERIA_FIELDS
        widgets = {name: forms.NumberInput(attrs=WEIGHT) for name in CRITERIA_FIELDS if name.startswith("weight_")}

    def __init__(self, *args: Any, role_models: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not role_models:
            del self.fields["weight_background"]
        distance = self.fields["max_distance_km"]
        distance.min_value = 1  # type: ignore[attr-defined]
        distance.validators.append(MinValueValidator(1))
        distance.widget.attrs["min"] = 1


class RoundStartForm(OnceFormMixin, forms.Form):
    """Run a round: sent twice (a double click), it starts one (``tandem.core.once``)."""

    site = forms.ChoiceField(label=_("Which site?"), required=False)

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("The whole programme"))] + [(str(site.pk), site.name) for site in programme.sites.all()]
        self.fields["site"].choices = choices  # type: ignore[attr-defined]


class VersionForm(VersionedFormMixin, forms.Form):
    """A review action on a round: the round's version (core.versioning) and, for pairs that
    break a hard limit, the explicit confirmation."""

    confirm = forms.BooleanField(required=False, label=_("I know it breaks a hard limit; make this pair anyway"))


class ProposalActionForm(VersionForm):
    proposal = StrictIntegerField(id_field=True, widget=forms.HiddenInput)


class SwapForm(VersionForm):
    first = StrictIntegerField(id_field=True, label=_("First proposal"))
    second = StrictIntegerField(id_field=True, label=_("Second proposal"))


class ManualForm(OnceFormMixin, VersionForm):
    learner = StrictIntegerField(id_field=True, label=_("Learner"))
    volunteer = StrictIntegerField(id_field=True, label=_("Mentor"))


class PublishForm(OnceFormMixin, VersionedFormMixin, forms.Form):
    proposals = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())

    def __init__(self, *args: Any, proposal_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["proposals"].choices = [(pk, str(pk)) for pk in proposal_ids]  # type: ignore[attr-defined]


class FirstMeetingForm(VersionedFormMixin, forms.Form):
    at = forms.DateTimeField(label=_("When"), widget=_datetime_widget(),
                             validators=[validate_plausible_date])
    place = forms.CharField(label=_("Where"), max_length=200)


class HeldForm(VersionedFormMixin, forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(label=_("Do you want to continue together?"), choices=Match.Answer.choices,
                               widget=forms.RadioSelect)
    # Kept whole on the match (a text field): the bound is the form's, as the exit survey's comment.
    reason = forms.CharField(label=_("Why? (optional)"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class RecordAnswerForm(OnceFormMixin, AnswerForm):
    """A side's answer as a coordinator heard it (by phone, in person…): the person's own
    questions, how it was given and a note. Sent twice (a double click), it records once."""

    via = forms.ChoiceField(label=_("How was it given?"), choices=Match.Via.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note for coordinators (optional)"), required=False, max_length=300,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, question: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["answer"].label = question
        self.fields["reason"].label = _("Why? In their words (optional)")
        self.order_fields(["answer", "reason", "via", "note"])


class ProposeForm(OnceFormMixin, forms.Form):
    """A new partner for a declined match's learner: a new match, made once however often the
    button is clicked (``tandem.core.once``)."""

    volunteer = StrictIntegerField(id_field=True, widget=forms.HiddenInput)
    confirm = forms.BooleanField(required=False,
                                 label=_("I know it breaks a hard limit; make this pair anyway"))


def _closure_choices() -> list[tuple[str, Any]]:
    # An empty first choice: with "Planned end of the cycle" chosen beforehand, a coordinator who
    # went past the list closed a pair in its third month as a planned end (and the funder's
    # early-closure rate never counted it). The label is core's, set when the apps are ready.
    from django.db.models import fields

    return [("", fields.BLANK_CHOICE_LABEL), *Match.Closure.choices]


class CloseForm(VersionedFormMixin, forms.Form):
    reason = forms.ChoiceField(
        label=_("Why does the match end?"), choices=_closure_choices,
        help_text=_("When the relationship did not work, these two are never proposed again; the learner goes "
                    "back on the waiting list."))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    rematch = forms.BooleanField(label=_("Put the learner back on the waiting list for a new mentor"),
                                 required=False)

    def __init__(self, *args: Any, group: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if group:  # a learner's place in a learning community (docs/matches.md)
            self.fields["reason"].label = _("Why does the place in the learning community end?")
            self.fields["reason"].help_text = _(
                "When it did not work, this learner and this mentor are never proposed together again; the "
                "learner goes back on the waiting list.")


FACES = [(1, "☹️"), (2, "🙁"), (3, "😐"), (4, "🙂"), (5, "😀")]


class SurveyForm(forms.ModelForm):
    rating = forms.TypedChoiceField(label=_("How was it?"), choices=FACES, coerce=int, widget=forms.RadioSelect)
    recommend = forms.TypedChoiceField(
        label=_("Would you recommend it to a friend?"), required=False, widget=forms.RadioSelect,
        choices=[("yes", _("Yes")), ("no", _("No"))], coerce=lambda v: v == "yes", empty_value=None)

    class Meta:
        model = ExitSurvey
        fields = ("rating", "recommend", "comment")
        widgets = {"comment": forms.Textarea(attrs={"rows": 3})}


class MeetingForm(OnceFormMixin, forms.ModelForm):
    class Meta:
        model = CommunityMeeting
        fields = ("starts_at", "place", "topic")
        widgets = {"starts_at": _datetime_widget()}


class ConflictForm(OnceFormMixin, forms.Form):
    """A pair that must never be proposed: one learner, one mentor of the programme."""

    learner = PersonChoiceField(label=_("Learner"), queryset=None)
    volunteer = PersonChoiceField(label=_("Mentor"), queryset=None)
    note = forms.CharField(label=_("Why (for coordinators only)"), required=False, max_length=300,
                           help_text=_("For example: family, neighbours, the learner's teacher."))

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        from tandem.intake.models import Learner
        from tandem.onboarding.models import Volunteer

        super().__init__(*args, **kwargs)
        learners = for_labels(Learner.objects.filter(programme=programme).exclude(
            state__in=("completed", "left", "declined"))).order_by(
            "person__given_name", "person__family_name")
        volunteers = for_labels(Volunteer.objects.filter(programme=programme).exclude(
            state__in=("rejected", "withdrawn")), institution=False).order_by(
            "person__given_name", "person__family_name")
        self.fields["learner"].queryset = learners  # type: ignore[attr-defined]
        self.fields["volunteer"].queryset = volunteers  # type: ignore[attr-defined]
