"""A pair whose first meeting has taken place no longer reads "first meeting planned"."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone, translation

from tandem.matching.models import Match


def test_the_state_of_a_pair_says_its_first_meeting_was_held_once_its_time_has_passed() -> None:
    now = timezone.now()
    with translation.override("en"):
        assert Match(state="introduced", first_meeting_at=now + timedelta(days=2)).get_state_display() == (
            "First meeting planned")
        assert Match(state="introduced", first_meeting_at=now - timedelta(days=2)).get_state_display() == (
            "First meeting held")
        assert Match(state="introduced", first_meeting_held_on=date.today()).get_state_display() == "First meeting held"
        assert Match(state="active", first_meeting_at=now - timedelta(days=20)).get_state_display() == "Active"
    with translation.override("nl"):
        assert Match(state="introduced", first_meeting_at=now - timedelta(days=2)).get_state_display() == (
            "Eerste ontmoeting gehouden")
