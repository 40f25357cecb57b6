"""How long a pair runs is stated by one rule (``tandem.core.cycle``) on every page.

VerA's mentor page said "Ein Tandem läuft 52 Wochen" beside the programme's "Durchgang
01.09.2026 – 30.06.2027", ten months: the weeks decide a pair's end (counted from its first
meeting), so the dates beside them contradicted it. A programme on dates said nothing at all, and
its journal counted "Week 11" without the "of N" a programme on weeks had."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from conftest import World
from tandem.core.cycle import cycle_span, pair_end, pair_length, pair_weeks
from tandem.core.demo import SPECS, ProgrammeSpec
from tandem.core.models import Programme

pytestmark = pytest.mark.django_db

SCHOOL_YEAR = {"cycle_start": date(2026, 9, 1), "cycle_end": date(2027, 6, 30)}


def _home(world: World, persona: str, language: str) -> str:
    user = world.users[persona]
    user.language = language
    user.save()
    return world.client_for(persona).get(reverse("core:programme", kwargs={
        "org": world.organisation.slug, "prog": world.programme.slug})).content.decode()


def test_a_programme_on_weeks_states_its_weeks_and_not_the_school_years_dates(world: World) -> None:
    Programme.objects.filter(pk=world.programme.pk).update(cycle_weeks=52, **SCHOOL_YEAR)
    page = _home(world, "mentor", "de")
    assert "Ein Tandem läuft 52 Wochen ab dem ersten Treffen." in page
    assert '<dd id="cycle-span">52 Wochen ab dem ersten Treffen</dd>' in page
    assert "30.06.2027" not in page and "10 Monate" not in page


def test_a_programme_on_dates_states_its_end_in_every_language(world: World) -> None:
    Programme.objects.filter(pk=world.programme.pk).update(cycle_weeks=None, **SCHOOL_YEAR)
    expected = {"en": "A pair runs until 30 June 2027, the end of the cycle.",
                "nl": "Een koppel loopt tot 30 juni 2027, het einde van de cyclus.",
                "fr": "Un binôme dure jusqu’au 30 juin 2027, fin du cycle.",
                "de": "Ein Tandem läuft bis zum 30. Juni 2027, dem Ende des Durchgangs."}
    for language, sentence in expected.items():
        page = _home(world, "mentor", language)
        assert f'<li id="pair-length">{sentence}</li>' in page, language
    assert '<dd id="cycle-span">01.09.2026 – 30.06.2027</dd>' in page


def test_the_journal_counts_a_pair_on_dates_to_its_own_end(world: World) -> None:
    from tandem.journal.tests.factories import persona_match

    Programme.objects.filter(pk=world.programme.pk).update(cycle_weeks=None, **SCHOOL_YEAR)
    match = persona_match(world, weeks=10)
    assert match.cycle_start is not None
    match.cycle_end = match.cycle_start + timedelta(days=300)  # the programme's end, ten months on
    match.save(update_fields=["cycle_end"])
    url = reverse("journal:pair", kwargs={"org": world.organisation.slug, "prog": world.programme.slug,
                                          "pk": match.pk})
    page = world.client_for("mentor").get(url).content.decode()
    assert "Week 11 of 43" in page


def test_one_rule_for_the_end_the_weeks_and_the_words() -> None:
    weeks = Programme(cycle_weeks=20, **SCHOOL_YEAR)
    dates = Programme(cycle_weeks=None, **SCHOOL_YEAR)
    start = date(2026, 10, 5)
    assert pair_end(weeks, start) == date(2027, 2, 22) and pair_weeks(start, pair_end(weeks, start)) == 20
    assert pair_end(dates, start) == date(2027, 6, 30) and pair_weeks(start, pair_end(dates, start)) == 39
    assert pair_weeks(None, date(2027, 1, 1)) is None and pair_weeks(start, start - timedelta(days=1)) is None
    with translation.override("en"):
        assert pair_length(Programme(cycle_weeks=1)) == "A pair runs 1 week from its first meeting."
        assert pair_length(Programme()) == "" and cycle_span(Programme()) == ""
    # A group programme's mentor leads a learning community (Students as Community Builders).
    with translation.override("de"):
        assert pair_length(Programme(format=Programme.Format.GROUP, **SCHOOL_YEAR)) == (
            "Eine Lerngemeinschaft läuft bis zum 30. Juni 2027, dem Ende des Durchgangs.")


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.slug)
def test_every_demo_programme_states_one_length(spec: ProgrammeSpec) -> None:
    """The demo's programmes all have school-year dates; those on weeks say only their weeks."""
    programme = Programme(cycle_weeks=spec.cycle_weeks, **SCHOOL_YEAR)
    with translation.override(spec.ui_language):
        sentence, span = pair_length(programme), cycle_span(programme)
    assert sentence
    if programme.cycle_weeks:
        assert str(programme.cycle_weeks) in sentence and str(programme.cycle_weeks) in span
        assert "2027" not in sentence + span
    else:
        assert "2027" in sentence and "2027" in span


@pytest.mark.parametrize(("days", "closed", "expected"), [
    (140, False, "Week 20 of 20"),   # the end day of a 20-week pair
    (143, True, "Week 20 of 20"),    # closed on the working day after its end
    (147, False, "Week 22 of 20"),   # still running past its end: the overrun shows
])
def test_the_journal_never_reads_week_21_of_20_for_a_finished_pair(world: World, days: int, closed: bool,
                                                                    expected: str) -> None:
    from django.utils import timezone

    from tandem.journal.tests.factories import persona_match

    Programme.objects.filter(pk=world.programme.pk).update(cycle_weeks=20)
    match = persona_match(world)
    match.cycle_start = timezone.localdate() - timedelta(days=days)
    match.cycle_end = match.cycle_start + timedelta(weeks=20)
    match.closed_at = timezone.now() if closed else None
    match.save(update_fields=["cycle_start", "cycle_end", "closed_at"])
    url = reverse("journal:pair", kwargs={"org": world.organisation.slug, "prog": world.programme.slug,
                                          "pk": match.pk})
    page = world.client_for("coordinator").get(url).content.decode()
    assert expected in page
