"""Figures inside translated sentences are grouped as the reader's language groups them.

A number passed into ``{% blocktranslate %}`` printed "1234" where the page elsewhere printed
"1.234" (de, nl), "1 234" (fr) or "1,234" (en): at AFEV's size (7,000 volunteers, 10,000
learners) every dashboard panel, list total and pager said it both ways. The count still chooses
the plural; a grouped copy of it is shown (``count number=x with n=x|grouped``)."""

from __future__ import annotations

import html as html_module
import re
from typing import Any

import pytest
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.utils import translation

from conftest import World
from tandem.core.text import grouped

pytestmark = pytest.mark.django_db

LANGUAGES = ("en", "nl", "fr", "de")
SEPARATOR = {"en": ",", "nl": ".", "de": ".", "fr": "\u00a0"}  # French: a no-break space


def _as(language: str, figure: int) -> str:
    return f"{figure:,}".replace(",", SEPARATOR[language])


def _text(html: str) -> str:
    # Not ``\s``: it would turn the French no-break space into a plain one.
    return html_module.unescape(re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html)))


def _snippets(world: World) -> list[tuple[str, dict[str, Any], int]]:
    """(template, context, how many times 1234 is shown in it)."""
    programme = world.programme
    return [
        ("support/_panel_attention.html", {"programme": programme, "counts": {"total": 1234, "no_meeting": 1234},
                                           "reasons": {"no_meeting": "No meeting"}}, 2),
        ("onboarding/_panel.html", {"states": [("ready", "ready", 1234)], "board_url": "/board/",
                                    "expired": 1234, "unplaced": 1234}, 3),
        ("journal/_panel_coordinator.html", {"programme": programme, "numbers": {
            "hours": 1234, "held": 1234, "past": 1234, "unlogged": 1234, "important": 1234}}, 5),
        ("journal/_panel_supervisor.html", {"programme": programme, "waiting": 1234, "pairs": []}, 1),
        ("intake/_panel_partner.html", {"programme": programme, "referrals": [], "total": 1234}, 1),
        ("intake/_panel_coordinator.html", {"programme": programme, "waiting": 1234, "to_review": 1234,
                                            "unplaced": 1234}, 3),
        ("expenses/_panel_coordinator.html", {"programme": programme,
                                              "counts": {"submitted": 1234, "approved": 1234}}, 2),
        ("support/email/digest_subject.txt", {"programme": "AFEV", "rows": [None] * 1234}, 1),
        ("matching/_panel_coordinator.html", {"programme": programme, "to_review": 1234, "pending": 1234,
                                              "declined": 1234}, 3),
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_dashboard_panel_groups_the_figures_in_its_sentences(world: World, language: str) -> None:
    for name, context, times in _snippets(world):
        with translation.override(language):
            text = _text(render_to_string(name, context))
        assert text.count(_as(language, 1234)) == times, (language, name, text)
        assert "1234" not in text, (language, name, text)


@pytest.mark.parametrize(("language", "plural"), [
    ("en", "claims waiting for approval"), ("nl", "declaraties wachten op goedkeuring"),
    ("fr", "demandes en attente d’approbation"), ("de", "Anträge warten auf Genehmigung"),
])
def test_the_number_still_chooses_the_plural(world: World, language: str, plural: str) -> None:
    with translation.override(language):
        text = _text(render_to_string("expenses/_panel_coordinator.html", {
            "programme": world.programme, "counts": {"submitted": 1234, "approved": 1}}))
    assert f"{_as(language, 1234)} {plural}" in text, (language, text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_pager_groups_pages_and_rows_but_not_its_form_values(language: str) -> None:
    page = Paginator(range(31000), 25).page(1234)
    with translation.override(language):
        html = render_to_string("core/_pager.html", {"page": page, "param": "page", "hidden": []})
    text = _text(html)
    for figure in (1234, 1240, 30826, 30850, 31000):
        assert _as(language, figure) in text, (language, figure, text)
    assert 'max="1240"' in html and 'value="1234"' in html  # what the browser reads stays a plain number


@pytest.mark.parametrize("language", LANGUAGES)
def test_hours_with_a_decimal_are_grouped_too(world: World, language: str) -> None:
    with translation.override(language):
        text = _text(render_to_string("journal/_panel_coordinator.html", {
            "programme": world.programme, "numbers": {"hours": 12034.5, "held": 1, "past": 1}}))
    expected = {"en": "12,034.5", "nl": "12.034,5", "de": "12.034,5", "fr": "12\u00a0034,5"}[language]
    assert expected in text, (language, text)


def test_python_s_grouped_is_the_filter_s() -> None:
    for language in LANGUAGES:
        with translation.override(language):
            assert grouped(7000) == _as(language, 7000)
            assert grouped(999) == "999"


def test_a_stat_inside_a_translated_sentence_is_shown_grouped() -> None:
    """``<span class="stat">{{ n }}</span>`` inside ``blocktranslate``: ``n`` is given grouped by the tag."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    bare = []
    for path in root.glob("*/templates/**/*.html"):
        for tag, body in re.findall(r"\{% blocktranslate ([^%]*)%\}(.*?)\{% endblocktranslate %\}", path.read_text(),
                                    flags=re.S):
            for name in re.findall(r'class="stat">\{\{ (\w+) \}\}<', body):
                if not re.search(rf"\b{name}=\S+\|grouped\b", tag):
                    bare.append(f"{path.relative_to(root)}: {tag}")
    assert not bare, bare


def test_a_retention_period_in_days_is_grouped() -> None:
    """The privacy register read "2562 Tage" for expense claims (seven years) beside grouped figures."""
    from tandem.core.privacy import Days

    keep = Days("created", days=7 * 366)
    for language, expected in (("en", "2,562 days"), ("nl", "2.562 dagen"), ("fr", "2\u00a0562 jours"),
                               ("de", "2.562 Tage")):
        with translation.override(language):
            assert keep.describe() == expected, language
