"""French "1er": the first day of a month, written in words, is "1er août", never "1 août".

The decision — one mechanism for every date Tandem writes in words in French: the French format
module (``tandem/formats/fr/formats.py``, found through ``FORMAT_MODULE_PATH``) writes the day as
``jS``, and :func:`install` (called once by ``CoreConfig.ready``) makes Django's ``S`` format
character answer in French while French is active: "er" on the 1st, nothing on any other day.

Why there: every route to a date in words ends in Django's ``DateFormat`` — the ``date`` filter,
a date rendered bare in a template (``localize``), ``formats.date_format`` in services and
template tags, PDFs (attestations, certificates, exports, funder reports), e-mails (rendered by a
task under the recipient's language), iCal descriptions. None of them needs to know, and a new one
cannot forget. Rejected: a custom ``date`` filter (misses bare ``{{ day }}`` and every Python
caller); rewriting "1 août" after formatting (must know every month, and would also change text
a person typed).

Numeric formats ("d/m/Y") contain no ``S`` and stay as they are. In every other language ``S``
keeps Django's English meaning ("st", "nd"…), which none of Tandem's formats use.
"""

from __future__ import annotations

from datetime import date

from django.utils.dateformat import DateFormat
from django.utils.translation import get_language

_DJANGO_SUFFIX = DateFormat.S


def day_suffix(formatter: DateFormat) -> str:
    """``S`` in a date format: in French "er" on the first of a month and nothing otherwise;
    elsewhere Django's English ordinal suffix."""
    language = get_language() or ""
    if language == "fr" or language.startswith("fr-"):
        return "er" if isinstance(formatter.data, date) and formatter.data.day == 1 else ""
    return str(_DJANGO_SUFFIX(formatter))


def install() -> None:
    DateFormat.S = day_suffix  # type: ignore[method-assign,assignment]
