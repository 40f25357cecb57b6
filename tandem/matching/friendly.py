"""The match page a learner and their guardian read: who the mentor is, when and where they meet,
and in a few plain sentences why they were paired.

The coordinator's page shows the engine's full explanation (criteria, points, broken limits,
waiting days). A 15-year-old and their parent need none of that: they read "You both speak
Turkish and Arabic. Sam can help you with maths. You are both free on Tuesday afternoon." The
sentences are built from the same explanation items, in the reader's language, addressing the
learner as "you" and naming both for the guardian. Only what speaks *for* the pair is said —
never a distance in kilometres, a score, a limit, the waiting time or the role-model item (it
rests on special-category data).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import get_language, gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _

from tandem.core.availability import slot_label
from tandem.core.fields import Vocabulary, vocabulary
from tandem.core.languages import language_name
from tandem.core.text import and_list
from tandem.matching.engine.slots import mask_slots
from tandem.matching.models import Match
from tandem.matching.services import place_words

NEAR_KM = 10.0  # "you live close to each other" only when it is true in a child's sense
MAX_REASONS = 3
MAX_TIMES = 3


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


@dataclass(frozen=True)
class FriendlyMatch:
    reader: str
    mentor: str  # the mentor's given name
    learner: str  # the learner's given name
    initials: str
    title: str
    meeting_title: str
    meeting: list[Fact] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    ended: bool = False  # declined or closed: only who it was, no "when we meet" or "why"


def _language(code: str) -> str:
    name = language_name(code)
    # Inside a French sentence a language is written in lower case: « vous parlez turc ».
    return name[:1].lower() + name[1:] if get_language() == "fr" else name


def _times(mask: int) -> tuple[str, bool]:
    codes = mask_slots(mask)
    words = [slot_label(code) for code in codes[:MAX_TIMES]]
    # Inside a German or Dutch sentence "am Dienstagnachmittag" stays capitalised; French and
    # English labels are lower-cased mid-sentence only in French ("le mardi après-midi").
    if get_language() == "fr":
        words = [w[:1].lower() + w[1:] for w in words]
    return and_list(words), len(codes) > MAX_TIMES


# Sentences about the two of them, in three ways of speaking: to the learner ("you"), to the
# guardian naming both (the first such sentence), then "they" (the next ones).
BOTH = {
    "language": {"you": _("You both speak %(languages)s."),
                 "names": _("%(learner)s and %(mentor)s both speak %(languages)s."),
                 "they": _("They both speak %(languages)s.")},
    "free": {"you": _("You are both free on %(times)s."),
             "names": _("%(learner)s and %(mentor)s are both free on %(times)s."),
             "they": _("They are both free on %(times)s.")},
    "often": {"you": _("You often have time at the same moments, for example on %(times)s."),
              "names": _("%(learner)s and %(mentor)s often have time at the same moments, for example on "
                         "%(times)s."),
              "they": _("They often have time at the same moments, for example on %(times)s.")},
    "near": {"you": _("You live close to each other."),
             "names": _("%(learner)s and %(mentor)s live close to each other."),
             "they": _("They live close to each other.")},
}


def _both(item: Mapping[str, Any]) -> tuple[str, dict[str, str]] | None:
    """Which sentence about both of them an item gives, with its words; None if it gives none."""
    criterion = item.get("criterion")
    p = item.get("params") or {}
    if criterion == "language" and p.get("codes"):
        return "language", {"languages": and_list([_language(c) for c in p["codes"]])}
    if criterion == "availability" and p.get("mask"):
        times, more = _times(int(p["mask"]))
        return ("often" if more else "free"), {"times": times}
    if criterion == "distance" and p.get("km") is not None and float(p["km"]) <= NEAR_KM:
        return "near", {}
    return None


def _about_mentor(item: Mapping[str, Any], *, reader: str, names: dict[str, str], fields: Vocabulary) -> str:
    """A sentence about what the mentor brings, or "" when the item says nothing for the pair."""
    criterion = item.get("criterion")
    p = item.get("params") or {}
    if criterion == "expertise" and p.get("fields"):
        words = and_list(fields.labels(list(p["fields"])))
        if reader == "learner":
            return gettext("%(mentor)s can help you with %(fields)s.") % {"fields": words, **names}
        return gettext("%(mentor)s can help %(learner)s with %(fields)s.") % {"fields": words, **names}
    if criterion == "gender" and p.get("preference") and float(item.get("points") or 0) > 0:
        if p["preference"] == "female":
            return gettext("As asked, %(mentor)s is a woman.") % names
        if p["preference"] == "male":
            return gettext("As asked, %(mentor)s is a man.") % names
    return ""


def reasons(items: Iterable[Mapping[str, Any]], *, reader: str, mentor: str, learner: str,
            fields: Vocabulary | None = None) -> list[str]:
    """The few sentences that say why this pair: the strongest reasons first, at most three.
    ``fields`` names the programme's fields in the reader's language (codes when not given)."""
    fields = fields or Vocabulary([])
    names = {"mentor": mentor, "learner": learner}
    out: list[str] = []
    named = False
    for item in sorted(items, key=lambda item: -float(item.get("points") or 0)):
        both = _both(item)
        if both is not None:
            key, words = both
            who = "you" if reader == "learner" else ("they" if named else "names")
            named = True
            out.append(str(BOTH[key][who]) % {**words, **names})
        elif text := _about_mentor(item, reader=reader, names=names, fields=fields):
            out.append(text)
    if out:
        return out[:MAX_REASONS]
    if reader == "learner":
        return [gettext("We chose %(mentor)s because we think you will get on well together.") % names]
    return [gettext("We chose %(mentor)s because we think %(learner)s and %(mentor)s will get on well "
                    "together.") % names]


def _when(match: Match, *, reader: str) -> str:
    if match.first_meeting_at is None and reader == "learner":
        return gettext("Not planned yet. We will let you know.")
    if match.first_meeting_at is None:
        return pgettext("to a guardian", "Not planned yet. We will let you know.")
    at = timezone.localtime(match.first_meeting_at)
    return gettext("%(day)s %(date)s at %(time)s") % {
        "day": date_format(at, "l"), "date": date_format(at, "DATE_FORMAT"), "time": time_format(at, "TIME_FORMAT")}


def meeting(match: Match, *, reader: str) -> list[Fact]:
    """When and where: the first meeting while it is ahead, the place, and how often they meet."""
    programme = match.programme
    facts = []
    if match.state in (Match.State.PROPOSED, Match.State.INTRODUCED):
        facts.append(Fact(gettext("First meeting"), _when(match, reader=reader)))
    place = match.first_meeting_place or (match.community.meeting_place if match.community else "")
    if place:
        facts.append(Fact(gettext("Where"), place_words(place)))
    if match.community and match.community.cadence:
        often = match.community.cadence
    else:
        minutes = programme.session_minutes
        often = ngettext("%(cadence)s, about %(minutes)s minute each time",
                         "%(cadence)s, about %(minutes)s minutes each time", minutes) % {
            "cadence": programme.get_meeting_cadence_display(), "minutes": minutes}
    facts.append(Fact(gettext("How often"), often))
    return facts


def friendly_match(match: Match, *, reader: str) -> FriendlyMatch:
    mentor, learner = match.volunteer.person, match.learner.person
    names = {"mentor": mentor.given_name, "learner": learner.given_name}
    ended = match.state in (Match.State.DECLINED, Match.State.CLOSED)
    if reader == "learner":
        title = (gettext("%(mentor)s was your mentor") if ended else gettext("%(mentor)s is your mentor")) % names
        meeting_title = gettext("When and where you meet")
    else:
        title = (gettext("%(mentor)s was the mentor of %(learner)s") if ended
                 else gettext("%(mentor)s is the mentor of %(learner)s")) % names
        meeting_title = gettext("When and where they meet")
    return FriendlyMatch(
        reader=reader, mentor=mentor.given_name, learner=learner.given_name,
        initials=(mentor.given_name[:1] + mentor.family_name[:1]).upper(),
        title=title, meeting_title=meeting_title, ended=ended,
        meeting=[] if ended else meeting(match, reader=reader),
        reasons=[] if ended else reasons(match.items, reader=reader, mentor=mentor.given_name,
                                         learner=learner.given_name, fields=vocabulary(match.programme)),
    )
