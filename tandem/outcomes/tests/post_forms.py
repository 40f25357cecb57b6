"""What each of the results app's POST URLs does, for core's test_concurrent_edits."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from tandem.core.testing import Create, Edit, FormKind, NotAnEdit, programme_kwargs
from tandem.outcomes.models import SchoolIndicator, SurveyWave


def _wave_data(world: Any) -> dict[str, str]:
    today = timezone.localdate()
    return {"instrument": "belonging@1", "audience": "learner", "kind": "closure",
            "opens_on": today.isoformat(), "closes_on": (today + timedelta(days=14)).isoformat()}


def _consenting_kwargs(world: Any) -> dict[str, Any]:
    from tandem.outcomes.tests.factories import consenting, pair

    consenting(world)
    pair(world)
    return programme_kwargs(world)


def _indicator_data(world: Any) -> dict[str, str]:
    from tandem.intake.models import Learner

    learner = Learner.objects.get(programme=world.programme, person=world.people["learner"])
    return {"learner": str(learner.pk), "kind": "absence_rate", "measured_on": timezone.localdate().isoformat(),
            "number": "7.5"}


FORMS: dict[str, FormKind | tuple[FormKind, ...]] = {
    "outcomes:settings": Edit(first={"threshold": "7"}, second={"min_denominator": "20"},
                              shown=("7", "20")),
    "outcomes:waves": Create(data=_wave_data, count=SurveyWave.objects.count),
    "outcomes:indicators": Create(data=_indicator_data, count=SchoolIndicator.objects.count,
                                  kwargs=_consenting_kwargs),
    "outcomes:indicator": Edit(first={"number": "6.25"}, second={"number": "8.75"}, shown=("6.25", "8.75")),
    "outcomes:indicator_delete": NotAnEdit(
        "Deletes the value under its row lock, only at the version the page showed (a hidden field): a "
        "stale or second tap finds it changed or gone and deletes nothing more."),
    "outcomes:invitation_revoke": NotAnEdit(
        "Stops one link with a conditional update on revoked_at IS NULL: a second tap changes nothing."),
    "outcomes:invitation_reissue": NotAnEdit(
        "Replaces the link with a conditional update on the link the page showed (its nonce), so a "
        "second tap or a second coordinator makes no third link and sends no second e-mail."),
    "outcomes:wave_send": NotAnEdit(
        "Asks everyone of the wave's audience not asked yet (a unique key per wave and person): a second "
        "click asks nobody twice."),
    "outcomes:indicators_import": NotAnEdit(
        "core's import: the uploaded batch is claimed with a conditional update, so two confirmations "
        "import once."),
    "outcomes:survey": NotAnEdit(
        "The personal survey link: the invitation is claimed with a conditional update, so a second tap "
        "on Send keeps nothing twice."),
}
