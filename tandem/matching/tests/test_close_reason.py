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
