"""Finds words a reader should never see on a page in their language: raw field names, codes
from the vocabularies, ISO dates and times, and text from another language's catalogue.

Used by ``test_every_page_language.py``. The page is reduced to its visible text (no scripts, no
styles, no attribute values, nothing inside ``translate="no"`` — where the page shows a
technical name on purpose, e.g. the column names of an import file — nor inside ``data-user-text``,
what people wrote themselves: a Dutch teacher's note stays Dutch for a German coordinator). Other
user-entered data is the test's own (names, places), chosen so it cannot be mistaken for any of
the above.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import polib
from django.db import models

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("en", "nl", "fr", "de")

# Elements whose content is no visible text, and elements that end a line of text.
HIDDEN = {"script", "style", "template", "textarea", "noscript"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
BLOCK = {"address", "article", "aside", "blockquote", "br", "button", "caption", "dd", "details",
         "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
         "h4", "h5", "h6", "header", "hr", "label", "legend", "li", "main", "nav", "ol", "optgroup",
         "option", "p", "pre", "section", "select", "summary", "table", "tbody", "td", "tfoot",
         "th", "thead", "title", "tr", "ul", "time", "small"}

SNAKE = re.compile(r"(?<![\w.@/-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w@/-])")
ISO = re.compile(r"(?<!\d)\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?(?!\d)")
EMAIL_OR_URL = re.compile(r"\S+@\S+|https?://\S+|(?<!\w)/[\w\-/]+/")
# What separates the parts of a line such as "state: ready → active" or "nl, tr · ar".
SEPARATORS = re.compile(r"\s*(?:[,;:·|()\[\]→←⟷↔✕×•“”\"]|\s[-–—]\s|^[-–—]\s|\s[-–—]$)\s*")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")
TAG = re.compile(r"<[^>]+>")


class _Text(HTMLParser):
    """The visible text of a page as lines: block elements end a line, inline ones do not."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self._skip: list[str] = []  # open elements whose content is not checked

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCK:
            self.lines.append("")
        if tag in VOID:
            return
        if tag in HIDDEN or dict(attrs).get("translate") == "no" or "data-user-text" in dict(attrs) or self._skip:
            self._skip.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._skip and self._skip[-1] == tag:
            self._skip.pop()
        if tag in BLOCK:
            self.lines.append("")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.lines[-1] += data


def visible_lines(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in parser.lines)
    return [EMAIL_OR_URL.sub(" ", line).strip() for line in lines if line]


# --- what the catalogues say ------------------------------------------------------------------

def _normalise(text: str) -> str:
    return " ".join(TAG.sub("", text).split())


@cache
def _catalogues(language: str) -> tuple[polib.POFile, ...]:
    return tuple(polib.pofile(str(p)) for p in sorted(ROOT.glob(f"*/locale/{language}/LC_MESSAGES/django.po")))


@cache
def _pairs(language: str) -> tuple[tuple[str, str], ...]:
    """(English, translation) for every entry of our catalogues in ``language``."""
    pairs = []
    for po in _catalogues(language):
        for entry in po.translated_entries():
            if entry.msgid_plural:
                pairs += [(entry.msgid, entry.msgstr_plural.get(0, "")),
                          (entry.msgid_plural, entry.msgstr_plural.get(1, ""))]
            else:
                pairs.append((entry.msgid, entry.msgstr))
    return tuple((_normalise(a), _normalise(b)) for a, b in pairs)


@cache
def _words_of(language: str) -> frozenset[str]:
    """Every text the interface shows in ``language``: the phrases a foreign string must not be
    part of to count as foreign (a word that is the same in both languages is not foreign)."""
    if language == "en":
        texts = {english for lang in LANGUAGES[1:] for english, _t in _pairs(lang)}
    else:
        texts = {translation for _e, translation in _pairs(language)}
    return frozenset(texts)


# Examples of codes in help texts ("ISO codes, e.g. nl, tr, ar") do not make the codes words.
CODE_EXAMPLES = re.compile(
    r"\b[a-z]{2,3}(?:(?:,\s*|\s+(?:or|oder|ou|of)\s+)[a-z]{2,3})+\b|\b[a-z]+-(?:morning|afternoon|evening)\b"
)


@cache
def _text_of(language: str) -> str:
    return CODE_EXAMPLES.sub(" ", "\n".join(_words_of(language)))


@dataclass(frozen=True)
class Foreign:
    """A catalogue text of another language, as a pattern that finds it in a line."""

    text: str
    language: str
    probe: str  # its longest literal part, a cheap first test
    literal: tuple[str, ...]  # the parts between its placeholders
    whole_line: bool  # one word: only a line (or part of a line) that is just this word counts

    def search(self, line: str) -> bool:
        return _pattern(self.literal).search(line) is not None


@cache
def _pattern(literal: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r".{1,80}?".join(_bounded(p) for p in literal))


def _bounded(part: str) -> str:
    body = r"\s+".join(map(re.escape, part.split()))
    start = r"(?<!\w)" if re.match(r"\w", part) else ""
    end = r"(?!\w)" if re.search(r"\w$", part) else ""
    return start + body + end


def _foreign(text: str, language: str) -> Foreign | None:
    parts = [p.strip() for p in PLACEHOLDER.split(text)]
    literal = [p for p in parts if p]
    words = re.findall(r"[^\W\d_]{2,}", " ".join(literal))
    if not words:
        return None
    probe = max(literal, key=len)
    # "%(a)s and %(b)s" or "%(age)s ans" says too little to be recognised anywhere.
    if len(parts) > 1 and (len(words) < 2 or len(probe) < 8):
        return None
    return Foreign(text=text, language=language, probe=probe, literal=tuple(literal),
                   whole_line=len(words) == 1 and len(parts) == 1)


@cache
def foreign_texts(language: str) -> tuple[Foreign, ...]:
    """Texts of the other languages' catalogues that cannot appear on a page in ``language``:
    English msgids on a Dutch, French or German page; Dutch, French or German translations on a
    page in any other language. A text the page's own language also uses (a word both languages
    share, such as "Match" or "Intake") is left out."""
    own = _text_of(language).lower()
    own_words = frozenset(re.findall(r"\w+", own))
    candidates: dict[str, str] = {}
    if language != "en":
        for english, translation in _pairs(language):
            if english != translation:
                candidates.setdefault(english, "en")
    for other in LANGUAGES[1:]:
        if other == language:
            continue
        mine = dict(_pairs(language)) if language != "en" else {}
        for english, translation in _pairs(other):
            if translation != english and translation != mine.get(english, english):
                candidates.setdefault(translation, other)
    found = []
    for text, lang in sorted(candidates.items()):
        foreign = _foreign(text, lang)
        if foreign is None:
            continue
        # Shared with the page's own language (also as part of a longer phrase): not foreign.
        probe = foreign.probe.lower()
        shared = probe in own_words if foreign.whole_line else probe in own
        if shared and (foreign.whole_line or foreign.probe == text):
            continue
        found.append(foreign)
    return tuple(found)


# --- the vocabularies -----------------------------------------------------------------------

def _all_choices() -> Iterator[type[models.Choices]]:
    stack: list[type[models.Choices]] = [models.TextChoices]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("tandem."):
            yield cls


@cache
def vocabulary_codes() -> frozenset[str]:
    """Every code the project stores for a word: choices of every model field and every
    ``TextChoices`` of ours, and the availability slots."""
    from django.apps import apps

    from tandem.core.availability import SLOTS

    codes: set[str] = set(SLOTS)
    for cls in _all_choices():
        codes.update(str(v) for v, label in cls.choices if str(label) != v)
    for model in apps.get_models():
        if not model.__module__.startswith("tandem."):
            continue
        for f in model._meta.get_fields():
            for value, label in getattr(f, "flatchoices", None) or ():
                # A label that is the code itself ("havo") is the word, not a code.
                if isinstance(value, str) and str(label) != value:
                    codes.add(value)
    return frozenset(c for c in codes if c and re.fullmatch(r"[a-zA-Z][\w-]*", c))


@cache
def _shown_as_word(code: str, language: str) -> bool:
    """Is the code also a plain word of the interface in ``language`` (e.g. "mentor")?"""
    return re.search(rf"(?<![\w]){re.escape(code)}(?![\w])", _text_of(language), re.IGNORECASE) is not None


# --- the check ------------------------------------------------------------------------------

@dataclass
class Findings:
    language: str
    # Lines (by a part of their text) whose codes are not looked for; see the test's TODO list.
    codes_allowed_in: tuple[str, ...] = ()
    found: dict[str, list[str]] = field(default_factory=dict)  # problem → pages

    @property
    def problems(self) -> list[str]:
        return [f"{problem}  [{', '.join(pages[:3])}{' …' if len(pages) > 3 else ''}]"
                for problem, pages in sorted(self.found.items())]

    def check(self, where: str, html: str, extra_codes: Iterable[str] = (),
              skip: frozenset[str] = frozenset()) -> None:
        """Look for problems on a page; ``skip`` names codes not looked for on it."""
        codes = (vocabulary_codes() | set(extra_codes)) - skip
        lines = visible_lines(html)
        page = "\n".join(lines)
        foreign = [f for f in foreign_texts(self.language) if f.probe in page]
        for line in lines:
            for problem in self._line(line, codes, foreign, skip):
                self.found.setdefault(f"{problem} in “{line[:160]}”", []).append(where)

    def _line(self, line: str, codes: frozenset[str] | set[str], foreign_here: list[Foreign],
              skip: frozenset[str]) -> Iterator[str]:
        for match in SNAKE.finditer(line):
            if match.group() not in skip:
                yield f"field name or code “{match.group()}”"
        for match in ISO.finditer(line):
            yield f"ISO date “{match.group()}”"
        if re.fullmatch(r"-{5,}", line):
            yield "an empty choice without words (“---------”)"
        if any(marker in line for marker in self.codes_allowed_in):
            codes = set()
        parts = [p for p in SEPARATORS.split(line) if p]
        # "nl, tr" or "ready → active": a line of nothing but codes is codes, even where each
        # could also be a word of the language (Dutch "de", French "active").
        all_codes = len(parts) >= 2 and all(p in codes for p in parts)
        for part in parts:
            if part in codes and "_" not in part and (all_codes or not self._word(part)):
                yield f"code “{part}”"
        for foreign in foreign_here:
            if foreign.probe not in line:
                continue
            if foreign.whole_line:
                if foreign.text in SEPARATORS.split(line) or line.rstrip(".:…!?") == foreign.text:
                    yield f"{foreign.language} text “{foreign.text}”"
            elif foreign.search(line):
                yield f"{foreign.language} text “{foreign.text}”"

    def _word(self, code: str) -> bool:
        # A code that is also a word of the interface ("guardian" in English, "mentor" in Dutch)
        # cannot be told apart from the word on its own; in a line of codes it still counts.
        return _shown_as_word(code, self.language)
