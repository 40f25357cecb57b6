"""The waiting list: longest waiting first, with why someone is hard to match; the dashboards."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from conftest import World
from tandem.intake import selectors
from tandem.intake.models import Learner
from tandem.intake.tests.factories import learner


def _waiting(world: World, days: int, **profile: object) -> Learner:
    pupil = learner(world, age=20, guardian_email="", **profile)
    Learner.objects.filter(pk=pupil.pk).update(
        state="waiting", waiting_since=timezone.localdate() - timedelta(days=days))
    return pupil


def test_longest_waiting_first_with_hard_to_match_hints(world: World, django_assert_max_num_queries: object) -> None:
    recent = _waiting(world, 3)
    oldest = _waiting(world, 140, languages=["nl", "ti"], availability=[])
    middle = _waiting(world, 40, availability=["sat-morning"])
    rows = selectors.waiting_list(programme=world.programme, today=timezone.localdate())
    assert [r.learner for r in rows] == [oldest, middle, recent]
    assert rows[0].days == 140
    hints = " | ".join(rows[0].hints)
    assert "No mentor speaks Tigrinya" in hints and "No availability" in hints and "more than 90 days" in hints
    assert rows[1].hints == ["Only one time slot"]

    url = reverse("intake:waiting_list", kwargs={"org": world.organisation.slug, "prog": world.programme.slug})
    for _ in range(20):
        _waiting(world, 10)
    client = world.client_for("coordinator")
    with django_assert_max_num_queries(20):  # no query per learner
        html = client.get(url).content.decode()
    longest = html.split('id="h-longest"')[1].split("</section>")[0]
    assert oldest.person.full_name in longest and "140 days" in longest


def test_the_dashboards_show_the_waiting_list_and_the_referrals(world: World) -> None:
    pupil = _waiting(world, 12)
    home = world.programme.get_absolute_url()
    coordinator = world.client_for("coordinator").get(home).content.decode()
    assert "Waiting longest" in coordinator and pupil.person.full_name in coordinator
    partner = world.client_for("partner_contact").get(home).content.decode()
    assert "Your referrals" in partner and pupil.person.full_name in partner
    mentor = world.client_for("mentor").get(home).content.decode()
    assert pupil.person.full_name not in mentor and "Waiting longest" not in mentor


def test_no_mentor_speaks_counts_the_languages_volunteers_gave(world: World) -> None:
    # The hint counted only mentors' preferred (interface) language: the VerA demo said "No
    # mentor speaks Arabic, Polish" beside ready volunteers who speak both.
    from tandem.onboarding.models import Volunteer  # the volunteers' languages (core.extensions)

    pupil = _waiting(world, 10, languages=["nl", "ar", "pl", "ti"])
    Volunteer.objects.create(programme=world.programme, person=world.people["mentor"], state="ready",
                             languages=["nl", "ar"])
    Volunteer.objects.create(programme=world.programme, person=world.people["coordinator"], state="screening",
                             languages=["pl"])
    Volunteer.objects.create(programme=world.programme, person=world.people["guardian"], state="withdrawn",
                             languages=["ti"])  # gone: speaks for nobody
    [row] = selectors.waiting_list(programme=world.programme, today=timezone.localdate())
    assert row.learner == pupil
    assert "No mentor speaks Tigrinya" in row.hints
