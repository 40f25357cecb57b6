"""Each "needs attention" rule at its boundary (day N is fine, day N+1 is a risk), on the facts
``attention.with_facts`` reads from the database."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from conftest import World
from tandem.journal.tests.factories import meeting
from tandem.matching.models import Match
from tandem.support import attention
from tandem.support.models import CheckIn, PulseRating
from tandem.support.tests.factories import concern, pair

pytestmark = pytest.mark.django_db


def codes(match: Match, on: date) -> set[str]:
    row = attention.with_facts(Match.objects.filter(pk=match.pk), on=on).select_related("programme").get()
    return {risk.code for risk in attention.risks_of(row, attention.rules_for(match.programme), on)}


def at_noon(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


def held_on(match: Match, day: date) -> None:
    starts = at_noon(day)
    meeting(match, days=(starts - timezone.now()).total_seconds() / 86400, state="held")


@pytest.fixture
def match(world: World) -> Match:
    return pair(world, weeks=10)


def test_no_meeting_for_more_than_n_days(match: Match) -> None:
    last = match.cycle_start + timedelta(days=30)
    held_on(match, last)
    assert "no_meeting" not in codes(match, last + timedelta(days=21))
    assert "no_meeting" in codes(match, last + timedelta(days=22))


def test_no_meeting_since_the_start(match: Match) -> None:
    assert "no_meeting" not in codes(match, match.cycle_start + timedelta(days=21))
    assert "no_meeting" in codes(match, match.cycle_start + timedelta(days=22))


def test_cancelled_or_missed_meetings_in_six_weeks(match: Match) -> None:
    on = timezone.localdate()
    meeting(match, days=-3, state="cancelled", missed_by="mentor")
    assert "missed" not in codes(match, on)
    meeting(match, days=(at_noon(on - timedelta(days=42)) - timezone.now()).total_seconds() / 86400,
            state="no_show", missed_by="learner")
    assert "missed" in codes(match, on)  # the 42nd day back still counts
    assert "missed" not in codes(match, on + timedelta(days=1))  # then it is 43 days back


@pytest.mark.parametrize(("before", "after", "risk"), [(5, 4, False), (5, 3, True), (4, 1, True)])
def test_falling_ratings(match: Match, before: int, after: int, risk: bool) -> None:
    now = timezone.now()
    PulseRating.objects.create(match=match, side="learner", question="fit", score=before, at=now - timedelta(days=30))
    PulseRating.objects.create(match=match, side="learner", score=after, at=now)
    assert ("rating_drop" in codes(match, timezone.localdate())) is risk


@pytest.mark.parametrize(("mentor", "learner", "risk"), [(4, 3, False), (5, 3, True), (1, 3, True), (3, 3, False)])
def test_gap_between_mentor_and_learner(match: Match, mentor: int, learner: int, risk: bool) -> None:
    PulseRating.objects.create(match=match, side="mentor", score=mentor)
    PulseRating.objects.create(match=match, side="learner", score=learner)
    assert ("rating_gap" in codes(match, timezone.localdate())) is risk


def test_an_open_concern_until_it_is_resolved(world: World, match: Match) -> None:
    item = concern(world, match=match, kind="safeguarding")
    assert "concern" in codes(match, timezone.localdate())
    item.state, item.resolved_at = "resolved", timezone.now()
    item.save()
    assert "concern" not in codes(match, timezone.localdate())


def test_check_in_overdue_twice_in_the_first_month_then_monthly(match: Match) -> None:
    start = match.cycle_start
    assert "check_in" not in codes(match, start + timedelta(days=14))
    assert "check_in" in codes(match, start + timedelta(days=15))
    CheckIn.objects.create(match=match, on=start + timedelta(days=14), with_whom="mentor", how="phone", minutes=5)
    assert "check_in" not in codes(match, start + timedelta(days=28))
    assert "check_in" in codes(match, start + timedelta(days=29))
    CheckIn.objects.create(match=match, on=start + timedelta(days=28), with_whom="learner", how="phone", minutes=5)
    assert "check_in" not in codes(match, start + timedelta(days=58))
    assert "check_in" in codes(match, start + timedelta(days=59))


def test_cycle_end_without_a_closing_meeting(match: Match) -> None:
    end = match.cycle_end
    assert "closure" not in codes(match, end - timedelta(days=22))
    assert "closure" in codes(match, end - timedelta(days=21))
    meeting(match, days=(at_noon(end - timedelta(days=7)) - timezone.now()).total_seconds() / 86400)
    assert "closure" not in codes(match, end - timedelta(days=21))


def test_thresholds_per_programme(world: World, match: Match) -> None:
    from tandem.support.models import SupportSettings

    SupportSettings.objects.create(programme=world.programme, no_meeting_days=40)
    assert "no_meeting" not in codes(match, match.cycle_start + timedelta(days=40))
    assert "no_meeting" in codes(match, match.cycle_start + timedelta(days=41))


def test_a_pair_that_does_not_run_needs_no_attention(world: World) -> None:
    match = pair(world, state="closed", weeks=30)
    assert codes(match, timezone.localdate()) == set()


def test_reasons_read_in_words(match: Match) -> None:
    risk = attention.Risk("check_in", (date(2026, 3, 4),))
    with translation.override("nl"):
        assert "4 maart 2026" in risk.words
    with translation.override("de"):
        assert "März" in risk.words


def test_the_match_page_names_the_reasons_with_german_nouns_capitalised(world: World, match: Match) -> None:
    """"Begleitung — braucht Aufmerksamkeit: Offene Meldung", not "offene meldung"."""
    concern(world, match=match, kind="safeguarding")
    url = reverse("matching:match", kwargs={"org": world.organisation.slug, "prog": world.programme.slug,
                                            "pk": match.pk})
    client = world.client_for("coordinator")
    with translation.override("de"):
        expected = str(attention.REASONS["concern"])
    german = client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert f"braucht Aufmerksamkeit: {expected}" in german and expected[0].isupper()
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "needs attention: open concern" in english
