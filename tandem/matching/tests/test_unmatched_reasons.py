"""Why a learner got no proposal: every limit, for one mentor and for several, in every language.

The reasons were one frame with a predicate slotted in, which read badly outside English: German
"1 Mentor:in in Reichweite, aber diese Bedingung ist nicht erfüllt: ist ein Mann, wie von der/dem
Mentee gewünscht", French "aucun qui est …" (the subjunctive was missing). Each limit is now a
whole sentence per number; the table below is every variant, read by eye in each language.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from tandem.matching.explanations import unmatched_text

CASES: list[tuple[str, dict[str, Any]]] = [
    ("language", {"count": 1}), ("language", {"count": 3}),
    ("availability", {"count": 1}), ("availability", {"count": 3}),
    ("excluded", {"count": 1}), ("excluded", {"count": 3}),
    ("gender", {"count": 1, "gender": "female"}), ("gender", {"count": 3, "gender": "female"}),
    ("gender", {"count": 1, "gender": "male"}), ("gender", {"count": 3, "gender": "male"}),
    ("gender", {"count": 1, "gender": "non-binary"}), ("gender", {"count": 3, "gender": "non-binary"}),
    ("age", {"count": 1, "years": 1}), ("age", {"count": 1, "years": 8}), ("age", {"count": 3, "years": 8}),
]

EXPECTED = {
    "en": [
        '1 mentor within reach, but without a language in common with the learner',
        '3 mentors within reach, but none has a language in common with the learner',
        '1 mentor within reach, but without enough free time in common with the learner',
        '3 mentors within reach, but none has enough free time in common with the learner',
        '1 mentor within reach, but excluded (said no or did not work out before, conflict of interest)',
        '3 mentors within reach, but all excluded (said no or did not work out before, conflict of interest)',
        '1 mentor within reach, but not a woman, as the learner asked',
        '3 mentors within reach, but none is a woman, as the learner asked',
        '1 mentor within reach, but not a man, as the learner asked',
        '3 mentors within reach, but none is a man, as the learner asked',
        '1 mentor within reach, but not of the gender the learner asked for',
        '3 mentors within reach, but none is of the gender the learner asked for',
        '1 mentor within reach, but more than 1 year older or younger than the learner',
        '1 mentor within reach, but more than 8 years older or younger than the learner',
        '3 mentors within reach, but all more than 8 years older or younger than the learner',
    ],
    "de": [
        '1 Mentor:in in Reichweite, aber ohne gemeinsame Sprache mit der:dem Mentee',
        '3 Mentor:innen in Reichweite, aber alle ohne gemeinsame Sprache mit der:dem Mentee',
        '1 Mentor:in in Reichweite, aber ohne genug gemeinsame freie Zeit mit der:dem Mentee',
        '3 Mentor:innen in Reichweite, aber alle ohne genug gemeinsame freie Zeit mit der:dem Mentee',
        '1 Mentor:in in Reichweite, aber ausgeschlossen (früher abgelehnt oder hat früher nicht funktioniert, Interessenkonflikt)',
        '3 Mentor:innen in Reichweite, aber alle ausgeschlossen (früher abgelehnt oder hat früher nicht funktioniert, Interessenkonflikt)',
        '1 Mentor:in in Reichweite, aber keine Frau, wie von der:dem Mentee gewünscht',
        '3 Mentor:innen in Reichweite, aber keine Frau darunter, wie von der:dem Mentee gewünscht',
        '1 Mentor:in in Reichweite, aber kein Mann, wie von der:dem Mentee gewünscht',
        '3 Mentor:innen in Reichweite, aber kein Mann darunter, wie von der:dem Mentee gewünscht',
        '1 Mentor:in in Reichweite, aber nicht vom Geschlecht, das die:der Mentee wünscht',
        '3 Mentor:innen in Reichweite, aber keine:r vom Geschlecht, das die:der Mentee wünscht',
        '1 Mentor:in in Reichweite, aber mehr als 1 Jahr älter oder jünger als die:der Mentee',
        '1 Mentor:in in Reichweite, aber mehr als 8 Jahre älter oder jünger als die:der Mentee',
        '3 Mentor:innen in Reichweite, aber alle mehr als 8 Jahre älter oder jünger als die:der Mentee',
    ],
    "nl": [
        '1 mentor binnen bereik, maar zonder gemeenschappelijke taal met de leerling',
        '3 mentoren binnen bereik, maar allemaal zonder gemeenschappelijke taal met de leerling',
        '1 mentor binnen bereik, maar zonder genoeg gezamenlijke vrije tijd met de leerling',
        '3 mentoren binnen bereik, maar allemaal zonder genoeg gezamenlijke vrije tijd met de leerling',
        '1 mentor binnen bereik, maar uitgesloten (eerder nee gezegd of het klikte niet, belangenconflict)',
        '3 mentoren binnen bereik, maar allemaal uitgesloten (eerder nee gezegd of het klikte niet, belangenconflict)',
        '1 mentor binnen bereik, maar geen vrouw, zoals de leerling vroeg',
        '3 mentoren binnen bereik, maar geen vrouw onder hen, zoals de leerling vroeg',
        '1 mentor binnen bereik, maar geen man, zoals de leerling vroeg',
        '3 mentoren binnen bereik, maar geen man onder hen, zoals de leerling vroeg',
        '1 mentor binnen bereik, maar niet van het geslacht dat de leerling vroeg',
        '3 mentoren binnen bereik, maar geen van hen is van het geslacht dat de leerling vroeg',
        '1 mentor binnen bereik, maar meer dan 1 jaar ouder of jonger dan de leerling',
        '1 mentor binnen bereik, maar meer dan 8 jaar ouder of jonger dan de leerling',
        '3 mentoren binnen bereik, maar allemaal meer dan 8 jaar ouder of jonger dan de leerling',
    ],
    "fr": [
        '1 mentor à proximité, mais sans langue commune avec le jeune accompagné',
        "3 mentors à proximité, mais aucun n’a de langue commune avec le jeune accompagné",
        '1 mentor à proximité, mais sans assez de disponibilités communes avec le jeune accompagné',
        "3 mentors à proximité, mais aucun n’a assez de disponibilités communes avec le jeune accompagné",
        "1 mentor à proximité, mais exclu (refus ou relation qui n’a pas fonctionné, conflit d’intérêts)",
        "3 mentors à proximité, mais tous exclus (refus ou relation qui n’a pas fonctionné, conflit d’intérêts)",
        '1 mentor à proximité, mais pas une femme, alors que le jeune accompagné en souhaite une',
        '3 mentors à proximité, mais aucune femme, alors que le jeune accompagné en souhaite une',
        '1 mentor à proximité, mais pas un homme, alors que le jeune accompagné en souhaite un',
        '3 mentors à proximité, mais aucun homme, alors que le jeune accompagné en souhaite un',
        '1 mentor à proximité, mais pas du genre souhaité par le jeune accompagné',
        '3 mentors à proximité, mais aucun du genre souhaité par le jeune accompagné',
        "1 mentor à proximité, mais son écart d’âge avec le jeune accompagné dépasse 1 an",
        "1 mentor à proximité, mais son écart d’âge avec le jeune accompagné dépasse 8 ans",
        "3 mentors à proximité, mais l’écart d’âge avec le jeune accompagné dépasse 8 ans pour tous",
    ],
}


@pytest.mark.parametrize("language", sorted(EXPECTED))
def test_every_limit_reads_as_one_sentence_in_every_language(language: str) -> None:
    with translation.override(language):
        texts = [unmatched_text("limit", limit, params) for limit, params in CASES]
    assert texts == EXPECTED[language]


def test_no_reason_is_a_frame_with_a_predicate_slotted_in() -> None:
    for language in EXPECTED:
        with translation.override(language):
            for limit, params in CASES:
                text = unmatched_text("limit", limit, params)
                assert "%(" not in text and ": " not in text, (language, text)
                assert "Bedingung" not in text and " qui est " not in text, (language, text)


def test_a_limit_without_its_own_sentence_still_reads_as_one() -> None:
    for language, expected in (("de", "2 Mentor:innen in Reichweite, aber alle durch eine feste Grenze ausgeschlossen"),
                               ("nl", "1 mentor binnen bereik, maar uitgesloten door een harde grens")):
        with translation.override(language):
            assert unmatched_text("limit", "new-limit", {"count": 2 if language == "de" else 1}) == expected
