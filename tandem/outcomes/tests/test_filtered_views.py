"""A funder cannot work out a hidden count by subtracting one results view from another: an
observer's view filtered by site, school or school year (or both) is protected jointly with every
other part of the programme and with the unfiltered view and the funder report
(``selectors.parts``, ``report.joint_counts``, ``suppression.protect_lines``)."""

from __future__ import annotations

import io
import os
import random
import re
from datetime import date
from fractions import Fraction
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import World
from tandem.core.models import PartnerInstitution, Site
from tandem.core.suppression import EXACT_LIMIT
from tandem.intake.models import Learner
from tandem.matching.models import Match
from tandem.matching.tests.factories import numbered_match, relax
from tandem.outcomes import report, selectors
from tandem.outcomes.models import OutcomeSettings

FIRST, SECOND = "2024-2025", "2025-2026"
COUNTS = ("Matches (started)", "Closed", "All closures", "Planned end of the cycle", "Learners mentored", "Mentors")


def _url(world: World, name: str = "outcomes:dashboard") -> str:
    return reverse(name, kwargs={"org": world.organisation.slug, "prog": world.programme.slug})


def _results(client: Client, world: World, **query: Any) -> dict[str, str]:
    response = client.get(_url(world), query)
    assert response.status_code == 200
    return {row.label: row.value for section in response.context["sections"]
            if section.key in ("delivered", "closures") for row in section.rows}


def _programme(world: World, pairs: dict[tuple[str, str], int]) -> dict[str, Site]:
    """Pairs closed as planned, ``pairs[(site, year)]`` at each site ("A" is the world's site, "B"
    a second one, each with a school of its own) starting in each school year; threshold 5."""
    relax(world)
    OutcomeSettings.objects.update_or_create(programme=world.programme, defaults={"threshold": 5})
    sites = {"A": world.site, "B": Site.objects.create(programme=world.programme, name="Charlois", city="Rotterdam")}
    PartnerInstitution.objects.filter(pk=world.school.pk).update(site=sites["A"])
    schools = {"A": world.school, "B": PartnerInstitution.objects.create(
        programme=world.programme, name="De Horizon", kind="primary_school", city="Rotterdam", site=sites["B"])}
    i = 0
    for (site, year), n in pairs.items():
        for _ in range(n):
            match = numbered_match(world, i, state="closed")
            Match.objects.filter(pk=match.pk).update(first_meeting_at=None, cycle_start=date(int(year[:4]), 9, 1))
            Learner.objects.filter(pk=match.learner_id).update(institution=schools[site])
            i += 1
    return sites


def _funder_report(world: World) -> tuple[dict[str, Any], str]:
    """The report over every pair (XLSX rows by label, and the PDF's text): a coordinator's report
    of chosen dates (a funder gets a school year's only), suppressed as every report is."""
    from openpyxl import load_workbook
    from pypdf import PdfReader

    client = world.client_for("coordinator")
    period = {"start": "2000-01-01", "end": "2100-12-31"}
    xlsx = client.get(_url(world, "outcomes:report_xlsx"), period)
    rows = {row[0]: row[1] for row in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True)
            if row and row[0]}
    pdf = client.get(_url(world, "outcomes:report_pdf"), period)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    return rows, text


@pytest.mark.django_db
def test_closed_twenty_site_a_seventeen_site_b_three(world: World) -> None:
    """Before: site A's view showed Closed 17 beside the unfiltered 20 (and the funder report's 20),
    so a funder read that the other sites closed 3. Now site A's counts are hidden with site B's 3;
    the unfiltered 20 is still shown; the coordinator sees 17 and 3."""
    sites = _programme(world, {("A", SECOND): 17, ("B", SECOND): 3})
    funder = world.client_for("observer")
    whole = _results(funder, world)
    assert whole["Closed"] == "20" and whole["Matches (started)"] == "20" and whole["Learners mentored"] == "20"
    rows, text = _funder_report(world)
    assert rows["Closed"] == 20 and re.search(r"Closed\s+20\b", text)
    at_a, at_b = _results(funder, world, site=sites["A"].pk), _results(funder, world, site=sites["B"].pk)
    for label in COUNTS:
        assert at_a[label] == "hidden", label
        assert at_b[label] == "hidden", label
    for label in ("Meetings per match", "Match length, median (days)"):  # a mean over 17 beside one over 20
        assert at_a[label] == "hidden", label
    page = funder.get(_url(world), {"site": sites["A"].pk}).content.decode()
    assert ">17<" not in page and 'id="hidden-note"' in page
    # The note says why a count that is not small is hidden here (not on the unfiltered page).
    assert "In a filtered view, a figure is also hidden" in page
    assert "In a filtered view" not in funder.get(_url(world)).content.decode()
    coordinator = world.client_for("coordinator")
    assert _results(coordinator, world, site=sites["A"].pk)["Closed"] == "17"
    assert _results(coordinator, world, site=sites["B"].pk)["Closed"] == "3"


@pytest.mark.django_db
def test_a_site_whose_rest_is_large_shows_its_numbers(world: World) -> None:
    sites = _programme(world, {("A", SECOND): 12, ("B", SECOND): 10})
    funder = world.client_for("observer")
    at_a, at_b = _results(funder, world, site=sites["A"].pk), _results(funder, world, site=sites["B"].pk)
    assert at_a["Closed"] == "12" and at_a["Learners mentored"] == "12" and at_a["Meetings per match"] != "hidden"
    assert at_b["Closed"] == "10" and at_b["Planned end of the cycle"] == "10"


@pytest.mark.django_db
def test_one_school_year_cannot_be_subtracted_from_every_year(world: World) -> None:
    """17 pairs started in one school year, 3 in the next, at one site: the year views showed 17
    beside the unfiltered 20 (and the report's 20)."""
    _programme(world, {("A", FIRST): 17, ("A", SECOND): 3})
    funder = world.client_for("observer")
    rows, _text = _funder_report(world)
    assert rows["Closed"] == 20 and _results(funder, world)["Closed"] == "20"
    first, second = _results(funder, world, cycle=FIRST), _results(funder, world, cycle=SECOND)
    for label in COUNTS:
        assert first[label] == "hidden" and second[label] == "hidden", label
    assert _results(world.client_for("coordinator"), world, cycle=FIRST)["Closed"] == "17"


@pytest.mark.django_db
def test_a_site_in_a_year_cannot_be_subtracted_from_the_site_or_the_year(world: World) -> None:
    """Site A: 17 pairs in the first year, 3 in the second; site B: 10 in each. Before, site A in the
    first year showed 17 beside site A's 20 (so A had 3 in the second year), and site A in the
    second year hid its 3 but the second year's 13 minus site B's 10 gave it too."""
    sites = _programme(world, {("A", FIRST): 17, ("A", SECOND): 3, ("B", FIRST): 10, ("B", SECOND): 10})
    funder = world.client_for("observer")
    rows, text = _funder_report(world)
    assert rows["Closed"] == 40 and re.search(r"Closed\s+40\b", text)
    a, b = sites["A"].pk, sites["B"].pk
    views = {(site, year): _results(funder, world, **{k: v for k, v in (("site", site), ("cycle", year)) if v})
             for site in (None, a, b) for year in (None, FIRST, SECOND)}

    def closed(site: int | None, year: str | None) -> int | None:
        value = views[(site, year)]["Closed"]
        return None if value == "hidden" else int(value)

    assert closed(None, None) == 40
    assert closed(a, SECOND) is None  # 3: small
    # Every way to reach A's second year by subtraction is closed.
    for whole, other in (((a, None), (a, FIRST)), ((None, SECOND), (b, SECOND))):
        assert closed(*whole) is None or closed(*other) is None, (whole, other)
    # And every line of the grid that holds a hidden count holds a second one.
    for line in ([(a, None), (a, FIRST), (a, SECOND)], [(b, None), (b, FIRST), (b, SECOND)],
                 [(None, FIRST), (a, FIRST), (b, FIRST)], [(None, SECOND), (a, SECOND), (b, SECOND)],
                 [(None, None), (a, None), (b, None)], [(None, None), (None, FIRST), (None, SECOND)]):
        assert sum(closed(*view) is None for view in line) != 1, line
    coordinator = world.client_for("coordinator")
    assert _results(coordinator, world, site=a, cycle=SECOND)["Closed"] == "3"


@pytest.mark.django_db
def test_learners_and_mentors_are_hidden_with_the_started_matches(world: World) -> None:
    """Every learner and mentor has one pair, so their numbers are the started matches': where the
    joint protection hides the matches (site A's 12, beside site B's 3), it hides them too."""
    sites = _programme(world, {("A", SECOND): 12, ("B", SECOND): 3})
    funder = world.client_for("observer")
    at_a = _results(funder, world, site=sites["A"].pk)
    assert at_a["Matches (started)"] == "hidden"
    assert at_a["Learners mentored"] == "hidden" and at_a["Mentors"] == "hidden"
    # Protected on its own, a view hides its learners with its started matches too.
    shown = report.alone_counts({"active": 0, "learners": 12, "mentors": 12}, threshold=5)
    assert shown["learners"].value == 0 or shown["learners"].suppressed is shown["started"].suppressed


@pytest.mark.django_db
def test_the_grouped_pass_does_not_grow_with_the_sites(world: World) -> None:
    """An observer's site view reads every part in a fixed number of queries: two sites or eight."""
    sites = _programme(world, {("A", SECOND): 6, ("B", SECOND): 6})
    funder = world.client_for("observer")

    def queries() -> int:
        with CaptureQueriesContext(connection) as seen:
            _results(funder, world, site=sites["A"].pk, cycle=SECOND)
        return len(seen)

    _results(funder, world, site=sites["A"].pk)  # warm the session and the settings row
    before = queries()
    for k in range(6):
        site = Site.objects.create(programme=world.programme, name=f"Site {k}", city="Rotterdam")
        school = PartnerInstitution.objects.create(programme=world.programme, name=f"School {k}",
                                                   kind="primary_school", city="Rotterdam", site=site)
        match = numbered_match(world, 100 + k, state="closed")
        Learner.objects.filter(pk=match.learner_id).update(institution=school)
    assert queries() == before
    with CaptureQueriesContext(connection) as seen:
        selectors.parts(programme=world.programme)
    # Sites, schools, pairs with their goals, survey answers, pulse answers (the pulse's gap
    # setting only when there is one), school indicators, waiting learners.
    assert len(seen) == 7


@pytest.mark.django_db
def test_the_grouped_pass_counts_what_each_filtered_view_counts(world: World) -> None:
    """``parts`` reads every view at once; each view's counts are those ``figures`` reads alone."""
    sites = _programme(world, {("A", FIRST): 7, ("A", SECOND): 3, ("B", SECOND): 5})
    parts = selectors.parts(programme=world.programme)
    for site in (None, sites["A"].pk, sites["B"].pk):
        for year in ("", FIRST, SECOND):
            filters = selectors.Filters(site=site, cycle=year)
            f = selectors.figures(programme=world.programme, filters=filters)
            found = parts.counts.get(parts.view(filters) or (None, ""), {})
            assert (found.get("started", 0), found.get("closed", 0), found.get("learners", 0),
                    found.get("mentors", 0), found.get("goals", 0)) == (
                f.matches, f.closed, f.learners, f.mentors, f.goals), (site, year)


# The randomized check, on counts built in Python (no database): for random programmes (sites with
# one or two schools, two or three school years, some pairs at no school or without a start date),
# nothing small follows from everything every view and the whole show together.

LEAVES = ["active", *(f"reason:{code}" for code in Match.Closure.values), "unrecorded"]
KEYS = {**{leaf: [leaf] for leaf in LEAVES}, "closed": LEAVES[1:], "started": LEAVES}
LEAVES_AND_GOALS = [*LEAVES, "goals:reached", "goals:other"]


class _Span:
    """The row space of published sums (one reduced echelon form over exact fractions): whether a
    sum follows from them is one reduction of its vector."""

    def __init__(self, rows: list[list[Fraction]]) -> None:
        self.pivots: dict[int, list[Fraction]] = {}
        for row in rows:
            row = self.reduce(row)
            lead = next((i for i, v in enumerate(row) if v), None)
            if lead is not None:
                self.pivots[lead] = [v / row[lead] for v in row]

    def reduce(self, row: list[Fraction]) -> list[Fraction]:
        row = row[:]
        for lead, pivot in sorted(self.pivots.items()):
            if row[lead]:
                factor = row[lead]
                row = [a - factor * b for a, b in zip(row, pivot, strict=True)]
        return row

    def holds(self, row: list[Fraction]) -> bool:
        return not any(self.reduce(row))


def _random_parts(rng: random.Random) -> tuple[selectors.Parts, dict[tuple[Any, str], dict[str, int]]]:
    sites: dict[int | None, list[int | None]] = {None: [None]}
    for s in range(rng.randint(2, 3)):
        sites[s] = [10 * s + k for k in range(rng.randint(1, 2))]
    years = ["2023-2024", "2024-2025", "2025-2026"][:rng.randint(2, 3)]
    cells = {(p, y): {leaf: rng.choice([0, 0, 0, 1, 2, 3, 4, 6, 9, 15]) for leaf in LEAVES}
             for ps in sites.values() for p in ps for y in [*years, ""]}
    for p, y in cells:  # fewer pairs nowhere
        if p is None or y == "":
            cells[(p, y)] = {leaf: n if rng.random() < 0.3 else 0 for leaf, n in cells[(p, y)].items()}
    site_of = {p: s for s, ps in sites.items() for p in ps}
    values: dict[tuple[Any, str, str], int] = {}
    rows = [selectors.WHOLE, *(("site", s) for s in sites), *(("partner", p) for ps in sites.values() for p in ps)]
    for row in rows:
        for col in [selectors.ALL_YEARS, *years, ""]:
            inside = [c for c in cells if (row == selectors.WHOLE or (row[0] == "site" and site_of[c[0]] == row[1])
                                           or (row[0] == "partner" and c[0] == row[1]))
                      and col in (selectors.ALL_YEARS, c[1])]
            for key, leaves in KEYS.items():
                values[(row, col, key)] = sum(cells[c][leaf] for c in inside for leaf in leaves)
            for key in ("learners", "mentors", "goals:reached", "goals:other", "goals"):
                values[(row, col, key)] = 0
            if col == selectors.ALL_YEARS:
                values[(row, col, "waiting")] = 0
    return _as_parts(values, sites, years), cells


def _as_parts(values: dict[tuple[Any, str, str], int], sites: dict[int | None, list[int | None]],
              years: list[str]) -> selectors.Parts:
    counts: dict[tuple[Any, str], dict[str, int]] = {}
    for (row, col, key), n in values.items():
        counts.setdefault((row, col), {})[key] = n
    return selectors.Parts(counts=counts, sites=sites, years=years)


@pytest.mark.parametrize("exact_limit", [EXACT_LIMIT, 0], ids=["with-the-exact-check", "the-line-rule-alone"])
def test_nothing_small_follows_from_every_view_together(exact_limit: int) -> None:
    """Every small count, and every small rest of a shown view inside another shown view, is out
    of reach of everything all the views show together (checked by rank over exact fractions),
    with the exact check as on a small programme and with the line rule alone as on a large one.
    ``ROUNDS=300`` in the environment runs more random programmes."""
    rng = random.Random(20261127)
    threshold = 5
    for _round in range(int(os.environ.get("ROUNDS", 25))):
        parts, cells = _random_parts(rng)
        whole = report.alone_counts(parts.whole(), threshold=threshold)
        joint = report.joint_counts(parts, threshold=threshold, whole=whole, exact_limit=exact_limit).views()
        unknowns = [(c, leaf) for c in cells for leaf in LEAVES]
        site_of = {p: s for s, ps in parts.sites.items() for p in ps}

        def covers(row: Any, col: str, cells: dict = cells, site_of: dict = site_of) -> list[Any]:
            return [c for c in cells if (row == selectors.WHOLE or (row[0] == "site" and site_of[c[0]] == row[1])
                                         or (row[0] == "partner" and c[0] == row[1]))
                    and col in (selectors.ALL_YEARS, c[1])]

        def vector(of: list[Any], key: str, unknowns: list = unknowns) -> list[Fraction]:
            return [Fraction(1 if c in of and leaf in KEYS[key] else 0) for c, leaf in unknowns]

        published = {view: shown for view, shown in joint.items()
                     if view[0] not in (("site", None), ("partner", None)) and view[1] != ""}
        span = _Span([vector(covers(*view), key) for view, shown in published.items() for key in KEYS
                      if not shown[key].suppressed])

        def follows(of: list[Any], key: str, span: _Span = span) -> bool:
            return span.holds(vector(of, key))

        for view, shown in joint.items():
            of = covers(*view)
            for key in KEYS:
                value = sum(cells[c][leaf] for c in of for leaf in KEYS[key])
                if 0 < value < threshold:
                    assert shown[key].suppressed, (view, key)
                    assert not follows(of, key), (view, key, cells)
        # A view minus a view inside it (the whole minus a site, a site minus its school in one
        # year, …), both shown or worked out from what is shown, is never small.
        inside = {view: set(covers(*view)) for view in published}
        known = {(view, key) for view, shown in published.items() for key in KEYS
                 if not shown[key].suppressed or follows(covers(*view), key)}
        for outer in published:
            for inner in published:
                if inner == outer or not inside[inner] <= inside[outer]:
                    continue
                rest = inside[outer] - inside[inner]
                for key in KEYS:
                    value = sum(cells[c][leaf] for c in rest for leaf in KEYS[key])
                    if (outer, key) in known and (inner, key) in known and 0 < value < threshold:
                        raise AssertionError((outer, inner, key, value))


def test_forty_sites_in_one_run() -> None:
    """The line rule scales: forty sites of two schools over three school years (some 10,000 counts)
    in one run, every line with a hidden count holding a second one."""
    import time

    rng = random.Random(40)
    sites: dict[int | None, list[int | None]] = {None: [None], **{s: [2 * s, 2 * s + 1] for s in range(40)}}
    years = ["2023-2024", "2024-2025", "2025-2026"]
    values: dict[tuple[Any, str, str], int] = {}
    cols = [selectors.ALL_YEARS, *years, ""]
    for p in [q for ps in sites.values() for q in ps]:
        for y in years:
            cell = {leaf: rng.choice([0, 1, 2, 3, 5, 8, 13]) for leaf in LEAVES_AND_GOALS}
            for key, n in cell.items():
                values[(("partner", p), y, key)] = n
    for key in LEAVES_AND_GOALS:
        for p in [q for ps in sites.values() for q in ps]:
            values[(("partner", p), "", key)] = 0
            values[(("partner", p), selectors.ALL_YEARS, key)] = sum(values[(("partner", p), y, key)] for y in years)
        for col in cols:
            for s, ps in sites.items():
                values[(("site", s), col, key)] = sum(values[(("partner", p), col, key)] for p in ps)
            values[(selectors.WHOLE, col, key)] = sum(values[(("site", s), col, key)] for s in sites)
    rows = {k[0] for k in values}
    for row in rows:
        for col in cols:
            for total, keys in selectors.PART_SUMS.items():
                values[(row, col, total)] = sum(values[(row, col, k)] for k in keys)
            values[(row, col, "learners")] = values[(row, col, "mentors")] = values[(row, col, "started")]
            if col == selectors.ALL_YEARS:
                values[(row, col, "waiting")] = 0
    parts = _as_parts(values, sites, years)
    whole = report.alone_counts(parts.whole(), threshold=5)
    began = time.perf_counter()
    joint = report.joint_counts(parts, threshold=5, whole=whole).views()
    assert time.perf_counter() - began < 5  # ~0.1 s here; the exact check of 0686d79 took minutes
    hidden = {(row, col, key) for (row, col), shown in joint.items() for key, v in shown.items() if v.suppressed}
    for row in rows:
        line = [(row, col, "closed") for col in cols if col != ""]
        if row not in (("site", None), ("partner", None)):
            assert sum(k in hidden for k in line) != 1, line
        for key in ("started", "learners", "mentors"):
            if (row, selectors.ALL_YEARS, "started") in hidden and values[(row, selectors.ALL_YEARS, key)]:
                assert (row, selectors.ALL_YEARS, key) in hidden
