"""French dates in words read "1er août" on the first of a month (tandem/core/dates.py); every
route to a date goes through the same formatter, so each is checked once here: the ``date``
filter, a date rendered bare in a template, ``formats.date_format`` in Python. Numeric dates and
the other languages are unchanged."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.template import Context, Template
from django.utils import formats, translation

FIRST, SECOND = date(2026, 8, 1), date(2026, 8, 2)

IN_WORDS = [
    ("fr", FIRST, "1er août 2026"),
    ("fr", SECOND, "2 août 2026"),
    ("fr", date(2026, 1, 1), "1er janvier 2026"),
    ("fr", date(2026, 8, 11), "11 août 2026"),
    ("fr", date(2026, 8, 21), "21 août 2026"),
    ("fr", date(2026, 8, 31), "31 août 2026"),
    ("en", FIRST, "1 August 2026"),
    ("en", SECOND, "2 August 2026"),
    ("nl", FIRST, "1 augustus 2026"),
    ("de", FIRST, "1. August 2026"),
]


@pytest.mark.parametrize(("language", "day", "expected"), IN_WORDS)
def test_date_in_words_by_filter_bare_and_python(language: str, day: date, expected: str) -> None:
    template = Template('{{ day|date:"DATE_FORMAT" }}|{{ day }}')
    with translation.override(language):
        assert template.render(Context({"day": day})) == f"{expected}|{expected}"
        assert formats.date_format(day, "DATE_FORMAT") == expected


@pytest.mark.parametrize(("language", "expected"), [
    ("fr", "1er août 2026 10:30"), ("en", "1 August 2026, 10:30"),
    ("nl", "1 augustus 2026 10:30"), ("de", "1. August 2026 10:30"),
])
def test_date_and_time(language: str, expected: str) -> None:
    with translation.override(language):
        assert formats.date_format(datetime(2026, 8, 1, 10, 30), "DATETIME_FORMAT") == expected
        assert formats.localize(datetime(2026, 8, 1, 10, 30)) == expected


def test_french_month_and_day_and_first_of_a_month_with_its_weekday() -> None:
    with translation.override("fr"):
        assert formats.date_format(FIRST, "MONTH_DAY_FORMAT") == "1er août"
        assert f"{formats.date_format(FIRST, 'l')} {formats.date_format(FIRST)}" == "samedi 1er août 2026"


@pytest.mark.parametrize(("language", "expected"), [
    ("fr", "01/08/2026"), ("en", "01/08/2026"), ("nl", "1-8-2026"), ("de", "01.08.2026"),
])
def test_numeric_dates_are_unchanged(language: str, expected: str) -> None:
    with translation.override(language):
        assert formats.date_format(FIRST, "SHORT_DATE_FORMAT") == expected


def test_english_ordinal_suffix_is_still_english_outside_french() -> None:
    with translation.override("en"):
        assert formats.date_format(FIRST, "jS") == "1st"
        assert formats.date_format(date(2026, 8, 22), "jS") == "22nd"
    with translation.override("fr"):
        assert formats.date_format(date(2026, 8, 22), "jS") == "22"
