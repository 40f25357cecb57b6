"""A group programme's pages speak of its learning communities, not of pairs.

Walk of "Students as Community Builders" (a trained student leads a learning community of several
younger students): the mentor's home read "Deine Tandems", the learner's "Dein Tandem", the match
page "Warum dieses Tandem", the mentor's answer "in diesem Tandem weitermachen", the journal "Das
Tandem", the check-in "Passt dieses Tandem?" (and "koppel", "binôme" in Dutch and French). Each
such place has a whole sentence of its own for a group programme (``Programme.is_group``). The
product's name stays in the header, the footer and after the page's own title ("… · Tandem"), so
the tests read the page's <main> and the page title's own part.
"""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse

from conftest import World
from tandem.matching import services
from tandem.matching.models import Match
from tandem.matching.tests.factories import held, persona_pair

pytestmark = pytest.mark.django_db

# The word each language uses for a pair, which a group programme's reader must not meet.
PAIR_WORD = {"de": re.compile(r"Tandem"), "nl": re.compile(r"\bkoppel", re.I), "fr": re.compile(r"binôme", re.I)}


def _match(world: World, *, group: bool) -> Match:
    """The mentor and learner personas in one proposed match whose first meeting was held: every
    side has an answer, a check-in and a journal to read."""
    volunteer, learner = persona_pair(world)
    if group:
        world.programme.format = "group"
        world.programme.save()
    match = services.match_create(programme=world.programme, volunteer=volunteer, learner=learner,
                                  actor=world.users["coordinator"])
    held(world, match)
    return match


def _url(world: World, name: str, **kwargs: object) -> str:
    return reverse(name, kwargs={"org": world.organisation.slug, "prog": world.programme.slug, **kwargs})


def _read(world: World, persona: str, language: str, url: str) -> tuple[str, str]:
    """The page's own title (before " · Tandem") and the visible text of its <main>."""
    user = world.users[persona]
    user.language = language
    user.save()
    response = world.client_for(persona).get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    title = unescape(re.search(r"<title>(.*?)</title>", html, re.S).group(1)).rsplit(" · ", 1)[0]  # type: ignore[union-attr]
    main = re.search(r"<main\b.*?</main>", html, re.S).group(0)  # type: ignore[union-attr]
    text = unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)\b.*?</\1>", "", main, flags=re.S))))
    return title, text


def _people_pages(world: World, match: Match) -> dict[str, list[str]]:
    """The pages a mentor, a learner and a guardian meet most."""
    own = [_url(world, "core:programme"), _url(world, "matching:matches"), _url(world, "matching:match", pk=match.pk),
           _url(world, "matching:answer", pk=match.pk)]
    return {
        "mentor": [*own, _url(world, "journal:pair", pk=match.pk), _url(world, "support:pulse", pk=match.pk),
                   _url(world, "support:raise")],
        "learner": [*own, _url(world, "journal:pair", pk=match.pk), _url(world, "support:pulse", pk=match.pk),
                    _url(world, "support:raise")],
        "guardian": own,
    }


@pytest.mark.parametrize("language", ["de", "nl", "fr"])
def test_a_group_programmes_mentor_learner_and_guardian_never_read_pair(world: World, language: str) -> None:
    match = _match(world, group=True)
    found = []
    for persona, urls in _people_pages(world, match).items():
        for url in urls:
            title, text = _read(world, persona, language, url)
            found += [(persona, url, part[max(0, hit.start() - 40):hit.end() + 40])
                      for part in (title, text) for hit in PAIR_WORD[language].finditer(part)]
    assert found == []


def test_the_group_programmes_coordinator_reads_learning_communities_in_german(world: World) -> None:
    match = _match(world, group=True)
    urls = [_url(world, "matching:matches"), _url(world, "matching:home"), _url(world, "matching:match", pk=match.pk),
            _url(world, "journal:overview"), _url(world, "journal:pair", pk=match.pk), _url(world, "support:overview"),
            _url(world, "support:risks"), _url(world, "support:pair", pk=match.pk)]
    found = []
    for url in urls:
        title, text = _read(world, "coordinator", "de", url)
        found += [(url, part[max(0, hit.start() - 40):hit.end() + 40])
                  for part in (title, text) for hit in PAIR_WORD["de"].finditer(part)]
    assert found == []
    assert _read(world, "coordinator", "de", _url(world, "matching:matches"))[0] == "Lerngemeinschaften"
    assert "Lerngemeinschaften und ihr Logbuch" in _read(world, "coordinator", "de", _url(world, "core:programme"))[1]


def test_the_group_sentences_in_german(world: World) -> None:
    match = _match(world, group=True)
    home = _read(world, "mentor", "de", _url(world, "core:programme"))[1]
    assert "Deine Lerngemeinschaft" in home
    assert "Deine Lerngemeinschaft" in _read(world, "learner", "de", _url(world, "core:programme"))[1]
    assert "Die Lerngemeinschaft deines Kindes" in _read(world, "guardian", "de", _url(world, "core:programme"))[1]
    answer = _read(world, "mentor", "de", _url(world, "matching:answer", pk=match.pk))[1]
    assert "Nach eurem ersten Treffen: Soll diese:r Mentee in deiner Lerngemeinschaft bleiben?" in answer
    # The learner persona is a minor: the guardian answers for them.
    assert "Nach dem ersten Treffen: Soll dein Kind in dieser Lerngemeinschaft bleiben?" in _read(
        world, "guardian", "de", _url(world, "matching:answer", pk=match.pk))[1]
    title, page = _read(world, "mentor", "de", _url(world, "matching:match", pk=match.pk))
    assert title == "Ein Platz in einer Lerngemeinschaft"
    assert "Lerngemeinschaft von Mentor" in page
    assert "Fühlt sich diese:r Mentee in deiner Lerngemeinschaft wohl?" in _read(
        world, "mentor", "de", _url(world, "support:pulse", pk=match.pk))[1]
    assert "Die Lerngemeinschaft" in _read(world, "mentor", "de", _url(world, "journal:pair", pk=match.pk))[1]


def test_a_one_to_one_programme_keeps_its_pair(world: World) -> None:
    """The group sentences are a group programme's only: a tandem stays a tandem."""
    match = _match(world, group=False)
    assert "Dein Tandem" in _read(world, "mentor", "de", _url(world, "core:programme"))[1]
    assert _read(world, "mentor", "de", _url(world, "matching:matches"))[0] == "Tandems"
    assert _read(world, "mentor", "de", _url(world, "matching:match", pk=match.pk))[0] == "Tandem"
    assert "Willst du als Mentor:in in diesem Tandem weitermachen?" in _read(
        world, "mentor", "de", _url(world, "matching:answer", pk=match.pk))[1]
    assert "Passt dieses Tandem?" in _read(world, "mentor", "de", _url(world, "support:pulse", pk=match.pk))[1]
    assert "Tandems und ihr Logbuch" in _read(world, "coordinator", "de", _url(world, "core:programme"))[1]
    assert "Lerngemeinschaft" not in _read(world, "learner", "de", _url(world, "core:programme"))[1]


def _pair_words(world: World, persona: str, url: str) -> list[str]:
    title, text = _read(world, persona, "de", url)
    return [part[max(0, hit.start() - 40):hit.end() + 40] for part in (title, text) for hit in PAIR_WORD["de"].finditer(part)]


def test_the_coordinators_home_round_and_closure_report_say_places(world: World) -> None:
    """The coordinator's home ("abgelehnt, neue Partner:in nötig"), the round page ("Ein Tandem von
    Hand bilden") and the closure report ("Tandems nach Status", "Beendete Tandems")."""
    match = _match(world, group=True)
    match.refresh_from_db()
    services.match_close(match=match, reason=Match.Closure.MENTOR_MOVED, actor=world.users["coordinator"],
                         expected_version=match.version)
    matching_round = services.round_start(programme=world.programme, actor=world.users["coordinator"],
                                          background=False)
    home = _read(world, "coordinator", "de", _url(world, "core:programme"))[1]
    assert "abgelehnt, neuer Platz in einer Lerngemeinschaft nötig" in home
    assert "Partner:in" not in home
    # "Letzte Änderungen" names a match's entries by the group word (Match.audit_group_kind).
    assert "Platz in einer Lerngemeinschaft" in home
    assert _pair_words(world, "coordinator", _url(world, "core:programme")) == []
    round_page = _read(world, "coordinator", "de", _url(world, "matching:round", pk=matching_round.pk))[1]
    assert "Eine:n Mentee von Hand einer Lerngemeinschaft zuordnen" in round_page
    report = _read(world, "coordinator", "de", _url(world, "matching:report"))[1]
    for words in ("Plätze in Lerngemeinschaften nach Status", "Alle Plätze in Lerngemeinschaften",
                  "Warum Plätze in Lerngemeinschaften endeten", "Beendete Plätze in Lerngemeinschaften"):
        assert words in report
    found = [(url, hit) for url in (_url(world, "matching:round", pk=matching_round.pk), _url(world, "matching:report"))
             for hit in _pair_words(world, "coordinator", url)]
    assert found == []


def test_the_supervisors_journal_overview_says_members(world: World) -> None:
    _match(world, group=True)
    overview = _read(world, "supervisor", "de", _url(world, "journal:overview"))[1]
    assert "Die Mitglieder von Lerngemeinschaften an deiner Schule." in overview
    assert _pair_words(world, "supervisor", _url(world, "journal:overview")) == []


def test_a_declined_place_reads_as_a_place_in_the_volunteers_history(world: World) -> None:
    """The mentor's history after their only learner said no: "Kein offener Platz in einer
    Lerngemeinschaft mehr", not "Kein offenes Tandem mehr" (a code of its own, MatchingReason)."""
    match = _match(world, group=True)
    services.match_answer(match=match, side="learner", answer="no", actor=world.users["guardian"],
                          reason="Zu weit weg")
    page = _read(world, "coordinator", "de", reverse("onboarding:volunteer", kwargs={
        "org": world.organisation.slug, "prog": world.programme.slug, "pk": match.volunteer_id}))[1]
    assert "Kein offener Platz in einer Lerngemeinschaft mehr" in page
    learner_page = _read(world, "coordinator", "de", reverse("intake:learner", kwargs={
        "org": world.organisation.slug, "prog": world.programme.slug, "pk": match.learner_id}))[1]
    assert "Der Platz in der Lerngemeinschaft wurde nach dem ersten Treffen abgelehnt" in learner_page
    match_page = _read(world, "coordinator", "de", _url(world, "matching:match", pk=match.pk))[1]
    assert "Diese:r Mentee und diese Mentor:in haben schon einmal abgelehnt" in match_page
    assert _pair_words(world, "coordinator", _url(world, "matching:match", pk=match.pk)) == []


def test_a_one_to_one_programmes_coordinator_keeps_the_pair(world: World) -> None:
    match = _match(world, group=False)
    home = _read(world, "coordinator", "de", _url(world, "core:programme"))[1]
    assert "abgelehnt, neue Partner:in nötig" in home
    assert "Tandem" in home and "Platz in einer Lerngemeinschaft" not in home
    assert "Tandems nach Status" in _read(world, "coordinator", "de", _url(world, "matching:report"))[1]
    assert "Die Tandems an deiner Schule." in _read(world, "supervisor", "de", _url(world, "journal:overview"))[1]
    services.match_answer(match=match, side="learner", answer="no", actor=world.users["guardian"], reason="Zu weit")
    page = _read(world, "coordinator", "de", reverse("onboarding:volunteer", kwargs={
        "org": world.organisation.slug, "prog": world.programme.slug, "pk": match.volunteer_id}))[1]
    assert "Kein offenes Tandem mehr" in page


def test_the_close_page_and_the_conflicts_page_say_places(world: World) -> None:
    """"Tandem beenden", "Warum endet das Tandem?", "Dieses Tandem nie vorschlagen"."""
    match = _match(world, group=True)
    close = _url(world, "matching:close", pk=match.pk)
    title, page = _read(world, "coordinator", "de", close)
    assert title == "Diesen Platz in der Lerngemeinschaft beenden"
    assert "Warum endet der Platz in der Lerngemeinschaft?" in page
    conflicts = _url(world, "matching:conflicts")
    assert "Diese:n Mentee und diese Mentor:in nie zusammenbringen" in _read(world, "coordinator", "de", conflicts)[1]
    assert [hit for url in (close, conflicts) for hit in _pair_words(world, "coordinator", url)] == []


def test_a_one_to_one_close_page_keeps_the_pair(world: World) -> None:
    match = _match(world, group=False)
    title, page = _read(world, "coordinator", "de", _url(world, "matching:close", pk=match.pk))
    assert title == "Tandem beenden" and "Warum endet das Tandem?" in page
    assert "Dieses Tandem nie vorschlagen" in _read(world, "coordinator", "de", _url(world, "matching:conflicts"))[1]
