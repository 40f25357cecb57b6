"""How words typed by people are compared: without case, accents or punctuation.

"Mathématiques", "mathematiques" and "MATHÉMATIQUES" are the same word; "Kfz-Mechatroniker" and
"kfz mechatroniker" too. Every vocabulary (languages, time slots, fields, school levels) looks
words up through :func:`fold`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_NOT_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lower case, accents removed, anything but letters and digits turned into one space."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_WORD.sub(" ", plain.replace("ß", "ss")).strip()


def capitalise(text: str) -> str:
    """The first letter upper case, the rest as written ("néerlandais" → "Néerlandais")."""
    return text[:1].upper() + text[1:]


def file_name(word: str, *parts: object) -> str:
    """A download's file name (without extension) in the reader's language: the translated
    ``word`` — marked at the call site as ``pgettext("file name", "results")`` so that it is
    translated there — then the parts, each as a slug: ``resultaten-mentoren-op-zuid-2025-08-01``.
    A Dutch coordinator's folder then reads in Dutch, as the page did."""
    from django.utils.text import slugify
    from django.utils.translation import get_language

    # German writes ä, ö, ü, ß as ae, oe, ue, ss where they cannot be used: "aufwandsentschaedigungen",
    # never "aufwandsentschadigungen" (another word). Other languages drop the accent ("premiere").
    german = (get_language() or "").startswith("de")

    def slug(text: object) -> str:
        return slugify(str(text).translate(_GERMAN_LETTERS) if german else str(text))

    pieces = [slug(word)] + [slug(part) for part in parts]
    return "-".join(piece for piece in pieces if piece)


_GERMAN_LETTERS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})


def in_sentence(label: object) -> str:
    """A label (a heading-like word: "Open concern", "Learners") set inside a sentence: lower case
    ("open concern", "leerlingen"), except in German, where nouns keep their capital letter
    ("Offene Meldung", "Mentees"): lower-casing them would be a spelling mistake."""
    from django.utils.translation import get_language

    text = str(label)
    return text if (get_language() or "").startswith("de") else text.lower()


# --- Punctuation and numbers as the reader's language writes them ------------------------------
#
# French puts a no-break space before ":" and ";" (and a percent sign after one), so that a line
# never starts with the mark; English, Dutch and German do not. A label and its value, or the
# items of a list, joined in Python (an export cell, a message listing problems) go through these
# helpers, never through a literal ": " or "; " — the same catalogue entries the templates' ``colon``
# and ``semicolons`` filters use, so one translation decides it everywhere.


def colon(label: object) -> str:
    """A label and its colon: "Raised:", "Signalés\u00a0:" (catalogue entry "%(label)s:")."""
    from django.utils.translation import gettext

    return gettext("%(label)s:") % {"label": label}


def quoted(words: object) -> str:
    """Someone's words, a name or a title in the reader's quotation marks: “leuk” (English and
    Dutch, which writes “…” or ‘…’ today rather than the older „…”), „toll“ (German), « sympa »
    (French, a no-break space inside each guillemet). One catalogue entry, "“%(name)s”" in the
    context "quoted name", for every quotation in every app (the ``quoted`` filter in templates)."""
    from django.utils.translation import pgettext

    return pgettext("quoted name", "“%(name)s”") % {"name": words}


def label_value(label: object, value: object) -> str:
    """ "Raised: 3", "Signalés\u00a0: 3"."""
    return f"{colon(label)} {value}"


def semicolons(items: Iterable[object]) -> str:
    """Items of a list joined by a semicolon: "a; b", "a\u00a0; b" in French."""
    from django.utils.translation import pgettext

    return pgettext("between items of a list", "; ").join(str(item) for item in items)


def and_list(items: Iterable[object]) -> str:
    """Items of a sentence's list joined as the reader's language joins them: commas and one final
    conjunction ("A, B and C", "A, B und C", "A, B et C", "A, B en C"). When an item has the
    conjunction in it ("coaching and motivation"), the last joint takes the word the language
    uses to keep the items apart: "Coaching und Motivation sowie Elektrotechnik", never "Coaching
    und Motivation und Elektrotechnik" (three fields or two?); "coaching and motivation, and
    electrical work" in English, the same comma in Dutch and French."""
    from django.utils.translation import gettext, pgettext

    words = [str(item) for item in items]
    if len(words) <= 1:
        return "".join(words)
    values = {"items": ", ".join(words[:-1]), "last": words[-1]}
    conjunction = pgettext("the word that joins the last two items of a list", "and")
    if any(f" {conjunction} " in f" {word} " for word in words):
        return pgettext("a list whose items have the word 'and' in them", "%(items)s, and %(last)s") % values
    return gettext("%(items)s and %(last)s") % values


def percent(share: float, digits: int = 0) -> str:
    """A share out of 100 as the reader's language writes it (Unicode CLDR, through Babel):
    "95%" in English and Dutch, "95\u00a0%" in French and German; ``digits`` decimals."""
    from babel import Locale
    from babel.numbers import format_percent
    from django.utils.translation import get_language, to_locale

    locale = Locale.parse(to_locale(get_language() or "en"))
    pattern = locale.percent_formats[None].pattern
    if digits:
        # "#,##0 %" → "#,##0.0 %": the last integer digit of the pattern takes the decimals.
        at = pattern.rindex("0") + 1
        pattern = pattern[:at] + "." + "0" * digits + pattern[at:]
    return format_percent(round(share, digits) / 100, format=pattern, locale=locale)


def grouped(value: int | float) -> str:
    """A figure set inside a sentence, its thousands grouped as the reader's language groups them
    ("7,000", "7.000", "7\u00a0000"): what ``{{ n|grouped }}`` does in a template, for a
    ``ngettext(...) % {"count": grouped(n)}`` in Python (the plural is chosen by ``n`` itself).
    Only for figures shown as figures: Django's ``USE_THOUSAND_SEPARATOR`` would also group
    numbers in links and form values."""
    from django.utils.formats import number_format

    return number_format(value, force_grouping=True)
