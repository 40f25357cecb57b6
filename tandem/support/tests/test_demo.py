"""The demo: check-ins due, pairs on the risk list for each reason, concerns in every state,
exchange meetings in VerA and AFEV; a safeguarding lead in every programme."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from tandem.core.models import Programme
from tandem.matching.models import Match
from tandem.support import attention
from tandem.support.models import Concern, ExchangeInvitation, ExchangeMeeting, SafeguardingLead

pytestmark = pytest.mark.django_db


def test_the_demo_shows_every_reason_state_and_exchange_meetings(db: Any) -> None:
    call_command("seed_demo", "--quiet-logins", verbosity=0)
    reasons: set[str] = set()
    due = 0
    for programme in Programme.objects.all():
        matches = Match.objects.filter(programme=programme)
        for pair in attention.pairs_with_risks(programme=programme, matches=matches):
            reasons |= {risk.code for risk in pair.risks}
        due += len(attention.due_check_ins(programme=programme, matches=matches))
        assert SafeguardingLead.objects.filter(programme=programme).exists(), programme.slug
        states = set(Concern.objects.filter(programme=programme).values_list("state", flat=True))
        assert states == set(Concern.State.values), programme.slug
    assert reasons == set(attention.REASONS)
    assert due
    for slug in ("vera", "accompagnement-vet"):
        assert ExchangeMeeting.objects.filter(programme__slug=slug).count() == 2
        assert ExchangeInvitation.objects.filter(meeting__programme__slug=slug, attended=True).exists()
    assert set(ExchangeMeeting.objects.values_list("programme__slug", flat=True)) == {"vera", "accompagnement-vet"}
