"""Who reads which note: every kind of note, with every visibility its kind allows, opened by
every role (on the meeting's page and on the pair's page), and the selectors that decide it."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from conftest import World
from tandem.core.testing import ALL_PERSONAS
from tandem.journal import selectors
from tandem.journal.models import KINDS, READERS, Note
from tandem.journal.tests.factories import meeting, persona_match

pytestmark = pytest.mark.django_db

# A persona's part in the world's pair (None: no part, the pages refuse them).
PART = {"org_admin": "coordinator", "coordinator": "coordinator", "mentor": "mentor", "learner": "learner",
        "guardian": "guardian", "supervisor": "supervisor", "partner_contact": None, "observer": None,
        "outsider": None, "anonymous": None}
CASES = [(kind, visibility) for kind, rule in KINDS.items() for visibility in rule.visibilities]


def test_the_cases_cover_every_kind_and_every_visibility() -> None:
    assert {kind for kind, _v in CASES} == set(Note.Kind.values)
    assert {v for _k, v in CASES} == set(Note.Visibility.values)


def _notes(world: World) -> tuple[Any, dict[tuple[str, str], Note]]:
    match = persona_match(world)
    # Held: the pair's page shows a learner the meetings that took place.
    item = meeting(match, days=-1, state="held")
    notes = {}
    comment = None
    for kind, visibility in CASES:
        parent = comment if kind == Note.Kind.REPLY else None
        note = Note.objects.create(meeting=item, kind=kind, visibility=visibility, parent=parent,
                                   text=f"Tekst-{kind}-{visibility}", author=world.people["supervisor"])
        if kind == Note.Kind.COMMENT:
            comment = note
        notes[(kind, visibility)] = note
    return item, notes


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_every_note_kind_and_visibility_for_every_role(world: World, persona: str) -> None:
    item, notes = _notes(world)
    match = item.match
    kw = {"org": world.organisation.slug, "prog": world.programme.slug, "pk": match.pk}
    client = world.client_for(persona)
    pages = [reverse("journal:meeting", kwargs={**kw, "meeting": item.pk}), reverse("journal:pair", kwargs=kw)]
    part = PART[persona]
    for url in pages:
        response = client.get(url)
        if part is None:
            assert response.status_code in (302, 403, 404), (persona, url, response.status_code)
            expected = {"anonymous": 302, "outsider": 404}.get(persona, 403)
            assert response.status_code == expected, (persona, url)
            continue
        assert response.status_code == 200, (persona, url)
        body = response.content.decode()
        for (kind, visibility), note in notes.items():
            shown = note.text in body
            assert shown == (part in READERS[visibility]), (persona, url, kind, visibility)


def test_the_selector_agrees_with_the_pages(world: World) -> None:
    item, notes = _notes(world)
    for persona, part in PART.items():
        if part is None or persona == "anonymous":
            continue
        parts = selectors.pair_roles(match=item.match, user=world.users[persona]) if persona != "outsider" \
            else selectors.pair_roles(match=item.match, user=world.outsider)
        assert parts == frozenset({part}), persona
        read = {(n.kind, n.visibility) for top in selectors.meeting_notes(meeting=item, parts=parts)
                for n in [top, *top.shown_replies]}
        assert read == {case for case in notes if part in READERS[case[1]]}, persona
    assert selectors.pair_roles(match=item.match, user=world.users["observer"]) == frozenset()
    assert selectors.pair_roles(match=item.match, user=world.outsider) == frozenset()


def test_the_learner_reads_what_was_done_but_not_the_note_for_the_team(world: World) -> None:
    match = persona_match(world)
    item = meeting(match, days=-2, state="held", activities="Samen breuken geoefend",
                   note="Thuis is het onrustig")
    kw = {"org": world.organisation.slug, "prog": world.programme.slug, "pk": match.pk}
    for persona, team in (("learner", False), ("guardian", False), ("mentor", True), ("supervisor", True),
                          ("coordinator", True)):
        for url in (reverse("journal:pair", kwargs=kw), reverse("journal:meeting", kwargs={**kw, "meeting": item.pk})):
            body = world.client_for(persona).get(url).content.decode()
            assert "Samen breuken geoefend" in body, (persona, url)
            assert ("Thuis is het onrustig" in body) == team, (persona, url)


def test_a_mentor_of_another_pair_sees_nothing(world: World) -> None:
    from tandem.matching.tests.factories import mentor, pupil

    match = persona_match(world)
    other_mentor = mentor(world, "Bram")
    other = pupil(world, "Noor")
    from tandem.matching.models import Match

    theirs = Match.objects.create(programme=world.programme, volunteer=other_mentor, learner=other, slot=1,
                                  capacity=1, state="active")
    kw = {"org": world.organisation.slug, "prog": world.programme.slug}
    assert world.client_for("mentor").get(reverse("journal:pair", kwargs={**kw, "pk": theirs.pk})).status_code == 404
    assert world.client_for("mentor").get(reverse("journal:pair", kwargs={**kw, "pk": match.pk})).status_code == 200


def test_a_supervisor_of_apprentices_reads_the_pairs_they_follow_not_their_school(world: World) -> None:
    """At VerA a supervisor may be the trainer at the company: "The pairs at your school" was wrong
    for them; a school's teacher keeps it."""
    from tandem.core.models import PartnerInstitution

    persona_match(world)
    url = reverse("journal:overview", kwargs={"org": world.organisation.slug, "prog": world.programme.slug})
    assert "The pairs at your school" in world.client_for("supervisor").get(url).content.decode()
    PartnerInstitution.objects.create(programme=world.programme, name="Autohaus Mitte",
                                      kind=PartnerInstitution.Kind.EMPLOYER)
    page = world.client_for("supervisor").get(url).content.decode()
    assert "The pairs you follow" in page and "at your school" not in page


@pytest.mark.parametrize("persona", ["supervisor", "coordinator"])
def test_the_overviews_column_of_open_items_does_not_say_they_wait_for_the_reader(world: World, persona: str) -> None:
    """A teacher's "Waiting for you" column listed "2 not logged": logging is the mentor's job. The
    column reads "Still open" ("Nog open"), for everyone."""
    persona_match(world)
    url = reverse("journal:overview", kwargs={"org": world.organisation.slug, "prog": world.programme.slug})
    client = world.client_for(persona)
    for language, words in (("en", "Still open"), ("nl", "Nog open"), ("fr", "En suspens"), ("de", "Noch offen")):
        page = client.get(url, headers={"accept-language": language}).content.decode()
        assert words in page and "Waiting for you" not in page and "Wacht op jou" not in page, language


def test_a_notes_date_does_not_break_at_its_hyphens(world: World) -> None:
    """On a Dutch phone a note's header broke "24-11-" from "2026": the date and time keep together."""
    import re

    item, _notes_by_case = _notes(world)
    kw = {"org": world.organisation.slug, "prog": world.programme.slug, "pk": item.match.pk}
    page = world.client_for("coordinator").get(reverse("journal:meeting", kwargs={**kw, "meeting": item.pk}),
                                               headers={"accept-language": "nl"}).content.decode()
    dates = re.findall(r'<span class="who">[^<]*<span class="nowrap">(\d{1,2}-\d{1,2}-\d{4} \d{1,2}:\d{2})</span>', page)
    assert len(dates) >= 2, page[:3000]  # notes and a reply


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_journal_timeline_says_who_answered_what_not_only_answered(world: World, language: str) -> None:
    """The pair's journal listed "Answered", "Answered", "Active" without saying who answered what;
    the match's own page says "Answered — guardian: yes". The journal says it too."""
    from tandem.matching.models import MatchEvent

    match = persona_match(world)
    MatchEvent.objects.create(match=match, kind="answered",
                              data={"side": "learner", "answer": "yes", "answered_as": "guardian"})
    MatchEvent.objects.create(match=match, kind="answered", data={"side": "mentor", "answer": "yes"})
    user = world.users["supervisor"]
    user.language = language
    user.save(update_fields=["language"])
    url = reverse("journal:pair", kwargs={"org": world.organisation.slug, "prog": world.programme.slug,
                                          "pk": match.pk})
    page = " ".join(world.client_for("supervisor").get(url).content.decode().split())
    expected = {"en": ("Answered — guardian: yes", "Answered — mentor: yes"),
                "nl": ("Beantwoord — ouder/voogd: ja", "Beantwoord — mentor: ja")}[language]
    for line in expected:
        assert line in page, line


def test_the_supervisors_home_marks_which_pair_waits_for_feedback(world: World) -> None:
    """"1 preparation waits for your feedback" above a list of pairs did not say which one: the
    pair whose preparation waits carries the badge the pair's page shows."""
    from tandem.journal import services

    match = persona_match(world)
    ahead = meeting(match, days=2)
    home = reverse("core:programme", kwargs={"org": world.organisation.slug, "prog": world.programme.slug})
    client = world.client_for("supervisor")
    assert "Waiting for feedback" not in client.get(home).content.decode()
    services.note_add(meeting=ahead, kind=Note.Kind.PREPARATION, text="Een spel, dan de toets.",
                      parts={"mentor"}, author=world.people["mentor"], actor=world.users["mentor"])
    page = " ".join(client.get(home).content.decode().split())
    assert "1 preparation waits for your feedback" in page
    pair_line = page[page.find(f'/matches/{match.pk}/journal/"'):][:400]
    assert "Waiting for feedback" in pair_line, pair_line
