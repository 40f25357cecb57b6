"""Reads of the onboarding domain, always through the programme.

``matchable_volunteers`` is the contract with the matching app: it is the pool of mentors a
matching round may use.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.db.models import Case, Count, Q, QuerySet, Value, When

from tandem.core.fields import vocabulary
from tandem.core.languages import language_name
from tandem.core.models import Programme
from tandem.core.text import fold
from tandem.onboarding.models import TrainingCertificate, Volunteer, VolunteerState, Workshop
from tandem.onboarding.screening import certificate_cutoff, screening_complete_q

State = VolunteerState


def matchable_volunteers(
    *, programme: Programme, today: date, load: Mapping[int, int] | None = None
) -> QuerySet[Volunteer]:
    """Volunteers a matching round may propose to a learner.

    * every *ready* volunteer, and
    * every *active* volunteer with spare capacity: ``load`` maps a volunteer's id to the number
      of learners they currently have (the matching app knows its matches); without it an active
      volunteer counts as full, so nobody is ever over-booked by default;
    * in both cases only while every screening item the programme requires is complete and
      still valid on ``today``: a volunteer whose safeguarding certificate expired stays in
      their state but drops out of this pool until a new one is recorded.

    Read the mentor's data from the rows: ``person`` (name, language, gender via ``gender``),
    ``latitude``/``longitude``, ``languages``, ``expertise``, ``availability`` (slot codes such as
    ``"tue-evening"``, see ``models.SLOTS``) and ``capacity``.
    """
    load = load or {}
    base = Volunteer.objects.filter(programme=programme).filter(screening_complete_q(programme=programme, today=today))
    active_with_room = [
        pk
        for pk, capacity in base.filter(state=State.ACTIVE).values_list("pk", "capacity")
        if may_be_matched(pk=pk, state=State.ACTIVE, capacity=capacity, load=load)
    ]
    return base.filter(Q(state=State.READY) | Q(pk__in=active_with_room)).select_related("person")


def may_be_matched(*, pk: int, state: str, capacity: int, load: Mapping[int, int]) -> bool:
    """The rule of ``matchable_volunteers`` for one row of ``volunteers_to_match``."""
    return state == State.READY or (state == State.ACTIVE and load.get(pk, capacity) < capacity)


def volunteers_to_match(*, programme: Programme, today: date) -> QuerySet[Volunteer]:
    """``matchable_volunteers`` without the load: every screened *ready* or *active* volunteer,
    in the same order; keep the rows ``may_be_matched`` accepts. For a matching round, which
    reads them as ``values()`` rows in the same query as the load."""
    return (Volunteer.objects.filter(programme=programme, state__in=(State.READY, State.ACTIVE))
            .filter(screening_complete_q(programme=programme, today=today)))


def board_volunteers(
    *, programme: Programme, state: str = "", city: str = "", language: str = "", query: str = ""
) -> QuerySet[Volunteer]:
    volunteers = Volunteer.objects.filter(programme=programme).select_related("person", "training_certificate")
    if state:
        volunteers = volunteers.filter(state=state)
    if city:
        volunteers = volunteers.filter(person__city__iexact=city)
    if language:
        volunteers = volunteers.filter(languages__icontains=f'"{language}"')
    fields = vocabulary(programme)
    for word in query.split():
        # Expertise holds field codes: "wiskunde" or "Mathe" finds the volunteers who know maths.
        code = fields.resolve(word)
        volunteers = volunteers.filter(
            Q(person__given_name__icontains=word) | Q(person__family_name__icontains=word)
            | Q(person__email__icontains=word) | Q(person__city__icontains=word)
            | (Q(expertise__icontains=f'"{code}"') if code else Q(pk__in=[]))
        )
    return volunteers


def in_board_order(volunteers: QuerySet[Volunteer]) -> QuerySet[Volunteer]:
    """The board's order: by state as the pipeline runs (applied → … → alumni, then rejected,
    withdrawn, paused), by name within a state; so paging through keeps each state together."""
    rank = Case(*(When(state=value, then=Value(i)) for i, value in enumerate(State.values)),
                default=Value(len(State.values)))
    return volunteers.order_by(rank, "person__family_name", "person__given_name", "pk")


def counts_by_state(volunteers: QuerySet[Volunteer]) -> dict[str, int]:
    """How many of ``volunteers`` (the board's filtered rows) are in each state, in one query."""
    counts = dict.fromkeys(State.values, 0)
    for state, n in volunteers.order_by().values_list("state").annotate(n=Count("id")):
        counts[state] = n
    return counts


def state_counts(*, programme: Programme) -> dict[str, int]:
    counts = dict.fromkeys(State.values, 0)
    for row in Volunteer.objects.filter(programme=programme).values("state").annotate(n=Count("id")):
        counts[row["state"]] = row["n"]
    return counts


def unplaced_volunteers(*, programme: Programme) -> int:
    """Volunteers on their way to a match or in one whose address could not be placed."""
    return Volunteer.objects.filter(programme=programme, latitude__isnull=True).exclude(
        state__in=(VolunteerState.ALUMNI, VolunteerState.REJECTED, VolunteerState.WITHDRAWN)
    ).count()


def expired_certificate_ids(
    *, programme: Programme, today: date, among: Iterable[int] | None = None
) -> set[int]:
    """Volunteers whose recorded certificate has expired (shown in red on the board); only
    those ``among`` the given ids when given (the page of the board on screen)."""
    if not programme.requirement("safeguarding_certificate_required"):
        return set()
    volunteers = Volunteer.objects.filter(programme=programme)
    if among is not None:
        volunteers = volunteers.filter(pk__in=list(among))
    return set(
        volunteers.filter(
            certificate_issued_on__lt=certificate_cutoff(programme=programme, today=today)
        ).values_list("pk", flat=True)
    )


def spoken_languages(*, programme: Programme) -> list[str]:
    """The programme's languages, then every other language one of its volunteers speaks (by
    name in the active language)."""
    # distinct(): the few different lists of languages, not one row per volunteer.
    spoken = {code for codes in Volunteer.objects.filter(programme=programme).order_by()
              .values_list("languages", flat=True).distinct() for code in codes or []}
    first = list(programme.languages or [])
    return first + sorted(spoken - set(first), key=lambda code: fold(language_name(code)))


def cities(*, programme: Programme) -> list[str]:
    return sorted(
        {c for c in Volunteer.objects.filter(programme=programme).order_by()
         .values_list("person__city", flat=True).distinct() if c}
    )


def programme_volunteer(*, programme: Programme, pk: int) -> Volunteer:
    return Volunteer.objects.filter(programme=programme).select_related("person", "programme__organisation").get(pk=pk)


def volunteer_for_user(*, programme: Programme, user: Any) -> Volunteer | None:
    return (
        Volunteer.objects.filter(programme=programme).filter(
            person__user=user, person__organisation_id=programme.organisation_id
        )
        .select_related("person", "programme")
        .first()
    )


def programme_workshops(*, programme: Programme) -> QuerySet[Workshop]:
    return Workshop.objects.filter(programme=programme).annotate(
        booked=Count("registrations", filter=Q(registrations__status="booked")),
        waiting=Count("registrations", filter=Q(registrations__status="waiting")),
    ).order_by("starts_at", "pk")


def certificate_by_code(code: str) -> TrainingCertificate | None:
    return (
        TrainingCertificate.objects.filter(code=code.strip().upper())
        .select_related("volunteer__person", "volunteer__programme__organisation")
        .first()
    )
