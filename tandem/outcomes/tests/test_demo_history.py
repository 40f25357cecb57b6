"""Last school year's pairs met, in the demo: the funder report of the last complete school year
counts their meetings (not thirty pairs and no meeting), in every demo programme, and no meeting
or goal of a closed pair lies outside the weeks the pair was together."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tandem.core import demo
from tandem.core.cycle import pair_weeks
from tandem.core.models import Programme, User
from tandem.journal import selectors as journal_selectors
from tandem.journal.models import Goal, Meeting
from tandem.matching.models import Match
from tandem.outcomes import funder, selectors
from tandem.outcomes.views.dashboard import school_years

pytestmark = pytest.mark.django_db


def _meetings_held(sections: Any) -> str:
    return next(row.value for section in sections for row in section.rows if row.label == "Meetings held")


def test_last_years_closed_pairs_met_and_the_funder_report_counts_it(client: Client) -> None:
    call_command("seed_demo", "--quiet-logins", verbosity=0)
    years = school_years(timezone.localdate())
    start, end = years["last_start"], years["last_end"]
    for spec in demo.SPECS:
        programme = Programme.objects.get(slug=spec.slug)
        figures = selectors.figures(programme=programme, filters=selectors.Filters(start=start, end=end))
        assert figures.matches >= 24, spec.slug  # last year's cohort and this year's closed pairs
        # A meeting a week (a fortnight in the Community Builders) over most of a year, not none.
        assert figures.meetings_held >= 8 * figures.matches, (spec.slug, figures.meetings_held)
        report = funder.build(programme=programme, start=start, end=end)
        assert int(_meetings_held(report.sections)) == figures.meetings_held, spec.slug
        closed = Meeting.objects.filter(match__programme=programme, match__state=Match.State.CLOSED)
        # Every closed pair has its weeks in the journal, all of them logged, none ahead.
        assert not Match.objects.filter(programme=programme, state=Match.State.CLOSED, meetings=None).exists()
        assert not closed.filter(state=Meeting.State.PLANNED).exists(), spec.slug
        assert closed.filter(state__in=(Meeting.State.CANCELLED, Meeting.State.NO_SHOW)).exists(), spec.slug
        # Nothing after the pair closed or before it started (its first meeting).
        assert not closed.filter(ends_at__gt=F("match__closed_at")).exists(), spec.slug
        assert not closed.filter(starts_at__lte=F("match__first_meeting_at")).exists(), spec.slug
        goals = Goal.objects.filter(match__programme=programme, match__state=Match.State.CLOSED)
        assert goals.exists() and not goals.filter(state=Goal.State.ACTIVE).exists(), spec.slug
        assert not goals.filter(closed_at__gt=F("match__closed_at")).exists(), spec.slug
        assert not goals.filter(created__gt=F("closed_at")).exists(), spec.slug
        # The journal's "meetings the cadence asks for" stops when the pair closed.
        for match in Match.objects.filter(programme=programme, state=Match.State.CLOSED).select_related("programme"):
            # A pair lasted the programme's weeks at most (Mentoren op Zuid: 20, not a school year's
            # 36 — the journal read "Week 36 of 36", a funder a median of 248 days).
            if programme.cycle_weeks:
                assert (pair_weeks(match.cycle_start, match.cycle_end) or 0) <= programme.cycle_weeks, match.pk
                assert match.closed_at and timezone.localdate(match.closed_at) <= match.cycle_end + timedelta(days=3)
            assert journal_selectors.expected_meetings(match, timezone.localdate()) == \
                journal_selectors.expected_meetings(match, timezone.localdate(match.closed_at)), match.pk
    # And through the page a funder downloads it from (the last complete school year by default: the
    # pairs that started in it, with all their meetings, as the dashboard's view of that year).
    from openpyxl import load_workbook

    programme = Programme.objects.get(slug="vera")
    client.force_login(User.objects.get(email=demo.role_email("observer", programme.slug)))
    xlsx = client.get(reverse("outcomes:report_xlsx", kwargs={"org": programme.organisation.slug,
                                                               "prog": programme.slug}))
    assert xlsx.status_code == 200
    rows = load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True)
    held = next(row[1] for row in rows if row[0] in ("Meetings held", "Stattgefundene Treffen"))
    cycle = selectors.cycle_of(start)
    assert held == selectors.figures(programme=programme, filters=selectors.Filters(cycle=cycle)
                                     ).meetings_held > 0
