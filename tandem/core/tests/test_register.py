"""One register in every catalogue (docs/architecture.md, "How Tandem addresses people"):
German *du*, Dutch *je/jij/jouw*, French *vous* except on pages only a learner reads (*tu*).

``tandem/outcomes`` is left out on purpose: a questionnaire keeps the register of its published
or translated wording (mentors and supervisors formal there, see docs/outcomes.md).

German *Sie/Ihr/Ihnen* can also mean she/they/their ("Sie sprechen beide", "Ihre Treffen") and
*Ihr* is also the informal plural ("Ihr sprecht beide"). Inside a sentence the capital form is
always the formal *you*, so it always fails; at the start of a sentence it is ambiguous, so it
fails unless the entry is listed below with the reason it is not the formal *you*.
"""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
QUESTIONNAIRES = "outcomes"  # keeps the register of each instrument's wording


def _catalogues(lang: str) -> list[Path]:
    return [p for p in sorted(ROOT.glob(f"*/locale/{lang}/LC_MESSAGES/django.po"))
            if p.parts[-5] != QUESTIONNAIRES]


def _texts(entry: polib.POEntry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


def _key(po_path: Path, entry: polib.POEntry) -> tuple[str, str | None, str]:
    return (po_path.parts[-5], entry.msgctxt or None, entry.msgid)


# --- German -----------------------------------------------------------------------------------

GERMAN_FORMAL = re.compile(r"\b(Sie|Ihnen|Ihr|Ihre|Ihrem|Ihren|Ihrer|Ihres)\b")
SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|[„“\"(]\s*)$")

# (app, msgctxt, msgid) -> why the capital Sie/Ihr at the start of a sentence is not "you (formal)".
GERMAN_NOT_FORMAL: dict[tuple[str, str | None, str], str] = {
    ("core", None, "It has expired, was already used, or was withdrawn. Ask your coordinator for a new one."):
        "Sie = it (die Einladung)",
    ("expenses", None, "It states your hours of mentoring from your logged meetings, your training and the "
                       "exchange meetings you attended, with a code anyone can check."): "Sie = it (die Bescheinigung)",
    ("expenses", None, "The legal ceilings are filled in with your country's figures; check them each January, "
                       "when they are indexed. Ceilings count flat-rate allowances; actual costs with a receipt "
                       "and kilometres are outside them."): "Sie = they (die Höchstgrenzen)",
    ("journal", None, "For something the coordinator must know now. They get an e-mail."):
        "Sie = she (die Koordination)",
    ("journal", None, "They will know they made it when:"): "Sie = they (mentor and learner)",
    ("journal", None, "No goals yet. They set them together at their first meetings."): "Sie = they (the pair)",
    ("journal", None, "Their meetings"): "Ihre = their (the pair's)",
    ("journal", "to a guardian", "Working on it"): "Sie = they (the child and the mentor)",
    ("matching", None, "You both speak %(languages)s."): "Ihr = informal plural you (ihr sprecht)",
    ("matching", None, "You are both free on %(times)s."): "Ihr = informal plural you (ihr habt)",
    ("matching", None, "You often have time at the same moments, for example on %(times)s."):
        "Ihr = informal plural you (ihr habt)",
    ("matching", None, "You live close to each other."): "Ihr = informal plural you (ihr wohnt)",
    ("matching", None, "They both speak %(languages)s."): "Sie = they (the pair)",
    ("matching", None, "They are both free on %(times)s."): "Sie = they (the pair)",
    ("matching", None, "They often have time at the same moments, for example on %(times)s."): "Sie = they",
    ("matching", None, "They live close to each other."): "Sie = they (the pair)",
    ("matching", None, "Swap their mentors"): "Ihre = their (two learners' mentors)",
}


def german_formal_forms(text: str, *, sentence_start_allowed: bool) -> list[str]:
    """The formal-address words in ``text``; at a sentence start only if that is not allowed."""
    found = []
    for m in GERMAN_FORMAL.finditer(text):
        at_start = bool(SENTENCE_START.search(text[:m.start()]))
        if not (at_start and sentence_start_allowed):
            found.append(m.group(0))
    return found


def test_german_formal_forms_are_found() -> None:
    assert german_formal_forms("Bitte wählen Sie.", sentence_start_allowed=True) == ["Sie"]
    assert german_formal_forms("Danke für Ihre Antwort.", sentence_start_allowed=True) == ["Ihre"]
    assert german_formal_forms("Sie sprechen beide Türkisch.", sentence_start_allowed=False) == ["Sie"]
    assert german_formal_forms("Zeig es: Sie oder er kann zustimmen.", sentence_start_allowed=True) == []
    assert german_formal_forms("Sie fragt, ob sie Ihnen hilft.", sentence_start_allowed=True) == ["Ihnen"]
    assert german_formal_forms("Wähle, was dir passt; ihr sprecht beide.", sentence_start_allowed=False) == []


@pytest.mark.parametrize("po_path", _catalogues("de"), ids=lambda p: p.parts[-5])
def test_german_catalogue_says_du(po_path: Path) -> None:
    wrong = []
    for entry in polib.pofile(str(po_path)).translated_entries():
        allowed = _key(po_path, entry) in GERMAN_NOT_FORMAL
        for text in _texts(entry):
            if forms := german_formal_forms(text, sentence_start_allowed=allowed):
                wrong.append(f"{entry.msgid!r} → {text!r} ({', '.join(forms)})")
    assert not wrong, "Formal Sie/Ihr/Ihnen outside a questionnaire (write du/dein/dir):\n" + "\n".join(wrong)


def test_german_results_pages_say_du_outside_the_questionnaires() -> None:
    """The outcomes catalogue is left out above for its questionnaires' wording (context "to an
    adult"); its coordinators' pages (forms, confirmations, the survey wave) still say du."""
    po_path = ROOT / QUESTIONNAIRES / "locale" / "de" / "LC_MESSAGES" / "django.po"
    wrong = [f"{entry.msgid!r} → {text!r}"
             for entry in polib.pofile(str(po_path)).translated_entries() if entry.msgctxt != "to an adult"
             for text in _texts(entry)
             if german_formal_forms(text, sentence_start_allowed=_key(po_path, entry) in GERMAN_NOT_FORMAL)]
    assert not wrong, "Formal Sie/Ihr/Ihnen on a coordinator's page (write du/dein/dir):\n" + "\n".join(wrong)


def test_german_calls_the_learner_mentee() -> None:
    """The app calls learners "Mentee"/"Mentees" in German (COMMON wording), never "Schüler/in"."""
    wrong = [f"{entry.msgid!r} → {text!r}"
             for po_path in sorted(ROOT.glob("*/locale/de/LC_MESSAGES/django.po"))
             for entry in polib.pofile(str(po_path)).translated_entries() if "learner" in entry.msgid.lower()
             for text in _texts(entry) if re.search(r"Schüler", text)]
    assert not wrong, "A learner called Schüler/in (write Mentee):\n" + "\n".join(wrong)


def test_german_exceptions_still_exist() -> None:
    """An exception whose entry was removed or reworded would silently allow a new one."""
    keys = {_key(p, e) for p in _catalogues("de") for e in polib.pofile(str(p)).translated_entries()}
    assert not set(GERMAN_NOT_FORMAL) - keys


# --- Dutch ------------------------------------------------------------------------------------

DUTCH_FORMAL = re.compile(r"\b(u|uw|uzelf|U|Uw|Uzelf)\b")


@pytest.mark.parametrize("po_path", _catalogues("nl"), ids=lambda p: p.parts[-5])
def test_dutch_catalogue_says_je(po_path: Path) -> None:
    wrong = [f"{entry.msgid!r} → {text!r}"
             for entry in polib.pofile(str(po_path)).translated_entries()
             for text in _texts(entry) if DUTCH_FORMAL.search(text)]
    assert not wrong, "Formal u/uw outside a questionnaire (write je/jij/jouw):\n" + "\n".join(wrong)


# --- French -----------------------------------------------------------------------------------

FRENCH_INFORMAL = re.compile(r"\b(tu|te|toi|ton|ta|tes)\b|(?<![\w])[tT][’'](?=\w)", re.IGNORECASE)

# Strings shown only to a learner (their goals, meetings, match page, check-in): French *tu*.
# (app, msgctxt, msgid) -> where only a learner reads it. Everything else is adult-facing: vous.
FRENCH_LEARNER_ONLY: dict[tuple[str, str | None, str], str] = {
    ("matching", None, "Your guardian's answer"): "a minor learner's own answer page (the guardian answers)",
    ("journal", None, "Meeting with your mentor %(name)s"): "calendar event, learner reader",
    ("journal", None, "You will know you made it when:"): "learner's goals page",
    ("journal", None, "You have not set goals yet. You will do that together with your mentor."): "learner page",
    ("journal", None, "Your goals and meetings"): "learner page",
    ("journal", None, "How was your meeting?"): "learner's meeting note",
    ("journal", None, "Goals you reached"): "learner page",
    ("journal", None, "Ask your mentor for a new one."): "learner's expired personal link",
    ("journal", None, "From your mentor and teacher"): "learner page",
    ("journal", None, "Thank you! Your mentor can see that you agree."): "learner agrees to a goal",
    ("journal", None, "Your goals"): "learner's page and personal link",
    ("journal", None, "You agreed to this goal."): "learner's page and personal link",
    ("journal", None, "Your meetings"): "learner's page",
    ("journal", None, "Your mentor is %(mentor)s."): "learner's personal link",
    ("journal", None, "You did it!"): "goal state, reader learner",
    ("journal", None, "You are working on it"): "goal state, reader learner",
    ("matching", None, "%(mentor)s can help you with %(fields)s."): "match reasons, reader learner",
    ("matching", None, "Not planned yet. We will let you know."): "match page, reader learner",
    ("matching", None, "%(mentor)s is your mentor"): "match page, reader learner",
    ("matching", None, "%(mentor)s was your mentor"): "match page, reader learner",
    ("matching", None, "Your guardian answers for you after the first meeting; talk it over together."):
        "answer page, learner side",
    ("matching", None, "After your first meeting: do you want to continue with this mentor?"):
        "answer page, learner side",
    ("matching", None, "We propose %(mentor_first_name)s as your mentor."): "proposal e-mail, learner side",
    ("matching", "to a learner", "We propose that you join the learning community of %(mentor_first_name)s."):
        "proposal e-mail, group programme, learner side",
    ("support", None, "Does this fit? Do you two get along?"): "check-in label, learner only",
    ("support", None, "How are things going with your mentor?"): "check-in label, learner only",
    ("support", None, "You and %(name)s: pick a face."): "check-in page, learner only",
    ("core", "to a learner", "Welcome to your programme!"): "programme page, learner's own section",
    ("core", "to a learner",
     "Here you will see who your mentor is, when you meet next and the goals you set together."):
        "programme page, learner's own section",
    ("matching", "to a learner", "Your match"): "programme page, panel read by the learner alone",
    ("matching", "to a learner", "Give your answer"): "match page, the learner answering for themselves",
    ("matching", "to a learner",
     "After the first meeting: do you want to go on together?"):
        "programme page, panel read by the learner alone",
    ("core", "to a learner", "Your coordinators"): "programme page, read by a learner alone",
    ("matching", "to a learner", "Your learning community"): "programme page, group programme, read by the learner alone",
    ("matching", None, "After your first meeting: do you want to stay in this learning community?"):
        "answer page, group programme, learner side",
    ("support", None, "Does this fit? Do you get along in your learning community?"):
        "check-in label, group programme, learner only",
    ("support", "to a learner", "A question for you"): "support page, read by a learner alone",
    ("support", "to a learner", "What you raised"): "support page, read by a learner alone",
    ("support", "to a learner",
     "A question, a problem, a conflict or a worry about someone's safety: tell the programme's staff. "
     "If someone is in danger now, call the emergency number."): "concern form, read by a learner alone",
    ("support", "to a learner", "Thank you. Your concern has been passed on; someone will get back to you."):
        "after the concern form, read by a learner alone",
}


@pytest.mark.parametrize("po_path", _catalogues("fr"), ids=lambda p: p.parts[-5])
def test_french_catalogue_says_vous_to_adults(po_path: Path) -> None:
    wrong = [f"{entry.msgid!r} → {text!r}"
             for entry in polib.pofile(str(po_path)).translated_entries()
             if _key(po_path, entry) not in FRENCH_LEARNER_ONLY
             for text in _texts(entry) if FRENCH_INFORMAL.search(text)]
    assert not wrong, ("French tu in a string not listed as learner-only (write vous, or list it in "
                       "FRENCH_LEARNER_ONLY with where only a learner reads it):\n" + "\n".join(wrong))
