"""Downloads are named in the reader's language (``core.text.file_name``)."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import (
    pgettext as in_context,  # not marked: the words live in their apps
)

from tandem.core.text import file_name


def test_a_file_name_is_the_translated_word_then_the_parts_as_slugs() -> None:
    assert file_name("results", "mentoren-op-zuid", "2025-08-01") == "results-mentoren-op-zuid-2025-08-01"
    assert file_name("Première rencontre", 12) == "premiere-rencontre-12"
    assert file_name("sjabloon leerlingen") == "sjabloon-leerlingen"
    assert file_name("results", "", None) == "results-none"


def test_the_words_are_translated_where_they_are_marked() -> None:
    expected = {"en": "first-meeting-3", "nl": "eerste-kennismaking-3", "fr": "premiere-rencontre-3",
                "de": "erstes-treffen-3"}
    for language, name in expected.items():
        with translation.override(language):
            assert file_name(in_context("file name", "first meeting"), 3) == name, language
    with translation.override("de"):
        assert file_name(in_context("file name", "allowances"), "vera", 2026) == "aufwandsentschaedigungen-vera-2026"


def test_german_writes_umlauts_as_ae_oe_ue_in_a_file_name() -> None:
    """"aufwandsentschaedigungen", "jonas-krueger": dropping the dots would make other words; other
    languages drop accents as before."""
    with translation.override("de"):
        assert file_name("Aufwandsentschädigungen", "Jonas Krüger", "Straße") == (
            "aufwandsentschaedigungen-jonas-krueger-strasse")
    with translation.override("fr"):
        assert file_name("Première", "Jonas Krüger") == "premiere-jonas-kruger"
