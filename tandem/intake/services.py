"""Writes of the intake domain: referrals, self-registration, the learner state machine,
guardian consent and special-category data.

Keyword-only functions, one transaction each, audited; they never see the request and raise
``ValidationError`` with a message a coordinator can act on. State changes are conditional
updates on the state they started from, so a double-click or two coordinators at once cannot
move a learner twice.
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.core import services as core_services
from tandem.core.audit import audit_record
from tandem.core.availability import validate_slots
from tandem.core.inputs import validate_learner_age
from tandem.core.languages import validate_languages
from tandem.core.models import (
    AuditEvent,
    GuardianLink,
    Membership,
    PartnerInstitution,
    Person,
    Programme,
    Role,
)
from tandem.core.notify import notify, site_url
from tandem.core.places import geocode
from tandem.core.ratelimit import mail_once_per
from tandem.core.selectors import coordinators_of
from tandem.core.versioning import EditConflict, apply_edit, lock_for_edit, save_edit
from tandem.intake import selectors
from tandem.intake.models import (
    ConsentText,
    GuardianConsent,
    Learner,
    LearnerReason,
    LearnerTransition,
    Reason,
    SensitiveProfile,
    consent_link_valid_since,
)

State = Learner.State
Action = AuditEvent.Action

# The lifecycle, in the order a coordinator is offered the next steps.
ALLOWED: dict[str, tuple[str, ...]] = {
    State.REFERRED: (State.INTAKE, State.WAITING, State.DECLINED),
    State.INTAKE: (State.WAITING, State.DECLINED, State.LEFT),
    State.WAITING: (State.MATCHED, State.LEFT, State.INTAKE),
    # Back to intake when a match ends while a minor's guardian consent is missing (withdrawn).
    State.MATCHED: (State.COMPLETED, State.LEFT, State.WAITING, State.INTAKE),
    State.COMPLETED: (),
    State.LEFT: (),
    State.DECLINED: (),
}
REASON_REQUIRED = {State.DECLINED, State.LEFT}
NEEDS_CONSENT = {State.WAITING, State.MATCHED}
KEEP = object()  # "leave this field as it is" (None would mean "clear it")
CONSENT_MAIL_LIMIT = "consent_mail_limit"
SOURCE_REASONS: dict[str, str] = {
    Learner.Source.REFERRAL: LearnerReason.VIA_REFERRAL,
    Learner.Source.SELF: LearnerReason.VIA_SELF_REGISTRATION,
    Learner.Source.IMPORT: LearnerReason.VIA_IMPORT,
    Learner.Source.COORDINATOR: LearnerReason.VIA_COORDINATOR,
}

PERSON_KEYS = ("given_name", "family_name", "email", "phone", "date_of_birth", "language",
               "postcode", "city")
PROFILE_KEYS = ("level", "employer", "reasons", "needs", "languages", "availability", "mentor_wishes",
                "gender_preference", "latitude", "longitude", "notes")


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _url(name: str, learner: Learner) -> str:
    programme = learner.programme
    return site_url(reverse(
        name, kwargs={"org": programme.organisation.slug, "prog": programme.slug, "pk": learner.pk}
    ))


def _notify_coordinators(*, programme: Programme, template: str, context: dict[str, Any]) -> None:
    for coordinator in coordinators_of(programme=programme):
        notify(to=coordinator.email, language=coordinator.language, template=template,
               context={**context, "recipient": coordinator.given_name})


def _audit(learner: Learner, actor: Any, action: str, changes: dict[str, Any] | None = None,
           note: str = "") -> None:
    audit_record(
        organisation=learner.programme.organisation, programme=learner.programme, actor=actor,
        person=learner.person, action=action, subject=f"learner:{learner.pk}",
        changes=changes, note=note,
    )


def _validate_profile(profile: dict[str, Any]) -> None:
    # Languages, slots and (in Learner.clean) fields go through core's one validator each.
    validate_slots(profile.get("availability") or [])
    validate_languages(profile.get("languages") or [])
    unknown_reasons = set(profile.get("reasons") or []) - set(Reason.values)
    if unknown_reasons:
        raise ValidationError(_("Unknown reasons: %(reasons)s.") % {"reasons": ", ".join(sorted(unknown_reasons))})


# --- Creating learners --------------------------------------------------------------------------


def guardian_link(*, learner_person: Person, guardian: dict[str, Any], actor: Any,
                  programme: Programme) -> Person | None:
    """Link the guardian with ``guardian["email"]`` (the organisation's person, or a new one) to
    the learner; a new link is kept in the learner's history of changes."""
    email = (guardian.get("email") or "").strip().lower()
    if not email:
        return None
    existing = Person.objects.filter(
        organisation_id=learner_person.organisation_id, email__iexact=email
    ).first()
    person = existing or core_services.person_create(
        organisation=learner_person.organisation, programme=programme, actor=actor,
        # Only an e-mail address is sometimes known (import, self-registration).
        given_name=guardian.get("given_name") or email.split("@")[0][:100], family_name=guardian.get("family_name")
        or learner_person.family_name, email=email,
        language=guardian.get("language") or learner_person.language,
    )
    if person.pk == learner_person.pk:
        raise ValidationError(_("The guardian's e-mail address is the learner's own."))
    __, created = GuardianLink.objects.get_or_create(
        learner=learner_person, guardian=person,
        defaults={"relationship": guardian.get("relationship", "")},
    )
    if created:
        audit_record(
            organisation=programme.organisation, programme=programme, actor=actor,
            person=learner_person, action=Action.UPDATED, subject=f"person:{learner_person.pk}",
            changes={"guardian": [None, person.email]},
        )
    return person


def learner_create(
    *,
    programme: Programme,
    actor: Any,
    person: dict[str, Any],
    profile: dict[str, Any],
    institution: PartnerInstitution | None = None,
    referrer: Person | None = None,
    guardian: dict[str, Any] | None = None,
    source: str = Learner.Source.REFERRAL,
    existing_person: Person | None = None,
) -> Learner:
    """A new learner in state *referred* (no e-mails: see :func:`referral_create`)."""
    if institution is not None and institution.programme_id != programme.pk:
        raise ValidationError(_("That institution is not a partner of this programme."))
    _validate_profile(profile)
    with transaction.atomic():
        if existing_person is None:
            validate_learner_age(person.get("date_of_birth"))
            duplicate = Learner.objects.filter(programme=programme,
                person__given_name__iexact=person.get("given_name", ""),
                person__family_name__iexact=person.get("family_name", ""),
                person__date_of_birth=person.get("date_of_birth"),
            )
            if person.get("date_of_birth") and duplicate.exists():
                raise ValidationError(
                    _("%(name)s has already been referred to this programme.")
                    % {"name": f"{person.get('given_name')} {person.get('family_name')}"}
                )
            fields = {k: v for k, v in person.items() if k in PERSON_KEYS and v is not None}
            # A learner from a file has no language column: the programme's own, not English
            # (their guardian, linked below, takes it too, and reads every e-mail in it).
            if not fields.get("language") and programme.interface_language():
                fields["language"] = programme.interface_language()
            learner_person = core_services.person_create(
                organisation=programme.organisation, programme=programme, actor=actor, **fields)
        else:
            learner_person = existing_person
        data = {k: v for k, v in profile.items() if k in PROFILE_KEYS}
        if data.get("latitude") is None:
            coordinates = geocode(postcode=learner_person.postcode, city=learner_person.city,
                                  programme=programme)
            if coordinates:
                data["latitude"], data["longitude"] = coordinates
        learner = Learner(
            programme=programme, person=learner_person, institution=institution,
            referred_by=referrer, source=source, state=State.REFERRED, **data,
        )
        learner.full_clean()
        try:
            with transaction.atomic():
                learner.save()
        except IntegrityError as exc:
            raise ValidationError(
                _("%(name)s is already a learner in this programme.")
                % {"name": learner_person.full_name}
            ) from exc
        LearnerTransition.objects.create(
            learner=learner, from_state="", to_state=State.REFERRED,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            reason=SOURCE_REASONS.get(source, ""),
        )
        _audit(learner, actor, Action.CREATED, {"state": [None, State.REFERRED],
                                                "source": [None, source]})
        if guardian:
            guardian_link(learner_person=learner_person, guardian=guardian, actor=actor,
                          programme=programme)
    return learner


def referral_create(
    *,
    programme: Programme,
    actor: Any,
    referrer: Person | None,
    institution: PartnerInstitution | None,
    person: dict[str, Any],
    profile: dict[str, Any],
    guardian: dict[str, Any] | None = None,
    source: str = Learner.Source.REFERRAL,
    today: date | None = None,
) -> Learner:
    """A partner contact refers a learner: coordinators are told, and when the learner is a
    minor with a guardian's e-mail address, the guardian is asked for consent straight away."""
    with transaction.atomic():
        learner = learner_create(
            programme=programme, actor=actor, person=person, profile=profile,
            institution=institution, referrer=referrer, guardian=guardian, source=source,
        )
        _notify_coordinators(
            programme=programme, template="intake/email/referral_received",
            context={"programme": programme.name, "learner": learner.person.full_name,
                     "institution": institution.name if institution else "",
                     "url": _url("intake:learner", learner)},
        )
        _ask_guardians_if_needed(learner=learner, actor=actor, today=_today(today))
    return learner


def learner_register_self(
    *, programme: Programme, person: dict[str, Any], profile: dict[str, Any],
    guardian: dict[str, Any] | None = None, today: date | None = None,
) -> tuple[Learner, bool]:
    """Self-registration on the public page. Returns ``(learner, created)``; an e-mail address
    already registered in this programme creates nothing (and the page says the same)."""
    if not programme.requirement("self_registration"):
        raise ValidationError(_("This programme does not take registrations."))
    email = (person.get("email") or "").strip().lower()
    if not email:
        raise ValidationError(_("An e-mail address is required."))
    with transaction.atomic():
        existing = Learner.objects.filter(programme=programme, person__email__iexact=email).first()
        if existing is not None:
            return existing, False
        known = Person.objects.filter(
            organisation_id=programme.organisation_id, email__iexact=email
        ).first()
        learner = learner_create(
            programme=programme, actor=None, person={**person, "email": email}, profile=profile,
            guardian=guardian, source=Learner.Source.SELF, existing_person=known,
        )
        if learner.person.date_of_birth and selectors.needs_consent(learner, today=_today(today)) \
                and not (guardian or {}).get("email"):
            raise ValidationError(
                _("You are under %(age)s: give the e-mail address of a parent or guardian, who "
                  "will be asked for consent.") % {"age": selectors.consent_age(programme)}
            )
        _notify_coordinators(
            programme=programme, template="intake/email/referral_received",
            context={"programme": programme.name, "learner": learner.person.full_name,
                     "institution": "", "url": _url("intake:learner", learner)},
        )
        _ask_guardians_if_needed(learner=learner, actor=None, today=_today(today))
    return learner, True


def learner_update(
    *, learner: Learner, actor: Any, expected_version: int | None, postcode: str | None = None,
    city: str | None = None, institution: PartnerInstitution | object | None = KEEP, **profile: Any,
) -> Learner:
    """The coordinator completes the profile (refused when someone saved it meanwhile)."""
    unknown = set(profile) - set(PROFILE_KEYS)
    if unknown:
        raise TypeError(f"unknown learner fields: {sorted(unknown)}")
    if isinstance(institution, PartnerInstitution) and institution.programme_id != learner.programme_id:
        raise ValidationError(_("That institution is not a partner of this programme."))
    _validate_profile(profile)
    with transaction.atomic():
        current = lock_for_edit(Learner, pk=learner.pk, expected_version=expected_version)
        person = current.person
        person_changes = {
            k: v for k, v in {"postcode": postcode, "city": city}.items()
            if v is not None and getattr(person, k) != v
        }
        if person_changes:
            # Part of the learner's edit (the learner's version was compared): the person's
            # address is changed whatever its own version, which moves on.
            person = core_services.person_update(
                person=person, actor=actor, programme=current.programme,
                expected_version=None, **person_changes)
        typed = profile.get("latitude") is not None and (
            profile.get("latitude"), profile.get("longitude")) != (current.latitude, current.longitude)
        if not typed and (person_changes or ("latitude" in profile and profile["latitude"] is None)):
            # A new address moves the learner (or leaves them unplaced, flagged); coordinates
            # the coordinator typed in this same save win.
            coordinates = geocode(postcode=person.postcode, city=person.city,
                                  programme=current.programme)
            profile["latitude"], profile["longitude"] = coordinates or (None, None)
        if institution is not KEEP:
            profile["institution"] = institution
        changes = apply_edit(current, profile)
        if "notes" in changes:
            changes["notes"] = ["…", "…"]  # the audit says that notes changed, not what they say
        if person_changes and not changes:
            save_edit(current)  # the address is part of the learner's form: its version moves on
        if changes:
            _audit(current, actor, Action.UPDATED, changes)
    return current


# --- The state machine --------------------------------------------------------------------------


def _has_open_match(learner: Learner) -> bool:
    # Imported here: the matching app builds on intake, not the reverse.
    from tandem.matching.models import OPEN_STATES

    return learner.matches.filter(state__in=OPEN_STATES).exists()


def consent_missing(learner: Learner) -> ValidationError:
    """The refusal when a minor's guardian has not consented to the current text: in intake's
    moves, and when a coordinator records a minor's side's answer to a match (matching)."""
    return ValidationError(
        _("%(name)s is under %(age)s: a guardian must consent to the current consent "
          "text before they can be matched.")
        % {"name": learner.person.full_name, "age": selectors.consent_age(learner.programme)}
    )


def learner_transition(
    *, learner: Learner, to_state: str, actor: Any, reason: str = "", today: date | None = None
) -> Learner:
    """Move ``learner`` to ``to_state`` if the lifecycle allows it, and record who and why.

    A learner under the age of digital consent enters the waiting list (and matching) only with
    a guardian's valid consent to the current consent text."""
    today = _today(today)
    reason = reason.strip()
    with transaction.atomic():
        current = Learner.objects.select_related("person", "programme__organisation").get(
            pk=learner.pk
        )
        if to_state not in ALLOWED.get(current.state, ()):
            raise ValidationError(
                _("A learner who is “%(from)s” cannot become “%(to)s”.")
                % {"from": current.get_state_display(), "to": State(to_state).label}
            )
        if to_state in REASON_REQUIRED and not reason:
            raise ValidationError(_("Give a reason."))
        # *Matched* follows the learner's matches: set by publishing one, left by ending it.
        if current.state == State.MATCHED and _has_open_match(current):
            raise ValidationError(
                _("%(name)s still has a mentor. End the match on its page first; the learner's state "
                  "follows from how it ends.") % {"name": current.person.full_name}
            )
        if to_state == State.MATCHED and not _has_open_match(current):
            raise ValidationError(
                _("A learner becomes matched when a match with a mentor is published (Matching).")
            )
        if to_state in NEEDS_CONSENT and not selectors.consent_ok(current, today=today):
            raise consent_missing(current)
        # ReasonForm and TransitionForm hold a one-line reason to the stored 300 characters (a clear
        # error beyond); these cuts only guard callers that skipped the forms. Codes are shorter.
        updates: dict[str, Any] = {"state": to_state, "state_reason": reason[:300],
                                   "version": F("version") + 1, "updated": timezone.now()}
        if to_state == State.WAITING:
            updates["waiting_since"] = today
        # Conditional on the state we read: a second click or a concurrent change finds
        # nothing to update and is refused instead of recording the step twice.
        moved = Learner.objects.filter(pk=current.pk, state=current.state).update(**updates)
        if moved != 1:
            raise ValidationError(_("This learner was changed meanwhile. Reload the page."))
        LearnerTransition.objects.create(
            learner=current, from_state=current.state, to_state=to_state,
            actor=actor if getattr(actor, "is_authenticated", False) else None, reason=reason[:300],
        )
        _audit(current, actor, Action.UPDATED, {"state": [current.state, to_state]}, note=reason)
        current.refresh_from_db()
    return current


def learner_accept(*, learner: Learner, actor: Any, today: date | None = None) -> Learner:
    """Accept a referral: the learner gets the learner role and enters the waiting list, or,
    while a guardian's consent is missing, stays in intake and the guardian is asked."""
    today = _today(today)
    if learner.state not in selectors.OPEN_STATES:
        raise ValidationError(_("Only a referral in intake can be accepted."))
    with transaction.atomic():
        Learner.objects.filter(pk=learner.pk, accepted_at__isnull=True).update(
            accepted_at=timezone.now()
        )
        _grant_roles(learner=learner, actor=actor)
        if selectors.consent_ok(learner, today=today):
            learner = learner_transition(learner=learner, to_state=State.WAITING, actor=actor,
                                         reason=LearnerReason.REFERRAL_ACCEPTED, today=today)
            _notify_accepted(learner)
            return learner
        if learner.state == State.REFERRED:
            learner = learner_transition(
                learner=learner, to_state=State.INTAKE, actor=actor,
                reason=LearnerReason.AWAITING_CONSENT, today=today,
            )
        _ask_guardians_if_needed(learner=learner, actor=actor, today=today)
    learner.refresh_from_db()
    return learner


def _grant_roles(*, learner: Learner, actor: Any) -> None:
    programme = learner.programme
    if not Membership.objects.filter(person=learner.person, programme=programme,
                                     role=Role.LEARNER).exists():
        core_services.membership_grant(person=learner.person, programme=programme,
                                       role=Role.LEARNER, actor=actor)
    for guardian in selectors.guardians_of(learner=learner):
        if not Membership.objects.filter(person=guardian, programme=programme,
                                         role=Role.GUARDIAN).exists():
            core_services.membership_grant(person=guardian, programme=programme,
                                           role=Role.GUARDIAN, actor=actor)


def _notify_accepted(learner: Learner) -> None:
    referrer = learner.referred_by or learner.person
    notify(to=referrer.email, language=referrer.language, template="intake/email/accepted",
           context={"programme": learner.programme.name, "learner": learner.person.full_name,
                    "recipient": referrer.given_name})


def learner_request_info(*, learner: Learner, actor: Any, message: str) -> Learner:
    """Ask the referrer (or a self-registered learner) for more information."""
    message = message.strip()
    if not message:
        raise ValidationError(_("Write what you need to know."))
    recipient = learner.referred_by or learner.person
    if not recipient.email:
        raise ValidationError(_("Nobody to ask: the referrer has no e-mail address."))
    with transaction.atomic():
        if learner.state == State.REFERRED:
            learner = learner_transition(learner=learner, to_state=State.INTAKE, actor=actor,
                                         reason=LearnerReason.INFORMATION_REQUESTED)
        elif learner.state != State.INTAKE:
            raise ValidationError(_("Only a referral in intake can be asked about."))
        _audit(learner, actor, Action.UPDATED, note=LearnerReason.INFORMATION_REQUESTED)
        notify(to=recipient.email, language=recipient.language,
               template="intake/email/info_requested",
               context={"programme": learner.programme.name, "learner": learner.person.full_name,
                        "message": message, "recipient": recipient.given_name,
                        "sender": str(actor), "sender_email": getattr(actor, "email", "")})
    return learner


def learner_decline(*, learner: Learner, actor: Any, reason: str) -> Learner:
    return learner_transition(learner=learner, to_state=State.DECLINED, actor=actor, reason=reason)


# --- Guardian consent ---------------------------------------------------------------------------


def consent_text_publish(*, programme: Programme, actor: Any, texts: dict[str, str]) -> int:
    """Publish a new version of the consent text (in one or more languages). Consent given to
    an earlier version no longer counts: guardians are asked again."""
    texts = {lang: text.strip() for lang, text in texts.items() if text and text.strip()}
    if not texts:
        raise ValidationError(_("Write the text in at least one language."))
    with transaction.atomic():
        # Lock the programme row so two coordinators publishing at once get two versions.
        Programme.objects.select_for_update().filter(pk=programme.pk).first()
        version = (ConsentText.objects.filter(programme=programme).aggregate(v=Max("version"))["v"] or 0) + 1
        for language, text in texts.items():
            row = ConsentText(programme=programme, version=version, language=language, text=text,
                              created_by=actor)
            row.full_clean()
            row.save()
        audit_record(
            organisation=programme.organisation, programme=programme, actor=actor,
            action=Action.CREATED, subject=f"consent_text:{version}",
            changes={"version": [None, version], "languages": [None, sorted(texts)]},
        )
    return version


def consent_request_again(*, programme: Programme, actor: Any, today: date | None = None) -> int:
    """After a new version: e-mail every guardian of a learner still in the programme whose
    consent is now missing. Returns how many learners were concerned."""
    today = _today(today)
    learners = Learner.objects.filter(
        programme=programme, state__in=(State.REFERRED, State.INTAKE, State.WAITING, State.MATCHED)
    ).select_related("person", "programme__organisation")
    concerned = 0
    for learner in learners:
        if selectors.needs_consent(learner, today=today) and not selectors.has_valid_consent(learner):
            concerned += 1
            with transaction.atomic():
                _ask_guardians_if_needed(learner=learner, actor=actor, today=today)
    return concerned


def _finished() -> ValidationError:
    """A completed, left or declined learner is asked no consent (see ``Learner.finished``)."""
    return ValidationError(_("This learner's time in the programme has ended: no consent is asked any more."))


def _consent_url(consent: GuardianConsent) -> str:
    return site_url(reverse("intake:consent", kwargs={"token": consent.token}))


def consent_request(*, learner: Learner, guardian: Person, actor: Any) -> GuardianConsent:
    """E-mail ``guardian`` a link to read the current consent text and confirm. Asking again
    while a request is open re-sends the same link."""
    if learner.finished:
        raise _finished()
    programme = learner.programme
    version = selectors.current_consent_version(programme)
    if version is None:
        raise ValidationError(_("Publish a consent text first (Learners → Consent texts)."))
    if not guardian.email:
        raise ValidationError(
            _("%(name)s has no e-mail address: record a paper form instead.")
            % {"name": guardian.full_name}
        )
    if not selectors.guardians_of(learner=learner).filter(pk=guardian.pk).exists():
        raise ValidationError(_("This person is not the learner's guardian."))
    with transaction.atomic():
        consent, _created = GuardianConsent.objects.get_or_create(
            learner=learner, guardian=guardian, version=version, withdrawn_at__isnull=True,
            defaults={"method": GuardianConsent.Method.EMAIL_LINK, "requested_by": actor
                      if getattr(actor, "is_authenticated", False) else None},
        )
        if consent.given_at is not None:
            raise ValidationError(_("This guardian has already consented to the current text."))
        renew = consent.link_expired
        if not mail_once_per(purpose="consent_request", address=guardian.email):
            # Anyone can type an address as a guardian's on the public form: one consent
            # e-mail a day per address, however many learners or clicks ask for it.
            raise ValidationError(
                _("%(name)s was already sent a consent request today. They can be asked again "
                  "tomorrow; meanwhile you can record a signed paper form.")
                % {"name": guardian.full_name},
                code=CONSENT_MAIL_LIMIT,
            )
        if renew:
            # The old link expired: a new one, valid from now (the old one stays dead).
            GuardianConsent.objects.filter(pk=consent.pk).update(
                token=_new_consent_token(), requested_at=timezone.now())
            consent.refresh_from_db()
        _audit(learner, actor, Action.UPDATED, {"consent_requested": [None, guardian.full_name]})
        notify(to=guardian.email, language=guardian.language,
               template="intake/email/consent_request",
               context={"programme": programme.name, "organisation": programme.organisation.name,
                        "learner": learner.person.given_name, "recipient": guardian.given_name,
                        "url": _consent_url(consent),
                        "valid_days": settings.CONSENT_LINK_VALID_DAYS})
    return consent


def _new_consent_token() -> str:
    return secrets.token_urlsafe(32)


STILL_TAKING_PART = (State.REFERRED, State.INTAKE, State.WAITING, State.MATCHED)


def consent_renew(*, consent: GuardianConsent) -> GuardianConsent:
    """The guardian asks for a new link from an expired or withdrawn one: a new link is
    e-mailed to the guardian's address on record (never to one typed on the page), at most
    once a day. Refused when the child no longer takes part."""
    learner = Learner.objects.select_related("person", "programme__organisation").get(
        pk=consent.learner_id)
    if learner.state not in STILL_TAKING_PART or learner.person.erased_at is not None:
        raise ValidationError(
            _("%(name)s no longer takes part in %(programme)s: contact the coordinator.")
            % {"name": learner.person.given_name, "programme": learner.programme.name})
    if not consent.link_expired and consent.withdrawn_at is None:
        raise ValidationError(_("This link still works: no new one is needed."))
    return consent_request(learner=learner, guardian=consent.guardian, actor=None)


def _ask_guardians_if_needed(*, learner: Learner, actor: Any, today: date) -> None:
    """Ask every guardian with an e-mail address who has no open request yet."""
    if not selectors.needs_consent(learner, today=today) or selectors.has_valid_consent(learner):
        return
    version = selectors.current_consent_version(learner.programme)
    if version is None:
        return  # the coordinator sees "no consent text" on the learner's page
    for guardian in selectors.guardians_of(learner=learner).exclude(email=""):
        if not learner.consents.filter(guardian=guardian, version=version,
                                       withdrawn_at__isnull=True).exists():
            try:
                consent_request(learner=learner, guardian=guardian, actor=actor)
            except ValidationError as exc:
                if exc.code != CONSENT_MAIL_LIMIT:
                    raise
                # Already e-mailed today: no request now; the learner's page offers to ask.


def _after_consent(*, learner: Learner, today: date | None = None) -> None:
    """A learner accepted while waiting for consent moves onto the waiting list by itself."""
    learner.refresh_from_db()
    if learner.state == State.INTAKE and learner.accepted_at and selectors.consent_ok(
        learner, today=_today(today)
    ):
        learner = learner_transition(learner=learner, to_state=State.WAITING, actor=None,
                                     reason=LearnerReason.CONSENT_RECEIVED, today=today)
        _notify_accepted(learner)


def consent_confirm(*, consent: GuardianConsent, today: date | None = None) -> GuardianConsent:
    """The guardian confirms through the e-mailed link (to the current version of the text)."""
    learner = consent.learner
    version = selectors.current_consent_version(learner.programme)
    if version is None:
        raise ValidationError(_("There is no consent text to agree to."))
    with transaction.atomic():
        if consent.link_expired:
            raise ValidationError(_("This link has expired."))
        try:
            with transaction.atomic():
                claimed = GuardianConsent.objects.filter(
                    pk=consent.pk, given_at__isnull=True, withdrawn_at__isnull=True,
                    requested_at__gte=consent_link_valid_since(),
                ).update(given_at=timezone.now(), version=version)
        except IntegrityError as exc:
            raise ValidationError(_("You have already answered this request.")) from exc
        if claimed != 1:
            raise ValidationError(_("You have already answered this request."))
        consent.refresh_from_db()
        _audit(learner, None, Action.UPDATED,
               {"guardian_consent": [None, consent.method], "consent_text_version": [None, version]},
               note=consent.guardian.full_name)
        _after_consent(learner=learner, today=today)
    return consent


def consent_record_paper(*, learner: Learner, guardian: Person, actor: Any,
                         today: date | None = None) -> GuardianConsent:
    """The coordinator records a signed paper form for the current version."""
    if learner.finished:
        raise _finished()
    version = selectors.current_consent_version(learner.programme)
    if version is None:
        raise ValidationError(_("Publish a consent text first (Learners → Consent texts)."))
    if not selectors.guardians_of(learner=learner).filter(pk=guardian.pk).exists():
        raise ValidationError(_("This person is not the learner's guardian."))
    with transaction.atomic():
        open_request = learner.consents.filter(
            guardian=guardian, version=version, withdrawn_at__isnull=True
        ).first()
        if open_request is not None and open_request.given_at is not None:
            raise ValidationError(_("This guardian has already consented to the current text."))
        consent = open_request or GuardianConsent(learner=learner, guardian=guardian,
                                                  version=version)
        consent.method = GuardianConsent.Method.PAPER_FORM
        consent.given_at = timezone.now()
        consent.recorded_by = actor
        consent.full_clean()
        consent.save()
        _audit(learner, actor, Action.UPDATED,
               {"guardian_consent": [None, consent.method], "consent_text_version": [None, version]},
               note=guardian.full_name)
        _after_consent(learner=learner, today=today)
    return consent


def consent_withdraw(*, consent: GuardianConsent, actor: Any, today: date | None = None) -> None:
    """Withdrawn consent takes the learner out of matching and tells the coordinators."""
    today = _today(today)
    learner = consent.learner
    with transaction.atomic():
        withdrawn = GuardianConsent.objects.filter(pk=consent.pk, withdrawn_at__isnull=True).update(
            withdrawn_at=timezone.now(),
            withdrawn_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        if withdrawn != 1:
            return  # already withdrawn: nothing more to do
        _audit(learner, actor, Action.UPDATED, {"guardian_consent": ["given", "withdrawn"]},
               note=consent.guardian.full_name)
        learner.refresh_from_db()
        was_matched = learner.state == State.MATCHED
        if learner.state == State.WAITING and not selectors.consent_ok(learner, today=today):
            learner_transition(learner=learner, to_state=State.INTAKE, actor=actor,
                               reason=LearnerReason.CONSENT_WITHDRAWN, today=today)
        _notify_coordinators(
            programme=learner.programme, template="intake/email/consent_withdrawn",
            context={"programme": learner.programme.name, "learner": learner.person.full_name,
                     "guardian": consent.guardian.full_name, "matched": was_matched,
                     "url": _url("intake:learner", learner)},
        )


# --- Special-category data ----------------------------------------------------------------------


def sensitive_profile_save(*, learner: Learner, actor: Any, expected_version: int | None = None,
                           **data: Any) -> SensitiveProfile:
    """Record or change the learner's special-category data. ``expected_version`` is the
    version the form showed, 0 when there was none yet: a record made or changed meanwhile by
    someone else is not overwritten (``None``: no comparison, for writers without a form)."""
    if not data.get("consent"):
        raise ValidationError(
            _("Record special-category data only when it was declared freely, with consent.")
        )
    with transaction.atomic():
        # The learner's row serialises two first records (one per learner).
        Learner.objects.select_for_update().filter(pk=learner.pk).first()
        existing = SensitiveProfile.objects.filter(learner=learner).first()
        if existing is None:
            if expected_version:  # the form showed a record that was deleted meanwhile
                raise EditConflict()
            profile = SensitiveProfile(learner=learner, recorded_by=actor, **data)
            profile.full_clean()
            profile.save()
            changed = True
        else:
            profile = lock_for_edit(SensitiveProfile, pk=existing.pk, expected_version=expected_version)
            changed = bool(apply_edit(profile, {**data, "recorded_by": actor}))
        if changed:
            # Which fields changed is audited; their values are not copied into the log.
            _audit(learner, actor, Action.UPDATED, {"special_category_data": ["…", "…"]})
    return profile


def sensitive_profile_delete(*, learner: Learner, actor: Any) -> None:
    with transaction.atomic():
        deleted, _rows = SensitiveProfile.objects.filter(learner=learner).delete()
        if deleted:
            _audit(learner, actor, Action.DELETED, {"special_category_data": ["…", None]})
