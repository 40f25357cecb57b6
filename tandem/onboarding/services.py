"""Writes of the onboarding domain: keyword-only, one transaction each, audited.

Views, the import and the daily command call these; they never see a request and raise a
``ValidationError`` a coordinator can read.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tandem.core.audit import audit_record, diff
from tandem.core.extensions import volunteer_places_taken
from tandem.core.integrity import save_checked
from tandem.core.models import AuditEvent, Membership, Person, Programme, Role
from tandem.core.notify import notify
from tandem.core.places import geocode
from tandem.core.ratelimit import mail_once_per
from tandem.core.selectors import coordinators_of
from tandem.core.services import membership_grant, person_create
from tandem.core.versioning import EditConflict, apply_edit, lock_for_edit, save_edit
from tandem.onboarding.models import (
    Registration,
    TrainingCertificate,
    Volunteer,
    VolunteerDeclaration,
    VolunteerReason,
    VolunteerState,
    VolunteerTransition,
    Workshop,
)
from tandem.onboarding.screening import certificate_name, missing_items, training_hours

State = VolunteerState
Action = AuditEvent.Action

# The consent text applicants agree to; bump the version whenever its wording changes, so each
# volunteer's record says which text they accepted.
CONSENT_VERSION = "2026-1"

ALLOWED: dict[str, frozenset[str]] = {
    State.APPLIED: frozenset({State.SCREENING, State.REJECTED, State.WITHDRAWN}),
    State.SCREENING: frozenset(
        {State.TRAINING, State.READY, State.REJECTED, State.WITHDRAWN, State.PAUSED}
    ),
    State.TRAINING: frozenset(
        {State.SCREENING, State.READY, State.REJECTED, State.WITHDRAWN, State.PAUSED}
    ),
    State.READY: frozenset({State.ACTIVE, State.PAUSED, State.WITHDRAWN, State.ALUMNI}),
    State.ACTIVE: frozenset({State.READY, State.PAUSED, State.WITHDRAWN, State.ALUMNI}),
    State.PAUSED: frozenset(
        {State.SCREENING, State.TRAINING, State.READY, State.WITHDRAWN, State.ALUMNI}
    ),
    # A returning volunteer is screened again (their certificate may have expired meanwhile).
    State.ALUMNI: frozenset({State.SCREENING}),
    State.WITHDRAWN: frozenset({State.SCREENING}),
    State.REJECTED: frozenset(),
}
GATED = frozenset({State.READY, State.ACTIVE})
VOLUNTEER_FIELDS = ("languages", "expertise", "availability", "address", "latitude",
                    "longitude", "motivation", "capacity", "gender")


def _state_label(state: str) -> str:
    return str(State(state).label)


def transition_errors(*, volunteer: Volunteer, to_state: str, today: date) -> list[str]:
    """Why ``volunteer`` cannot move to ``to_state`` now (empty: it can)."""
    if to_state not in State.values:
        return [_("Unknown state “%(state)s”.") % {"state": to_state}]
    if to_state == volunteer.state:
        return [_("The volunteer is already in this state.")]
    if to_state not in ALLOWED[volunteer.state]:
        return [
            _("A volunteer cannot go from “%(from)s” to “%(to)s”.")
            % {"from": _state_label(volunteer.state), "to": _state_label(to_state)}
        ]
    if to_state in GATED:
        missing = missing_items(volunteer, today=today)
        if missing:
            return [_("%(name)s cannot be ready yet:") % {"name": volunteer.person.full_name},
                    *missing]
    return []


def volunteer_transition(
    *, volunteer: Volunteer, to_state: str, actor: Any, reason: str = "",
    today: date | None = None,
) -> Volunteer:
    """Move a volunteer through the pipeline, enforcing the allowed moves and the ready gate."""
    today = today or timezone.localdate()
    with transaction.atomic():
        current = (
            Volunteer.objects.select_for_update()
            .select_related("person", "programme__organisation")
            .get(pk=volunteer.pk)
        )
        errors = transition_errors(volunteer=current, to_state=to_state, today=today)
        if errors:
            raise ValidationError(" ".join(errors))
        from_state = current.state
        current.state = to_state
        current.save(update_fields=["state", "updated"])
        VolunteerTransition.objects.create(
            volunteer=current, from_state=from_state, to_state=to_state,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            # TransitionForm holds a one-line reason to the stored 300 characters (a clear error
            # beyond); the cut only guards callers that skipped the form. Codes are shorter.
            reason=reason[:300],
        )
        programme = current.programme
        audit_record(
            organisation=programme.organisation, programme=programme, actor=actor,
            person=current.person, action=Action.UPDATED, subject=f"volunteer:{current.pk}",
            changes={"state": [from_state, to_state]}, note=reason,
        )
        if to_state == State.READY:
            _grant_mentor_role(current, actor)
            _notify_volunteer(current, "ready", {})
    volunteer.state = current.state
    return current


def _grant_mentor_role(volunteer: Volunteer, actor: Any) -> None:
    exists = Membership.objects.filter(
        person=volunteer.person, programme=volunteer.programme, role=Role.MENTOR
    ).exists()
    if not exists:
        membership_grant(
            person=volunteer.person, programme=volunteer.programme, role=Role.MENTOR,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
        )


def _notify_volunteer(volunteer: Volunteer, template: str, context: dict[str, Any]) -> None:
    person = volunteer.person
    programme = volunteer.programme
    notify(
        to=person.email, language=person.language, template=f"onboarding/email/{template}",
        context={
            "name": person.given_name, "programme": programme.name,
            "organisation": programme.organisation.name,
            # A group programme's mentor leads a learning community (docs/matches.md).
            "group": programme.is_group, **context,
        },
    )


def _notify_coordinators(programme: Programme, template: str, context: dict[str, Any]) -> None:
    for coordinator in coordinators_of(programme=programme):
        notify(
            to=coordinator.email, language=coordinator.language,
            template=f"onboarding/email/{template}",
            context={"name": coordinator.given_name, "programme": programme.name, **context},
        )


# --- Application --------------------------------------------------------------------------


def volunteer_apply(
    *, programme: Programme, given_name: str, family_name: str, email: str, language: str,
    consent: bool, phone: str = "", postcode: str = "", city: str = "", address: str = "",
    languages: list[str] | None = None, expertise: list[str] | None = None,
    availability: list[str] | None = None, motivation: str = "", gender: str = "",
    migration_background: bool | None = None, first_generation: bool | None = None,
) -> tuple[Volunteer, bool]:
    """Record a public application; returns ``(volunteer, created)``.

    The same e-mail applying twice to the same programme is not a second volunteer: the
    applicant is told by e-mail that we already have their application (the page they see is
    the same either way, so it does not reveal who applied).
    """
    if not consent:
        raise ValidationError(_("Please agree to the processing of your data."))
    email = email.strip().lower()
    with transaction.atomic():
        # Serialise applications to one programme so a double submit cannot create two records.
        Programme.objects.select_for_update().filter(pk=programme.pk).first()
        existing = Volunteer.objects.filter(programme=programme).filter(person__email__iexact=email).select_related(
            "person"
        ).first()
        if existing is not None:
            # Anyone can type any address: tell its owner at most once a day.
            if mail_once_per(purpose="application_duplicate", address=email):
                notify(
                    to=email, language=language, template="onboarding/email/application_duplicate",
                    context={"name": given_name, "programme": programme.name,
                             "organisation": programme.organisation.name},
                )
            return existing, False
        person = Person.objects.filter(
            organisation=programme.organisation, email__iexact=email
        ).first()
        if person is None:
            person = Person(
                organisation=programme.organisation, given_name=given_name.strip(),
                family_name=family_name.strip(), email=email, phone=phone, language=language,
                postcode=postcode.strip(), city=city.strip(),
            )
            person.full_clean()
            person.save()
        coordinates = geocode(country=programme.country, postcode=postcode, city=city,
                              programme=programme)
        volunteer = Volunteer(
            programme=programme, person=person, languages=languages or [],
            expertise=expertise or [], availability=availability or [], address=address,
            latitude=coordinates[0] if coordinates else None,
            longitude=coordinates[1] if coordinates else None,
            motivation=motivation, gender=gender,
            capacity=programme.requirement("mentor_capacity"),
            consent_version=CONSENT_VERSION, consented_at=timezone.now(),
        )
        volunteer.full_clean()
        save_checked(volunteer)
        VolunteerTransition.objects.create(
            volunteer=volunteer, from_state="", to_state=State.APPLIED,
            reason=VolunteerReason.APPLIED_ONLINE,
        )
        audit_record(
            organisation=programme.organisation, programme=programme, actor=None, person=person,
            action=Action.CREATED, subject=f"volunteer:{volunteer.pk}",
            changes={"state": [None, State.APPLIED]}, note=VolunteerReason.APPLIED_ONLINE,
        )
        if migration_background is not None or first_generation is not None:
            VolunteerDeclaration.objects.create(
                volunteer=volunteer, migration_background=migration_background,
                first_generation=first_generation)
        _notify_volunteer(volunteer, "application_received", {})
    return volunteer, True


def volunteer_create(
    *, programme: Programme, actor: Any, person: dict[str, Any], state: str = State.APPLIED,
    reason: str = "", **data: Any,
) -> Volunteer:
    """A volunteer added by a coordinator (today: the import) rather than the public form.

    The organisation's person with the same e-mail address is reused, else created (audited);
    the first state is recorded like any transition. *Ready* and *active* need screening first.
    """
    unknown = set(data) - set(VOLUNTEER_FIELDS)
    if unknown:
        raise TypeError(f"unknown volunteer fields: {sorted(unknown)}")
    if state in GATED:
        raise ValidationError(
            _("A new volunteer cannot start as “%(state)s”: they need screening first.")
            % {"state": _state_label(state)}
        )
    email = (person.get("email") or "").strip().lower()
    with transaction.atomic():
        if Volunteer.objects.filter(programme=programme, person__email__iexact=email).exists():
            raise ValidationError(
                _("%(email)s is already a volunteer in this programme.") % {"email": email}
            )
        record = Person.objects.filter(
            organisation=programme.organisation, email__iexact=email
        ).first() or person_create(
            organisation=programme.organisation, programme=programme, actor=actor,
            **{**person, "email": email},
        )
        volunteer = Volunteer(programme=programme, person=record, state=state,
                              capacity=programme.requirement("mentor_capacity"), **data)
        volunteer.full_clean()
        save_checked(volunteer)
        VolunteerTransition.objects.create(
            volunteer=volunteer, from_state="", to_state=state,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            reason=reason[:300],  # a code (Because.IMPORTED): the import types no reason
        )
        audit_record(
            organisation=programme.organisation, programme=programme, actor=actor, person=record,
            action=Action.CREATED, subject=f"volunteer:{volunteer.pk}",
            changes=diff({}, {"state": state, **{k: v for k, v in data.items() if v}}), note=reason,
        )
    return volunteer


def volunteer_update(*, volunteer: Volunteer, actor: Any, expected_version: int | None = None,
                     **data: Any) -> Volunteer:
    """Change a volunteer's details; refused when someone saved the volunteer since
    ``expected_version`` (``None``: the import, which starts from the stored row)."""
    unknown = set(data) - set(VOLUNTEER_FIELDS)
    if unknown:
        raise TypeError(f"unknown volunteer fields: {sorted(unknown)}")
    with transaction.atomic():
        # The row lock also serialises this with matching, which locks the volunteer before it
        # takes one of their places: the count below cannot change until we commit.
        current = lock_for_edit(Volunteer.objects.select_related("person"), pk=volunteer.pk,
                                expected_version=expected_version)
        if "capacity" in data and data["capacity"] is not None:
            _check_capacity(current, data["capacity"])
        changes = apply_edit(current, data)
        if changes:
            audit_volunteer(current, actor, changes)
    return current


def _check_capacity(volunteer: Volunteer, capacity: int) -> None:
    """A capacity is never lowered below the places the volunteer's open matches hold."""
    if capacity >= volunteer.capacity:
        return
    taken = volunteer_places_taken(volunteer=volunteer)
    if capacity < taken:
        raise ValidationError(
            ngettext(
                "%(name)s has %(count)s open match, so their capacity cannot be lower than "
                "%(count)s. Close a match first.",
                "%(name)s has %(count)s open matches, so their capacity cannot be lower than "
                "%(count)s. Close a match first.",
                taken,
            ) % {"name": volunteer.person.full_name, "count": taken},
            code="capacity_below_matches",
        )


def audit_volunteer(volunteer: Volunteer, actor: Any, changes: dict[str, Any], note: str = "") -> None:
    programme = volunteer.programme
    audit_record(
        organisation=programme.organisation, programme=programme, actor=actor,
        person=volunteer.person, action=Action.UPDATED, subject=f"volunteer:{volunteer.pk}",
        changes=changes, note=note,
    )


# --- Screening ----------------------------------------------------------------------------


def _screening_update(volunteer: Volunteer, actor: Any, expected_version: int | None,
                      **data: Any) -> Volunteer:
    with transaction.atomic():
        current = lock_for_edit(
            Volunteer.objects.select_related("person", "programme__organisation"),
            pk=volunteer.pk, expected_version=expected_version,
        )
        changes = apply_edit(current, data)
        if changes:
            audit_volunteer(current, actor, changes)
    return current


def screening_plan_interview(*, volunteer: Volunteer, actor: Any, planned_at: datetime,
                             expected_version: int | None = None) -> Volunteer:
    current = _screening_update(volunteer, actor, expected_version, interview_planned_at=planned_at)
    local = timezone.localtime(planned_at)
    _notify_volunteer(
        current, "interview_planned",
        {"date": local.date().isoformat(), "time": local.strftime("%H:%M")},
    )
    return current


def screening_record_interview(
    *, volunteer: Volunteer, actor: Any, held_on: date, notes: str = "", today: date | None = None,
    expected_version: int | None = None,
) -> Volunteer:
    if held_on > (today or timezone.localdate()):
        raise ValidationError(_("An interview cannot be recorded as held in the future."))
    return _screening_update(
        volunteer, actor, expected_version, interview_held_on=held_on, interviewer=actor,
        interview_notes=notes,
    )


def screening_record_references(*, volunteer: Volunteer, actor: Any, received: int,
                                expected_version: int | None = None) -> Volunteer:
    if received < 0:
        raise ValidationError(_("The number of references cannot be negative."))
    return _screening_update(volunteer, actor, expected_version, references_received=received)


def screening_record_certificate(
    *, volunteer: Volunteer, actor: Any, seen_on: date, issued_on: date,
    today: date | None = None, expected_version: int | None = None,
) -> Volunteer:
    """Record that ``actor`` saw the volunteer's safeguarding certificate. No copy is kept."""
    today = today or timezone.localdate()
    if issued_on > seen_on:
        raise ValidationError(_("A certificate cannot be seen before the day it was issued."))
    if seen_on > today:
        raise ValidationError(_("The date the certificate was seen cannot be in the future."))
    return _screening_update(
        volunteer, actor, expected_version, certificate_seen_on=seen_on,
        certificate_issued_on=issued_on, certificate_verified_by=actor,
    )


def volunteer_send_missing_items(*, volunteer: Volunteer, actor: Any, today: date | None = None) -> list[str]:
    """E-mail the volunteer what is still missing, in their language."""
    today = today or timezone.localdate()
    with translation.override(volunteer.person.language):
        missing = [str(item) for item in missing_items(volunteer, today=today)]
    if missing:
        with transaction.atomic():
            _notify_volunteer(volunteer, "missing_items", {"missing": missing})
            audit_volunteer(volunteer, actor, {}, note=VolunteerReason.MISSING_ITEMS_EMAILED)
    return missing


# --- Training ------------------------------------------------------------------------------


def workshop_create(*, programme: Programme, actor: Any, **data: Any) -> Workshop:
    with transaction.atomic():
        workshop = Workshop(programme=programme, **data)
        workshop.full_clean()
        save_checked(workshop)
        audit_record(
            organisation=programme.organisation, programme=programme, actor=actor,
            action=Action.CREATED, subject=f"workshop:{workshop.pk}",
            changes={"title": [None, workshop.title]},
        )
    return workshop


def _notify_booked(registration: Registration) -> None:
    workshop = registration.workshop
    local = timezone.localtime(workshop.starts_at)
    _notify_volunteer(
        registration.volunteer, "training_booked",
        {"workshop": workshop.title, "date": local.date().isoformat(),
         "time": local.strftime("%H:%M"), "place": workshop.place,
         "waiting": registration.status == Registration.Status.WAITING},
    )


def registration_book(*, workshop: Workshop, volunteer: Volunteer, actor: Any) -> Registration:
    """Book a place, or a place on the waiting list when the workshop is full."""
    if volunteer.programme_id != workshop.programme_id:
        raise ValidationError(_("This volunteer is not in the workshop's programme."))
    if volunteer.state in (State.REJECTED, State.WITHDRAWN, State.ALUMNI):
        raise ValidationError(_("Only current volunteers can be booked on a workshop."))
    with transaction.atomic():
        # Lock the workshop: concurrent bookings queue here, so the count below is exact and
        # the workshop can never be over-booked.
        locked = Workshop.objects.select_for_update().get(pk=workshop.pk)
        if locked.registrations.filter(volunteer=volunteer).exclude(
            status=Registration.Status.CANCELLED
        ).exists():
            raise ValidationError(
                _("%(name)s is already registered for this workshop.")
                % {"name": volunteer.person.full_name}
            )
        booked = locked.registrations.filter(status=Registration.Status.BOOKED).count()
        status = Registration.Status.BOOKED if booked < locked.capacity else Registration.Status.WAITING
        registration = Registration.objects.create(workshop=locked, volunteer=volunteer, status=status)
        audit_volunteer(volunteer, actor, {"workshop": [None, locked.title], "registration": [None, status]})
        _notify_booked(registration)
    return registration


def registration_cancel(*, registration: Registration, actor: Any) -> Registration | None:
    """Cancel a registration; a freed place goes to the first on the waiting list, who is
    returned (and told by e-mail)."""
    with transaction.atomic():
        workshop = Workshop.objects.select_for_update().get(pk=registration.workshop_id)
        current = Registration.objects.select_related("volunteer__person").get(pk=registration.pk)
        if current.status == Registration.Status.CANCELLED:
            return None
        was_booked = current.status == Registration.Status.BOOKED
        current.status = Registration.Status.CANCELLED
        current.save(update_fields=["status"])
        audit_volunteer(current.volunteer, actor, {"registration": [(was_booked and "booked") or "waiting", "cancelled"]})
        if not was_booked:
            return None
        booked = workshop.registrations.filter(status=Registration.Status.BOOKED).count()
        promoted = (
            workshop.registrations.filter(status=Registration.Status.WAITING)
            .select_related("volunteer__person", "volunteer__programme__organisation")
            .first()
        )
        if promoted is None or booked >= workshop.capacity:
            return None
        promoted.status = Registration.Status.BOOKED
        promoted.save(update_fields=["status"])
        audit_volunteer(promoted.volunteer, actor, {"registration": ["waiting", "booked"]})
        _notify_booked(promoted)
    return promoted


def attendance_mark(
    *, workshop: Workshop, attended: set[int], actor: Any, today: date | None = None,
    expected_version: int | None = None,
) -> list[TrainingCertificate]:
    """Mark who of the booked volunteers attended (ids of registrations); issue a training
    certificate to everyone whose attended hours now reach the programme's requirement.
    Refused when someone saved the workshop's attendance since ``expected_version``."""
    today = today or timezone.localdate()
    issued = []
    with transaction.atomic():
        locked = lock_for_edit(Workshop, pk=workshop.pk, expected_version=expected_version)
        registrations = list(
            locked.registrations.filter(status=Registration.Status.BOOKED)
            .select_related("volunteer__person", "volunteer__programme__organisation")
        )
        changed = False
        for registration in registrations:
            value = registration.pk in attended
            if registration.attended != value:
                changed = True
                registration.attended = value
                registration.save(update_fields=["attended"])
                audit_volunteer(registration.volunteer, actor,
                                {"workshop": [None, workshop.title], "attended": [None, value]})
        if changed:
            save_edit(locked, update_fields=[])
        for registration in registrations:
            certificate = certificate_issue_if_complete(
                volunteer=registration.volunteer, today=today
            )
            if certificate is not None:
                issued.append(certificate)
    return issued


def certificate_issue_if_complete(*, volunteer: Volunteer, today: date) -> TrainingCertificate | None:
    programme = volunteer.programme
    required = Decimal(str(programme.requirement("training_hours_required")))
    hours = training_hours(volunteer)
    if hours < required or hours <= 0:
        return None
    certificate, created = TrainingCertificate.objects.get_or_create(
        volunteer=volunteer, defaults={"hours": hours, "issued_on": today}
    )
    if not created:
        return None
    audit_volunteer(volunteer, None, {"training_certificate": [None, certificate.code]})
    _notify_volunteer(
        volunteer, "training_completed",
        {"code": certificate.code, "hours": f"{hours.normalize():f}",
         "download": reverse("onboarding:certificate_download",
                             kwargs={"token": certificate.download_token}),
         "verify": reverse("onboarding:certificate_verify_code", kwargs={"code": certificate.code})},
    )
    return certificate


# --- Certificate expiry (the daily command) -----------------------------------------------


# The certificate's name in each recipient's language (``notify`` makes it per recipient): made by
# the daily command's language, a Flemish tutor read "Uittreksel strafregister model 2 / Extrait
# de casier judiciaire modèle 2", and a programme without a national name read English.
_certificate = lazy(certificate_name, str)


def certificate_send_reminder(*, volunteer: Volunteer, expires_on: date) -> bool:
    """Warn the coordinators and the volunteer once per certificate; False if already done."""
    issued = volunteer.certificate_issued_on
    claimed = (
        Volunteer.objects.filter(pk=volunteer.pk, certificate_issued_on=issued)
        .exclude(certificate_reminder_for=issued)
        .update(certificate_reminder_for=issued)
    )
    if claimed != 1:
        return False  # sent on an earlier run (or by a concurrent one)
    programme = volunteer.programme
    context = {"volunteer": volunteer.person.full_name, "certificate": _certificate(programme),
               "date": expires_on.isoformat()}
    _notify_volunteer(volunteer, "certificate_expiring", context)
    _notify_coordinators(programme, "certificate_expiring_coordinator", context)
    return True


def certificate_mark_expired(*, volunteer: Volunteer, expires_on: date) -> bool:
    """Tell the coordinators once that an expired certificate took a volunteer out of matching."""
    issued = volunteer.certificate_issued_on
    claimed = (
        Volunteer.objects.filter(pk=volunteer.pk, certificate_issued_on=issued)
        .exclude(certificate_expired_notice_for=issued)
        .update(certificate_expired_notice_for=issued)
    )
    if claimed != 1:
        return False
    programme = volunteer.programme
    audit_volunteer(volunteer, None, {"certificate_expired": [None, expires_on.isoformat()]},
                    note=VolunteerReason.CERTIFICATE_EXPIRED)
    _notify_coordinators(
        programme, "certificate_expired_coordinator",
        {"volunteer": volunteer.person.full_name, "certificate": _certificate(programme),
         "date": expires_on.isoformat()},
    )
    return True


# --- Self-declared background (special-category data) ------------------------------------------


def volunteer_declaration_save(*, volunteer: Volunteer, actor: Any, expected_version: int | None = None,
                               migration_background: bool | None = None,
                               first_generation: bool | None = None) -> VolunteerDeclaration | None:
    """Record, change or withdraw what the volunteer declared about their background (``None``:
    prefer not to say). Nothing but "prefer not to say" deletes the declaration. ``expected_version``
    is the version the form showed (0: none yet), so a change made meanwhile is not overwritten.
    The values are not copied into the audit log."""
    data = {"migration_background": migration_background, "first_generation": first_generation}
    with transaction.atomic():
        # The volunteer's row serialises two first declarations.
        Volunteer.objects.select_for_update().filter(pk=volunteer.pk).first()
        existing = VolunteerDeclaration.objects.filter(volunteer=volunteer).first()
        if existing is not None:
            existing = lock_for_edit(VolunteerDeclaration, pk=existing.pk, expected_version=expected_version)
        elif expected_version:  # the form showed a declaration deleted meanwhile
            raise EditConflict()
        if migration_background is None and first_generation is None:
            if existing is not None:
                existing.delete()
                _audit_declaration(volunteer, actor, Action.DELETED)
            return None
        if existing is None:
            declaration = VolunteerDeclaration(volunteer=volunteer, **data)
            declaration.full_clean()
            declaration.save()
            _audit_declaration(volunteer, actor, Action.CREATED)
            return declaration
        if apply_edit(existing, data):
            _audit_declaration(volunteer, actor, Action.UPDATED)
        return existing


def _audit_declaration(volunteer: Volunteer, actor: Any, action: str) -> None:
    audit_record(
        organisation=volunteer.programme.organisation, programme=volunteer.programme,
        actor=actor if getattr(actor, "is_authenticated", False) else None, person=volunteer.person,
        action=action, subject=f"volunteer:{volunteer.pk}",
        changes={"self_declared_background": ["…", None if action == Action.DELETED else "…"]},
    )
