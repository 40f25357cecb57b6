"""Every dashboard figure of the known programme (tests/known.py) against hand-computed values,
the suppression an observer gets, and the funder report's PDF text and XLSX cells."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from conftest import World
from tandem.outcomes import report, selectors
from tandem.outcomes.tests import known

pytestmark = pytest.mark.django_db


def _url(world: World, name: str, **extra: object) -> str:
    return reverse(name, kwargs={"org": world.organisation.slug, "prog": world.programme.slug, **extra})


def test_every_figure_by_hand(world: World) -> None:
    known.build(world)
    f = selectors.figures(programme=world.programme)
    assert (f.matches, f.active, f.closed, f.learners, f.mentors) == (5, 2, 3, 5, 5)
    assert f.meetings_held == 6 and f.minutes == 390 and f.hours == 6.5
    assert f.meetings_per_match == pytest.approx(1.2)
    assert f.match_days_median == 91  # 151, 61, 91
    assert f.closure_reasons == {"planned_end": 1, "relationship_did_not_work": 1, "mentor_moved": 1}
    assert f.early_closures == 2
    assert f.waiting_n == 5 and f.waiting_days_median == 30
    assert (f.goals, f.goals_reached) == (4, 2)
    [survey] = f.surveys
    c = survey.change
    assert c is not None and (c.n, c.before, c.after, c.change) == (5, 24, 29, 5)
    assert c.low == pytest.approx(0.6108, abs=1e-4) and c.high == pytest.approx(9.3892, abs=1e-4)
    assert survey.waves == [("intake", 5, 24), ("closure", 5, 29)]
    assert f.absence_by_cycle == {"2025-2026": (2, 15.0)}
    assert f.dropout(12) == (2, 5)
    assert f.cycles == ["2025-2026"]


def test_filters_by_site_partner_and_cycle(world: World) -> None:
    known.build(world)
    assert selectors.figures(programme=world.programme, filters=selectors.Filters(site=world.site.pk)).matches == 0
    world.school.site = world.site
    world.school.save()
    assert selectors.figures(programme=world.programme, filters=selectors.Filters(site=world.site.pk)).matches == 5
    assert selectors.figures(programme=world.programme,
                             filters=selectors.Filters(partner=world.school.pk)).matches == 5
    assert selectors.figures(programme=world.programme, filters=selectors.Filters(cycle="2024-2025")).matches == 0
    # The school year is filtered in SQL (the day of the first meeting, else the cycle's start).
    every = selectors.figures(programme=world.programme)
    for cycle in every.cycles:
        f = selectors.figures(programme=world.programme, filters=selectors.Filters(cycle=cycle))
        assert f.matches == every.matches and f.meetings_held == every.meetings_held and f.goals == every.goals
    assert selectors.figures(programme=world.programme, filters=selectors.Filters(cycle="abcd-efgh")).matches == 0
    assert selectors.figures(programme=world.programme, filters=selectors.Filters(cycle="2025-2027")).matches == 0


def test_coordinator_sees_exact_figures_and_observer_suppressed(world: World) -> None:
    known.build(world)
    settings = selectors.outcome_settings(world.programme)
    exact = {s.key: s for s in report.build(selectors.figures(programme=world.programme), settings=settings,
                                            suppress=False)}
    delivered = {r.label: r.value for r in exact["delivered"].rows}
    assert delivered["Hours of mentoring"] == "6.5" and delivered["Meetings per match"] == "1.2"
    assert "40%" in exact["closures"].note or "67%" in exact["closures"].note
    dropout = exact["dropout"].rows[0]
    assert dropout.value == "40%" and dropout.n == "5"
    survey = exact["survey-rses-learner"].rows[-1]
    assert survey.value == "+5.00" and "0.61 … 9.39" in survey.extra[0]  # two decimals beside its interval

    hidden = {s.key: s for s in report.build(selectors.figures(programme=world.programme), settings=settings,
                                             suppress=True)}
    closures = {r.label: r.value for r in hidden["closures"].rows}
    assert closures["The mentor moved away"] == "hidden" and closures["All closures"] == "hidden"
    assert "hidden" in hidden["closures"].note
    delivered = {r.label: r.value for r in hidden["delivered"].rows}
    assert delivered["Matches (started)"] == "5" and delivered["Active now"] == "hidden"
    assert delivered["Closed"] == "hidden"
    assert hidden["survey-rses-learner"].rows[-1].value == "+5.00"  # five pairs: at the threshold
    assert hidden["indicators"].rows[0].value == "hidden"  # two measurements only
    every = [v for sec in hidden.values() for r in sec.rows for v in (r.value, r.n, *r.extra)]
    assert not any("fewer than" in v or "not shown" in v for v in every)


def test_observer_sees_no_name_anywhere(world: World) -> None:
    known.build(world)
    client = world.client_for("observer")
    pages = [client.get(_url(world, "outcomes:dashboard")), client.get(_url(world, "outcomes:participation")),
             client.get(_url(world, "outcomes:dashboard") + "?view=table")]
    for page in pages:
        html = page.content.decode()
        assert page.status_code == 200
        assert "PupilA" not in html and "MentorA" not in html
    assert ">hidden<" in pages[0].content.decode() and "fewer than" not in pages[0].content.decode()
    assert "Hidden: groups smaller than 5 are not shown" in pages[0].content.decode()
    for name in ("outcomes:waves", "outcomes:indicators", "outcomes:settings", "outcomes:indicators_import"):
        assert client.get(_url(world, name)).status_code == 403
    assert client.get(_url(world, "outcomes:export", table="matches", fmt="csv")).status_code == 403
    pdf = client.get(_url(world, "outcomes:report_pdf") + "?cycle=2025-2026")
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "PupilA" not in text and "MentorA" not in text and "Pupil " not in text
    assert "hidden" in text and "fewer than" not in text and "Early school leaving" in text
    assert text.count("Hidden: groups smaller than 5") == 1  # one explanation, at the top


def test_funder_report_pdf_and_xlsx(world: World) -> None:
    known.build(world)
    client = world.client_for("coordinator")
    query = "?cycle=2025-2026"
    pdf = client.get(_url(world, "outcomes:report_pdf") + query)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Results report, school year 2025-2026" in text and "Mentoren op Zuid" in text
    assert "paired t" in text and "EU indicator" in text
    fonts = PdfReader(io.BytesIO(pdf.content)).pages[0]["/Resources"]["/Font"]
    assert any("DejaVuSans" in str(font.get_object()["/BaseFont"]) for font in fonts.values())
    xlsx = client.get(_url(world, "outcomes:report_xlsx") + query)
    from openpyxl import load_workbook

    cells = [list(row) for row in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True)]
    flat = {c for row in cells for c in row if c}
    assert "Results report, school year 2025-2026" in flat and "Matches (started)" in flat and "hidden" in flat
    assert not any("fewer than" in str(c) for c in flat)
    assert sum(str(c).startswith("Hidden: groups smaller than 5") for row in cells for c in row) == 1
    row = next(r for r in cells if r[0] == "Matches (started)")
    assert row[1] == 5  # a number the spreadsheet computes with, not the text "5"
    assert next(r for r in cells if r[0] == "Intake")[1:3] == [24, 5]  # Rosenberg: mean score, people
    assert next(r for r in cells if r[0] == "The mentor moved away")[1:3] == ["hidden", "hidden"]


def test_exports_are_formula_safe(world: World) -> None:
    known.build(world)
    world.school.name = "=HYPERLINK(\"http://evil\")"
    world.school.save()
    client = world.client_for("coordinator")
    csv = client.get(_url(world, "outcomes:export", table="matches", fmt="csv")).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in csv
    assert client.get(_url(world, "outcomes:export", table="responses", fmt="xlsx")).status_code == 200
    assert client.get(_url(world, "outcomes:export", table="nope", fmt="csv")).status_code == 404


def test_the_funder_report_defaults_to_the_last_complete_school_year(world: World) -> None:
    from datetime import date

    from django.utils import timezone

    from tandem.outcomes.views.dashboard import school_years

    years = school_years(date(2026, 11, 26))
    assert (years["last_start"], years["last_end"]) == (date(2025, 8, 1), date(2026, 7, 31))
    assert school_years(date(2026, 7, 31))["last_start"] == date(2024, 8, 1)
    known.build(world)
    client = world.client_for("observer")
    today = school_years(timezone.localdate())
    cycle = f"{today['last_start'].year}-{today['last_end'].year}"
    xlsx = client.get(_url(world, "outcomes:report_xlsx"))
    assert f"-{cycle}.xlsx" in xlsx["Content-Disposition"]
    from openpyxl import load_workbook

    first = next(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert first[0] == f"Results report, school year {cycle}"
    page = client.get(_url(world, "outcomes:dashboard")).content.decode()
    this = f"{today['this_start'].year}-{today['this_start'].year + 1}"
    assert f'<option value="{cycle}" selected>' in page and f"{this} (so far)" in page
    # Dates are the coordinators' (a funder's report is of a school year: test_report_periods.py).
    coordinator = world.client_for("coordinator")
    current = coordinator.get(_url(world, "outcomes:report_xlsx") + f"?start={today['this_start']}&end={today['this_end']}")
    first = next(load_workbook(io.BytesIO(current.content)).active.iter_rows(values_only=True))
    assert first[0].startswith("Results report, ") and "school year" not in first[0]
    assert f'value="{today["last_start"]}"' in coordinator.get(_url(world, "outcomes:dashboard")).content.decode()


def test_the_funder_report_of_a_past_year_leaves_out_the_next_years_figures(world: World) -> None:
    """The report for 2025-2026 has that year's absence rates and participation, not the ones of
    2026-2027 (measured or started after the period), which the dashboard still shows."""
    from datetime import date

    from tandem.matching.models import Match
    from tandem.matching.tests.factories import mentor, pupil
    from tandem.outcomes import funder
    from tandem.outcomes.models import SchoolIndicator

    matches = known.build(world)
    SchoolIndicator.objects.create(learner=matches["A"].learner, kind="absence_rate",
                                   measured_on=date(2026, 10, 1), number="30.00")
    Match.objects.create(programme=world.programme, volunteer=mentor(world, "MentorF"), learner=pupil(world, "PupilF"),
                         slot=1, capacity=1, state="active", cycle_start=date(2026, 9, 1))
    every = selectors.figures(programme=world.programme)
    assert set(every.absence_by_cycle) == {"2025-2026", "2026-2027"}
    assert "2026-2027" in selectors.participation(programme=world.programme)["learner_migration"]
    data = funder.build(programme=world.programme, start=date(2025, 8, 1), end=date(2026, 7, 31))
    labels = [row.label for section in data.sections for row in section.rows]
    assert any("2025-2026" in label for label in labels)
    assert not any("2026-2027" in label for label in labels)
    follow_up = selectors.figures(programme=world.programme,
                                  filters=selectors.Filters(start=date(2025, 8, 1), end=date(2026, 7, 31)))
    assert follow_up.absence_by_cycle == {"2025-2026": (2, 15.0)}
    assert follow_up.dropout(12) == (2, 5)  # the follow-up comes after the period and still counts


def test_the_report_reads_right_in_german_and_french(world: World) -> None:
    """German keeps the capital of "Mentees" in "befragt: Mentees" (not the label lowercased);
    French puts its no-break space before the colon and semicolon of a row's details, in the PDF too."""
    from datetime import date

    from django.utils import translation
    from pypdf import PdfReader

    from tandem.outcomes import funder

    known.build(world)
    settings = selectors.outcome_settings(world.programme)
    with translation.override("de"):
        sections = report.build(selectors.figures(programme=world.programme), settings=settings, suppress=True)
        note = next(s.note for s in sections if s.key.startswith("survey-"))
        assert "befragt: Mentees." in note
    with translation.override("fr"):
        data = funder.build(programme=world.programme, start=date(2025, 8, 1), end=date(2026, 7, 31))
        dropout = next(s for s in data.sections if s.key == "dropout")
        assert all("\u00a0: " in extra for extra in dropout.rows[0].extra)
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(funder.to_pdf(data))).pages)
        # (a PDF reader gives the no-break space back as a plain one; no line starts with the mark)
        assert " ; " in text.replace("\n", " ") and "\n;" not in text and "\n:" not in text


def test_the_closed_matches_figure_is_plural_in_french(world: World) -> None:
    """"Clôturés" beside "Actifs maintenant", not the match state "Clôturé" of matching's catalogue."""
    from django.utils import translation

    known.build(world)
    settings = selectors.outcome_settings(world.programme)
    with translation.override("fr"):
        labels = [row.label for row in report.build(selectors.figures(programme=world.programme),
                                                     settings=settings, suppress=False)[0].rows]
    assert "Clôturés" in labels and "Clôturé" not in labels


def test_who_was_asked_keeps_the_capital_of_german_nouns(world: World) -> None:
    """"befragt: Mentees", never "mentees"; Dutch and English set the word in lower case."""
    known.build(world)
    query = "?start=2025-08-01&end=2026-07-31"
    client = world.client_for("coordinator")
    german = client.get(_url(world, "outcomes:report_xlsx") + query, HTTP_ACCEPT_LANGUAGE="de")
    from openpyxl import load_workbook

    cells = {str(c) for row in load_workbook(io.BytesIO(german.content)).active.iter_rows(values_only=True)
             for c in row if c}
    assert any("befragt: Mentees." in c for c in cells), cells
    assert not any("befragt: mentees" in c for c in cells)
    # Learners are "Mentees" in German throughout the report, not "Schülerinnen und Schüler".
    assert not any("Schüler" in c for c in cells) and any("Mentor:innen und Mentees" in c for c in cells)
    dutch = client.get(_url(world, "outcomes:dashboard") + query, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "leerlingen" in dutch and "Leerlingen. Score" not in dutch


def test_a_past_years_report_leaves_out_todays_waiting_list(world: World) -> None:
    """"Learners waiting now" is today's figure: the dashboard shows it, a report of a school year
    that has ended does not (it would read as that year's)."""
    from datetime import date

    from tandem.outcomes import funder

    known.build(world)
    settings = selectors.outcome_settings(world.programme)
    now = [row.label for row in report.build(selectors.figures(programme=world.programme),
                                             settings=settings, suppress=False)[0].rows]
    assert "Learners waiting now" in now
    for data in (funder.build(programme=world.programme, start=date(2025, 8, 1), end=date(2026, 7, 31)),
                 funder.build(programme=world.programme, cycle="2025-2026")):
        labels = [row.label for section in data.sections for row in section.rows]
        assert "Learners waiting now" not in labels and "Matches (started)" in labels
