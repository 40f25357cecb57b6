"""What each of intake's POST URLs does, for core's test_concurrent_edits."""

from __future__ import annotations

from typing import Any

from tandem.core.testing import Create, Edit, FormKind, NotAnEdit, programme_kwargs
from tandem.intake.models import ConsentText, Learner, SensitiveProfile
from tandem.intake.tests.url_matrix import _learner_kwargs

STATE = NotAnEdit(
    "A step of the learner's lifecycle: a conditional update on the state the learner is in, so "
    "a second click, or a second coordinator, is refused (test_referrals).")


def _sensitive_kwargs(world: Any) -> dict[str, Any]:
    kwargs = _learner_kwargs(world)
    SensitiveProfile.objects.create(learner_id=kwargs["pk"], declared_by="learner", consent=True,
                                    migration_background=True)
    return kwargs


FORMS: dict[str, FormKind] = {
    "intake:referral_create": Create(
        data=lambda w: {"given_name": "Noor", "family_name": "Bakker", "date_of_birth": "2012-03-04",
                        "institution": str(w.school.pk)},
        count=Learner.objects.count),
    "intake:consent_texts": Create(data=lambda w: {"text_en": "I agree that my child takes part."},
                                   count=ConsentText.objects.count),
    "intake:learner_import": NotAnEdit(
        "An import: the previewed file is confirmed once (its batch is claimed) and applied through "
        "the same services as the forms, every change in the history of changes."),
    # One coordinator changes the city, the other the notes: the later save must not put the
    # old city back.
    "intake:learner_edit": Edit(first={"city": "Schiedam"},
                                second={"notes": "Wants to become an electrician"},
                                shown=("Schiedam", "Wants to become an electrician"),
                                kwargs=lambda w: {**programme_kwargs(w), "pk": _learner_kwargs(w)["pk"]}),
    "intake:learner_accept": STATE,
    "intake:learner_request_info": STATE,
    "intake:learner_decline": STATE,
    "intake:learner_transition": STATE,
    "intake:consent_request": NotAnEdit(
        "E-mails the guardian a link, at most once a day per address (core.ratelimit)."),
    "intake:consent_paper": NotAnEdit(
        "Records a signed paper form: one open consent per guardian and text version (a database "
        "constraint), so a second click records nothing more."),
    "intake:consent_withdraw": NotAnEdit("Withdrawing twice withdraws once."),
    "intake:sensitive_save": Edit(first={"cultural_background": "Turkish-Dutch"},
                                  second={"declared_by": "guardian"},
                                  shown=("Turkish-Dutch", "The guardian, with consent"),
                                  kwargs=_sensitive_kwargs),
    "intake:join": NotAnEdit(
        "Public self-registration: the same address registering twice is one learner (test_join)."),
    "intake:consent": NotAnEdit(
        "A guardian's consent through a personal link: given or withdrawn once per text version."),
}
