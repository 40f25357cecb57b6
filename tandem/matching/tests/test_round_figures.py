"""Figures inside the matching pages' sentences are grouped as the reader's language groups them.

At AFEV's size (7,000 volunteers, 10,000 learners) the round page said "7000 Mentor:innen" and
"alle 1234 passenden Mentor:innen" where the rest of the page said "7.000": a number passed into a
translated sentence was printed as a bare integer. And the reason a learner got no proposal is
rendered from its codes in the reader's language, never from the engine's English (the engine's
params still carry English words such as "Arabic")."""

from __future__ import annotations

import html as html_module
import re

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from conftest import World
from tandem.matching import explanations
from tandem.matching.models import MatchingRound, UnmatchedLearner
from tandem.matching.tests.factories import programme_url, pupil

pytestmark = pytest.mark.django_db

# 1234 as each language writes it (French: a no-break space, so the figure never breaks).
GROUPED = {"en": "1,234", "nl": "1.234", "de": "1.234", "fr": "1\u00a0234"}


def _text(html: str) -> str:
    # Not ``\s``: it would turn the French no-break space into a plain one.
    return html_module.unescape(re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html)))


@pytest.mark.parametrize(("language", "expected"), [
    ("en", ["1,234 proposals", "2,345 learners without a proposal", "10,000 learners", "7,000 mentors",
            "all 1,500 suitable mentors went to other learners",
            "1,234 mentors within reach, but none has a language in common with the learner"]),
    ("nl", ["1.234 voorstellen", "2.345 leerlingen zonder voorstel", "10.000 leerlingen", "7.000 mentoren",
            "1.234 mentoren binnen bereik, maar allemaal zonder gemeenschappelijke taal met de leerling"]),
    ("fr", ["1\u00a0234 propositions", "10\u00a0000 jeunes", "7\u00a0000 mentors",
            "les 1\u00a0500 mentors adaptés ont été attribués à d’autres jeunes",
            "1\u00a0234 mentors à proximité, mais aucun n’a de langue commune avec le jeune accompagné"]),
    ("de", ["1.234 Vorschläge", "10.000 Mentees", "7.000 Mentor:innen",
            "alle 1.500 passenden Mentor:innen gingen an andere Mentees",
            "1.234 Mentor:innen in Reichweite, aber alle ohne gemeinsame Sprache mit der:dem Mentee"]),
])
def test_the_round_page_groups_its_figures_and_says_why_in_the_reader_s_language(
        world: World, language: str, expected: list[str]) -> None:
    matching_round = MatchingRound.objects.create(
        programme=world.programme, status=MatchingRound.Status.DONE,
        stats={"matched": 1234, "unmatched": 2345, "learners": 10000, "volunteers": 7000})
    # As the engine stores them: counts and codes, and its English words beside them.
    UnmatchedLearner.objects.create(round=matching_round, learner=pupil(world, "Amal"), reason="limit",
                                    limit="language", params={"limit": "language", "count": 1234, "km": 25,
                                                              "languages": "Arabic"})
    UnmatchedLearner.objects.create(round=matching_round, learner=pupil(world, "Bo", km_east=1), reason="taken",
                                    params={"count": 1500})
    client = world.client_for("coordinator")
    client.cookies["django_language"] = language
    page = client.get(programme_url(world, "matching:round", pk=matching_round.pk), HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 200
    text = _text(page.content.decode())
    for words in expected:
        assert words in text, (language, words)
    assert not re.search(r"\b(1234|1500|2345|7000|10000)\b", text), language
    if language != "en":
        # The engine's English detail ("3 mentors … speak Arabic") never reaches the page.
        assert "Arabic" not in text and " speak " not in text and "mentors within" not in text


@pytest.mark.parametrize("language", sorted(GROUPED))
def test_the_overview_panel_groups_its_figures(world: World, language: str) -> None:
    with translation.override(language):
        html = render_to_string("matching/_panel_coordinator.html", {
            "programme": world.programme, "to_review": 1234, "pending": 1234, "declined": 1234})
    text = _text(html)
    assert text.count(GROUPED[language]) == 3 and "1234" not in text, (language, text)
    # The plural is still chosen by the number: "1.234 Vorschläge", not "1.234 Vorschlag".
    plural = {"en": "proposals waiting", "nl": "voorstellen", "fr": "propositions", "de": "Vorschläge"}[language]
    assert f"{GROUPED[language]} {plural}" in text, (language, text)


@pytest.mark.parametrize("language", sorted(GROUPED))
def test_reasons_and_a_failed_round_s_advice_group_their_figures(language: str) -> None:
    with translation.override(language):
        texts = [
            explanations.unmatched_text("taken", "", {"count": 1234}),
            explanations.unmatched_text("full", "", {"count": 1234}),
            explanations.unmatched_text("unplaced", "", {"count": 1234, "free": 1234}),
            *[explanations.unmatched_text("limit", limit, {"count": 1234, "gender": "female", "years": 5})
              for limit in ("language", "availability", "gender", "age", "excluded", "new-limit")],
        ]
        heading, advice = explanations.round_failure("no_volunteers", {
            "learners": 1234, "full": 1234, "screening": 1234, "no_location": 1234, "paused": 1234,
            "on_their_way": 1234})
        _none, intake = explanations.round_failure("no_learners", {"in_intake": 1234, "without_consent": 1234})
    for text in [*texts, heading, *advice, *intake]:
        assert GROUPED[language] in text and "1234" not in text, (language, text)


@pytest.mark.parametrize("language", ["nl", "fr", "de"])
def test_an_item_the_pages_cannot_name_is_left_out_rather_than_shown_in_english(language: str) -> None:
    items = [{"criterion": "distance", "points": 10, "text": "4.2 km apart", "params": {"km": 4.2}},
             {"criterion": "newcomer", "points": 5, "text": "both speak Arabic", "params": {}}]
    with translation.override(language):
        line = explanations.line(items, private=True)
        reason = explanations.unmatched_text("new-reason", "", {"count": 2})
    assert "Arabic" not in line and "apart" not in line and "4,2 km" in line
    assert reason == {"nl": "in deze ronde is geen passende mentor gevonden",
                      "fr": "aucun mentor adapté n’a été trouvé dans ce tour",
                      "de": "in dieser Runde wurde keine passende Mentor:in gefunden"}[language]
