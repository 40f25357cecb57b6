"""Wording a walk of the demo found uneven: one word for one thing in each language, in every app."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from django.utils import translation
from django.utils.translation import gettext as _

from tandem.core.requirements import safeguarding_certificate_name

TANDEM = Path(__file__).resolve().parents[2]


def _msgstrs(language: str, app: str = "*") -> list[str]:
    return [entry.msgstr for po in sorted(TANDEM.glob(f"{app}/locale/{language}/LC_MESSAGES/django.po"))
            for entry in polib.pofile(str(po)) if entry.msgstr]


@pytest.mark.parametrize(("language", "msgid", "expected"), [
    ("de", "Mentors", "Mentor:innen"),  # Results said "Mentorinnen und Mentoren"
    ("de", "Why a mentor?", "Warum eine Mentor:in?"),  # said "Warum eine Mentorin oder ein Mentor?"
    ("de", "Your mentor is %(mentor)s.", "Deine Mentor:in ist %(mentor)s."),
    ("de", "Follow-up needed", "Nachfassen nötig"),
    ("de", "follow-up needed", "Nachfassen nötig"),
    ("nl", "Learners who are first-generation students", "Leerlingen die eerstegeneratiestudent zijn"),
    ("nl", "Mentors who are first-generation students", "Mentoren die eerstegeneratiestudent zijn"),
    ("nl", "Matches (started)", "Koppels (gestart)"),
    ("nl", "Meetings per match", "Bijeenkomsten per koppel"),  # as "Gehouden bijeenkomsten" above it
    ("fr", "Important: tell the coordinator", "Important\u00a0: prévenir la coordination"),
    ("fr", "More: a note, tell the coordinator", "Plus\u00a0: une note, prévenir la coordination"),
])
def test_one_word_for_one_thing(language: str, msgid: str, expected: str) -> None:
    with translation.override(language):
        assert _(msgid) == expected


def test_no_app_says_it_differently() -> None:
    assert not [s for s in _msgstrs("de") if "Mentorinnen und Mentoren" in s or "Nachbereitung nötig" in s]
    # "koppeling" only where it means a link to a person, never a pair.
    assert not [s for s in _msgstrs("nl", "outcomes") if "koppeling" in s.replace("koppeling aan de persoon", "")]
    assert not [s for s in _msgstrs("fr") if "prévenir le coordinateur" in s]


def test_the_french_certificate_reads_after_votre() -> None:
    name = safeguarding_certificate_name("FR")
    assert name == "bulletin n°\u00a03 du casier judiciaire"
    with translation.override("fr"):
        line = _("Before you are matched, a coordinator sees your %(name)s. We record that we saw it, "
                 "never a copy.") % {"name": name}
    assert "votre bulletin n°\u00a03 du casier judiciaire" in line


def test_german_says_mentor_in_and_one_form_for_volunteers() -> None:
    """German said "Mentor:in" almost everywhere, but "Mentorin oder Mentor", "dein Mentor",
    "Mentorinnen und Mentoren" and "Mentor/in" elsewhere (the learner's form, the journal, the
    results); volunteers were "Ehrenamtliche:r" but also "eines Ehrenamtlichen" and
    "Ehrenamtliche/r". One form: die/deine/eine Mentor:in, der/deiner Mentor:in, Mentor:innen;
    "Mentorinnen" only where the English says women."""
    import re

    odd = re.compile(r"\bMentor(?!:in|ing)\w*|Ehrenamtliche/r|\b(?:eines|einem|ein|des|jedes) Ehrenamtliche[mnr]?\b"
                     r"|Ehrenamtlichem\b|oder (?:ein|eines) Ehrenamtliche")
    found = []
    for po in sorted(TANDEM.glob("*/locale/de/LC_MESSAGES/django.po")):
        for entry in polib.pofile(str(po)):
            for text in [entry.msgstr, *entry.msgstr_plural.values()]:
                words = odd.findall(text.replace("Mentor:innen", "Mentor:in"))
                if "women" in entry.msgid:
                    words = [w for w in words if w != "Mentorinnen"]
                if words:
                    found.append((po.parts[-5], entry.msgid, words))
    assert found == []
