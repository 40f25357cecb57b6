"""Intake's long lists are paged (``core.paging``) at a constant number of queries: the same for
10 rows as for 200, on every page; the waiting list's numbers count everyone, not the page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import World
from tandem.core.testing import assert_paged_list_constant_queries
from tandem.intake import selectors
from tandem.intake.models import Learner
from tandem.intake.tests.factories import learner, publish_text


def _url(world: World, name: str) -> str:
    return reverse(name, kwargs={"org": world.organisation.slug, "prog": world.programme.slug})


def _learner(world: World, i: int, **update: object) -> Learner:
    made = learner(world, age=None if i % 3 == 0 else (12 if i % 2 else 19),
                   guardian_email=f"parent{i}@example.org" if i % 4 == 0 else "",
                   languages=["nl", "tr"] if i % 2 else ["nl"])
    if update:
        Learner.objects.filter(pk=made.pk).update(**update)
    return made


@pytest.mark.parametrize("persona", ["coordinator", "partner_contact"])
def test_referrals(world: World, persona: str) -> None:
    assert_paged_list_constant_queries(
        world.client_for(persona), _url(world, "intake:referrals"),
        lambda i: _learner(world, i).person.full_name,
    )


def test_learners(world: World) -> None:
    states = ["referred", "intake", "waiting", "matched", "completed"]
    assert_paged_list_constant_queries(
        world.client_for("coordinator"), _url(world, "intake:learners"),
        lambda i: _learner(world, i, state=states[i % len(states)],
                           waiting_since=timezone.localdate()).person.full_name,
    )


def test_learners_found_by_a_search_and_a_state(world: World) -> None:
    for i in range(20):  # another state: not listed
        _learner(world, 1000 + i, state="matched")
    url = _url(world, "intake:learners") + "?state=waiting&q=pupil"
    walked = assert_paged_list_constant_queries(
        world.client_for("coordinator"), url,
        lambda i: _learner(world, i, state="waiting", waiting_since=timezone.localdate()).person.full_name,
    )
    assert all("state=waiting" in a and "q=pupil" in a for a in walked)


def test_the_review_queue_says_how_many_it_leaves_out(world: World) -> None:
    for i in range(14):
        _learner(world, i, state="referred" if i % 2 else "intake")
    body = world.client_for("coordinator").get(_url(world, "intake:learners")).content.decode()
    queue = body[body.index('id="h-queue"'):body.index("</section>", body.index('id="h-queue"'))]
    assert "(14)" in queue and "The 10 waiting longest of 14" in queue
    assert queue.count('class="row"') == 10


def test_waiting_list(world: World) -> None:
    publish_text(world)
    today = timezone.localdate()
    assert_paged_list_constant_queries(
        world.client_for("coordinator"), _url(world, "intake:waiting_list"),
        lambda i: _learner(world, i, state="waiting", waiting_since=today - timedelta(days=i),
                           latitude=None if i % 4 == 0 else 51.9).person.full_name,
    )


def test_the_waiting_lists_numbers_count_everyone_not_the_page(world: World) -> None:
    """Waiting 0…119 days: 120 waiting, median 60 days, 30 over 90 days; the minors without a
    guardian's consent are not matchable. The same numbers as counting every row one by one."""
    publish_text(world)
    today = timezone.localdate()
    for i in range(120):
        _learner(world, i, state="waiting", waiting_since=today - timedelta(days=i))
    summary = selectors.waiting_summary(programme=world.programme, today=today)
    rows = selectors.waiting_list(programme=world.programme, today=today)
    days = sorted(row.days for row in rows)
    assert summary.waiting == len(rows) == 120
    assert summary.median_days == days[len(days) // 2] == 60
    assert summary.long_waits == sum(1 for d in days if d >= selectors.LONG_WAIT_DAYS) == 30
    assert summary.not_matchable == sum(1 for row in rows if row.consent_missing) > 0
    body = world.client_for("coordinator").get(_url(world, "intake:waiting_list"), {"page": "3"}).content.decode()
    stats = re.findall(r'<span class="stat">(\d+)</span>', body)
    assert stats == ["120", "60", "30", str(summary.not_matchable)]
    assert "Page 3 of 3" in body and "Waiting longest" not in body  # the longest waits are on page 1


@pytest.mark.parametrize("name", ["intake:learners", "intake:waiting_list", "intake:referrals"])
def test_any_page_number_is_answered(world: World, name: str) -> None:
    for i in range(55):
        _learner(world, i, state="waiting", waiting_since=timezone.localdate())
    client = world.client_for("coordinator")
    for raw in ["0", "-1", "abc", "²", "99999", "", "9" * 400]:
        response = client.get(_url(world, name), {"page": raw})
        assert response.status_code == 200, (raw, response.status_code)
        assert re.search(r"Page [12] of 2", response.content.decode())


def test_who_opened_a_learners_record(world: World) -> None:
    """The learner's page lists every access to the record, paged (it showed the last 20)."""
    from conftest import make_member
    from tandem.core.audit import audit_record
    from tandem.core.models import AuditEvent, Role

    pupil = _learner(world, 1)

    def add(i: int) -> str:
        viewer, _person = make_member(world.organisation, world.programme, Role.COORDINATOR,
                                      f"viewer{i:03d}@zuid.example", given_name=f"Viewer{i:03d}", family_name="Opened")
        audit_record(organisation=world.organisation, programme=world.programme, actor=viewer,
                     person=pupil.person, action=AuditEvent.Action.VIEWED, subject=f"learner:{pupil.pk}")
        return str(viewer)

    url = reverse("intake:learner", kwargs={"org": world.organisation.slug, "prog": world.programme.slug,
                                            "pk": pupil.pk})
    walked = assert_paged_list_constant_queries(world.client_for("coordinator"), url, add)
    assert all("views=" in address for address in walked[1:])


def test_an_empty_learner_list_says_what_to_do_next(world: World) -> None:
    """A new programme has no learners: the list says how to add the first ones, not that none
    match (no search was made)."""
    Learner.objects.filter(programme=world.programme).delete()
    client = world.client_for("coordinator")
    page = client.get(_url(world, "intake:learners")).content.decode()
    assert 'id="no-learners-yet"' in page and "Add the first learner" in page and "No learners match." not in page
    assert _url(world, "intake:learner_import") in page
    _learner(world, 1)
    page = client.get(_url(world, "intake:learners") + "?q=nobody-at-all").content.decode()
    assert "No learners match." in page and 'id="no-learners-yet"' not in page


def test_since_is_when_the_learner_reached_their_state_not_their_last_edit(world: World) -> None:
    # A walk found every learner "waiting since today": the column read ``updated``, which any
    # edit (a note, an address placed on the map) moves.
    waiting = learner(world, age=19)
    Learner.objects.filter(pk=waiting.pk).update(state="waiting", waiting_since=timezone.localdate())
    waiting.transitions.update(at=timezone.now() - timedelta(days=40))
    Learner.objects.filter(pk=waiting.pk).update(notes="Phoned the school.")  # edited today
    row = selectors.programme_learners(programme=world.programme).get(pk=waiting.pk)
    assert row.state_since.date() == (timezone.now() - timedelta(days=40)).date()
    page = world.client_for("coordinator").get(_url(world, "intake:learners")).content.decode()
    since = (timezone.localtime() - timedelta(days=40)).date()
    assert f">{since:%d/%m/%Y}</td>" in page
