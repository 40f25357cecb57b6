"""Forms of support and safeguarding: short, with sensible defaults, made for a phone. Create
forms carry a one-time token (``core.once``); edit forms the version they started from."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from tandem.core.apprentices import learners_are_adults, learners_are_apprentices
from tandem.core.inputs import StrictIntegerField, validate_plausible_date
from tandem.core.models import Site
from tandem.core.once import OnceFormMixin
from tandem.core.versioning import VersionedFormMixin
from tandem.matching.models import Match
from tandem.support.models import (
    CONFLICT_OF_PUPILS,
    THRESHOLDS,
    CheckIn,
    Concern,
    ExchangeInvitation,
    ExchangeMeeting,
    SupportSettings,
)

FACES = ((5, "😀"), (4, "🙂"), (3, "😐"), (2, "🙁"), (1, "☹️"))
FACE_WORDS = {1: _("Not good at all"), 2: _("Not so good"), 3: _("Okay"), 4: _("Good"), 5: _("Great")}
# What each step of a concern is called on its button.
MOVE_WORDS = {
    Concern.State.TRIAGED: _("Triaged: we know what to do"),
    Concern.State.ACTION: _("Action under way"),
    Concern.State.RESOLVED: _("Resolved"),
}


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _datetime_widget() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class CheckInForm(OnceFormMixin, forms.Form):
    on = forms.DateField(label=_("Date"), widget=_date_widget(), validators=[validate_plausible_date])
    with_whom = forms.ChoiceField(label=_("With whom"), choices=CheckIn.With.choices, widget=forms.RadioSelect)
    how = forms.ChoiceField(label=_("How"), choices=CheckIn.How.choices, widget=forms.RadioSelect)
    minutes = StrictIntegerField(label=_("Minutes"), min_value=1, max_value=600)
    notes = forms.CharField(label=_("Notes"), max_length=2000, required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))
    follow_up = forms.BooleanField(label=_("Follow-up needed"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["on"].initial = timezone.localdate()
            self.fields["with_whom"].initial = CheckIn.With.MENTOR
            self.fields["how"].initial = CheckIn.How.PHONE
            self.fields["minutes"].initial = 10


class PulseForm(OnceFormMixin, forms.Form):
    score = forms.TypedChoiceField(label=_("How is it going?"), choices=FACES, coerce=int, widget=forms.RadioSelect)
    word = forms.CharField(label=_("In a word (if you like)"), max_length=60, required=False)

    def __init__(self, *args: Any, question: str = "pulse", learner: bool = False, group: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.TypedChoiceField, self.fields["score"])
        if question == "fit" and group:  # a learning community, not two people
            field.label = (_("Does this fit? Do you get along in your learning community?") if learner
                           else _("Does this learner feel at home in your learning community?"))
        elif question == "fit":
            field.label = _("Does this fit? Do you two get along?") if learner else _("Does this match fit?")
        elif learner:
            field.label = _("How are things going with your mentor?")
        field.choices = [(value, f"{face} {FACE_WORDS[value]}") for value, face in FACES]
        # Not "This field is required." under the faces: say what to do, as the journal's faces do.
        field.error_messages["required"] = (pgettext("to a learner", "Choose one of the faces.") if learner
                                            else _("Choose one of the faces."))


class PairChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        pair = f"{obj.learner.person.given_name} & {obj.volunteer.person.given_name}"
        if obj.state == Match.State.CLOSED:
            return pgettext("a pair in a list", "%(pair)s (ended)") % {"pair": pair}
        return pair


class ConcernForm(OnceFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("What kind of concern?"), choices=Concern.Kind.choices, widget=forms.RadioSelect)
    match = PairChoiceField(label=_("About which pair?"), queryset=Match.objects.none(), required=False,
                            empty_label=_("The programme in general"))
    description = forms.CharField(label=_("What is it about?"), max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 5}),
                                  help_text=_("Only the programme's staff read it. A worry about someone's "
                                              "safety is read only by the safeguarding leads."))

    def __init__(self, *args: Any, matches: Any, programme: Any = None, to_learner: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if to_learner:  # a 15-year-old with some Dutch: no "aandachtsfunctionarissen"
            self.fields["description"].help_text = pgettext(
                "to a learner", "Only the people who run the programme read this. If it is about someone's "
                "safety, only the few people trained for that read it.")
        elif learners_are_adults(programme):  # no "Kinderschutz" where no learner is a child
            self.fields["description"].help_text = pgettext(
                "learners are apprentices", "Only the programme's staff read it. A worry about someone's safety "
                "is read only by the safeguarding leads.")
        if programme is not None and not learners_are_apprentices(programme):  # a pupil's conflict is not with an employer
            kind = cast(forms.ChoiceField, self.fields["kind"])
            kind.choices = [(value, CONFLICT_OF_PUPILS if value == Concern.Kind.CONFLICT else label)
                            for value, label in Concern.Kind.choices]
        field = cast(forms.ModelChoiceField, self.fields["match"])
        if programme is not None and programme.is_group:
            field.label = _("Who in the learning community is it about?")
        field.queryset = matches
        first = list(matches[:2])
        if len(first) == 1:
            field.initial = first[0].pk
            field.empty_label = None
            field.required = True


class ConcernMoveForm(VersionedFormMixin, forms.Form):
    to_state = forms.ChoiceField(label=_("Next step"), choices=list(MOVE_WORDS.items()), widget=forms.RadioSelect)
    what = forms.CharField(label=_("What was done, by whom"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, allowed: Any = (), reached: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(k, v) for k, v in MOVE_WORDS.items() if k in allowed]
        field = cast(forms.ChoiceField, self.fields["to_state"])
        if self.is_bound and reached in MOVE_WORDS and reached not in allowed:
            # A post asking for the step the concern is already at is the move made meanwhile —
            # by this user's own first post (a double tap) or by another lead. It is valid, so
            # the service can tell which (``services.concern_move``), rather than "select a valid
            # choice"; it is still not offered (the radios are the widget's choices).
            field.choices = [*choices, (reached, MOVE_WORDS[Concern.State(reached)])]
            field.widget.choices = choices
        else:
            field.choices = choices
        if choices and not self.is_bound:
            self.fields["to_state"].initial = choices[0][0]
        if reached == Concern.State.RESOLVED:
            # Reopening is the one move from resolved: no radios, only the reason (docs/support.md).
            field.widget = forms.HiddenInput()
            self.fields["what"].label = _("Why reopen it?")
            self.fields["what"].error_messages["required"] = _("Say why it is reopened.")
            self.fields["what"].help_text = _("Only when a new problem has come up. The concern goes back to "
                                              "“Action under way”.")

    @property
    def reopens(self) -> bool:
        return isinstance(self.fields["to_state"].widget, forms.HiddenInput)


class SettingsForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = SupportSettings
        fields = THRESHOLDS


class ExchangeFields(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ExchangeMeeting.Kind.choices)
    topic = forms.CharField(label=_("Topic"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Starts"), widget=_datetime_widget(), validators=[validate_plausible_date])
    minutes = StrictIntegerField(label=_("Duration in minutes"), min_value=15, max_value=600, initial=90)
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.none(), required=False,
                                  empty_label=_("All sites"))
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    online_link = forms.URLField(label=_("Online link"), max_length=200, required=False, assume_scheme="https")
    places = StrictIntegerField(label=_("Places"), min_value=1, max_value=500, required=False,
                                help_text=_("Leave empty for no limit."))
    notes = forms.CharField(label=_("Notes"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, programme: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["site"]).queryset = Site.objects.filter(programme=programme)


class ExchangeForm(OnceFormMixin, ExchangeFields):
    pass


class ExchangeEditForm(VersionedFormMixin, ExchangeFields):
    pass


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=ExchangeInvitation.Answer.choices)
