"""German imperatives in every German catalogue (tandem/*/locale/de/LC_MESSAGES/django.po).

Texts that address a learner, mentor or coordinator with "du" use the full informal imperative
("Wähle", "Füge … hinzu", "Sage", "Schreibe"), not the clipped spoken form ("Wähl", "Füg", "Sag"):
the catalogues mixed both, sometimes on one page ("Wähl das Ergebnis." next to "Lade die Seite
neu."). Strong verbs that change their vowel have no "-e" form and stay as they are ("Gib", "Sieh",
"Lies", "Nimm", "Sprich"), and so does "lass". Texts that address an adult with "Sie" (the
questionnaires sent to parents and teachers) stay formal throughout.
"""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[3]
CATALOGUES = sorted((ROOT / "tandem").glob("*/locale/de/LC_MESSAGES/django.po"))

# Clipped forms the catalogues used, and the other common ones a translator may reach for.
CLIPPED = re.compile(
    r"\b(?:[Ww]ähl|[Ff]üg|[Ss]ag|[Ss]chreib|[Tt]rag|[Ff]rag|[Gg]eh|[Pp]rüf|[Ll]eg|[Zz]eig|[Kk]opier"
    r"|[Ss]chick|[Ss]etz|[Rr]uf|[Vv]ersuch|[Mm]eld|[Hh]ol|[Ss]tell|[Kk]lick|[Ss]chau|[Ää]nder"
    r"|[Ss]peicher|[Ll]ösch|[Ff]üll|[Ee]rgänz|[Bb]estätig|[Mm]arkier|[Öö]ffn|[Ww]art|[Ss]uch)\b(?![-:])")
# "Ihr"/"Ihre" mid-sentence is formal; at the start of a sentence it may be the plural "ihr".
FORMAL = re.compile(r"\b\w+en Sie\b|\bIhnen\b|(?<![.!?:]\s)(?<!^)\bIhre?[mnrs]?\b")
INFORMAL = re.compile(r"\b(?:du|dich|dir|dein\w*|euch|euer|eure\w*)\b")


def texts(path: Path) -> list[str]:
    return [text for entry in polib.pofile(str(path)) if not entry.obsolete
            for text in (entry.msgstr, *entry.msgstr_plural.values()) if text]


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-5])
def test_du_texts_use_the_full_imperative(path: Path) -> None:
    clipped = [text for text in texts(path) if CLIPPED.search(text)]
    assert clipped == []


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-5])
def test_sie_texts_stay_formal(path: Path) -> None:
    mixed = [text for text in texts(path) if FORMAL.search(text) and INFORMAL.search(text)]
    assert mixed == []


def test_the_pattern_knows_a_clipped_form_from_a_word() -> None:
    assert CLIPPED.search("Wähl das Ergebnis.") and CLIPPED.search("oder trag Koordinaten ein")
    assert not CLIPPED.search("Wähle das Ergebnis. Sage es dem Team. Gib den Tag an. Tippe an.")
    assert not CLIPPED.search("Warten auf Antwort · Anfrage · Fragebogen · Vortrag · Beitrag")
