"""The survey, pulse, indicator and follow-up counts of an observer's filtered view are protected
jointly with every other view (``selectors.parts`` reads them per part, ``report.joint_counts``
protects them across the parts), and the funder report of a period jointly with the dashboard's
views of the whole programme (``report.period_counts``). The differencing attack, for each count:
a view's total minus its shown parts never leaves a small group a reader can isolate."""

from __future__ import annotations

import io
import os
import random
import re
from datetime import date
from fractions import Fraction
from typing import Any

import pytest

from conftest import World
from tandem.core.models import Person
from tandem.core.suppression import EXACT_LIMIT, Shown
from tandem.intake.models import Learner
from tandem.matching.models import Match
from tandem.matching.tests.factories import mentor, numbered_match, relax
from tandem.outcomes import report, selectors
from tandem.outcomes.models import SchoolIndicator, SurveyResponse, SurveyWave
from tandem.outcomes.tests.known import aware
from tandem.outcomes.tests.test_filtered_views import FIRST, SECOND, _programme, _Span, _url
from tandem.support.models import PulseRating

THRESHOLD = 5


def _wave(world: World, instrument: str, audience: str, kind: str, *, anonymous: bool = False) -> SurveyWave:
    return SurveyWave.objects.create(programme=world.programme, instrument=instrument, audience=audience, kind=kind,
                                     opens_on=date(2024, 8, 1), closes_on=date(2027, 7, 1), anonymous=anonymous)


def _pairs(world: World) -> list[Match]:
    return list(Match.objects.filter(programme=world.programme, state__in=("active", "closed")).order_by("pk"))


def _extras(world: World) -> None:
    """Answers on every pair (intake and closure of the self-esteem scale), anonymous answers,
    supervisors' answers, pulse ratings, absence rates and follow-up statuses; one learner with a
    second pair in the next school year (intake on the first, closure on the second)."""
    pairs = _pairs(world)
    intake, closure = _wave(world, "rses", "learner", "intake"), _wave(world, "rses", "learner", "closure")
    anonymous = _wave(world, "belonging", "learner", "closure", anonymous=True)
    supervised = [_wave(world, "supervisor-progress", "supervisor", kind) for kind in ("intake", "closure")]
    for i, match in enumerate(pairs):
        person = match.learner.person
        SurveyResponse.objects.create(wave=intake, person=person, match=match, score=20 + i % 7)
        if i % 3:
            SurveyResponse.objects.create(wave=closure, person=person, match=match, score=24 + i % 5)
        if i % 4 == 0:
            SurveyResponse.objects.create(wave=anonymous, score=3.0)
        for side, day in (("mentor", 3), ("learner", 4)) if i % 2 else (("mentor", 3),):
            PulseRating.objects.create(match=match, side=side, score=1 + (i * 3 + day) % 5, at=aware(date(2025, 10, day)))
        SchoolIndicator.objects.create(learner=match.learner, kind="absence_rate", measured_on=date(2025, 10, 1),
                                       number="5.00")
        SchoolIndicator.objects.create(learner=match.learner, kind="school_status", measured_on=date(2026, 9, 1),
                                       code=("in_education", "qualified", "left_unqualified")[i % 3], months_after=12)
    for k in range(3):
        person = Person.objects.create(organisation=world.organisation, given_name=f"Sup{k}", family_name="S")
        for wave in supervised:
            SurveyResponse.objects.create(wave=wave, person=person, score=2.5 + k)
    # The first pair's learner starts again in the next school year with another mentor.
    first = pairs[0]
    again = Match.objects.create(programme=world.programme, volunteer=mentor(world, "Again"), learner=first.learner,
                                 slot=1, capacity=1, state="active", cycle_start=date(2025, 9, 15))
    SurveyResponse.objects.filter(wave=closure, person=first.learner.person).delete()
    SurveyResponse.objects.create(wave=closure, person=first.learner.person, match=again, score=33)
    PulseRating.objects.create(match=again, side="learner", score=5, at=aware(date(2025, 11, 1)))


def _nonzero(counts: dict[str, int]) -> dict[str, int]:
    return {key: n for key, n in counts.items() if n and selectors.family(key) != "matches"}


@pytest.mark.django_db
def test_the_grouped_pass_counts_the_extras_each_filtered_view_counts(world: World) -> None:
    """``parts`` reads the survey, pulse, indicator and follow-up counts of every view at once;
    each view's are those ``figures`` reads alone (anonymous and supervisors' answers in the whole
    programme only, a learner's indicators in the school year of their first pair, a change in the
    view of the pair of its after answer); and the report's are those of the report's figures."""
    sites = _programme(world, {("A", FIRST): 7, ("A", SECOND): 3, ("B", SECOND): 5})
    _extras(world)
    parts = selectors.parts(programme=world.programme, period=(date(2025, 8, 1), date(2026, 7, 31)))
    for site in (None, sites["A"].pk, sites["B"].pk):
        for year in ("", FIRST, SECOND):
            filters = selectors.Filters(site=site, cycle=year)
            f = selectors.figures(programme=world.programme, filters=filters)
            found = parts.counts.get(parts.view(filters) or (None, ""), {})
            assert _nonzero(found) == _nonzero(selectors.extra_counts(f)), (site, year)
            if not site and not year:  # the whole counts the shared answers: 4 anonymous, 3 supervisors' changes
                assert found["survey:belonging@1:learner:closure"] == 4
                assert found["survey:supervisor-progress@1:supervisor:change"] == 3
            else:
                assert not any(key.startswith(("survey:belonging", "survey:supervisor")) for key in _nonzero(found))
    report_figures = selectors.figures(programme=world.programme, filters=selectors.Filters(
        start=date(2025, 8, 1), end=date(2026, 7, 31)))
    assert _nonzero(parts.period_total) == _nonzero(selectors.extra_counts(report_figures))
    assert (parts.period_total["started"], parts.period_total["learners"]) == (
        report_figures.matches, report_figures.learners)


def _attack(views: dict[tuple[Any, str], dict[str, Shown]], truth: dict[tuple[Any, str], dict[str, int]],
            lines: list[tuple[tuple[Any, str], list[tuple[Any, str]]]], keys: list[str]) -> None:
    """For each line (a view and the parts it adds up, some no page shows) and each count: the
    view's shown count minus its parts' shown counts is the sum of the parts not shown; it must
    not be a small group (1 … threshold − 1) — unless nothing is hidden (then it is 0)."""
    for total, inside in lines:
        for key in keys:
            if views[total][key].suppressed:
                continue
            rest = sum(truth.get(part, {}).get(key, 0) for part in inside
                       if part not in views or views[part][key].suppressed)
            assert not 0 < rest < THRESHOLD, (total, inside, key, rest)


def _lines(parts: selectors.Parts) -> list[tuple[tuple[Any, str], list[tuple[Any, str]]]]:
    """The sums a reader can form: the whole from its sites (and the part at no site), each site
    from its schools, each view over every year from its school years (and the part without)."""
    rows = [selectors.WHOLE, *(("site", s) for s in parts.sites)]
    cols = [selectors.ALL_YEARS, *parts.years, selectors.NO_YEAR]
    out = [((selectors.WHOLE, col), [(("site", s), col) for s in parts.sites]) for col in cols]
    out += [((row, selectors.ALL_YEARS), [(row, col) for col in cols[1:]]) for row in rows]
    return out


@pytest.mark.django_db
def test_follow_ups_surveys_and_pulse_of_a_site_cannot_be_subtracted_from_the_whole(world: World) -> None:
    """17 learners at site A, 3 at site B, every one with a follow-up status, an answer and a pulse
    rating. Before, site A's view showed 17 learners with a known status beside the whole
    programme's 20 (so site B had 3); now the joint run hides site A's figures with site B's, and
    no count of any family leaves a small rest beside its parts. The coordinator sees 17."""
    sites = _programme(world, {("A", SECOND): 17, ("B", SECOND): 3})
    _extras(world)
    funder = world.client_for("observer")

    def dropout(**query: Any) -> dict[str, str]:
        response = funder.get(_url(world), query)
        assert response.status_code == 200
        section = next(s for s in response.context["sections"] if s.key == "dropout")
        return {row.label: row.n for row in section.rows}

    label = "12 months after the match started"
    assert dropout()[label] == "20"  # 17 + 3 (the learner who started again counts once)
    assert dropout(site=sites["A"].pk)[label] == "hidden" and dropout(site=sites["B"].pk)[label] == "hidden"
    response = world.client_for("coordinator").get(_url(world), {"site": sites["A"].pk})
    section = next(s for s in response.context["sections"] if s.key == "dropout")
    assert next(row.n for row in section.rows if row.label == label) == "17"
    # Every family, every line: no small rest.
    parts = selectors.parts(programme=world.programme)
    joint = report.joint_counts(parts, threshold=THRESHOLD, whole=report.whole_counts(parts, threshold=THRESHOLD))
    views = joint.views()
    keys = sorted({key for found in parts.counts.values() for key in found if selectors.family(key) != "matches"})
    assert any(key.startswith("follow:") for key in keys) and any(key.startswith("survey:") for key in keys)
    _attack(views, parts.counts, _lines(parts), keys)
    # And every shown count is the true one.
    for view, shown in views.items():
        for key in keys:
            assert shown[key].suppressed or shown[key].value == parts.counts.get(view, {}).get(key, 0)


@pytest.mark.django_db
def test_anonymous_answers_count_in_the_whole_programme_only(world: World) -> None:
    """Three anonymous answers: in a site's view they would count at every site (site A 10 + 3,
    site B 10 + 3, the whole 23: 13 + 13 − 23 = 3). They count in the whole programme only, as a
    part no page shows, and are protected like any small part: a site's count hides."""
    sites = _programme(world, {("A", SECOND): 10, ("B", SECOND): 10})
    named = _wave(world, "belonging", "learner", "closure")
    anonymous = SurveyWave.objects.create(programme=world.programme, instrument="belonging", audience="learner",
                                          kind="closure", opens_on=date(2025, 8, 2), closes_on=date(2027, 7, 1),
                                          anonymous=True)
    for match in _pairs(world):
        SurveyResponse.objects.create(wave=named, person=match.learner.person, match=match, score=3.0)
    for _ in range(3):
        SurveyResponse.objects.create(wave=anonymous, score=2.0)
    funder = world.client_for("observer")

    def answers(**query: Any) -> str:
        response = funder.get(_url(world), query)
        section = next(s for s in response.context["sections"] if s.key == "survey-belonging-learner")
        return next(row.n for row in section.rows if row.label == "Closure")

    assert answers() == "23"
    assert "hidden" in (answers(site=sites["A"].pk), answers(site=sites["B"].pk))  # 23 − 10 − 10 = 3
    coordinator = world.client_for("coordinator")
    response = coordinator.get(_url(world), {"site": sites["A"].pk})
    section = next(s for s in response.context["sections"] if s.key == "survey-belonging-learner")
    assert next(row.n for row in section.rows if row.label == "Closure") == "10"  # not 13
    assert "Anonymous answers and supervisors&#x27; answers count only in the view of the whole programme" \
        in response.content.decode()


# The randomized check on an extra family (a follow-up's statuses and their total), on counts built
# in Python: nothing small follows from everything every view and the whole show together.

STATUSES = ["follow:12:in_education", "follow:12:qualified", "follow:12:left_unqualified"]
FOLLOW = {**{s: [s] for s in STATUSES}, "follow:12": STATUSES}


@pytest.mark.parametrize("exact_limit", [EXACT_LIMIT, 0], ids=["with-the-exact-check", "the-line-rule-alone"])
def test_nothing_small_follows_from_every_views_follow_ups(exact_limit: int) -> None:
    rng = random.Random(20261128)
    for _round in range(int(os.environ.get("ROUNDS", 25))):
        sites: dict[int | None, list[int | None]] = {None: [None]}
        for s in range(rng.randint(2, 3)):
            sites[s] = [10 * s + k for k in range(rng.randint(1, 2))]
        years = ["2023-2024", "2024-2025", "2025-2026"][:rng.randint(2, 3)]
        cells = {(p, y): {leaf: rng.choice([0, 0, 1, 2, 3, 4, 6, 9, 15]) for leaf in STATUSES}
                 for ps in sites.values() for p in ps for y in [*years, ""]}
        for p, y in cells:  # the part no page shows: pairs at no school or without a year, shared answers
            if p is None or y == "":
                cells[(p, y)] = {leaf: n if rng.random() < 0.3 else 0 for leaf, n in cells[(p, y)].items()}
        site_of = {p: s for s, ps in sites.items() for p in ps}
        rows = [selectors.WHOLE, *(("site", s) for s in sites), *(("partner", p) for ps in sites.values() for p in ps)]
        cols = [selectors.ALL_YEARS, *years, ""]

        def covers(row: Any, col: str, cells: dict = cells, site_of: dict = site_of) -> list[Any]:
            return [c for c in cells if (row == selectors.WHOLE or (row[0] == "site" and site_of[c[0]] == row[1])
                                         or (row[0] == "partner" and c[0] == row[1]))
                    and col in (selectors.ALL_YEARS, c[1])]

        counts = {(row, col): {key: sum(cells[c][leaf] for c in covers(row, col) for leaf in leaves)
                               for key, leaves in FOLLOW.items()} for row in rows for col in cols}
        parts = selectors.Parts(counts=counts, sites=sites, years=years)
        whole = report.whole_counts(parts, threshold=THRESHOLD)
        joint = report.joint_counts(parts, threshold=THRESHOLD, whole=whole, exact_limit=exact_limit).views()
        unknowns = [(c, leaf) for c in cells for leaf in STATUSES]

        def vector(of: list[Any], key: str, unknowns: list = unknowns) -> list[Fraction]:
            return [Fraction(1 if c in of and leaf in FOLLOW[key] else 0) for c, leaf in unknowns]

        published = {view: shown for view, shown in joint.items()
                     if view[0] not in (("site", None), ("partner", None)) and view[1] != ""}
        span = _Span([vector(covers(*view), key) for view, shown in published.items() for key in FOLLOW
                      if not shown[key].suppressed])
        for view, shown in joint.items():
            for key in FOLLOW:
                value = counts[view][key]
                if 0 < value < THRESHOLD:
                    assert shown[key].suppressed, (view, key)
                    assert not span.holds(vector(covers(*view), key)), (view, key, cells)
        _attack(joint, counts, _lines(parts), list(FOLLOW))


# The funder report of a period beside the dashboard's school years.

def _carried_over(world: World) -> None:
    """13 pairs started in 2024-2025: 10 closed on 30 June 2025, 3 on 1 October 2025 (carried
    over); 17 started in 2025-2026. The report of 2025-2026 takes the 3 and the 17."""
    for i in range(30):
        match = numbered_match(world, i, state="closed")
        year = FIRST if i < 13 else SECOND
        closed = date(2025, 6, 30) if i < 10 else date(2025, 10, 1) if i < 13 else date(2026, 6, 30)
        Match.objects.filter(pk=match.pk).update(first_meeting_at=None, cycle_start=date(int(year[:4]), 9, 1),
                                                 closed_at=aware(closed))
        Learner.objects.filter(pk=match.learner_id).update(institution=world.school)


@pytest.mark.django_db
def test_a_report_beside_a_school_year_does_not_reveal_the_pairs_carried_over(world: World) -> None:
    """Before, the report of 2025-2026 showed 20 started pairs beside the dashboard's 17 for the
    school year 2025-2026: the 3 pairs carried over from 2024-2025 followed (and their closure
    reasons, their goals). Now the report is protected jointly with the school years' views: it
    hides its started pairs. Opened as they are downloaded (PDF and XLSX): a coordinator's report
    of chosen dates now (a funder may not type dates: test_report_periods.py)."""
    from openpyxl import load_workbook
    from pypdf import PdfReader

    relax(world)
    selectors.outcome_settings(world.programme)
    _carried_over(world)
    funder = world.client_for("observer")

    def started(**query: Any) -> str:
        response = funder.get(_url(world), query)
        return next(row.value for s in response.context["sections"] if s.key == "delivered"
                    for row in s.rows if row.label == "Matches (started)")

    assert (started(), started(cycle=FIRST), started(cycle=SECOND)) == ("30", "13", "17")
    period = {"start": "2025-08-01", "end": "2026-07-31"}
    assert funder.get(_url(world, "outcomes:report_xlsx"), period).status_code == 302  # refused
    coordinator = world.client_for("coordinator")
    xlsx = coordinator.get(_url(world, "outcomes:report_xlsx"), period)
    rows = {row[0]: row[1] for row in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True)
            if row and row[0]}
    assert rows["Matches (started)"] == "hidden" and rows["Learners mentored"] == "hidden"
    pdf = coordinator.get(_url(world, "outcomes:report_pdf"), period)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert re.search(r"Matches \(started\)\s+hidden", text), text[:2000]
    # Every count of the report: the report minus the school years' parts in it, and the whole
    # minus the report, never a small group a reader could isolate.
    parts = selectors.parts(programme=world.programme, period=(date(2025, 8, 1), date(2026, 7, 31)))
    joint = report.joint_counts(parts, threshold=THRESHOLD, whole=report.whole_counts(parts, threshold=THRESHOLD))
    shown = report.period_counts(parts, joint, threshold=THRESHOLD)
    views = joint.views()
    for key in report.JOINT_KEYS:
        if key in ("learners", "mentors") or shown[key].suppressed:
            continue
        value = shown[key].value or 0
        for year in parts.years:  # the report minus a school year it holds wholly: its other years' pairs
            view = views[(selectors.WHOLE, year)][key]
            inside = parts.period.get(year, {}).get(key, 0)
            if not view.suppressed and view.value == inside:
                assert not 0 < value - inside < THRESHOLD, (key, year)
        whole = views[(selectors.WHOLE, selectors.ALL_YEARS)][key]
        if not whole.suppressed:  # the whole minus the report: the pairs outside the period
            assert not 0 < (whole.value or 0) - value < THRESHOLD, key


@pytest.mark.django_db
def test_a_report_of_a_school_year_with_nothing_carried_over_shows_its_counts(world: World) -> None:
    """A school year whose pairs are all its own (none carried over, none after): the report shows
    what the school year's view shows."""
    _programme(world, {("A", FIRST): 12, ("A", SECOND): 10})
    Match.objects.filter(programme=world.programme, cycle_start=date(2024, 9, 1)).update(
        closed_at=aware(date(2025, 6, 30)))
    parts = selectors.parts(programme=world.programme, period=(date(2025, 8, 1), date(2026, 7, 31)))
    joint = report.joint_counts(parts, threshold=THRESHOLD, whole=report.whole_counts(parts, threshold=THRESHOLD))
    shown = report.period_counts(parts, joint, threshold=THRESHOLD)
    assert shown["started"].value == 10 and shown["closed"].value == 10
    assert joint.view((selectors.WHOLE, SECOND))["started"].value == 10


@pytest.mark.parametrize("exact_limit", [EXACT_LIMIT, 0], ids=["with-the-exact-check", "the-line-rule-alone"])
def test_nothing_small_follows_from_a_report_beside_every_view(exact_limit: int) -> None:
    """Random programmes whose pairs are each in or out of a report's period: from everything the
    dashboard's views and the report show, no small count of the report, of a school year's part in or out of
    it, or of the whole minus the report follows (rank over exact fractions), with the dashboard's
    joint run as on a small programme and with the line rule alone as on a large one. (A reader
    knows by the dates that a school year wholly in the period has no pair out of the report, and
    one wholly out none in it; nothing of the pairs without a start date.)"""
    from tandem.outcomes.tests.test_filtered_views import KEYS, LEAVES

    rng = random.Random(20261129)
    for _round in range(int(os.environ.get("ROUNDS", 25))):
        sites: dict[int | None, list[int | None]] = {None: [None]}
        for s in range(rng.randint(1, 3)):
            sites[s] = [10 * s + k for k in range(rng.randint(1, 2))]
        years = ["2023-2024", "2024-2025", "2025-2026"][:rng.randint(2, 3)]
        # Each cell's leaves, in the report ("in") and not ("out"): a year wholly in the report, wholly
        # out, or carried over (a few pairs of an earlier year in it).
        kind = {y: rng.choice(["in", "out", "mixed"]) for y in [*years, ""]}
        cells: dict[tuple[Any, str, str], dict[str, int]] = {}
        for p in [q for ps in sites.values() for q in ps]:
            for y in [*years, ""]:
                rare = p is None or y == ""
                for side in ("in", "out"):
                    if kind[y] != "mixed" and kind[y] != side:
                        cells[(p, y, side)] = dict.fromkeys(LEAVES, 0)
                        continue
                    cells[(p, y, side)] = {leaf: (rng.choice([0, 0, 1, 2, 3, 6, 9, 15])
                                                  if not rare or rng.random() < 0.3 else 0) for leaf in LEAVES}
        site_of = {p: s for s, ps in sites.items() for p in ps}
        rows = [selectors.WHOLE, *(("site", s) for s in sites), *(("partner", p) for ps in sites.values() for p in ps)]
        cols = [selectors.ALL_YEARS, *years, ""]

        def covers(row: Any, col: str, site_of: dict = site_of, cells: dict = cells) -> list[Any]:
            return [c for c in cells if (row == selectors.WHOLE or (row[0] == "site" and site_of[c[0]] == row[1])
                                         or (row[0] == "partner" and c[0] == row[1]))
                    and col in (selectors.ALL_YEARS, c[1])]

        def total(of: list[Any], key: str, cells: dict = cells) -> int:
            return sum(cells[c][leaf] for c in of for leaf in KEYS[key])

        counts = {(row, col): {**{key: total(covers(row, col), key) for key in KEYS}, "learners": 0, "mentors": 0}
                  for row in rows for col in cols}
        period = {y: {key: total([c for c in cells if c[1] == y and c[2] == "in"], key) for key in KEYS}
                  for y in [*years, ""]}
        parts = selectors.Parts(counts=counts, sites=sites, years=years, period=period,
                                period_total={key: sum(period[y][key] for y in period) for key in KEYS})
        whole = report.whole_counts(parts, threshold=THRESHOLD)
        joint = report.joint_counts(parts, threshold=THRESHOLD, whole=whole, exact_limit=exact_limit)
        shown = report.period_counts(parts, joint, threshold=THRESHOLD)
        unknowns = [(c, leaf) for c in cells for leaf in LEAVES]

        def vector(of: list[Any], key: str, unknowns: list = unknowns) -> list[Fraction]:
            return [Fraction(1 if c in of and leaf in KEYS[key] else 0) for c, leaf in unknowns]

        in_report = [c for c in cells if c[2] == "in"]
        known = [vector(covers(*view), key) for view, found in joint.views().items() for key in KEYS
                 if view[0] not in (("site", None), ("partner", None)) and view[1] != ""
                 and not found[key].suppressed]
        dashboard = list(known)
        known += [vector(in_report, key) for key in KEYS if not shown[key].suppressed]
        for y in years:  # a school year wholly in the period (or wholly out): its part out (or in) is 0
            if kind[y] != "mixed":
                of = [c for c in cells if c[1] == y and c[2] != kind[y]]
                known += [vector(of, key) for key in KEYS]
        span = _Span(known)
        groups = {("report", ""): in_report, ("outside", ""): [c for c in cells if c[2] == "out"]}
        for y in [*years, ""]:
            for side in ("in", "out"):
                groups[(side, y)] = [c for c in cells if c[1] == y and c[2] == side]
        for name, of in groups.items():
            for key in KEYS:
                value = total(of, key)
                if 0 < value < THRESHOLD:
                    assert not span.holds(vector(of, key)), (name, key, value, kind, len(sites),
                                                             _Span(dashboard).holds(vector(of, key)))
                    if name == ("report", ""):
                        assert shown[key].suppressed, key


@pytest.mark.django_db
def test_a_sites_follow_ups_cannot_be_subtracted_while_its_pairs_are_shown(world: World) -> None:
    """12 pairs at site A and 10 at site B, shown on every view; the 12-month status is known for
    A's 12 learners and for 3 of B's. Before, site A's view showed 12 learners with a status beside
    the whole programme's 15 (its pairs being shown, the follow-up was not hidden with them), so
    site B's 3 followed. Now the follow-up counts are in the joint run: site A's hides with B's."""
    sites = _programme(world, {("A", SECOND): 12, ("B", SECOND): 10})
    for i, match in enumerate(_pairs(world)):
        if match.learner.institution.site_id == sites["A"].pk or i % 10 < 3:
            SchoolIndicator.objects.create(learner=match.learner, kind="school_status", measured_on=date(2026, 9, 1),
                                           code=("in_education", "qualified")[i % 2], months_after=12)
    funder = world.client_for("observer")

    def follow_up(**query: Any) -> tuple[str, str]:
        response = funder.get(_url(world), query)
        sections = {s.key: s for s in response.context["sections"]}
        started = next(r.value for r in sections["delivered"].rows if r.label == "Matches (started)")
        return started, next(r.n for r in sections["dropout"].rows if r.label == "12 months after the match started")

    assert follow_up() == ("22", "15")
    assert follow_up(site=sites["A"].pk) == ("12", "hidden")
    assert follow_up(site=sites["B"].pk)[1] == "hidden"
