"""French elides "de" and "que" before a vowel ("d'Emma", "qu'Emma"): a sentence that puts "de"
before a person's name reads "les objectifs de Emma" for half the names in the demo. Our French
therefore never puts "de" or "que" right before a name or a person: it says "pour", "entre",
"envoyé à", or a colon."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
# Placeholders that hold a person's name (given, full or a role-holder's).
PERSON = r"%\((?:name|learner|mentor|given_name|full_name|person|guardian|volunteer|child)\)s"
BEFORE_A_NAME = re.compile(rf"\b(?:de|que) {PERSON}")


def french_strings() -> list[tuple[str, str]]:
    """(app, translation) for every French string, plural forms included."""
    found = []
    for path in sorted(ROOT.glob("*/locale/fr/LC_MESSAGES/django.po")):
        with path.open("rb") as handle:
            catalog = read_po(handle)
        for message in catalog:
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            found += [(path.parent.parent.parent.parent.name, s) for s in strings if s]
    return found


def test_no_french_string_puts_de_or_que_before_a_name() -> None:
    found = [f"{app}: {s}" for app, s in french_strings() if BEFORE_A_NAME.search(s)]
    assert not found, "\n".join(found)


# A participle after a child's name takes the child's gender, which Tandem does not know
# ("Ines a été orienté"): such a sentence is turned around ("orientation enregistrée pour Ines").
GENDERED = re.compile(rf"(?:^|[.:!?]\s){PERSON} (?:a été|est) \w+é\b(?!\(e\))")


def test_no_french_string_gives_a_named_person_a_gender() -> None:
    found = [s for _app, s in french_strings() if GENDERED.search(s)]
    assert not found, "\n".join(found)
