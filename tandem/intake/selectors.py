"""Reads of the intake domain, always through the programme (and, for partner contacts, through
their own institutions), so an id from another programme, organisation or school is not found.

``matchable_learners`` is the contract with the matching app: the learners a matching round may
consider.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from tandem.core import extensions
from tandem.core.languages import COUNTRY_LANGUAGES, language_names
from tandem.core.models import Membership, PartnerInstitution, Person, Programme, Role
from tandem.intake.models import ConsentText, GuardianConsent, Learner, LearnerTransition

LONG_WAIT_DAYS = 90
# Every mentor in the country speaks its school language(s): never "rare".
OPEN_STATES = (Learner.State.REFERRED, Learner.State.INTAKE)


# --- Consent ------------------------------------------------------------------------------------


def consent_age(programme: Programme) -> int:
    return int(programme.requirement("digital_consent_age"))


def adult_cutoff(*, programme: Programme, today: date) -> date:
    """Learners born on or before this day are old enough to consent themselves."""
    years = consent_age(programme)
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def current_consent_version(programme: Programme) -> int | None:
    return (
        ConsentText.objects.filter(programme=programme).order_by("-version").values_list("version", flat=True).first()
    )


def consent_text_for(*, programme: Programme, version: int, language: str) -> ConsentText | None:
    """The text of ``version`` in ``language``, else in any language it exists in."""
    texts = list(ConsentText.objects.filter(programme=programme).filter(version=version))
    for text in texts:
        if text.language == language:
            return text
    return texts[0] if texts else None


def needs_consent(learner: Learner, *, today: date) -> bool:
    """Under the programme's age of digital consent. An unknown date of birth counts as a
    minor: consent is asked rather than assumed."""
    born = learner.person.date_of_birth
    return born is None or born > adult_cutoff(programme=learner.programme, today=today)


def _valid_consents(programme: Programme) -> QuerySet[GuardianConsent]:
    # The current version is a subquery, not a query of its own: a matching round reads its
    # learners in one query. (A version 0 never counts, as before.)
    current = ConsentText.objects.filter(programme=programme).order_by("-version").values("version")[:1]
    return GuardianConsent.objects.filter(
        given_at__isnull=False, withdrawn_at__isnull=True, version=Subquery(current), version__gt=0,
    )


def has_valid_consent(learner: Learner) -> bool:
    return _valid_consents(learner.programme).filter(learner=learner).exists()


def consent_ok(learner: Learner, *, today: date) -> bool:
    return not needs_consent(learner, today=today) or has_valid_consent(learner)


def matchable_learners(*, programme: Programme, today: date) -> QuerySet[Learner]:
    """Learners a matching round may consider: on the waiting list and, when under the
    programme's age of digital consent (or of unknown age), with a guardian's consent to the
    current version of the consent text that has not been withdrawn. Longest waiting first."""
    cutoff = adult_cutoff(programme=programme, today=today)
    consented = Exists(_valid_consents(programme).filter(learner=OuterRef("pk")))
    return (
        Learner.objects.filter(programme=programme, state=Learner.State.WAITING)
        .filter(Q(person__date_of_birth__lte=cutoff) | consented)
        .select_related("person", "institution")
        .order_by("waiting_since", "pk")
    )


def open_consents(*, learner: Learner) -> QuerySet[GuardianConsent]:
    return learner.consents.select_related("guardian").all()


def guardian_consents(*, programme: Programme, guardian: Person) -> list[GuardianConsent]:
    """A guardian's own consent requests in this programme, newest first."""
    return list(
        GuardianConsent.objects.filter(learner__programme=programme, guardian=guardian)
        .select_related("learner__person")
    )


def guardians_of(*, learner: Learner) -> QuerySet[Person]:
    return Person.objects.filter(
        ward_links__learner=learner.person, organisation_id=learner.programme.organisation_id
    )


# --- Partner contacts ---------------------------------------------------------------------------


def partner_institutions(*, programme: Programme, user: Any) -> list[PartnerInstitution]:
    """The institutions ``user`` is a partner contact of in this programme."""
    return list(
        PartnerInstitution.objects.filter(
            programme=programme,
            memberships__programme=programme,
            memberships__role=Role.PARTNER_CONTACT,
            memberships__person__user=user,
        ).distinct()
    )


def partner_referrals(*, programme: Programme, user: Any) -> QuerySet[Learner]:
    institutions = partner_institutions(programme=programme, user=user)
    return (
        Learner.objects.filter(programme=programme, institution__in=institutions)
        .select_related("person", "institution")
        .order_by("-created", "-pk")
    )


def partner_referral(*, programme: Programme, user: Any, pk: int) -> Learner:
    """One of the partner's institution's referrals; ``Learner.DoesNotExist`` for any other,
    so another school's referral id is a 404, not a 403."""
    return partner_referrals(programme=programme, user=user).get(pk=pk)


# --- Coordinators -------------------------------------------------------------------------------


def programme_learner(*, programme: Programme, pk: int) -> Learner:
    return Learner.objects.filter(programme=programme).select_related(
        "person", "institution", "referred_by", "programme__organisation"
    ).get(pk=pk)


def programme_learners(*, programme: Programme, state: str = "", query: str = "") -> QuerySet[Learner]:
    """The programme's learners, newest first, each with ``state_since``: when they reached their
    state (their last step; ``updated`` moves with any edit, a note or a new address)."""
    last_step = LearnerTransition.objects.filter(learner=OuterRef("pk")).order_by("-at", "-pk").values("at")[:1]
    learners = Learner.objects.filter(programme=programme).select_related("person", "institution").annotate(
        state_since=Coalesce(Subquery(last_step), F("created"))).order_by("-created", "-pk")
    if state:
        learners = learners.filter(state=state)
    for word in query.split():
        learners = learners.filter(
            Q(person__given_name__icontains=word) | Q(person__family_name__icontains=word)
            | Q(person__email__icontains=word) | Q(institution__name__icontains=word)
        )
    return learners


def state_counts(*, programme: Programme) -> dict[str, int]:
    counts = dict.fromkeys(Learner.State.values, 0)
    for state, n in Learner.objects.filter(programme=programme).order_by().values_list("state").annotate(
            n=Count("id")):
        counts[state] = n
    return counts


def unplaced_learners(*, programme: Programme) -> int:
    """Learners still to be matched whose address could not be placed on the map."""
    return Learner.objects.filter(
        programme=programme, latitude__isnull=True,
        state__in=(Learner.State.REFERRED, Learner.State.INTAKE, Learner.State.WAITING),
    ).count()


def intake_queue(*, programme: Programme) -> QuerySet[Learner]:
    return (
        Learner.objects.filter(programme=programme, state__in=OPEN_STATES)
        .select_related("person", "institution", "referred_by")
        .order_by("created", "pk")
    )


def mentor_languages(*, programme: Programme) -> Counter[str]:
    """How many of the programme's mentors speak each language: the languages volunteers gave
    (onboarding, through ``core.extensions``), and every mentor's own preferred one. The preferred
    one alone said "No mentor speaks Arabic" of a programme whose mentors speak it."""
    spoken = Counter(dict(
        Person.objects.filter(memberships__programme=programme, memberships__role=Role.MENTOR)
        .order_by().values_list("language").annotate(n=Count("id"))
    ))
    spoken.update(extensions.mentor_languages(programme=programme))
    return spoken


@dataclass
class WaitingRow:
    learner: Learner
    days: int
    consent_missing: bool
    hints: list[str] = field(default_factory=list)


def waiting_learners(*, programme: Programme) -> QuerySet[Learner]:
    """Everyone on the waiting list, longest waiting first."""
    return (
        Learner.objects.filter(programme=programme, state=Learner.State.WAITING)
        .select_related("person", "institution")
        .order_by(F("waiting_since").asc(nulls_last=True), "pk")
    )


@dataclass(frozen=True)
class WaitingSummary:
    waiting: int
    median_days: int
    long_waits: int
    not_matchable: int


def waiting_summary(*, programme: Programme, today: date) -> WaitingSummary:
    """The waiting list in numbers, in three queries however long it is."""
    waiting = Learner.objects.filter(programme=programme, state=Learner.State.WAITING)
    totals = waiting.aggregate(
        n=Count("pk"),
        long=Count("pk", filter=Q(waiting_since__lte=today - timedelta(days=LONG_WAIT_DAYS))),
    )
    n = totals["n"]
    median = 0
    if n:
        # The days waited, sorted from the shortest wait (no date counts as 0 days): the middle one.
        middle = waiting.order_by(F("waiting_since").desc(nulls_first=True), "pk").values_list(
            "waiting_since", flat=True)[n // 2]
        median = (today - middle).days if middle else 0
    matchable = matchable_learners(programme=programme, today=today).count() if n else 0
    return WaitingSummary(waiting=n, median_days=median, long_waits=totals["long"],
                          not_matchable=n - matchable)


def waiting_rows(*, programme: Programme, learners: Iterable[Learner], today: date) -> list[WaitingRow]:
    """``learners`` (a page of ``waiting_learners``) with their days and why they may be hard to
    match, in two queries however many they are."""
    learners = list(learners)
    matchable = set(
        matchable_learners(programme=programme, today=today)
        .filter(pk__in=[learner.pk for learner in learners]).values_list("pk", flat=True)
    ) if learners else set()
    spoken = mentor_languages(programme=programme) if learners else Counter()
    # The programme's working language is everyone's; only the others can be rare.
    common = set(programme.languages[:1]) | set(COUNTRY_LANGUAGES.get(programme.country, ()))
    rows = []
    for learner in learners:
        missing = learner.pk not in matchable
        row = WaitingRow(
            learner=learner, days=(today - learner.waiting_since).days if learner.waiting_since else 0,
            consent_missing=missing,
        )
        if missing:
            row.hints.append(_("No valid guardian consent: not in matching"))
        rare = [code for code in learner.languages if code not in common and not spoken.get(code)]
        if rare:
            row.hints.append(
                _("No mentor speaks %(languages)s") % {"languages": ", ".join(language_names(rare))}
            )
        if not learner.availability:
            row.hints.append(_("No availability given"))
        elif len(learner.availability) < 2:
            row.hints.append(_("Only one time slot"))
        if learner.latitude is None:
            row.hints.append(_("Not on the map: matching cannot use distance"))
        if row.days >= LONG_WAIT_DAYS:
            row.hints.append(
                _("Waiting more than %(days)s days") % {"days": LONG_WAIT_DAYS}
            )
        rows.append(row)
    return rows


def waiting_list(*, programme: Programme, today: date) -> list[WaitingRow]:
    """Everyone on the waiting list, longest waiting first, with why they may be hard to match
    (every row: for a page of them, ``waiting_rows`` over a page of ``waiting_learners``)."""
    return waiting_rows(programme=programme, learners=waiting_learners(programme=programme), today=today)


def mentors_in_programme(*, programme: Programme) -> int:
    return Membership.objects.filter(programme=programme, role=Role.MENTOR).count()
