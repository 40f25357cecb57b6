"""Why a learner got no proposal, in French: "aucun qui …" takes the subjunctive. The round page
read "1 mentor à proximité, mais aucun qui est une femme ou un homme comme le jeune accompagné
le souhaite" and "… aucun qui a assez de disponibilités communes …"."""

from __future__ import annotations

from django.utils import translation

from tandem.matching.explanations import unmatched_text


def test_none_who_takes_the_subjunctive_in_french() -> None:
    with translation.override("fr"):
        texts = {limit: unmatched_text("limit", limit, {"count": 1, "years": 8})
                 for limit in ("language", "availability", "gender", "excluded", "age")}
    assert texts["gender"] == ("1 mentor à proximité, mais aucun qui soit une femme ou un homme, "
                               "comme le souhaite le jeune accompagné")
    assert "aucun qui ait assez de disponibilités" in texts["availability"]
    assert "aucun qui soit libre" in texts["excluded"]
    assert "aucun qui ait au plus 8 ans d'écart d'âge avec le jeune accompagné" in texts["age"]
    assert not any(" qui est " in text or " qui a " in text for text in texts.values())


def test_the_learners_wish_is_named_not_a_woman_or_a_man() -> None:
    """The round said "none is a woman or a man, as the learner asked": the coordinator had to
    look up which. The engine's params carry the wish."""
    for language, wish, expected in (
            ("fr", "female", "1 mentor à proximité, mais aucun qui soit une femme, comme le souhaite le jeune accompagné"),
            ("de", "male", "ist ein Mann, wie von der/dem Mentee gewünscht"),
            ("nl", "female", "is een vrouw, zoals de leerling vroeg"),
            ("en", "male", "2 mentors within reach, but none is a man, as the learner asked")):
        with translation.override(language):
            text = unmatched_text("limit", "gender", {"count": 1 if language == "fr" else 2, "gender": wish})
        assert text.endswith(expected), (language, text)
