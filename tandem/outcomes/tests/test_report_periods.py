"""A funder's report is of one of the programme's school years, chosen from a list, never of typed
dates (docs/outcomes.md, *Funder report period*): a school year's report is the dashboard's view of
that school year, protected jointly with every other view, so two reports cannot be subtracted.
Coordinators still choose dates (a report that says it is not protected against other dates)."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import World
from tandem.core.suppression import follows
from tandem.matching.models import Match
from tandem.outcomes import funder, report, selectors
from tandem.outcomes.tests.known import aware
from tandem.outcomes.tests.test_filtered_views import FIRST, SECOND, _programme, _results, _url

pytestmark = pytest.mark.django_db

THRESHOLD = 5
FORMATS = ("outcomes:report_pdf", "outcomes:report_xlsx")


def _carried_over(world: World) -> None:
    """13 pairs started in 2024-2025 (3 of them closed only in October 2025, the mentor having
    moved: a report of dates from 1 August 2025 held them) and 17 in 2025-2026 (2 still active),
    all at one site; threshold 5."""
    _programme(world, {("A", FIRST): 13, ("A", SECOND): 17})
    first = Match.objects.filter(programme=world.programme, cycle_start=date(2024, 9, 1)).order_by("pk")
    Match.objects.filter(pk__in=[m.pk for m in first[:10]]).update(closed_at=aware(date(2025, 6, 30)))
    Match.objects.filter(pk__in=[m.pk for m in first[10:]]).update(
        closed_at=aware(date(2025, 10, 1)), closure_reason=Match.Closure.MENTOR_MOVED)
    second = Match.objects.filter(programme=world.programme, cycle_start=date(2025, 9, 1)).order_by("pk")
    Match.objects.filter(pk__in=[m.pk for m in second[:15]]).update(closed_at=aware(date(2026, 6, 30)))
    Match.objects.filter(pk__in=[m.pk for m in second[15:]]).update(
        state=Match.State.ACTIVE, closed_at=None, closure_reason="")


def _xlsx(response: Any) -> dict[Any, Any]:
    from openpyxl import load_workbook

    assert response.status_code == 200, response.status_code
    return {row[0]: row[1] for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
            if row and row[0]}


def _refused(client: Client, world: World, name: str, query: dict[str, str]) -> str:
    """The download refused: no file, back to the report's form with the reason (the message shown)."""
    response = client.get(_url(world, name), query)
    assert response.status_code == 302, (name, query, response.status_code)
    assert "Content-Disposition" not in response
    assert response["Location"].startswith(_url(world) + "?refused=") and response["Location"].endswith("#report")
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="report-refused"' in html and html.index('id="report-refused"') > html.index('id="report"')
    return str(page.context["report_refusal"])


@pytest.mark.parametrize("name", FORMATS)
@pytest.mark.parametrize("query", [
    {"start": "2025-08-01", "end": "2026-07-31"},  # even a whole school year typed as dates
    {"start": "2025-10-01", "end": "2026-07-31"},
    {"start": "2025-10-01"}, {"end": "2026-07-31"}, {"start": "", "end": ""}, {"start": "not a day"},
    {"cycle": SECOND, "start": "2025-10-01", "end": "2026-07-31"},
], ids=["whole-year-as-dates", "part-of-a-year", "start-only", "end-only", "empty", "garbage", "cycle-and-dates"])
def test_a_funder_cannot_obtain_a_report_of_typed_dates(world: World, name: str, query: dict[str, str]) -> None:
    _carried_over(world)
    message = _refused(world.client_for("observer"), world, name, query)
    assert message == "A report is for a whole school year: choose one from the list."


@pytest.mark.parametrize("name", FORMATS)
@pytest.mark.parametrize("cycle", ["1999-2000", "2025-2027", "2025", "abc", "2025-2026x", "９９９９-2026"])
def test_a_funder_cannot_obtain_a_report_of_a_school_year_not_in_the_list(world: World, name: str,
                                                                         cycle: str) -> None:
    _carried_over(world)
    message = _refused(world.client_for("observer"), world, name, {"cycle": cycle})
    assert message == "There is no report for that school year: choose one from the list."
    # A coordinator too picks a school year from the list (dates are their other way).
    assert world.client_for("coordinator").get(_url(world, name), {"cycle": cycle}).status_code == 302
    # The reason is shown by its key only: nothing typed reaches the page.
    assert world.client_for("observer").get(_url(world), {"refused": "<b>x</b>"}).context["report_refusal"] == ""


def test_a_funders_report_is_the_dashboards_view_of_that_school_year(world: World) -> None:
    """Every school year in the list: the report's counts (XLSX, opened) are the ones the observer's
    dashboard shows for that school year, hidden where it hides them; the carried-over pairs of
    2024-2025 are in that year's report only. The equal-participation rows are the page's."""
    _carried_over(world)
    client = world.client_for("observer")
    years = selectors.report_years(programme=world.programme, today=timezone.localdate())
    assert {FIRST, SECOND} <= set(years) and years == sorted(years, reverse=True)
    labels = ("Matches (started)", "Active now", "Closed", "All closures", "Planned end of the cycle",
              "Learners mentored", "Mentors")
    for year in years:
        rows = _xlsx(client.get(_url(world, "outcomes:report_xlsx"), {"cycle": year}))
        assert next(iter(rows)) == f"Results report, school year {year}"
        view = _results(client, world, cycle=year)
        for label in labels:
            if label in view:
                assert str(rows.get(label, "–")) == view[label], (year, label)
    coordinator = world.client_for("coordinator")  # the exact counts: the carried-over pairs in their first year
    assert _results(coordinator, world, cycle=FIRST)["Matches (started)"] == "13"
    assert _results(coordinator, world, cycle=SECOND)["Matches (started)"] == "17"
    rows = _xlsx(client.get(_url(world, "outcomes:report_xlsx"), {"cycle": FIRST}))
    assert rows["The mentor moved away"] == "hidden" and rows["Active now"] == 0
    assert _xlsx(client.get(_url(world, "outcomes:report_xlsx"), {"cycle": SECOND}))["Active now"] == "hidden"
    # The download's name says its school year.
    pdf = client.get(_url(world, "outcomes:report_pdf"), {"cycle": SECOND})
    assert pdf.status_code == 200 and f"-{SECOND}.pdf" in pdf["Content-Disposition"]
    # Equal participation: the report's row of its school year is the page's row (one protected table).
    page = client.get(_url(world, "outcomes:participation")).context["sections"]
    built = funder.build(programme=world.programme, cycle=SECOND)
    for section in page:
        mine = next(s for s in built.sections if s.key == section.key)
        assert [(r.label, r.value, r.n, r.extra) for r in mine.rows] == \
            [(r.label, r.value, r.n, r.extra) for r in section.rows if SECOND in str(r.label)], section.key


def test_two_funder_reports_cannot_be_subtracted(world: World) -> None:
    """The reports a funder can obtain are the school years' views: disjoint (each pair in one), and
    protected jointly with the whole programme's view. From the whole and every report together, and
    every sum within each, no small count follows (rank over exact fractions). Before, the report of
    1 August 2025 – 31 July 2026 minus one of 1 October 2025 – 31 July 2026 was the 3 pairs that closed
    in between."""
    _carried_over(world)
    today = timezone.localdate()
    years = selectors.report_years(programme=world.programme, today=today)
    shown: dict[tuple[str, str], Any] = {}
    whole = report.whole_counts(selectors.parts(programme=world.programme), threshold=THRESHOLD)
    for year in years:
        figures = selectors.figures(programme=world.programme, filters=selectors.Filters(cycle=year))
        counts = report.joint_view(figures, threshold=THRESHOLD)
        assert counts is not None
        for key, value in counts.items():
            shown[(year, key)] = value
        # The report is built from exactly these counts.
        built = {row.label: row.value for s in funder.build(programme=world.programme, cycle=year).sections
                 for row in s.rows}
        assert built["Matches (started)"] == report.Show(selectors.outcome_settings(world.programme),
                                                         suppress=True).count(counts["started"])
    for key, value in whole.items():
        shown[("whole", key)] = value
    keys = [k for k in report.JOINT_KEYS if k not in ("learners", "mentors")]
    exact = selectors.parts(programme=world.programme).whole()
    # Disjoint: the school years' exact counts add up to the whole's (no pair without a start date here).
    parts = selectors.parts(programme=world.programme)
    for key in keys:
        assert sum(parts.counts.get((selectors.WHOLE, y), {}).get(key, 0) for y in years) == exact.get(key, 0), key
    equations = [(("whole", k), [(y, k) for y in years]) for k in keys]
    for view in ["whole", *years]:
        equations += [((view, total), [(view, m) for m in members]) for total, members in selectors.PART_SUMS.items()]
    hidden = {cell for cell, value in shown.items() if value.suppressed and cell[1] in keys}
    assert hidden, "the scenario hides something"
    values = {**{(y, k): parts.counts.get((selectors.WHOLE, y), {}).get(k, 0) for y in years for k in keys},
              **{("whole", k): exact.get(k, 0) for k in keys}}
    found = follows(equations, hidden)
    assert not [cell for cell in found if 0 < values[cell] < THRESHOLD], found


def test_coordinators_still_choose_dates_and_the_report_says_what_it_is(world: World) -> None:
    _carried_over(world)
    client = world.client_for("coordinator")
    period = {"start": "2025-10-01", "end": "2026-03-31"}
    rows = _xlsx(client.get(_url(world, "outcomes:report_xlsx"), period))
    title = next(iter(rows))
    assert title.startswith("Results report, ") and "school year" not in title
    assert any(str(label).startswith("A report of chosen dates") for label in rows)
    pdf = client.get(_url(world, "outcomes:report_pdf"), period)
    assert pdf.status_code == 200 and "2025-10-01-2026-03-31.pdf" in pdf["Content-Disposition"]
    from pypdf import PdfReader

    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "not against reports of other dates" in " ".join(text.split())
    # A school year's report says which pairs it counts.
    rows = _xlsx(client.get(_url(world, "outcomes:report_xlsx"), {"cycle": SECOND}))
    assert any(str(label).startswith("The pairs that started in this school year") for label in rows)


def test_the_report_form_offers_school_years_to_a_funder_and_dates_to_a_coordinator(world: World) -> None:
    _carried_over(world)
    funder_page = world.client_for("observer").get(_url(world), {"cycle": FIRST}).content.decode()
    assert 'id="r-cycle"' in funder_page and f'<option value="{FIRST}" selected>' in funder_page
    assert 'name="start"' not in funder_page and 'name="end"' not in funder_page
    coordinator_page = world.client_for("coordinator").get(_url(world)).content.decode()
    assert 'id="r-cycle"' in coordinator_page and 'id="r-start"' in coordinator_page
    this = selectors.cycle_of(timezone.localdate())
    assert f"{this} (so far)" in coordinator_page
    # A funder's default (the overview's link): the last complete school year.
    last = selectors.cycle_of(date(timezone.localdate().year - 1, timezone.localdate().month, 1))
    rows = _xlsx(world.client_for("observer").get(_url(world, "outcomes:report_xlsx")))
    assert next(iter(rows)) == f"Results report, school year {last}"
