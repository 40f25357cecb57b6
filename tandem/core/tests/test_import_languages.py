"""The shared import mechanism's language rules: every header and every value word of the three
imports means one thing in all four languages, the CSV separator is found whatever Excel wrote,
dates and numbers are read and written as each language writes them."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from conftest import World
from tandem.core.importing import (
    FILE_LANGUAGES,
    Choices,
    Column,
    ImportSpec,
    parse_date,
    parse_int,
    read_table,
    sniff_delimiter,
    to_csv,
)
from tandem.core.text import fold
from tandem.intake.importing import LearnerSpec
from tandem.onboarding.importing import VolunteerSpec
from tandem.outcomes.importing import IndicatorSpec, TableSpec


def _specs(world: World) -> list[ImportSpec]:
    return [VolunteerSpec(world.programme), LearnerSpec(world.programme), IndicatorSpec(world.programme)]


def test_no_header_means_two_columns_in_any_language(world: World) -> None:
    for spec in _specs(world):
        seen: dict[str, str] = {}
        for column in spec.columns:
            assert column.label is not None, column.name
            for word in column.header_words():
                assert seen.setdefault(word, column.name) == column.name, (type(spec).__name__, word)


def test_no_value_word_means_two_codes_in_any_language(world: World) -> None:
    choices = [column.parse.__self__ for spec in _specs(world) for column in spec.columns
               if isinstance(getattr(column.parse, "__self__", None), Choices)]
    assert len(choices) >= 4  # state, reasons, indicator, result
    for choice in choices:
        meaning: dict[str, str] = {}
        for language in FILE_LANGUAGES:
            with translation.override(language):
                for code, label in choice.choices:
                    assert meaning.setdefault(fold(str(label)), code) == code, (language, label)
                    assert choice.parse(str(label)) == code


@pytest.mark.parametrize(("text", "delimiter"), [
    ("Vorname;Nachname;E-Mail\nAnna;Smit;\"a@example.org\"\n", ";"),
    ("Given name,Family name\nAnna,\"Smit; Jansen\"\n", ","),
    ("Voornaam\tAchternaam\tBeschikbaarheid\nAnna\tSmit\tmaandagavond, zaterdagochtend\n", "\t"),
    ("\n\n\"Nom, prénom\";Ville\nAnna;Paris\n", ";"),  # blank lines first, a comma inside quotes
    ("E-mail\nanna@example.org\n", ","),
])
def test_the_separator_is_the_header_rows(text: str, delimiter: str) -> None:
    assert sniff_delimiter(text) == delimiter


def test_a_semicolon_file_with_commas_in_its_cells_reads_every_cell() -> None:
    rows = read_table("Vorname;Verfügbarkeit;Wert\nAnna;Montagabend, Samstagvormittag;7,5\n".encode(), "x.csv")
    assert rows == [{"Vorname": "Anna", "Verfügbarkeit": "Montagabend, Samstagvormittag", "Wert": "7,5"}]


def test_a_header_written_twice_is_refused_by_name() -> None:
    from tandem.core.importing import ImportFileError

    with translation.override("de"), pytest.raises(ImportFileError, match="„E-Mail“ mehr als einmal"):
        read_table(b"E-Mail;Vorname;E-Mail\na@example.org;Anna;b@example.org\n", "x.csv")


@pytest.mark.parametrize("text", ["31.12.2010", "31-12-2010", "31/12/2010", "2010-12-31", "2010-12-31T00:00:00"])
def test_every_languages_date_form_is_read(text: str) -> None:
    assert parse_date(text) == date(2010, 12, 31)


@pytest.mark.parametrize(("language", "pattern"), [
    ("en", "DD/MM/YYYY"), ("nl", "DD-MM-JJJJ"), ("fr", "JJ/MM/AAAA"), ("de", "TT.MM.JJJJ")])
def test_a_wrong_date_is_explained_with_the_readers_pattern(language: str, pattern: str) -> None:
    with translation.override(language), pytest.raises(ValidationError) as caught:
        parse_date("12/31/2010")
    assert pattern in caught.value.messages[0] and "YYYY-MM-DD" not in caught.value.messages[0]


def test_a_whole_number_may_be_written_with_a_decimal_comma() -> None:
    assert parse_int("6,0") == 6 and parse_int("12.0") == 12


class _Spec(ImportSpec):
    key = ""

    def __init__(self, columns: list[Column]) -> None:
        self.columns = columns

    def find_existing(self, values: dict[str, Any]) -> Any:
        return None

    def apply(self, values: dict[str, Any], existing: Any, actor: Any) -> None:
        raise NotImplementedError

    def export_rows(self) -> list[dict[str, Any]]:
        return []


def test_a_csv_for_the_reader_uses_their_separator_dates_and_decimal_mark() -> None:
    spec = _Spec([Column("day", label="Day"), Column("value", label="Value")])
    row = {"day": date(2026, 1, 31), "value": Decimal("7.50")}
    with translation.override("de"):
        german = to_csv(spec=spec, rows=[row]).decode("utf-8-sig")
    with translation.override("en"):
        english = to_csv(spec=spec, rows=[row]).decode("utf-8-sig")
    assert german.splitlines()[1] == "31.01.2026;7,50"
    assert english.splitlines()[1] == "31/01/2026,7.50"
    # A table of codes for other software (no labels) keeps "," and ISO dates in every language.
    codes = TableSpec(["day", "value"], [row])
    with translation.override("de"):
        text = to_csv(spec=codes, rows=codes.export_rows()).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text))) == [["day", "value"], ["2026-01-31", "7.50"]]
