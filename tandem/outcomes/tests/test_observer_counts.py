"""One small-cell rule for an observer (a funder) on every page: the programme's threshold, through
``core.suppression``, on the programme overview, the matches report, the results dashboard and the
funder report, with every total from which a hidden count could be worked out hidden too."""

from __future__ import annotations

import io
import random

import pytest
from django.test import Client
from django.urls import reverse

from conftest import World
from tandem.core.models import Membership, Person
from tandem.matching.models import Match
from tandem.matching.selectors import STARTED, UNRECORDED, protect_matches
from tandem.matching.tests.factories import numbered_match, relax
from tandem.outcomes.models import OutcomeSettings

pytestmark = pytest.mark.django_db


def _url(world: World, name: str) -> str:
    return reverse(name, kwargs={"org": world.organisation.slug, "prog": world.programme.slug})


def _seven_of_each(world: World, *, threshold: int = 10) -> None:
    """Seven mentors in the programme (the persona and six more), each in an active match: under
    this programme's threshold of ten, yet over the default of five."""
    relax(world)
    OutcomeSettings.objects.update_or_create(programme=world.programme, defaults={"threshold": threshold})
    for i in range(6):
        person = Person.objects.create(organisation=world.organisation, given_name=f"Zzmentor{i}", family_name="Q")
        Membership.objects.create(person=person, organisation=world.organisation, programme=world.programme,
                                  role="mentor")
    for i in range(7):
        numbered_match(world, i, state="active")


def _overview(client: Client, world: World) -> dict[str, str]:
    response = client.get(world.programme.get_absolute_url())
    return {role: ("hidden" if count.suppressed else str(count.value))
            for role, count in (response.context["aggregates"] or {}).items()}


def _results(client: Client, world: World) -> dict[str, str]:
    response = client.get(_url(world, "outcomes:dashboard"))
    return {row.label: row.value for section in response.context["sections"]
            if section.key in ("delivered", "closures") for row in section.rows}


def _report(client: Client, world: World) -> dict[str, str]:
    counts = client.get(_url(world, "matching:report")).context["counts"]
    return {**{label: str(n) or "hidden" for label, n in counts.states},
            **{label: str(n) or "hidden" for _code, label, n in counts.reasons},
            "No reason recorded": str(counts.unrecorded) or "hidden", "All matches": str(counts.total) or "hidden"}


def _funder_rows(world: World) -> dict[str, object]:
    """The report over every pair: a coordinator's report of chosen dates (a funder gets a school
    year's only), suppressed as every report is."""
    from openpyxl import load_workbook

    xlsx = world.client_for("coordinator").get(_url(world, "outcomes:report_xlsx") + "?start=2000-01-01&end=2100-12-31")
    assert xlsx.status_code == 200
    return {row[0]: row[1] for row in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True)
            if row and row[0]}


def test_seven_under_a_threshold_of_ten_is_hidden_from_the_funder_on_every_page(world: World) -> None:
    _seven_of_each(world)
    funder = world.client_for("observer")
    # Before: the overview hid only groups under the fixed five and printed "7 mentors".
    assert _overview(funder, world)["mentor"] == "hidden"
    overview = funder.get(world.programme.get_absolute_url()).content.decode()
    assert "Hidden: groups smaller than 10 are not shown, nor figures from which they could be worked out." \
        in overview
    assert ">7<" not in overview.split('id="h-agg"', 1)[1]
    assert _overview(funder, world)["coordinator"] == "1"  # staff are counted as they are
    assert _report(funder, world)["Active"] == "hidden"
    results = _results(funder, world)
    assert results["Active now"] == "hidden" and results["Mentors"] == "hidden"
    assert results["Learners mentored"] == "hidden" and results["Matches (started)"] == "hidden"
    rows = _funder_rows(world)
    assert rows["Active now"] == "hidden" and rows["Mentors"] == "hidden"


def test_the_coordinator_sees_the_seven(world: World) -> None:
    _seven_of_each(world)
    coordinator = world.client_for("coordinator")
    page = coordinator.get(world.programme.get_absolute_url()).content.decode()
    assert '?role=mentor"><span class="stat">7</span>' in page and 'id="hidden-note"' not in page
    assert _report(coordinator, world)["Active"] == "7"
    results = _results(coordinator, world)
    assert results["Active now"] == "7" and results["Mentors"] == "7"


def test_a_programme_at_the_default_threshold_still_shows_seven(world: World) -> None:
    _seven_of_each(world, threshold=5)
    funder = world.client_for("observer")
    assert _overview(funder, world)["mentor"] == "7" and _report(funder, world)["Active"] == "7"
    assert _results(funder, world)["Active now"] == "7"


def test_a_total_that_would_reveal_a_hidden_count_is_hidden_on_both_pages(world: World) -> None:
    """7 active (hidden under 10), 12 closed as planned: the results dashboard and the report show
    the 19 started matches, so the 12 closed (19 − 12 = 7) and the reasons adding up to them are
    hidden on both pages, alike."""
    _seven_of_each(world)
    for i in range(7, 19):
        numbered_match(world, i, state="closed")  # ended as planned
    funder = world.client_for("observer")
    results, report = _results(funder, world), _report(funder, world)
    assert results["Matches (started)"] == "19"
    assert results["Active now"] == "hidden" and results["Closed"] == "hidden"
    assert results["All closures"] == "hidden" and results["Planned end of the cycle"] == "hidden"
    assert report["Active"] == "hidden" and report["Closed"] == "hidden"
    assert report["Planned end of the cycle"] == "hidden"
    rows = _funder_rows(world)
    assert rows["Matches (started)"] == 19 and rows["Closed"] == "hidden" and rows["All closures"] == "hidden"
    coordinator = _results(world.client_for("coordinator"), world)
    assert coordinator["Closed"] == "12" and coordinator["Active now"] == "7"


def test_the_overview_publishes_no_total_of_people_so_only_small_groups_are_hidden(world: World) -> None:
    """Mentors 7, learners 12 under a threshold of ten: with no total on the page nothing follows
    from the 12, so it is shown (the one mechanism, with the total declared unpublished)."""
    _seven_of_each(world)
    for i in range(11):
        person = Person.objects.create(organisation=world.organisation, given_name=f"Zzlearner{i}", family_name="Q")
        Membership.objects.create(person=person, organisation=world.organisation, programme=world.programme,
                                  role="learner")
    counts = _overview(world.client_for("observer"), world)
    assert counts["mentor"] == "hidden" and counts["learner"] == "12" and counts["guardian"] == "hidden"


def test_the_closure_table_and_the_matches_report_hide_the_same_cells(world: World) -> None:
    """Both pages protect the started matches with ``protect_matches``; the results pages know only
    the started ones (active and closed), the report every state. The counts both show come out the
    same whatever the other states hold (seeded sweep), and so on the pages themselves."""
    rng = random.Random(20261127)
    others = [s for s in Match.State.values if s not in (Match.State.ACTIVE, Match.State.CLOSED)]
    both = [Match.State.ACTIVE, Match.State.CLOSED, STARTED, UNRECORDED,
            *(f"reason:{r}" for r in Match.Closure.values)]
    sizes = [0, 0, 1, 2, 3, 4, 6, 7, 9, 10, 12, 20]
    for _case in range(150):
        threshold = rng.choice([5, 7, 10])
        active, unrecorded = rng.choice(sizes), rng.choice([0, 0, 1, 6])
        reasons = {r: rng.choice(sizes) for r in Match.Closure.values}
        states = {Match.State.ACTIVE: active, **{s: rng.choice(sizes) for s in others}}
        results = protect_matches(states={Match.State.ACTIVE: active}, reasons=reasons, unrecorded=unrecorded,
                                  threshold=threshold)
        report = protect_matches(states=states, reasons=reasons, unrecorded=unrecorded, threshold=threshold)
        assert {k: results[k] for k in both} == {k: report[k] for k in both}, (threshold, states, reasons)
    # On the pages: 7 active, 12 closed (planned), 3 closed without a reason, 2 proposed.
    _seven_of_each(world)
    for i in range(7, 22):
        match = numbered_match(world, i, state="closed")
        if i >= 19:
            Match.objects.filter(pk=match.pk).update(closure_reason="")
    for i in range(22, 24):
        numbered_match(world, i, state="proposed")
    funder = world.client_for("observer")
    results, report = _results(funder, world), _report(funder, world)
    for label in ("Planned end of the cycle", "Goals reached", "Other", "No reason recorded"):
        assert results[label] == report[label], label
    assert results["Active now"] == report["Active"] and results["Closed"] == report["Closed"]
    assert results["No reason recorded"] == "hidden"


def test_a_kept_total_does_not_make_every_count_hidden() -> None:
    """Active 7 hidden under 10; the started total (19) is kept as another page shows it. The
    closed (12) is hidden for it, and then the one reason under the closed: the first exposed
    count (active) has no neighbour left to hide, the next (closed) has. Before, everything went."""
    from tandem.core.suppression import protect_sums

    shown = protect_sums({"active": 7, "planned": 12, "moved": 0}, {
        "closed": ["planned", "moved"], "started": ["active", "closed"]}, threshold=10, shown_elsewhere=["started"])
    assert {k: v.value for k, v in shown.items()} == {
        "active": None, "planned": None, "moved": 0, "closed": None, "started": 19}
