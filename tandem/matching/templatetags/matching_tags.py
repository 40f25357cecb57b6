"""How a first meeting's place reads on a page or in an e-mail."""

from __future__ import annotations

from django import template

from tandem.matching.services import place_words

register = template.Library()


@register.filter
def in_sentence(place: str | None) -> str:
    """A first meeting's place where it joins a sentence: "First meeting: 3 June, at school,
    during school time." (not "…, At school, …")."""
    return place_words(place, in_sentence=True)


@register.filter
def place(place: str | None) -> str:
    """A first meeting's place on a line of its own."""
    return place_words(place)
