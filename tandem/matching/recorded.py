"""How an answer a coordinator recorded reads, in the reader's language.

After the first meeting a retired expert may say yes on the phone, a parent without e-mail at the
school gate. The coordinator records that answer on the match page (``views.matches.record_answer``,
``services.match_answer(recorded_via=…)``); the match's story then reads "Answer of the mentor
recorded by Jan (by phone): yes", and the person's own page says the coordinator recorded it.
Whose answer it is ("mentor", "learner", or "guardian" for a minor's side) picks whole sentences,
not words put together, so each language keeps its grammar (die Antwort der Mentor:in…).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from tandem.matching.models import Match


def via_words(via: str) -> str:
    """How it was given, inside a sentence: "by phone", "in person", "another way"."""
    return {
        Match.Via.PHONE: pgettext("answer given", "by phone"),
        Match.Via.IN_PERSON: pgettext("answer given", "in person"),
    }.get(via, pgettext("answer given", "another way"))  # type: ignore[call-overload]


def record_button(whose: str) -> str:
    if whose == "mentor":
        return _("Record the mentor's answer")
    if whose == "guardian":
        return _("Record the guardian's answer")
    return _("Record the learner's answer")


def record_question(whose: str) -> str:
    """The question of the person's own form, asked about them."""
    if whose == "mentor":
        return _("Does the mentor want to continue with this learner?")
    if whose == "guardian":
        return _("Do the guardian and their child want to continue with this mentor?")
    return _("Does the learner want to continue with this mentor?")


def recorded_message(whose: str) -> str:
    if whose == "mentor":
        return _("The mentor's answer was recorded.")
    if whose == "guardian":
        return _("The guardian's answer was recorded.")
    return _("The learner's answer was recorded.")


def _whose(data: dict[str, Any]) -> str:
    if data.get("side") == "mentor":
        return "mentor"
    return "guardian" if data.get("answered_as") == "guardian" else "learner"


def story_line(data: dict[str, Any], who: str) -> str:
    """A recorded answer on the match's story: whose, recorded by ``who``, how, yes or no."""
    params = {"who": who, "how": via_words(str(data.get("via", ""))),
              "answer": _("yes") if data.get("answer") == Match.Answer.YES else _("no")}
    whose = _whose(data)
    if whose == "mentor":
        return _("Answer of the mentor recorded by %(who)s (%(how)s): %(answer)s") % params
    if whose == "guardian":
        return _("Answer of the guardian recorded by %(who)s (%(how)s): %(answer)s") % params
    return _("Answer of the learner recorded by %(who)s (%(how)s): %(answer)s") % params


def recorder(actor: Any, *, named: bool) -> str:
    """Who recorded it: their name for coordinators, "the coordinator" for everyone else."""
    if named and actor is not None:
        return str(actor)
    return pgettext("recorded by", "the coordinator")


def answer_note(match: Match, side: str, *, named: bool) -> str:
    """Beside a side's answer: "recorded by Jan (by phone)", or "" when the person gave it."""
    via = getattr(match, f"{side}_recorded_via")
    if not via:
        return ""
    return _("recorded by %(who)s (%(how)s)") % {
        "who": recorder(getattr(match, f"{side}_answered_by"), named=named), "how": via_words(via)}


def for_the_person(via: str) -> str:
    """On the person's own page and personal link, once the coordinator recorded their answer."""
    return _("The coordinator recorded this answer for you (%(how)s); you no longer need to answer.") % {
        "how": via_words(via)}
