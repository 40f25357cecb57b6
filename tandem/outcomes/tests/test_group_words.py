"""A group programme's results count places in learning communities, not pairs.

In "Students as Community Builders" a match is one learner's place in a mentor's learning
community (docs/outcomes.md, "A group programme counts places"): the results page, the funder
report and the exports say "Plätze in Lerngemeinschaften (begonnen)", "Treffen pro Mitglied",
"Wartezeit bis zum Platz in einer Lerngemeinschaft", not "Tandems (begonnen)", "Treffen pro
Tandem". Only the labels change: every figure is the same as for a one-to-one programme."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest
from django.urls import reverse
from django.utils import translation

from conftest import World
from tandem.outcomes import funder
from tandem.outcomes.tests import known

pytestmark = pytest.mark.django_db

# The product's name in a sentence ("die Mentor:innen und Mentees in Tandem geben") is not a pair.
PAIR = re.compile(r"Tandem(?! geben)")


def _group(world: World) -> None:
    world.programme.format = "group"
    world.programme.save()


def _main(world: World) -> str:
    user = world.users["coordinator"]
    user.language = "de"
    user.save(update_fields=["language"])
    url = reverse("outcomes:dashboard", kwargs={"org": world.organisation.slug, "prog": world.programme.slug})
    html = world.client_for("coordinator").get(url).content.decode()
    main = re.search(r"<main\b.*?</main>", html, re.S).group(0)  # type: ignore[union-attr]
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)\b.*?</\1>", "", main,
                                                                          flags=re.S))))


def _report(world: World, **kwargs: object) -> tuple[str, list[tuple[str, list[str]]], list[str]]:
    """The report's scope, each row's label with its figures, and the section titles, notes,
    column heads and definitions (German)."""
    with translation.override("de"):
        built = funder.build(programme=world.programme, **kwargs)  # type: ignore[arg-type]
        rows = [(row.label, [row.value, row.n]) for section in built.sections for row in section.rows]
        words = [str(t) for s in built.sections for t in (s.title, s.note, *s.columns)] + built.definitions()
        words += [extra for section in built.sections for row in section.rows for extra in row.extra]
        return built.scope, rows, words


def test_the_results_page_counts_places_in_learning_communities(world: World) -> None:
    known.build(world)
    _group(world)
    page = _main(world)
    for words in ("Plätze in Lerngemeinschaften (begonnen)", "Treffen pro Mitglied",
                  "Dauer der Teilnahme an einer Lerngemeinschaft, Median (Tage)",
                  "Wartezeit bis zum Platz in einer Lerngemeinschaft, Median (Tage)",
                  "Ein Bericht gilt für ein Schuljahr: die Plätze in Lerngemeinschaften"):
        assert words in page
    assert [page[max(0, m.start() - 40):m.end() + 40] for m in PAIR.finditer(page)] == []


def test_the_funder_report_says_places_and_keeps_every_figure(world: World) -> None:
    known.build(world)
    scope, pairs, _words = _report(world, cycle="2025-2026")
    assert "Die Tandems, die in diesem Schuljahr begonnen haben" in scope
    assert "Tandems (begonnen)" in [label for label, _figures in pairs]
    _group(world)
    for kwargs in ({"cycle": "2025-2026"}, {"start": date(2025, 8, 1), "end": date(2026, 7, 31)}):
        scope, places, words = _report(world, **kwargs)
        assert "Plätze in Lerngemeinschaften" in scope
        texts = [scope, *words, *(label for label, _figures in places)]
        assert [text for text in texts if PAIR.search(text)] == []
        if "cycle" in kwargs:
            assert [figures for _label, figures in places] == [figures for _label, figures in pairs]
            assert "Plätze in Lerngemeinschaften (begonnen)" in [label for label, _figures in places]


def test_the_export_of_a_group_programmes_matches_is_named_by_its_places(world: World) -> None:
    known.build(world)
    _group(world)
    user = world.users["coordinator"]
    user.language = "de"
    user.save(update_fields=["language"])
    url = reverse("outcomes:export", kwargs={"org": world.organisation.slug, "prog": world.programme.slug,
                                             "table": "matches", "fmt": "csv"})
    response = world.client_for("coordinator").get(url)
    assert response.status_code == 200
    assert 'filename="plaetze-in-lerngemeinschaften-' in response["Content-Disposition"]


def test_the_indicator_form_counts_follow_ups_from_joining(world: World) -> None:
    """The follow-up choices read "6 Monate nach Eintritt in die Lerngemeinschaft", not "nach Beginn
    des Tandems"."""
    _group(world)
    user = world.users["coordinator"]
    user.language = "de"
    user.save(update_fields=["language"])
    url = reverse("outcomes:indicators", kwargs={"org": world.organisation.slug, "prog": world.programme.slug})
    page = world.client_for("coordinator").get(url).content.decode()
    assert "6 Monate nach Eintritt in die Lerngemeinschaft" in page
    assert "nach Beginn des Tandems" not in page
