"""A concern's next step, sent twice or by two leads at once.

A double tap on Save lands like one tap: the second post asks for the step the first one made,
from the version the first one replaced, with the same note — it is the user's own save, shown
as done, and nothing is written twice. Another lead asking for the same step meanwhile is told
who moved it, keeps what they wrote, and saves it with the next step; nothing of theirs is
written until then, and never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from conftest import World
from tandem.core.models import AuditEvent
from tandem.support.models import Concern, ConcernStep
from tandem.support.tests.factories import concern

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(world: World) -> Concern:
    return concern(world)  # a problem in a pair: every coordinator of the programme handles it


def _url(world: World, item: Concern) -> str:
    return reverse("support:concern", kwargs={"org": world.organisation.slug, "prog": world.programme.slug,
                                              "pk": item.pk})


def _move(item: Concern, to_state: str, what: str) -> dict[str, Any]:
    return {"version": str(item.version), "to_state": to_state, "what": what}


def _written(item: Concern) -> tuple[int, int, int]:
    item.refresh_from_db()
    audit = AuditEvent.objects.filter(subject=f"concern:{item.pk}", action=AuditEvent.Action.UPDATED).count()
    return item.version, ConcernStep.objects.filter(concern=item).count(), audit


def test_a_double_tap_on_save_moves_the_concern_once(world: World, item: Concern) -> None:
    client = world.client_for("coordinator")
    data = _move(item, "triaged", "Gebeld met de ouder")
    first = client.post(_url(world, item), data)
    written = _written(item)
    again = client.post(_url(world, item), data)
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"]
    assert _written(item) == written == (2, 1, 1)
    assert item.state == "triaged"


def test_a_double_tap_on_resolved_keeps_one_outcome(world: World, item: Concern) -> None:
    client = world.client_for("coordinator")
    data = _move(item, "resolved", "Opgelost met een gesprek")
    assert client.post(_url(world, item), data).status_code == 302
    assert client.post(_url(world, item), data).status_code == 302
    assert _written(item) == (2, 1, 1)
    assert item.outcome == "Opgelost met een gesprek"


def test_another_lead_asking_the_same_step_is_told_who_moved_it(world: World, item: Concern) -> None:
    mine, theirs = world.client_for("coordinator"), world.client_for("org_admin")
    page = _move(item, "triaged", "Gebeld met de ouder")
    assert mine.post(_url(world, item), page).status_code == 302
    written = _written(item)

    refused = theirs.post(_url(world, item), {**page, "what": "Mail naar school gestuurd"})

    assert refused.status_code == 200
    assert _written(item) == written
    body = refused.content.decode()
    name = world.users["coordinator"].full_name or world.users["coordinator"].email
    assert f"{name} moved this concern to “Triaged” while you were writing" in body
    assert "Mail naar school gestuurd" in body and "Gebeld met de ouder" in body  # both notes, side by side
    assert 'value="triaged"' not in body  # the step already made is not offered again
    assert f'name="version" value="{item.version}"' in body

    # Saved with the next step, their note goes through as their own step.
    moved = theirs.post(_url(world, item), {**_move(item, "action", "Mail naar school gestuurd")})
    assert moved.status_code == 302
    item.refresh_from_db()
    assert item.state == "action"
    last = ConcernStep.objects.filter(concern=item).order_by("-at", "-pk").first()
    assert last is not None and last.actor == world.users["org_admin"] and last.reason == "Mail naar school gestuurd"


def test_another_leads_same_words_are_still_not_their_step(world: World, item: Concern) -> None:
    """The step records who did it: the same words from another lead are not their save."""
    page = _move(item, "triaged", "Gebeld")
    assert world.client_for("coordinator").post(_url(world, item), page).status_code == 302
    written = _written(item)
    refused = world.client_for("org_admin").post(_url(world, item), page)
    assert refused.status_code == 200
    assert _written(item) == written
    body = refused.content.decode()
    assert "moved this concern to “Triaged” while you were writing" in body
    assert "saving again changes nothing else" not in body


def test_the_same_lead_with_another_note_from_an_older_tab_is_not_lost(world: World, item: Concern) -> None:
    client = world.client_for("coordinator")
    page = _move(item, "triaged", "Gebeld met de ouder")
    assert client.post(_url(world, item), page).status_code == 302
    written = _written(item)
    refused = client.post(_url(world, item), {**page, "what": "Ook de school gebeld"})
    assert refused.status_code == 200
    assert _written(item) == written
    body = refused.content.decode()
    assert "This concern was moved to “Triaged” while you were writing" in body
    assert "Ook de school gebeld" in body


def test_a_different_step_from_a_stale_page_still_shows_both_versions(world: World, item: Concern) -> None:
    page = _move(item, "triaged", "Gebeld met de ouder")
    assert world.client_for("coordinator").post(_url(world, item), page).status_code == 302
    written = _written(item)
    refused = world.client_for("org_admin").post(_url(world, item), {**page, "to_state": "resolved",
                                                                       "what": "Opgelost"})
    assert refused.status_code == 200
    assert _written(item) == written
    assert "Someone else saved this while you were editing" in refused.content.decode()


def test_asking_for_the_step_it_is_at_on_a_current_page_is_a_clear_error(world: World, item: Concern) -> None:
    """Only a hand-made post can ask this (the step it is at is never offered): an error, not a 500."""
    client = world.client_for("coordinator")
    assert client.post(_url(world, item), _move(item, "triaged", "Gebeld")).status_code == 302
    item.refresh_from_db()
    written = _written(item)
    response = client.post(_url(world, item), _move(item, "triaged", "Nog eens"))
    assert response.status_code == 200
    assert "This concern cannot move to that step." in response.content.decode()
    assert _written(item) == written


def test_a_long_note_is_kept_whole_on_the_step_and_a_double_tap_is_still_one_move(world: World,
                                                                                  item: Concern) -> None:
    """The form takes 4,000 characters; the step kept 300 of them (core's ``StateChange.reason``)
    and a double tap with such a note read as a conflict with oneself. Now the whole note is on the
    step, on the concern's page, and the second tap lands as the first."""
    client = world.client_for("coordinator")
    note = " ".join(f"Gesprek-{i:04d} met de ouder en de school." for i in range(100))[:3990] + " EINDE"
    assert len(note) > 3900
    data = _move(item, "triaged", note)
    assert client.post(_url(world, item), data).status_code == 302
    assert client.post(_url(world, item), data).status_code == 302  # a double tap: the user's own save
    assert _written(item) == (2, 1, 1)
    step = ConcernStep.objects.get(concern=item, to_state="triaged")
    assert step.reason == note
    page = client.get(_url(world, item)).content.decode()
    assert "Gesprek-0099 met de ouder" in page and "EINDE" in page


def test_a_note_beyond_the_form_limit_is_refused_and_kept(world: World, item: Concern) -> None:
    client = world.client_for("coordinator")
    note = "x" * 4001
    before = _written(item)
    response = client.post(_url(world, item), _move(item, "triaged", note))
    assert response.status_code == 200
    assert note in response.content.decode()  # what was typed, back in the form
    assert _written(item) == before  # nothing written


def _resolve(world: World, item: Concern, what: str) -> None:
    client = world.client_for("coordinator")
    assert client.post(_url(world, item), _move(item, "triaged", "Gebeld met de ouder")).status_code == 302
    item.refresh_from_db()
    assert client.post(_url(world, item), _move(item, "resolved", what)).status_code == 302
    item.refresh_from_db()


def test_a_resolved_concern_shows_its_outcome_once_and_reopening_is_secondary(world: World, item: Concern) -> None:
    _resolve(world, item, "Afspraken gemaakt over de planning")
    body = world.client_for("coordinator").get(_url(world, item)).content.decode()
    assert body.count("Afspraken gemaakt over de planning") == 1  # under "What was done", not again as the step
    assert "Gebeld met de ouder" in body  # the other steps keep their notes
    assert 'type="radio"' not in body  # no choice of steps: reopening is the one move
    assert "A new problem?" in body and "Reopen this concern" in body and "Why reopen it?" in body
    assert '<details id="reopen">' in body
    assert 'class="primary" id="move"' not in body  # a secondary button, behind the summary
    assert 'name="to_state" value="action"' in body


def test_reopening_asks_why_and_keeps_the_concern_resolved_without(world: World, item: Concern) -> None:
    _resolve(world, item, "Afspraken gemaakt")
    written = _written(item)
    refused = world.client_for("coordinator").post(_url(world, item), _move(item, "action", "  "))
    assert refused.status_code == 200
    assert _written(item) == written and item.state == "resolved"
    body = refused.content.decode()
    assert "Say why it is reopened." in body and '<details id="reopen" open>' in body


def test_a_reopened_concern_is_under_way_again_with_each_note_once(world: World, item: Concern) -> None:
    _resolve(world, item, "Afspraken gemaakt")
    client = world.client_for("coordinator")
    assert client.post(_url(world, item), _move(item, "action", "Weer ruzie na de vakantie")).status_code == 302
    item.refresh_from_db()
    assert item.state == "action" and item.outcome == "" and item.resolved_at is None
    body = client.get(_url(world, item)).content.decode()
    assert body.count("Afspraken gemaakt") == 1 and body.count("Weer ruzie na de vakantie") == 1
    assert "<h3>What was done</h3>" not in body  # the earlier outcome reads in its step
    assert 'type="radio"' in body and 'value="resolved"' in body  # the ordinary next step again
