"""Punctuation and percentages joined in Python, as each language writes them: French puts a
no-break space before ":" and ";" and before "%"; German before "%"; English and Dutch neither.
The template filters (``colon``, ``semicolons``, ``percent``) say the same as the Python helpers."""

from __future__ import annotations

import pytest
from django.template import engines
from django.utils import translation

from tandem.core import text

NBSP = "\u00a0"


@pytest.mark.parametrize(("language", "pair", "items", "share", "decimal"), [
    ("en", "Goals: 2", "a; b; c", "95%", "42.8%"),
    ("nl", "Doelen: 2", "a; b; c", "95%", "42,8%"),
    ("fr", f"Objectifs{NBSP}: 2", f"a{NBSP}; b{NBSP}; c", f"95{NBSP}%", f"42,8{NBSP}%"),
    ("de", "Ziele: 2", "a; b; c", f"95{NBSP}%", f"42,8{NBSP}%"),
])
def test_each_language_joins_and_writes_shares_its_own_way(language: str, pair: str, items: str, share: str,
                                                            decimal: str) -> None:
    words = {"en": "Goals", "nl": "Doelen", "fr": "Objectifs", "de": "Ziele"}
    with translation.override(language):
        assert text.label_value(words[language], 2) == pair
        assert text.semicolons(["a", "b", "c"]) == items
        assert text.percent(95) == share
        assert text.percent(42.75, 1) == decimal
        assert text.percent(0) in ("0%", f"0{NBSP}%")


def test_the_filters_say_what_the_helpers_say_and_escape() -> None:
    template = engines["django"].from_string(
        "{% load tandem_tags %}{{ label|colon }} {{ items|semicolons }} {{ share|percent }}")
    with translation.override("fr"):
        page = template.render({"label": "Objectifs", "items": ["<b>", "x"], "share": 40})
    assert page == f"Objectifs{NBSP}: &lt;b&gt;{NBSP}; x 40{NBSP}%"
    with translation.override("en"):
        page = template.render({"label": "Goals", "items": ["a", "b"], "share": 40})
    assert page == "Goals: a; b 40%"
