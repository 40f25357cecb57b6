"""Support's pulse ratings on the results dashboard, computed by hand on the known programme.

School year 2025-2026 (answers in October 2025), scores 1–5:

=====  ======  ==============  ==========================================
match  mentor  learner         latest answers: gap of 2 or more?
=====  ======  ==============  ==========================================
A      4       4, then 2       4 vs 2: yes
B      5       3               5 vs 3: yes
C      3       3               no
D      2       –               (one side only: not a pair for the gap)
E      –       5               (one side only)
=====  ======  ==============  ==========================================

Mentors: (4 + 5 + 3 + 2) / 4 = 3.5 over 4 pairs. Learners: (4 + 2 + 3 + 3 + 5) / 5 = 3.4 over 4 pairs.
Both sides answered: A, B, C; with a gap: A, B → 2 of 3 = 67 %.
School year 2026-2027: A's mentor answered 1 (one pair).
"""

from __future__ import annotations

from datetime import date

from conftest import World
from tandem.outcomes import report, selectors
from tandem.outcomes.tests import known
from tandem.support.models import PulseRating

ANSWERS = [("A", "mentor", 4, 1), ("A", "learner", 4, 1), ("A", "learner", 2, 20), ("B", "mentor", 5, 2),
           ("B", "learner", 3, 2), ("C", "mentor", 3, 3), ("C", "learner", 3, 3), ("D", "mentor", 2, 4),
           ("E", "learner", 5, 5)]


def _rated(world: World) -> None:
    matches = known.build(world)
    for name, side, score, day in ANSWERS:
        PulseRating.objects.create(match=matches[name], side=side, score=score,
                                   at=known.aware(date(2025, 10, day)))
    PulseRating.objects.create(match=matches["A"], side="mentor", score=1, at=known.aware(date(2026, 9, 15)))


def _rows(world: World, *, suppress: bool) -> dict[str, report.Row]:
    settings = selectors.outcome_settings(world.programme)
    sections = {s.key: s for s in report.build(selectors.figures(programme=world.programme), settings=settings,
                                               suppress=suppress)}
    return {r.label: r for r in sections["pulse"].rows}


def test_pulse_figures_by_hand(world: World) -> None:
    _rated(world)
    figures = selectors.figures(programme=world.programme)
    year = figures.pulse["2025-2026"]
    assert (year.mentor_n, year.mentor_mean, year.learner_n, year.learner_mean) == (4, 3.5, 4, 3.4)
    assert (year.both, year.with_gap) == (3, 2)
    assert figures.pulse["2026-2027"].mentor_n == 1 and figures.pulse["2026-2027"].both == 0

    rows = _rows(world, suppress=False)  # the coordinator: exact
    assert rows["Mentors' rating, school year 2025-2026"].value == "3.5"
    assert rows["Mentors' rating, school year 2025-2026"].n == "4"
    assert rows["Learners' rating, school year 2025-2026"].value == "3.4"
    gap = rows["Pairs whose mentor and learner rate it 2 or more points apart, school year 2025-2026"]
    assert (gap.value, gap.n, gap.extra) == ("67%", "3", ["pairs with a gap: 2"])
    assert rows["Mentors' rating, school year 2026-2027"].value == "1"


def test_observer_gets_the_pulse_suppressed(world: World) -> None:
    _rated(world)
    rows = _rows(world, suppress=True)  # threshold 5: four pairs are too few
    assert rows["Mentors' rating, school year 2025-2026"].value == "hidden"
    assert rows["Mentors' rating, school year 2025-2026"].n == "hidden"
    gap = rows["Pairs whose mentor and learner rate it 2 or more points apart, school year 2025-2026"]
    assert gap.value == "hidden" and gap.extra == ["pairs with a gap: hidden"]
    assert not any(r.value in ("3.5", "3.4", "67%") for r in rows.values())

    # A threshold of 3: the means over four pairs show; of the gap table {2, 1} the 1 is hidden and
    # the 2 with it (secondary: the total 3 is shown), so the share is not shown either.
    settings = selectors.outcome_settings(world.programme)
    settings.threshold, settings.min_denominator = 3, 3
    settings.save()
    rows = _rows(world, suppress=True)
    assert rows["Mentors' rating, school year 2025-2026"].value == "3.5"
    gap = rows["Pairs whose mentor and learner rate it 2 or more points apart, school year 2025-2026"]
    # The 2 is hidden only by secondary suppression: it reads "hidden" like any other, never
    # "fewer than 3" (which would be false).
    assert gap.n == "3" and gap.value == "hidden" and gap.extra == ["pairs with a gap: hidden"]


def test_the_dashboard_page_shows_the_pulse(world: World) -> None:
    from django.urls import reverse

    _rated(world)
    url = reverse("outcomes:dashboard", kwargs={"org": world.programme.organisation.slug,
                                                "prog": world.programme.slug})
    page = world.client_for("coordinator").get(url).content.decode()
    assert 'id="pulse"' in page and "3.5" in page
