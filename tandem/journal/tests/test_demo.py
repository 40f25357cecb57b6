"""The demo journals: every active pair of every seed programme has goals and its weeks, some
logs missing (so reminders and the coordinator's view have something to show), supervision where
the programme asks for it, and what people typed is in the programme's language."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Count, Q
from django.utils import timezone

from tandem.core import demo
from tandem.core.models import Programme
from tandem.journal import demo as journal_demo
from tandem.journal import selectors, services
from tandem.journal.models import Goal, Meeting, Note
from tandem.matching.models import Match

pytestmark = pytest.mark.django_db


def test_every_active_pair_has_goals_and_a_realistic_journal(db: Any) -> None:
    call_command("seed_demo", "--quiet-logins", verbosity=0)
    now = timezone.now()
    unlogged_somewhere = 0
    for spec in demo.SPECS:
        programme = Programme.objects.get(slug=spec.slug)
        active = Match.objects.filter(programme=programme, state="active").annotate(
            goals_n=Count("goals", distinct=True), held=Count("meetings", filter=Q(meetings__state="held"), distinct=True),
            ahead=Count("meetings", filter=Q(meetings__starts_at__gt=now), distinct=True))
        assert active.exists(), spec.slug
        for match in active:
            # A pair whose first journal meeting (one cadence step after its first meeting) is
            # still ahead has none held yet — seeded on the day of it, before its hour, that is
            # right; every other pair has held one.
            first_due = Meeting.objects.filter(match=match).order_by("starts_at").first()
            started = first_due is not None and first_due.starts_at <= now
            assert match.goals_n >= 2 and match.ahead == 1, (spec.slug, match.pk)
            logged = Meeting.objects.filter(match=match, state__in=("held", "cancelled", "no_show")).count()
            assert logged >= 1 or not started, (spec.slug, match.pk)  # the first one past is logged
            assert started or match.held == 0, (spec.slug, match.pk)
        # Held meetings are the rule: all but the pairs that just began have held one.
        assert sum(match.held >= 1 for match in active) >= active.count() - 2, spec.slug
        meetings = Meeting.objects.filter(match__programme=programme)
        assert meetings.filter(state__in=("cancelled", "no_show")).exists(), spec.slug
        unlogged_somewhere += meetings.filter(state="planned", starts_at__lt=now).count()
        typed = journal_demo.demo_texts(spec.ui_language) | {""}
        assert set(meetings.values_list("activities", flat=True)) <= typed, spec.slug
        assert set(meetings.values_list("missed_reason", flat=True)) <= typed, spec.slug
        assert set(Goal.objects.filter(match__programme=programme).values_list("description", flat=True)) <= typed
        notes = Note.objects.filter(meeting__match__programme=programme)
        if selectors.supervision(programme):
            kinds = set(notes.values_list("kind", flat=True))
            assert kinds == set(Note.Kind.values), spec.slug
            assert set(notes.values_list("text", flat=True)) <= typed
        else:
            assert not notes.exists(), spec.slug
    assert unlogged_somewhere > 0
    # The demo mentor has a goal to show the demo learner and a next meeting.
    zuid = Programme.objects.get(slug="mentoren-op-zuid")
    own = Match.objects.get(programme=zuid, volunteer__person__user__email=demo.role_email("mentor", zuid.slug),
                            state__in=("introduced", "active"))  # last school year's pair is closed
    assert own.goals.count() == 1 and own.meetings.filter(starts_at__gt=now).count() == 1
    # Reminders have something to send, and sending twice sends nothing more.
    assert services.send_reminders(now=now).mails > 0
    assert services.send_reminders(now=now).mails == 0
