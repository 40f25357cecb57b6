"""URL x role classification of this app's URLs (merged by core's test_url_matrix)."""

from __future__ import annotations

from typing import Any

from tandem.core.testing import (
    COORDINATORS,
    EVERYONE,
    OK,
    Access,
    Expect,
    programme_kwargs,
    redirect_to,
)
from tandem.intake.models import ConsentText, GuardianConsent, Learner

REFERRERS = COORDINATORS | {"partner_contact"}


def _learner(world: Any) -> Learner:
    learner, _created = Learner.objects.get_or_create(
        programme=world.programme, person=world.people["learner"],
        defaults={"institution": world.school, "referred_by": world.people["partner_contact"]},
    )
    return learner


def _learner_kwargs(world: Any) -> dict[str, Any]:
    return {**programme_kwargs(world), "pk": _learner(world).pk}


def _consent(world: Any) -> GuardianConsent:
    learner = _learner(world)
    ConsentText.objects.get_or_create(programme=world.programme, version=1, language="en",
                                      defaults={"text": "I agree."})
    consent, _created = GuardianConsent.objects.get_or_create(
        learner=learner, guardian=world.people["guardian"], version=1, defaults={"method": "email_link"})
    return consent


def _consent_kwargs(world: Any) -> dict[str, Any]:
    return {**_learner_kwargs(world), "consent": _consent(world).pk}


def _token(world: Any) -> dict[str, Any]:
    return {"token": _consent(world).token}


def _join(world: Any) -> dict[str, Any]:
    world.programme.requirements = {"self_registration": True}
    world.programme.save()
    return programme_kwargs(world)


# An action on a learner, posted without its form's data, goes back to the learner's page (with
# what was missing as a message).
BACK_TO_LEARNER = redirect_to("intake:learner", "pk")


def _manage(name_kwargs: Any = _learner_kwargs, method: str = "GET", expect: Expect | None = None) -> Access:
    return Access(COORDINATORS, "programme", method=method, kwargs=name_kwargs, expect=expect)


MATRIX: dict[str, Access] = {
    "intake:referrals": Access(REFERRERS, "programme", kwargs=programme_kwargs),
    "intake:referral_create": Access(REFERRERS, "programme", kwargs=programme_kwargs),
    # Coordinators are sent on to the full learner page; the partner contact sees the referral.
    "intake:referral": Access(REFERRERS, "programme", kwargs=_learner_kwargs,
                              expect=redirect_to("intake:learner", "pk"),
                              expect_for={"partner_contact": OK}),
    "intake:learners": _manage(programme_kwargs),
    "intake:waiting_list": _manage(programme_kwargs),
    "intake:consent_texts": _manage(programme_kwargs),
    "intake:learner_import": _manage(programme_kwargs),
    "intake:learner_template": _manage(programme_kwargs),
    "intake:learner_export": _manage(programme_kwargs),
    "intake:learner": _manage(),
    "intake:learner_edit": _manage(),
    "intake:learner_accept": _manage(method="POST", expect=BACK_TO_LEARNER),
    # Sent without their data, the small forms answer with the learner's page and their errors.
    "intake:learner_request_info": _manage(method="POST", expect=OK),
    "intake:learner_decline": _manage(method="POST", expect=OK),
    "intake:learner_transition": _manage(method="POST", expect=OK),
    "intake:consent_request": _manage(method="POST", expect=BACK_TO_LEARNER),
    "intake:consent_paper": _manage(method="POST", expect=BACK_TO_LEARNER),
    "intake:consent_withdraw": _manage(_consent_kwargs, method="POST", expect=BACK_TO_LEARNER),
    "intake:sensitive_save": _manage(method="POST", expect=BACK_TO_LEARNER),
    "intake:join": Access(EVERYONE, "public", kwargs=_join),
    "intake:consent": Access(EVERYONE, "public", kwargs=_token),
}
