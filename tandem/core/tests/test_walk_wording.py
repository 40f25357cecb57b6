"""Wording a walk of the demo found uneven: one word for one thing in each language, in every app."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import polib
import pytest
from django.urls import reverse
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
    ("de", "The learner's rating", "Die Bewertung der:des Mentee"),  # said "der/des", "der oder des"
    ("de", "Choose a learner and a mentor of this programme.", "Wähle eine:n Mentee und eine Mentor:in dieses Programms."),
    ("de", "No learner is waiting to be matched.", "Keine Mentees warten auf eine Vermittlung."),  # "Keine Mentee"
    ("de", "follow-up needed", "Nachfassen nötig"),
    ("nl", "Learners who are first-generation students", "Leerlingen die eerstegeneratiestudent zijn"),
    ("nl", "Mentors who are first-generation students", "Mentoren die eerstegeneratiestudent zijn"),
    ("nl", "Matches (started)", "Koppels (gestart)"),
    ("nl", "Meetings per match", "Bijeenkomsten per koppel"),  # as "Gehouden bijeenkomsten" above it
    ("de", "Your logged meetings give these allowances. Claim them in one tap.",
     "Deine erfassten Treffen ergeben diese Pauschalen. Beantrage sie mit einem Tipp."),  # "Beantrag sie"
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
    # A meeting is a "bijeenkomst" in the journal; the expenses pages said "ontmoeting" for the
    # same meetings ("Je gelogde ontmoetingen…"). ("Eerste ontmoeting" is the match's first meeting.)
    assert not [s for s in _msgstrs("nl", "expenses") if "ontmoeting" in s.lower() or "gelogd" in s]
    # The learner is a "Mentee" / "jeune accompagné" on every page; a few texts said "Lernende",
    # "apprenant" (the German "als Lernende, sondern auch als Mentor:innen" means as learners).
    assert not [s for s in _msgstrs("de") if "Lernende" in s and "als Lernende" not in s]
    assert not [s for s in _msgstrs("fr") if "apprenant" in s]
    assert not [s for s in _msgstrs("nl", "outcomes") if " match " in s]


def test_the_french_certificate_reads_after_votre() -> None:
    name = safeguarding_certificate_name("FR")
    assert name == "bulletin n°\u00a03 du casier judiciaire"
    with translation.override("fr"):
        line = _("Before you are matched, a coordinator sees your %(name)s. We record that we saw it, "
                 "never a copy.") % {"name": name}
    assert "votre bulletin n°\u00a03 du casier judiciaire" in line


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "nl", "fr", "de"])
def test_a_wrong_short_name_is_explained_without_the_word_slug(world: Any, language: str) -> None:
    # Django's own message read 'Enter a valid "slug" consisting of letters, numbers, …' under a
    # field the form calls "Short name".
    client = world.client_for("org_admin")
    client.cookies["django_language"] = language
    response = client.post(reverse("core:programme_create", kwargs={"org": world.organisation.slug}),
                           {"name": "AFEV Lyon", "slug": "afev lyon!", "country": "FR", "languages": ["fr"],
                            "format": "one_to_one", "meeting_cadence": "weekly", "session_minutes": "120"},
                           HTTP_ACCEPT_LANGUAGE=language)
    page = response.content.decode()
    assert response.status_code == 200 and "afev-lyon" in page
    assert "slug" not in page.lower().replace('name="slug"', "").replace('id="id_slug"', "").replace(
        'for="id_slug"', "").replace("id_slug", "")


def test_the_german_certificate_reads_inside_a_sentence() -> None:
    # The VerA application page read "Ein aktuelles Erweitertes Führungszeugnis."
    name = safeguarding_certificate_name("DE")
    assert name == "erweitertes Führungszeugnis"
    onboarding_text = "A recent %(name)s. We note that we saw it; we keep no copy."  # onboarding's own
    with translation.override("de"):
        line = _(onboarding_text) % {"name": name}
    assert line.startswith("Ein aktuelles erweitertes Führungszeugnis.")


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


# A word that names one learner with a gendered article, demonstrative or possessive in front of it.
_MENTEE_DETERMINERS = ("die|der|den|dem|des|ein|eine|einen|einem|einer|eines|kein|keine|keinen|keinem|keiner|keines"
                       "|diese|dieser|diesen|diesem|dieses|jede|jeder|jeden|jedem|jedes|dein|deine|deinen|deinem"
                       "|deiner|deines|euer|eure|euren|eurem|eurer|eures")
# The colon pairs German uses for one learner, feminine first: nominative, accusative, dative, genitive.
MENTEE_PAIRS = {"die:der", "die:den", "der:dem", "der:des", "einer:einem", "einer:eines", "dieser:diesem",
                "dieser:dieses"}


def mixed_mentee_forms(text: str) -> list[str]:
    """The ways German used to name one learner beside "die:der Mentee": a slash ("die/der Mentee",
    "der/des", "eine/ein", "vermittelte/r"), "oder" ("die oder der Mentee", "einer oder eines"), one
    gender only ("der Mentee", "dem Mentee", "eine Mentee", "diese Mentee", "den ersten Mentee"), a
    colon pair that is not a case of die:der ("die:dem"), a colon ending on the wrong stem ("Keine:r
    Mentee", for kein:e), and "sie oder er" / "ihren oder seinen" pointing back at the Mentee."""
    import re

    det = _MENTEE_DETERMINERS
    odd = [m.group(0) for m in re.finditer(
        rf"(?i:\b\w+/\w+)\s+(?:\w+\s+)?Mentee\b"                                   # die/der, vermittelte/r
        rf"|(?i:\b(?:{det})\s+oder\s+(?:{det}))\s+Mentee\b"                         # die oder der
        rf"|(?<![\w:/])(?i:(?:{det}))\s+(?:\w+(?:e|en|em|er|es)\s+)?Mentee\b(?![-\w])"  # der (erste) Mentee
        rf"|(?i:\b(?:kein|ein|dein)e:r)\s+Mentee\b",                                # Keine:r Mentee
        text)]
    odd += [pair for pair in re.findall(r"\b(\w{3,}:\w{3,})\s+(?:\w+\s+)?Mentee\b", text)
            if pair.lower() not in MENTEE_PAIRS]
    if "Mentee" in text:
        odd += re.findall(r"\b(?:[Ss]ie oder (?:er|ihn)|[Ee]r oder sie|ihre[nmrs]? oder seine[nmrs]?)\b", text)
    return odd


@pytest.mark.parametrize(("text", "odd"), [
    ("Die/der Mentee liest das auch.", True), ("Antwort der/des Mentee", True), ("nicht vermittelte/r Mentee", True),
    ("Wann kann sich die oder der Mentee treffen?", True), ("Jeder Schritt einer oder eines Mentee", True),
    ("Füge den ersten Mentee hinzu", True), ("Keine Mentee wartet", True), ("diese Mentee zu vermitteln", True),
    ("mit dem Mentee", True), ("Keine:r Mentee mit dieser Nummer", True), ("mit der:den Mentee", True),
    ("Lege es mit der:dem Mentee fest, in ihren oder seinen Worten.", True),
    ("Die:der Mentee liest das auch.", False), ("Antwort der:des Mentee", False), ("für die:den Mentee", False),
    ("nicht vermittelte:r Mentee", False), ("Wähle eine:n Mentee", False), ("Eine Mentor:in und ein:e Mentee", False),
    ("Diese:r Mentee wurde geändert.", False), ("Mit einer:einem Mentee vermittelt", False),
    ("auf den Seiten der Mentees", False), ("die Mentee-Nummer", False), ("als Mentee", False),
    ("Mentor:in und Mentee", False), ("%(n)s Mentee wartet", False), ("der:dem neuen Mentee", False),
])
def test_the_mixed_mentee_forms_are_recognised(text: str, odd: bool) -> None:
    assert bool(mixed_mentee_forms(text)) is odd, mixed_mentee_forms(text)


def test_german_names_one_learner_die_der_mentee() -> None:
    """German named one learner "die/der Mentee" (journal, matching), "die oder der Mentee" and "der
    oder des Mentee" (intake), "eine/ein Mentee", "diese Mentee", "Keine Mentee", "den ersten Mentee",
    "Keine:r Mentee". One form, with the gender colon of "Mentor:in": die:der Mentee, die:den (accusative),
    der:dem (dative), der:des (genitive); eine:n, ein:e, diese:r with a colon ending; plural "Mentees"
    where a sentence allows it; no "sie oder er" pointing back (docs/architecture.md)."""
    found = []
    for po in sorted(TANDEM.glob("*/locale/de/LC_MESSAGES/django.po")):
        for entry in polib.pofile(str(po)):
            for text in [entry.msgstr, *entry.msgstr_plural.values()]:
                if odd := mixed_mentee_forms(text):
                    found.append((po.parts[-5], entry.msgid, odd))
    assert found == []


def mixed_volunteer_forms(text: str) -> list[str]:
    """The ways German named one volunteer (or coordinator, trainer) beside the gender colon: a slash
    ("die/der Ehrenamtliche", "die/den Ehrenamtliche:n", "Koordinator/innen", "Trainer/in") or
    "oder" ("die oder der Ehrenamtliche"). The colon form follows die:der Mentee: die:der
    Ehrenamtliche, die:den Ehrenamtliche:n, der:des / der:dem Ehrenamtlichen, eine:n Ehrenamtliche:n."""
    import re

    det = _MENTEE_DETERMINERS
    return [m.group(0) for m in re.finditer(
        rf"(?i:\b(?:{det})/(?:{det}))\b"                                    # die/der, die/den
        rf"|\b\w+/(?:in|innen|r|n|e)\b"                                      # Koordinator/innen, Ehrenamtliche/r
        rf"|(?i:\b(?:{det})\s+oder\s+(?:{det}))\s+(?:\w+\s+)?Ehrenamtliche\w*",  # die oder der Ehrenamtliche
        text)]


def mixed_guardian_forms(text: str) -> list[str]:
    """The ways German named one guardian: "der oder des Erziehungsberechtigten", "Die oder der
    Erziehungsberechtigte", "Erziehungsberechtigte:r", "Diese:r Erziehungsberechtigte", "eines
    Erziehungsberechtigten". One form: "die erziehungsberechtigte Person" (der erziehungsberechtigten
    Person, einer erziehungsberechtigten Person), the plural "Erziehungsberechtigte" where a sentence
    speaks of the role ("die Einwilligung der Erziehungsberechtigten")."""
    import re

    return [m.group(0) for m in re.finditer(
        r"\bErziehungsberechtigte[:/]\w+"                                         # Erziehungsberechtigte:r
        r"|(?i:\b\w+[:/]\w+)\s+Erziehungsberechtigte\w*"                          # Diese:r, die/der
        rf"|(?i:\b(?:{_MENTEE_DETERMINERS})\s+oder\s+(?:{_MENTEE_DETERMINERS}))\s+Erziehungsberechtigte\w*"  # der oder des
        r"|(?i:\b(?:die|der))\s+Erziehungsberechtigte\b"                          # one, a gender
        r"|(?i:\b(?:des|dem|ein|eine|einen|einem|eines|diese|dieses|jede|jedem|jeden))\s+Erziehungsberechtigte\w*",
        text)]


@pytest.mark.parametrize(("text", "odd"), [
    ("Sage warum, damit die/der Ehrenamtliche es versteht.", True), ("an die/den Ehrenamtliche:n", True),
    ("Koordinator/innen sehen", True), ("Trainer/in: Eva", True), ("Ehrenamtliche/r", True),
    ("die oder der Ehrenamtliche", True),
    ("damit die:der Ehrenamtliche es versteht", False), ("an die:den Ehrenamtliche:n", False),
    ("Koordinator:innen sehen", False), ("Trainer:in: Eva", False), ("Wähle eine:n Ehrenamtliche:n.", False),
    ("Übersicht der Ehrenamtlichen", False), ("z. B. 2/3", False), ("Schule und/oder Betrieb", False),
])
def test_the_mixed_volunteer_forms_are_recognised(text: str, odd: bool) -> None:
    assert bool(mixed_volunteer_forms(text)) is odd, mixed_volunteer_forms(text)


@pytest.mark.parametrize(("text", "odd"), [
    ("Vorname der oder des Erziehungsberechtigten", True), ("Die oder der Erziehungsberechtigte, mit Einwilligung", True),
    ("Erziehungsberechtigte:r", True), ("Diese:r Erziehungsberechtigte hat", True),
    ("die Einwilligung eines Erziehungsberechtigten", True), ("Die Erziehungsberechtigte hat", True),
    ("Vorname der erziehungsberechtigten Person", False), ("Die erziehungsberechtigte Person, mit Einwilligung", False),
    ("Einwilligung der Erziehungsberechtigten", False), ("die Einwilligung einer erziehungsberechtigten Person", False),
    ("Deine Erziehungsberechtigten antworten", False), ("Erziehungsberechtigte Person", False),
    ("Allen Erziehungsberechtigten", False), ("(oder den Erziehungsberechtigten)", False),
    ("angegeben hat oder die Erziehungsberechtigten mit Einwilligung", False),
])
def test_the_mixed_guardian_forms_are_recognised(text: str, odd: bool) -> None:
    assert bool(mixed_guardian_forms(text)) is odd, mixed_guardian_forms(text)


def test_german_names_one_volunteer_and_one_guardian_with_one_form() -> None:
    """German wrote "die/der Ehrenamtliche" (expenses, onboarding) beside "die:der Mentee", and
    "Koordinator/innen", "Trainer/in" beside "Koordinator:in"; a guardian was "der oder des
    Erziehungsberechtigten", "Die oder der Erziehungsberechtigte" (in the drop-down beside "Die:der
    Mentee selbst"), "Erziehungsberechtigte:r" and "erziehungsberechtigte Person". Volunteers take the
    colon of die:der Mentee; a guardian is "die erziehungsberechtigte Person", plural
    "Erziehungsberechtigte" (docs/architecture.md)."""
    found = []
    for po in sorted(TANDEM.glob("*/locale/de/LC_MESSAGES/django.po")):
        for entry in polib.pofile(str(po)):
            for text in [entry.msgstr, *entry.msgstr_plural.values()]:
                if odd := mixed_volunteer_forms(text) + mixed_guardian_forms(text):
                    found.append((po.parts[-5], entry.msgid, odd))
    assert found == []


def test_the_belgian_certificate_is_named_in_the_readers_language() -> None:
    """Walk of the Flemish programme: a Flemish volunteer's page read "… je Uittreksel strafregister
    model 2 / Extrait de casier judiciaire modèle 2", half of it in French; and "Een recente" or
    "die" did not fit a het-word. Dutch and French readers get their own name, in sentences that
    fit it; other readers keep both official names."""
    apply_text = "A recent %(name)s. We note that we saw it; we keep no copy."  # onboarding's own
    home_text = "Before you are matched, a coordinator sees your %(name)s. We record that we saw it, never a copy."
    with translation.override("nl"):
        name = safeguarding_certificate_name("BE")
        lines = [_(apply_text) % {"name": name}, _(home_text) % {"name": name}]
        assert safeguarding_certificate_name("NL") == "VOG (Verklaring Omtrent het Gedrag)"
    assert name == "uittreksel uit het strafregister (model 2)"
    assert lines[0].startswith("Een recent bewijs: uittreksel uit het strafregister (model 2). We noteren dat we het")
    assert "je bewijs ‘uittreksel uit het strafregister (model 2)’. We leggen vast dat we het hebben" in lines[1]
    assert not any("Extrait" in line or "extrait" in line for line in lines)
    with translation.override("fr"):
        assert safeguarding_certificate_name("BE") == "extrait de casier judiciaire (modèle 2)"
    with translation.override("en"):
        assert "Extrait de casier judiciaire" in safeguarding_certificate_name("BE")


# English words a German reader stumbled on, with the German word every catalogue uses instead
# (docs/architecture.md, "German says Vermittlung"). "Feedback", "Link", "Workshop", "Status",
# "Team", "Import", "Download" and "Mentoring" are everyday German and stay.
GERMAN_NOT_ENGLISH = re.compile(r"Matching|\bgematcht|\bmatchen|\bMatch(?:es)?\b|Dashboard|\bLogin\b")


@pytest.mark.parametrize(("msgid", "expected"), [
    ("Matching", "Vermittlung"),
    ("Matching round", "Vermittlungsrunde"),
    ("Matching criteria", "Vermittlungskriterien"),
    ("Run a matching round", "Eine Vermittlungsrunde starten"),
    ("Certificate expired: out of matching", "Führungszeugnis abgelaufen: nicht mehr in der Vermittlung"),
])
def test_german_says_vermittlung_not_matching(msgid: str, expected: str) -> None:
    with translation.override("de"):
        assert _(msgid) == expected


def test_no_german_catalogue_says_matching() -> None:
    """German said "Matching", "Matching-Runde", "Matching-Kriterien" (about 23 entries) beside
    "vermittelt" and "Vermittlung" for the same thing; VerA itself speaks of Vermittlung."""
    found = [(po.parts[-5], entry.msgid)
             for po in sorted(TANDEM.glob("*/locale/de/LC_MESSAGES/django.po"))
             for entry in polib.pofile(str(po))
             for text in [entry.msgstr, *entry.msgstr_plural.values()] if GERMAN_NOT_ENGLISH.search(text)]
    assert found == []
