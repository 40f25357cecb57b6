"""The demo: check-ins due, pairs on the risk list for each reason, concerns in every state,
exchange meetings in VerA and AFEV (each for the mentors of its site); a safeguarding lead in every
programme."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from tandem.core.models import Person, Programme
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
    # A Grenoble mentor was invited to AFEV's Paris meeting: each meeting is for a site, and the
    # mentors of that site (living in its city) are invited, nobody else.
    for meeting in ExchangeMeeting.objects.select_related("site", "programme"):
        assert meeting.site is not None, meeting.programme.slug
        cities = set(meeting.invitations.values_list("person__city", flat=True))
        assert cities == {meeting.site.city}, (meeting.programme.slug, meeting.site.city, cities)
        of_site = Person.objects.filter(memberships__programme=meeting.programme, memberships__role="mentor",
                                        city=meeting.site.city).distinct().count()
        assert meeting.invitations.count() == min(12, of_site) >= 4, meeting.programme.slug
    assert ExchangeMeeting.objects.filter(programme__slug="accompagnement-vet", site__city="Paris").exists()
