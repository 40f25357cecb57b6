"""The results app's rows for the privacy tests' subject (see tandem/privacy/tests/seed.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from tandem.outcomes.models import SchoolIndicator, SurveyInvitation, SurveyResponse, SurveyWave


def seed(ctx: Any) -> None:
    today = timezone.localdate()
    match = ctx.learner_match
    assert match is not None
    wave, _created = SurveyWave.objects.get_or_create(
        programme=match.programme, instrument="rses", audience="learner", kind="intake",
        opens_on=today - timedelta(days=10), defaults={"closes_on": today + timedelta(days=10)})
    SurveyInvitation.objects.create(wave=wave, person=ctx.person, match=match, sent_at=timezone.now(),
                                    answered_at=timezone.now())
    SurveyResponse.objects.create(wave=wave, person=ctx.person, match=match,
                                  answers={f"q{i}": 3 for i in range(1, 11)}, score=30.0,
                                  subscores={"positive": 15.0}, language="nl")
    SchoolIndicator.objects.create(learner=match.learner, kind="absence_rate", measured_on=today,
                                   number="4.50")
