"""Support's rows for the privacy tests' subject (see tandem/privacy/tests/seed.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from tandem.support.models import (
    CheckIn,
    Concern,
    ConcernStep,
    DigestMail,
    ExchangeInvitation,
    ExchangeMeeting,
    MatchPause,
    PulseRating,
    SafeguardingLead,
)


def seed(ctx: Any) -> None:
    now = timezone.now()
    for side, match in (("mentor", ctx.mentor_match), ("learner", ctx.learner_match)):
        assert match is not None
        CheckIn.objects.create(match=match, on=timezone.localdate(), with_whom="mentor", how="phone", minutes=10,
                               notes=ctx.mark(f"support-check-in-{side}"), by=ctx.person)
        PulseRating.objects.create(match=match, side=side, score=4, word=ctx.mark(f"support-pulse-{side}")[:60])
        concern = Concern.objects.create(programme=match.programme, match=match, kind="safeguarding",
                                         description="Zorgen over thuis", outcome="Gesprek gevoerd",
                                         raised_by=ctx.person,
                                         raised_as="mentor")
        ConcernStep.objects.create(concern=concern, from_state="", to_state="raised",
                                   reason="Gebeld")
        MatchPause.objects.create(match=match, concern=concern)
        meeting = ExchangeMeeting.objects.create(programme=match.programme, topic="Intervisie",
                                                 starts_at=now - timedelta(days=3), place="Buurthuis")
        ExchangeInvitation.objects.create(meeting=meeting, person=ctx.person, answer="yes", attended=True)
        SafeguardingLead.objects.get_or_create(programme=match.programme, person=ctx.person)
        DigestMail.objects.get_or_create(person=ctx.person, programme=match.programme,
                                         week=timezone.localdate() - timedelta(days=7 + (side == "learner")))
