"""Closing a match asks for its reason: the list began on "Planned end of the cycle", so a
coordinator who did not open it closed a pair in its third month as a planned end, and the
funder's early-closure rate never counted it."""

from __future__ import annotations

from conftest import World
from tandem.matching.models import Match
from tandem.matching.tests.factories import numbered_match, programme_url, relax


def test_closing_without_choosing_a_reason_is_refused_and_the_match_stays_active(world: World) -> None:
    relax(world)
    match = numbered_match(world, 1, state="active")
    url = programme_url(world, "matching:close", pk=match.pk)
    client = world.client_for("coordinator")
    form = client.get(url).content.decode()
    select = form.split('name="reason"', 1)[1].split("</select>", 1)[0]
    assert "required" in select.split(">", 1)[0]
    assert '<option value="" selected>' in select
    page = client.post(url, {"version": match.version, "reason": "", "note": ""})
    assert page.status_code == 200 and "This field is required." in page.content.decode()
    match.refresh_from_db()
    assert match.state == Match.State.ACTIVE and not match.closure_reason


def test_the_list_shows_when_a_closed_pair_ended_not_the_end_it_had_planned(world: World) -> None:
    """A pair that stopped in its third month read "12.06.2026 – 13.06.2027 · Closed" in the
    list, as if it had met for a year: a closed pair's period ends on the day it closed."""
    from datetime import UTC, date, datetime

    relax(world)
    closed = numbered_match(world, 1, state="closed", cycle_start=date(2026, 6, 12), cycle_end=date(2027, 6, 13))
    Match.objects.filter(pk=closed.pk).update(closed_at=datetime(2026, 9, 1, 10, tzinfo=UTC))
    numbered_match(world, 2, state="active", cycle_start=date(2026, 9, 1), cycle_end=date(2027, 6, 30))
    user = world.users["coordinator"]
    user.language = "de"
    user.save()
    page = world.client_for("coordinator").get(programme_url(world, "matching:matches")).content.decode()
    assert "12.06.2026 – 01.09.2026" in page and "13.06.2027" not in page
    assert "01.09.2026 – 30.06.2027" in page


def test_leaving_reads_school_or_training_in_every_language(world: World) -> None:
    """VerA's and AFEV's learners are apprentices: "The learner left school" read wrong for one
    who left their training company. German and French already said "school or training"; English
    now does too, and so does the step in the learner's history."""
    from django.utils import translation

    from tandem.matching.models import MatchingReason

    relax(world)
    match = numbered_match(world, 1, state="active")
    form = world.client_for("coordinator").get(programme_url(world, "matching:close", pk=match.pk)).content.decode()
    assert '<option value="learner_left_school">The learner left school or training</option>' in form
    assert str(MatchingReason.LEFT_SCHOOL.label) == "Left school or training"
    words = {"nl": "school of opleiding", "fr": "école ou sa formation", "de": "Schule oder Ausbildung"}
    for language, both in words.items():
        with translation.override(language):
            assert both in str(Match.Closure.LEFT_SCHOOL.label), language
            assert both in str(MatchingReason.LEFT_SCHOOL.label), language
