"""One apostrophe in each catalogue: the typographic ’ (l’école, qu’il, programma’s, zo’n).

Most French entries had ’ while some kept a straight ' ("Points de suivi, signalements et
rencontres d'échange" on the coordinator's home page beside "Liste d’attente"); Dutch had
"komma’s" and "programma's". A straight ' is allowed only in what is code, not text: inside a
placeholder ("%(name)s", "{name}") or an HTML tag (``<a href='…'>``). German uses no apostrophe in
the catalogues; it is held to the same rule. ``python scripts/i18n.py french-spaces`` fixes the
French and Dutch catalogues, without rewrapping them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "scripts"))
import i18n  # noqa: E402

CATALOGUES = sorted(path for language in ("fr", "nl", "de")
                    for path in (ROOT / "tandem").glob(f"*/locale/{language}/LC_MESSAGES/django.po"))


def straight(text: str) -> list[str]:
    """Each straight apostrophe in ``text``'s words (not in its placeholders or tags), in its
    surroundings."""
    words = i18n.CODE.sub(" ", text)
    return [words[max(0, i - 15):i + 15] for i, mark in enumerate(words) if mark == "'"]


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: f"{p.parts[-5]}-{p.parts[-3]}")
def test_every_msgstr_uses_the_typographic_apostrophe(path: Path) -> None:
    found = [(entry.msgid[:50], where) for entry in polib.pofile(str(path))
             for text in [entry.msgstr, *entry.msgstr_plural.values()] for where in straight(text)]
    assert not found, found


@pytest.mark.parametrize(("text", "expected"), [
    ("Liste d'attente", "Liste d’attente"),
    ("Nog geen programma's, zo'n pagina", "Nog geen programma’s, zo’n pagina"),
    # Code keeps its straight quote: a tag's attribute, a placeholder's name.
    ("<a href='%(url)s'>l'école</a>", "<a href='%(url)s'>l’école</a>"),
    ("%(name)s n'est {x} pas", "%(name)s n’est {x} pas"),
])
def test_the_fixer_leaves_code_alone(text: str, expected: str) -> None:
    assert i18n.apostrophes(text) == expected
    assert not straight(expected)
