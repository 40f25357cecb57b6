"""The engine's explanations, rendered in the reader's language.

The engine stores machine-readable items (``criterion`` + ``params``) beside its English text
(``engine.TEMPLATES``); these functions render the same facts with translated phrases, so a
coordinator in Rotterdam reads "4,2 km uit elkaar" and one in Lyon "à 4,2 km l'un de l'autre".
Codes become words of the reader's language: languages by their CLDR name, time slots by their
label ("dinsdagmiddag"), fields by their label in the programme's vocabulary ("wiskunde").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext, npgettext
from django.utils.translation import gettext_lazy as _

from tandem.core.availability import slot_labels
from tandem.core.fields import Vocabulary
from tandem.core.languages import language_name
from tandem.core.text import and_list, grouped
from tandem.intake.models import Reason

GENDER = {"female": _("woman"), "male": _("man")}
CRITERIA = {
    "distance": _("Distance"), "language": _("Language"), "expertise": _("Expertise ↔ needs"),
    "availability": _("Free time"), "gender": _("Gender wish"), "age": _("Age"),
    "background": _("Role model"), "waiting": _("Waiting time"),
}
# Only coordinators see the role-model item: it rests on special-category data.
PRIVATE = {"background"}


def _slots(mask: int) -> str:
    from tandem.matching.engine.slots import mask_slots

    return and_list(slot_labels(mask_slots(mask)))


def _field(code: str, fields: Vocabulary | None) -> str:
    return fields.label(code) if fields is not None else code


def item_text(item: Mapping[str, Any], fields: Vocabulary | None = None) -> str:
    """One explanation item in the active language ("" when there is nothing to say); ``fields``
    is the programme's vocabulary, which names the fields in the reader's language."""
    p = item.get("params") or {}
    criterion = item.get("criterion")
    if criterion == "distance":
        return gettext("%(km)s km apart") % {"km": number_format(p.get("km", 0), decimal_pos=1)}
    if criterion == "language":
        codes = p.get("codes") or []
        if not codes:
            return gettext("no shared language")
        return gettext("both speak %(languages)s") % {"languages": and_list([language_name(c) for c in codes])}
    if criterion == "expertise":
        codes = p.get("fields") or []
        if not codes:
            return gettext("no matching field")
        return gettext("knows about %(fields)s, as needed") % {
            "fields": and_list([_field(code, fields) for code in codes])}
    if criterion == "availability":
        mask = p.get("mask")
        if not mask:
            return gettext("no free time in common")
        return gettext("both free on %(slots)s") % {"slots": _slots(int(mask))}
    if criterion == "gender":
        preference = p.get("preference")
        if not preference:
            return ""
        gender = GENDER.get(preference, preference)
        if float(item.get("points") or 0) > 0:
            return gettext("a %(gender)s as mentor, as asked") % {"gender": gender}
        return gettext("not a %(gender)s as mentor, as asked") % {"gender": gender}
    if criterion == "age":
        years = p.get("years")
        if years is None:
            return ""
        return ngettext("%(years)s year apart in age", "%(years)s years apart in age", years) % {"years": years}
    if criterion == "background":
        codes = [c.split(":", 1)[-1] for c in p.get("codes") or []]
        if not codes:
            return ""
        return gettext("role model: both grew up with %(languages)s") % {
            "languages": and_list([language_name(c) for c in codes])}
    if criterion == "waiting":
        days = p.get("days")
        if days is None:
            return ""
        return ngettext("waiting %(days)s day", "waiting %(days)s days", days) % {"days": days}
    # A criterion without its phrase here is left out: the engine's ``text`` beside it is English.
    return ""


def rows(items: Iterable[Mapping[str, Any] | list[Any]], *, private: bool = False,
         fields: Vocabulary | None = None) -> list[dict[str, Any]]:
    """Items as table rows: criterion label, points and the sentence (private ones only when asked).

    An item is the engine's dict, or ``[criterion, points, params]`` (alternatives, stored compact)."""
    out = []
    for entry in items:
        item = entry if isinstance(entry, Mapping) else {"criterion": entry[0], "points": entry[1],
                                                         "params": entry[2]}
        criterion = str(item.get("criterion", ""))
        if criterion in PRIVATE and not private:
            continue
        text = item_text(item, fields)
        if text:
            out.append({"criterion": CRITERIA.get(criterion, criterion), "points": item.get("points", 0),
                        "text": text})
    return out


def line(items: Iterable[Mapping[str, Any] | list[Any]], *, private: bool = False,
         fields: Vocabulary | None = None) -> str:
    """The one line a coordinator reads: "4.2 km apart · both speak Turkish · …"."""
    return " · ".join(row["text"] for row in rows(items, private=private, fields=fields))


def _limit_sentence(limit: str, count: int, params: Mapping[str, Any]) -> str:
    """"3 mentors within reach, but none …", one whole sentence per limit and number.

    Each limit is its own sentence rather than a shared frame with a predicate slotted in: German,
    Dutch and French word "one mentor, but not …" and "several, but none …" differently (German
    read "1 Mentor:in in Reichweite, aber diese Bedingung ist nicht erfüllt: ist ein Mann, wie von
    der:dem Mentee gewünscht")."""
    n = {"count": grouped(count)}
    if limit == "language":
        return ngettext(
            "%(count)s mentor within reach, but without a language in common with the learner",
            "%(count)s mentors within reach, but none has a language in common with the learner",
            count) % n
    if limit == "availability":
        return ngettext(
            "%(count)s mentor within reach, but without enough free time in common with the learner",
            "%(count)s mentors within reach, but none has enough free time in common with the learner",
            count) % n
    if limit == "gender":
        # The engine names the learner's wish by its English word (``vocab.GENDER_NAMES``). The
        # wish itself ("a woman"), not "a woman or a man as asked", which left the coordinator to
        # look up which.
        wish = params.get("gender")
        if wish == "female":
            return ngettext("%(count)s mentor within reach, but not a woman, as the learner asked",
                            "%(count)s mentors within reach, but none is a woman, as the learner asked",
                            count) % n
        if wish == "male":
            return ngettext("%(count)s mentor within reach, but not a man, as the learner asked",
                            "%(count)s mentors within reach, but none is a man, as the learner asked",
                            count) % n
        return ngettext(
            "%(count)s mentor within reach, but not of the gender the learner asked for",
            "%(count)s mentors within reach, but none is of the gender the learner asked for",
            count) % n
    if limit == "age":
        years = int(params.get("years") or 0)
        gap = npgettext("age gap", "%(years)s year", "%(years)s years", years) % {"years": years}
        return ngettext(
            "%(count)s mentor within reach, but more than %(gap)s older or younger than the learner",
            "%(count)s mentors within reach, but all more than %(gap)s older or younger than the "
            "learner", count) % {**n, "gap": gap}
    if limit == "excluded":
        return ngettext(
            "%(count)s mentor within reach, but excluded (said no or did not work out before, conflict of "
            "interest)",
            "%(count)s mentors within reach, but all excluded (said no or did not work out before, "
            "conflict of interest)",
            count) % n
    return ngettext("%(count)s mentor within reach, but ruled out by a hard limit",
                    "%(count)s mentors within reach, but all ruled out by a hard limit", count) % n


def unmatched_text(reason: str, limit: str, params: Mapping[str, Any]) -> str:
    """Why a learner got no proposal, in the active language."""
    if reason == "no_location":
        return gettext("the address could not be placed on the map: correct the postcode or town, "
                       "or enter coordinates on the learner's page")
    if reason == "no_mentors":
        return gettext("there are no mentors in this round")
    if reason == "taken":
        # Said only when every suitable mentor is full and the optimum is proved.
        count = int(params.get("count") or 0)
        return ngettext(
            "the one suitable mentor went to another learner: matching this learner would leave "
            "another learner unmatched or lower the total score",
            "all %(count)s suitable mentors went to other learners: matching this learner would "
            "leave another learner unmatched or lower the total score", count) % {"count": grouped(count)}
    if reason == "full":
        # Every suitable mentor is full, but the search stopped before proving the optimum.
        count = int(params.get("count") or 0)
        return ngettext("the one suitable mentor is full with other learners",
                        "all %(count)s suitable mentors are full with other learners", count) % {"count": grouped(count)}
    if reason == "unplaced":
        count, free = int(params.get("count") or 0), int(params.get("free") or 0)
        return ngettext(
            "%(count)s suitable mentor, %(free)s with a free place: the search stopped before placing "
            "this learner",
            "%(count)s suitable mentors, %(free)s with a free place: the search stopped before placing "
            "this learner", count) % {"count": grouped(count), "free": grouped(free)}
    if reason == "limit" and limit == "distance":
        km = params.get("km")
        if km is None:
            return gettext("no mentor within reach")
        return gettext("no mentor within %(km)s km") % {"km": number_format(km)}
    if reason == "limit":
        return _limit_sentence(limit, int(params.get("count") or 0), params)
    # A reason without its sentence here: never the engine's English detail, nor the code.
    return gettext("no suitable mentor was found in this round")


def reason_label(code: str) -> str:
    try:
        return str(Reason(code).label)
    except ValueError:
        return code


def round_failure(code: str, params: Mapping[str, Any]) -> tuple[str, list[str]]:
    """Why a round could not run and what to do, in the active language: a heading and the
    sentences under it (the round page adds the links). Built from a code and counts only."""

    def n(key: str) -> int:
        return int(params.get(key) or 0)

    if code == "no_learners":
        advice = []
        if n("in_intake"):
            advice.append(ngettext(
                "%(count)s referral is still in intake: accept it on the learners page.",
                "%(count)s referrals are still in intake: accept them on the learners page.",
                n("in_intake")) % {"count": grouped(n("in_intake"))})
        if n("without_consent"):
            advice.append(ngettext(
                "%(count)s waiting learner is a minor without a guardian's consent to the current "
                "consent text: ask the guardian again from the learner's page.",
                "%(count)s waiting learners are minors without a guardian's consent to the current "
                "consent text: ask their guardians again from the learners' pages.",
                n("without_consent")) % {"count": grouped(n("without_consent"))})
        if not advice:
            advice.append(gettext("Every learner has a mentor or has left the programme. Add or accept new "
                                  "learners, then run a round again."))
        return gettext("No learner is waiting to be matched."), advice
    if code == "no_volunteers":
        advice = []
        if n("full"):
            advice.append(ngettext(
                "%(count)s volunteer has no free place left: if they can take another learner, raise their "
                "capacity on their page.",
                "%(count)s volunteers have no free place left: if they can take another learner, raise "
                "their capacity on their pages.", n("full")) % {"count": grouped(n("full"))})
        if n("screening"):
            advice.append(ngettext(
                "%(count)s ready volunteer no longer meets the screening requirements (for example an "
                "expired certificate): record what is missing on the volunteers board.",
                "%(count)s ready volunteers no longer meet the screening requirements (for example an "
                "expired certificate): record what is missing on the volunteers board.",
                n("screening")) % {"count": grouped(n("screening"))})
        if n("no_location"):
            advice.append(ngettext(
                "%(count)s volunteer has no known location: add their address or city.",
                "%(count)s volunteers have no known location: add their address or city.",
                n("no_location")) % {"count": grouped(n("no_location"))})
        if n("paused"):
            advice.append(ngettext(
                "%(count)s volunteer is paused: set them back to ready when they can mentor again.",
                "%(count)s volunteers are paused: set them back to ready when they can mentor again.",
                n("paused")) % {"count": grouped(n("paused"))})
        if n("on_their_way"):
            advice.append(ngettext(
                "%(count)s volunteer is still in screening or training: they join a round once they are ready.",
                "%(count)s volunteers are still in screening or training: they join a round once they are "
                "ready.", n("on_their_way")) % {"count": grouped(n("on_their_way"))})
        if not advice:
            advice.append(gettext("No volunteer is ready yet. Volunteers become ready on the volunteers "
                                  "board once their screening and training are complete."))
        if n("learners") == 1:
            return gettext("No volunteer can take the waiting learner."), advice
        return gettext("No volunteer can take any of the %(count)s waiting learners.") % {
            "count": grouped(n("learners"))}, advice
    if code == "criteria":
        return gettext("The matching criteria cannot be used."), [gettext(
            "One of the limits is impossible (for example a distance of 0 km). Correct the matching "
            "criteria, then run a round again.")]
    return gettext("Something unexpected went wrong while matching."), [gettext(
        "Nothing was changed. Run the round again; if it fails again, the technical team has the "
        "details in the error log.")]
