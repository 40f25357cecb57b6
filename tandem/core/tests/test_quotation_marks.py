"""People's words quoted on a page took the English “…” in every language (the support pair page's
pulse words, a match's exit-survey comments). They follow the reader's language through one
catalogue entry (``core.text.quoted``, the ``quoted`` filter): “…” in English and Dutch, „…“ in
German, « … » with no-break spaces in French; the catalogues quote the same way."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from conftest import World
from tandem.core.text import quoted

TANDEM = Path(__file__).resolve().parents[2]
MARKS = {"en": "“leuk”", "nl": "“leuk”", "de": "„leuk“", "fr": "«\u00a0leuk\u00a0»"}


@pytest.mark.parametrize(("language", "expected"), MARKS.items())
def test_words_are_quoted_as_the_reader_writes_them(language: str, expected: str) -> None:
    with translation.override(language):
        assert quoted("leuk") == expected
        page = Template("{% load tandem_tags %}{{ word|quoted }}").render(Context({"word": "<b>leuk</b>"}))
        assert page == expected.replace("leuk", "&lt;b&gt;leuk&lt;/b&gt;")


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "expected"), MARKS.items())
def test_the_support_pair_page_quotes_the_pulse_word_in_the_readers_language(
        world: World, language: str, expected: str) -> None:
    from tandem.support.models import PulseRating
    from tandem.support.tests.factories import pair

    match = pair(world)
    PulseRating.objects.create(match=match, side="learner", score=4, word="leuk")
    world.users["coordinator"].language = language
    world.users["coordinator"].save()
    page = world.client_for("coordinator").get(reverse("support:pair", kwargs={
        "org": world.organisation.slug, "prog": world.programme.slug, "pk": match.pk})).content.decode()
    assert f"· {expected}</li>" in page


def test_the_catalogues_quote_as_their_language_does() -> None:
    """German „…“ (never ”, never “…” opening), Dutch “…” (not the older „…”), French « … » with
    no-break spaces (never “ or ”)."""
    wrong = {"de": re.compile(r"”|“\w|\s“\S|\"\w[^\"]*\"(?![^<]*>)"), "nl": re.compile("„"),
             "fr": re.compile("[“”]|«(?!\u00a0)|(?<!\u00a0)»")}
    found = []
    for language, pattern in wrong.items():
        for po in sorted(TANDEM.glob(f"*/locale/{language}/LC_MESSAGES/django.po")):
            for entry in polib.pofile(str(po)):
                for text in [entry.msgstr, *entry.msgstr_plural.values()]:
                    if pattern.search(re.sub(r"<[^>]*>", "", text)):
                        found.append((language, po.parts[-5], entry.msgid, text))
    assert found == []
