"""The first meeting's place where it joins a sentence.

A school programme proposes "At school, during school time", stored as the coordinator's form
offered it. Joined into a sentence it kept its capital ("Eerste ontmoeting: 3 juni, Op school,
onder schooltijd.") and stayed in the coordinator's language in a German mentor's e-mail.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from tandem.core.notify import render_text
from tandem.matching.services import place_words

DUTCH = "Op school, onder schooltijd"


def _proposed_mail(language: str, place: str, first_meeting: str = "2026-06-03T15:30:00+02:00") -> str:
    with translation.override(language):
        return render_text("matching/email/proposed.txt", {
            "name": "Sam", "side": "mentor", "learner_first_name": "Noor", "at_school": True,
            "first_meeting": first_meeting, "place": place, "answer_url": "https://x/"})


def test_the_school_place_takes_a_small_letter_in_a_sentence_in_every_language() -> None:
    for language, joined in (("nl", "op school, onder schooltijd"), ("en", "at school, during school time"),
                             ("fr", "à l’école, pendant le temps scolaire"),
                             ("de", "in der Schule, während der Schulzeit")):
        with translation.override(language):
            assert place_words(DUTCH, in_sentence=True) == joined
            assert place_words(DUTCH) == joined[0].upper() + joined[1:]


def test_a_typed_place_stays_as_typed() -> None:
    with translation.override("nl"):
        assert place_words("Bibliotheek Kralingen", in_sentence=True) == "Bibliotheek Kralingen"
        assert place_words("", in_sentence=True) == ""


def test_the_proposal_mail_joins_the_place_into_its_sentence() -> None:
    dutch = _proposed_mail("nl", DUTCH)
    assert ", op school, onder schooltijd." in dutch and "Op school" not in dutch
    assert ", in der Schule, während der Schulzeit." in _proposed_mail("de", DUTCH)
    # Not planned yet: the school place the template proposes itself, in brackets.
    # Rendered as the mail is sent: plain text, the apostrophe as typed (core.notify.render_text).
    french = _proposed_mail("fr", "", first_meeting="")
    assert "(à l’école, pendant le temps scolaire)" in french
    assert ", Bibliotheek Kralingen." in _proposed_mail("nl", "Bibliotheek Kralingen")


def test_a_first_meeting_without_a_place_ends_its_sentence_after_the_time() -> None:
    """'First meeting: 3 juni 2026 15:30, .' when no place was set."""
    for language in ("en", "nl", "fr", "de"):
        with translation.override(language):
            for template, context in (
                    ("matching/email/first_meeting.txt", {"learner_first_name": "Noor", "mentor_first_name": "Sam"}),
                    ("matching/email/supervisor.txt", {}), ("matching/email/proposed.txt", {"name": "Sam"})):
                text = render_text(template, {**context, "first_meeting": "2026-06-03T15:30:00+02:00", "place": ""})
                assert ", ." not in text and ",." not in text, (language, template, text)
                assert "2026" in text and ("15:30" in text or "3:30" in text), (language, template, text)


@pytest.mark.django_db
def test_a_planned_first_meeting_is_changed_not_planned_again(world: Any) -> None:
    """The form under a planned first meeting said "Plan the first meeting" over the planned time
    and place (a German coordinator read "Erstes Treffen planen"): it says "Change"."""
    from tandem.matching.tests.factories import numbered_match

    unplanned = numbered_match(world, 2, state="introduced")
    planned = numbered_match(world, 3, state="introduced")
    assert unplanned.first_meeting_at is None and planned.first_meeting_at is not None
    client = world.client_for("coordinator")
    kw = {"org": world.organisation.slug, "prog": world.programme.slug}
    for language, plan, change in (("en", "Plan the first meeting", "Change the first meeting"),
                                   ("de", "Erstes Treffen planen", "Erstes Treffen ändern"),
                                   ("nl", "Plan de eerste ontmoeting", "Wijzig de eerste ontmoeting"),
                                   ("fr", "Planifier la première rencontre", "Modifier la première rencontre")):
        pages = [client.get(reverse("matching:match", kwargs={**kw, "pk": m.pk}),
                            headers={"accept-language": language}).content.decode() for m in (unplanned, planned)]
        assert plan in pages[0] and change not in pages[0], language
        assert change in pages[1] and plan not in pages[1], language
