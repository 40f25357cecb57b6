"""French typography in every French catalogue (tandem/*/locale/fr/LC_MESSAGES/django.po).

The rule: French puts a space before ":", ";", "?", "!" and "»" and after "«", and that space is
U+00A0 NO-BREAK SPACE — the same one before each mark — so a narrow screen never starts a line
with the mark ("Heures de mentorat" / ": 12"). A plain space, a narrow no-break space (U+202F) or
no space at all is an error. Chosen because the catalogues used U+00A0 already (and no U+202F),
it is the space Django's French formats use (thousands), and ReportLab, which lays out Tandem's
PDFs, never breaks a line at it (it does break at U+202F).

Not French punctuation, so exempt: a time ("10:30"), a URL ("https://…", "mailto:…", a query
string "?code="), and a mark that follows another ("?!"). Placeholders ("%(name)s", "{x}") hold no
mark. ``python scripts/i18n.py french-spaces`` fixes the catalogues; it only ever turns an existing
space into a no-break one, in msgstrs, without rewrapping the file.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "scripts"))
import i18n  # noqa: E402

NBSP = "\u00a0"
MARKS = ":;?!"
NOT_FRENCH_PUNCTUATION = re.compile(
    r"(?:https?|ftp)://\S+|\bmailto:\S+"  # a URL
    r"|\b\d{1,2}:\d{2}\b"  # a time
    r"|\?[\w%()]+="  # a query string after a placeholder URL
)
CATALOGUES = sorted((ROOT / "tandem").glob("*/locale/fr/LC_MESSAGES/django.po"))


def offences(text: str) -> list[str]:
    """Each mark in ``text`` without its no-break space, shown in its surroundings."""
    text = NOT_FRENCH_PUNCTUATION.sub("…", text)
    found = []
    for mark in re.finditer(r"[:;?!»]|«", text):
        at = mark.start()
        if mark.group() == "«":
            ok = text[at + 1:at + 2] == NBSP
        else:
            before = text[at - 1:at]
            ok = before == NBSP or (before in MARKS and before != "" and mark.group() in "?!")
        if not ok:
            found.append(repr(text[max(0, at - 20):at + 10]))
    return found


def _msgstrs(entry: polib.POEntry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-5])
def test_french_catalogue_has_a_no_break_space_before_each_mark(path: Path) -> None:
    bad = [f"{entry.msgid[:50]!r}: {where}"
           for entry in polib.pofile(str(path)) if entry.translated()
           for text in _msgstrs(entry) for where in offences(text)]
    assert not bad, (f"{len(bad)} French marks without a no-break space before them in {path.parts[-5]} "
                     "(run: python scripts/i18n.py french-spaces):\n" + "\n".join(bad))


@pytest.mark.parametrize(("text", "bad"), [
    ("Heures : %(hours)s", True),
    ("Heures: %(hours)s", True),
    ("Heures\u202f: %(hours)s", True),
    ("Vraiment ?", True),
    ("« %(value)s »", True),
    (f"Heures{NBSP}: %(hours)s{NBSP}; à {NBSP}!", False),
    (f"«{NBSP}%(value)s{NBSP}»", False),
    (f"Vraiment{NBSP}?!", False),
    ("Rendez-vous à 10:30 sur https://tandem.example/a?b=c", False),
    ("%(url)s?code=%(code)s", False),
])
def test_the_rule(text: str, bad: bool) -> None:
    assert bool(offences(text)) is bad


@pytest.mark.parametrize(("before", "after"), [
    ("Heures : %(hours)s ; à 10:30 !", f"Heures{NBSP}: %(hours)s{NBSP}; à 10:30{NBSP}!"),
    ("« %(value)s » ?", f"«{NBSP}%(value)s{NBSP}»{NBSP}?"),
    ("https://tandem.example/a?b=c %(url)s?code=1", "https://tandem.example/a?b=c %(url)s?code=1"),
])
def test_the_fixer_turns_only_spaces_into_no_break_spaces(before: str, after: str) -> None:
    assert i18n.french_spaces(before) == after


def test_the_fixer_edits_msgstrs_in_place_across_wrapped_lines() -> None:
    source = (
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Plural-Forms: n ? 0 : 1;\\n"\n\n'
        'msgid "Hours: %(h)s"\nmsgstr "Heures : %(h)s"\n\n'
        'msgid ""\n"Really: a long text that wraps?"\nmsgstr ""\n"Vraiment, un long texte "\n": qui passe à la ligne "\n"?"\n\n'
        'msgid "One?"\nmsgid_plural "Many?"\nmsgstr[0] "Un ?"\nmsgstr[1] "Plusieurs ?"\n'
    )
    fixed = i18n.french_spaces_in_po(source)
    assert fixed == (
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Plural-Forms: n ? 0 : 1;\\n"\n\n'
        f'msgid "Hours: %(h)s"\nmsgstr "Heures{NBSP}: %(h)s"\n\n'
        f'msgid ""\n"Really: a long text that wraps?"\nmsgstr ""\n"Vraiment, un long texte{NBSP}"\n": qui passe à la ligne{NBSP}"\n"?"\n\n'
        f'msgid "One?"\nmsgid_plural "Many?"\nmsgstr[0] "Un{NBSP}?"\nmsgstr[1] "Plusieurs{NBSP}?"\n'
    )


@pytest.mark.parametrize(("language", "expected"), [
    ("fr", "Signalé\u00a0: 2"), ("en", "Raised: 2"), ("nl", "Gemeld: 2"), ("de", "Gemeldet: 2"),
])
def test_a_label_and_its_colon_outside_a_sentence(language: str, expected: str) -> None:
    """Pages that put a colon after a translated label (``{{ _("Raised")|colon }} {{ n }}``) get
    it from the catalogue too, so French has its no-break space there as well."""
    from django.template import Context, Template
    from django.utils import translation

    with translation.override(language):
        html = Template('{% load tandem_tags %}{{ _("Raised")|colon }} {{ n }}').render(Context({"n": 2}))
        escaped = Template("{% load tandem_tags %}{{ who|colon }}").render(Context({"who": "Tom & <b>"}))
    assert html == expected
    assert escaped.startswith("Tom &amp; &lt;b&gt;")
