"""Languages as Tandem stores them: ISO 639 codes ("nl", "tr", "pap").

People never see or type the codes. A code is shown as the language's name in the reader's
language, from the Unicode CLDR data shipped with Babel ("tr" reads "Turks" to a Dutch
coordinator, "turc" to a French one); forms offer a list to choose from (the programme's
languages, then the languages of the larger migrant communities of its country, then every
ISO 639-1 language); import files may give a code or a name in English, Dutch, French or
German. :func:`validate_languages` is the one check every stored list goes through.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache

from babel import Locale
from django.core.exceptions import ValidationError
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from tandem.core.text import capitalise, fold

READER_LANGUAGES = ("en", "nl", "fr", "de")
# The languages schools teach in, per country a programme can run in (the first is the main one).
COUNTRY_LANGUAGES: dict[str, tuple[str, ...]] = {
    "BE": ("nl", "fr", "de"), "NL": ("nl",), "FR": ("fr",), "DE": ("de",),
}
# Home languages of each country's larger migrant communities, most spoken first.
COMMUNITY_LANGUAGES: dict[str, tuple[str, ...]] = {
    "NL": ("tr", "ar", "ber", "pl", "en", "pap", "srn", "ti", "uk", "so", "fa", "zh"),
    "BE": ("ar", "ber", "tr", "it", "ro", "pl", "es", "pt", "ln", "en", "ps", "uk"),
    "FR": ("ar", "ber", "pt", "es", "it", "tr", "wo", "bm", "ro", "en", "vi", "zh", "uk"),
    "DE": ("tr", "ar", "ru", "pl", "uk", "ro", "ku", "fa", "prs", "it", "bs", "sr", "sq", "en", "el"),
}
# Languages CLDR names only as a regional variant: Dari is Persian as spoken in Afghanistan.
CLDR_ALIASES = {"prs": "fa_AF"}
# Languages CLDR has no name for (an ISO 639-2 collective code), spoken by large communities.
EXTRA_NAMES: dict[str, dict[str, str]] = {
    "ber": {"en": "Berber (Tamazight)", "nl": "Berbers (Tamazight)",
            "fr": "berbère (tamazight)", "de": "Berberisch (Tamazight)"},
}

GROUP_PROGRAMME = gettext_lazy("Languages of this programme")
GROUP_COMMUNITY = gettext_lazy("Often spoken here")
GROUP_CHOSEN = gettext_lazy("Also chosen")
GROUP_ALL = gettext_lazy("All languages")


@cache
def _locale(language: str) -> Locale:
    return Locale.parse(language)


def _reader(language: str | None) -> str:
    code = (language or get_language() or "en")[:2].lower()
    return code if code in READER_LANGUAGES else "en"


@cache
def _cldr_codes() -> tuple[str, ...]:
    """Plain language codes CLDR names ("tr", "pap"), without regional variants ("fa_AF")."""
    return tuple(sorted(c for c in _locale("en").languages
                        if isinstance(c, str) and c.isalpha() and c.islower() and 2 <= len(c) <= 3))


@cache
def iso_639_1() -> tuple[str, ...]:
    """Every two-letter ISO 639-1 code CLDR has a name for."""
    return tuple(c for c in _cldr_codes() if len(c) == 2)


@cache
def known_codes() -> frozenset[str]:
    """Every code :func:`validate_languages` accepts: any language CLDR names, plus our extras."""
    return frozenset(set(_cldr_codes()) | set(EXTRA_NAMES) | set(CLDR_ALIASES))


def language_name(code: str, language: str | None = None) -> str:
    """The name of ``code`` in ``language`` (default: the active language), as CLDR writes it
    inside a sentence ("Turks", "turc", "Türkisch"); the code itself when nobody knows it."""
    reader = _reader(language)
    key = CLDR_ALIASES.get(code, code)
    name = _locale(reader).languages.get(key) or EXTRA_NAMES.get(code, {}).get(reader)
    return name or _locale("en").languages.get(key) or code


def language_names(codes: Iterable[str], language: str | None = None) -> list[str]:
    return [language_name(code, language) for code in codes]


def _sorted_by_name(codes: Iterable[str]) -> list[tuple[str, str]]:
    named = [(code, capitalise(language_name(code))) for code in codes]
    return sorted(named, key=lambda item: fold(item[1]))


def language_choices(
    *, country: str = "", programme_languages: Sequence[str] = (), current: Iterable[str] = (),
) -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped form choices in the active language: the programme's languages, the languages
    often spoken in its country, the ``current`` codes a record already holds beyond those (so
    they show ticked), then every other language, each group sorted by name. The last group is
    always "All languages"."""
    first = list(dict.fromkeys(code for code in programme_languages if code in known_codes()))
    community = [c for c in dict.fromkeys(COUNTRY_LANGUAGES.get(country, ()) + COMMUNITY_LANGUAGES.get(country, ()))
                 if c not in first]
    chosen = [c for c in dict.fromkeys(current) if c not in first and c not in community]
    taken = {*first, *community, *chosen}
    rest = [c for c in iso_639_1() if c not in taken]
    groups = [
        (str(GROUP_PROGRAMME), [(code, capitalise(language_name(code))) for code in first]),
        (str(GROUP_COMMUNITY), _sorted_by_name(community)),
        (str(GROUP_CHOSEN), _sorted_by_name(chosen)),
    ]
    return [(label, options) for label, options in groups if options] + [(str(GROUP_ALL), _sorted_by_name(rest))]


def validate_languages(value: object) -> None:
    """A list of known language codes, or a ValidationError a coordinator can read."""
    if not isinstance(value, list | tuple):
        raise ValidationError(_("Languages must be a list."), code="invalid")
    unknown = [str(code) for code in value if not isinstance(code, str) or code not in known_codes()]
    if unknown:
        raise ValidationError(
            _("Not a language we know: %(codes)s.") % {"codes": ", ".join(unknown)}, code="unknown_language",
        )


@cache
def _name_index() -> dict[str, frozenset[str]]:
    """Folded names in the four reader languages → the codes that carry that name."""
    codes = set(iso_639_1()) | set(EXTRA_NAMES) | {c for group in COMMUNITY_LANGUAGES.values() for c in group}
    index: dict[str, set[str]] = {}
    for reader in READER_LANGUAGES:
        for code in codes:
            index.setdefault(fold(language_name(code, reader)), set()).add(code)
    return {name: frozenset(found) for name, found in index.items()}


def parse_language(text: str) -> str:
    """A code for what someone wrote in a file: a code ("tr") or a name in any of the four
    languages ("Turkish", "Turks", "turc", "Türkisch")."""
    word = text.strip()
    if word.lower() in known_codes():
        return word.lower()
    found = _name_index().get(fold(word), frozenset())
    if len(found) == 1:
        return next(iter(found))
    if found:
        raise ValidationError(
            _("“%(word)s” could be several languages (%(names)s): write its code instead.")
            % {"word": word, "names": ", ".join(f"{language_name(c)} = {c}" for c in sorted(found))}
        )
    raise ValidationError(
        _("“%(word)s” is not a language we know: write its name (e.g. Turkish) or its ISO code (e.g. tr).")
        % {"word": word}
    )


def parse_languages(text: str) -> list[str]:
    """A cell such as "Dutch, turc; ar" → ["nl", "tr", "ar"]; every unknown word is reported."""
    codes, errors = [], []
    for word in [w for w in text.replace(";", ",").split(",") if w.strip()]:
        try:
            codes.append(parse_language(word))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(" ".join(errors))
    return list(dict.fromkeys(codes))

