"""The matches report an observer (a funder) reads: small groups hidden, and every figure from which
a hidden one could be worked out hidden too (core.suppression, as on the results dashboards)."""

from __future__ import annotations

import re

import pytest

from conftest import World
from tandem.core.suppression import protect_sums
from tandem.matching import selectors
from tandem.matching.models import Match
from tandem.matching.tests.factories import numbered_match, programme_url, relax
from tandem.outcomes.models import OutcomeSettings

pytestmark = pytest.mark.django_db


def _figures(page: str, table: str) -> dict[str, str]:
    """The rows of one table of the report: label -> the figure as printed."""
    body = page.split(f'id="{table}"', 1)[1].split("</table>", 1)[0]
    return dict(re.findall(r'<th scope="row">([^<]+)</th><td>([^<]*)</td>', body))


def _report_world(world: World) -> None:
    """8 closed matches (6 ended as planned, 2 reached their goals) and 5 active ones: the "2" is
    hidden, and the closed total (8) with the other reason (6) would give it away."""
    relax(world)
    reasons = ["planned_end"] * 6 + ["goals_reached"] * 2
    for i, reason in enumerate(reasons):
        match = numbered_match(world, i, state="closed")
        Match.objects.filter(pk=match.pk).update(closure_reason=reason)
    for i in range(len(reasons), len(reasons) + 5):
        numbered_match(world, i, state="active")


def test_an_observer_cannot_work_a_hidden_closure_count_out_from_the_total(world: World) -> None:
    _report_world(world)
    page = world.client_for("observer").get(programme_url(world, "matching:report")).content.decode()
    reasons, states = _figures(page, "closure-reasons"), _figures(page, "match-states")
    assert states["Closed"] == "8" and states["Active"] == "5" and states["All matches"] == "13"
    # Before: "Goals reached: hidden" beside "Planned end: 6" and "Closed: 8" (8 - 6 = 2).
    assert reasons["Goals reached"] == "hidden"
    assert reasons["Planned end of the cycle"] == "hidden"
    assert reasons["Other"] == "0"  # zeros single nobody out
    assert "nor figures from which they could be worked out" in page
    assert "No reason recorded" not in page


def test_coordinators_see_the_exact_counts(world: World) -> None:
    _report_world(world)
    page = world.client_for("coordinator").get(programme_url(world, "matching:report")).content.decode()
    reasons, states = _figures(page, "closure-reasons"), _figures(page, "match-states")
    assert reasons["Goals reached"] == "2" and reasons["Planned end of the cycle"] == "6"
    assert states["Closed"] == "8" and states["All matches"] == "13"
    assert "hidden" not in reasons.values() and 'id="hidden-note"' not in page


def test_the_report_hides_what_the_programmes_results_settings_say(world: World) -> None:
    _report_world(world)
    OutcomeSettings.objects.update_or_create(programme=world.programme, defaults={"threshold": 7})
    page = world.client_for("observer").get(programme_url(world, "matching:report")).content.decode()
    assert "Hidden: groups smaller than 7" in page
    states = _figures(page, "match-states")
    assert states["Active"] == "hidden"  # 5 is under this programme's 7
    # Active (5) would follow from the started matches the results dashboard shows (13) minus the closed (8).
    assert states["Closed"] == "hidden"


def test_a_closed_match_without_a_reason_is_counted_and_protected(world: World) -> None:
    _report_world(world)
    Match.objects.filter(closure_reason="goals_reached").update(closure_reason="")
    observer = world.client_for("observer").get(programme_url(world, "matching:report")).content.decode()
    assert _figures(observer, "closure-reasons")["No reason recorded"] == "hidden"
    assert _figures(observer, "closure-reasons")["Planned end of the cycle"] == "hidden"
    coordinator = world.client_for("coordinator").get(programme_url(world, "matching:report")).content.decode()
    assert _figures(coordinator, "closure-reasons")["No reason recorded"] == "2"


def test_a_tree_of_sums_hides_a_second_count_where_one_would_follow() -> None:
    shown = protect_sums({"a": 6, "b": 2, "c": 0}, {"all": ["a", "b", "c"]}, threshold=5)
    assert shown["b"].suppressed and shown["a"].suppressed
    assert shown["c"].value == 0 and shown["all"].value == 8


def test_the_started_total_of_the_results_dashboard_cannot_be_combined_with_the_report(world: World) -> None:
    """The results dashboard shows "Matches (started)" = active + closed (13). With 3 active hidden,
    the closed count must not be shown (13 - 10 = 3), nor every reason that adds up to it."""
    relax(world)
    for i in range(10):
        match = numbered_match(world, i, state="closed")
        Match.objects.filter(pk=match.pk).update(closure_reason="planned_end" if i < 5 else "goals_reached")
    for i in range(10, 13):
        numbered_match(world, i, state="active")
    report = selectors.match_report(programme=world.programme, threshold=5)
    states = dict(report.states)
    assert states["Active"].suppressed and states["Closed"].suppressed
    assert any(n.suppressed for _code, _label, n in report.reasons)
    exact = selectors.match_report(programme=world.programme)
    assert dict(exact.states)["Active"].value == 3 and exact.total.value == 13
