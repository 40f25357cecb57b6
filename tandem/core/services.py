"""Writes of the core domain: keyword-only functions, one transaction each, audited.

Views call these; they never take a request. They raise ``ValidationError`` with a message a
coordinator understands.
"""

from __future__ import annotations

import ipaddress
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.core.audit import audit_record, diff
from tandem.core.fields import default_fields, forget_vocabulary, new_code, vocabulary
from tandem.core.integrity import save_checked
from tandem.core.models import (
    AuditEvent,
    Field,
    Invitation,
    LoginEvent,
    Membership,
    Organisation,
    PartnerInstitution,
    Person,
    Programme,
    Role,
    Site,
    User,
)
from tandem.core.places import place_person
from tandem.core.requirements import validate_requirements
from tandem.core.roles import forget_roles
from tandem.core.versioning import EditConflict as EditConflict  # re-exported: views catch it here
from tandem.core.versioning import apply_edit, lock_for_edit

PERSON_FIELDS = (
    "given_name", "family_name", "email", "phone", "date_of_birth", "language", "postcode", "city",
)
PROGRAMME_FIELDS = (
    "name", "description", "format", "country", "languages", "cycle_start", "cycle_end",
    "cycle_weeks", "meeting_cadence", "session_minutes", "commitment", "requirements",
    "is_active",
)

Action = AuditEvent.Action


def _snapshot(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {field: getattr(obj, field) for field in fields}


def person_create(
    *, organisation: Organisation, actor: Any, programme: Programme | None = None, **data: Any
) -> Person:
    unknown = set(data) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"unknown person fields: {sorted(unknown)}")
    with transaction.atomic():
        person = Person(organisation=organisation, **data)
        person.full_clean()
        save_checked(person)
        audit_record(
            organisation=organisation, programme=programme, actor=actor, person=person,
            action=Action.CREATED, subject=f"person:{person.pk}",
            changes=diff({}, {k: v for k, v in _snapshot(person, PERSON_FIELDS).items() if v}),
        )
    return person


def person_update(
    *, person: Person, actor: Any, expected_version: int | None, programme: Programme | None = None,
    **data: Any,
) -> Person:
    """Save ``data`` on ``person`` unless someone else saved it since ``expected_version``
    (``None``: whatever the version, for writers that start from the stored row)."""
    unknown = set(data) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"unknown person fields: {sorted(unknown)}")
    with transaction.atomic():
        current = lock_for_edit(Person, pk=person.pk, expected_version=expected_version)
        changes = apply_edit(current, data)
        if not changes:
            return current
        audit_record(
            organisation=current.organisation, programme=programme, actor=actor, person=current,
            action=Action.UPDATED, subject=f"person:{current.pk}", changes=changes,
        )
        if "postcode" in changes or "city" in changes:
            place_person(current)
    return current


def membership_grant(
    *,
    person: Person,
    role: str,
    actor: Any,
    programme: Programme | None = None,
    institution: PartnerInstitution | None = None,
) -> Membership:
    if role == Role.ORG_ADMIN:
        programme = None
    elif programme is None:
        raise ValidationError(_("This role is held in a programme; choose the programme."))
    if programme is not None and programme.organisation_id != person.organisation_id:
        raise ValidationError(_("This person belongs to another organisation."))
    if institution is not None and institution.programme_id != getattr(programme, "pk", None):
        raise ValidationError(_("That institution is not a partner of this programme."))
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            person=person, programme=programme, role=role,
            defaults={"organisation": person.organisation, "institution": institution},
        )
        if not created:
            raise ValidationError(
                _("%(person)s already has this role.") % {"person": person.full_name}
            )
        audit_record(
            organisation=person.organisation, programme=programme, actor=actor, person=person,
            action=Action.ROLE_GRANTED, subject=f"membership:{membership.pk}",
            changes={"role": [None, role], "institution": [None, str(institution or "")]},
        )
    if actor is not None:
        forget_roles(actor)
    return membership


def membership_revoke(*, membership: Membership, actor: Any, reason: str = "") -> None:
    with transaction.atomic():
        if (
            membership.role == Role.ORG_ADMIN
            and Membership.objects.filter(
                organisation=membership.organisation, role=Role.ORG_ADMIN
            ).count()
            == 1
        ):
            raise ValidationError(_("An organisation needs at least one organisation admin."))
        audit_record(
            organisation=membership.organisation, programme=membership.programme, actor=actor,
            person=membership.person, action=Action.ROLE_REVOKED,
            subject=f"membership:{membership.pk}", changes={"role": [membership.role, None]},
            note=reason,
        )
        membership.delete()
    if actor is not None:
        forget_roles(actor)


def programme_update(
    *, programme: Programme, actor: Any, expected_version: int, **data: Any
) -> Programme:
    unknown = set(data) - set(PROGRAMME_FIELDS)
    if unknown:
        raise TypeError(f"unknown programme fields: {sorted(unknown)}")
    if "requirements" in data:
        validate_requirements(data["requirements"])
    with transaction.atomic():
        current = lock_for_edit(Programme, pk=programme.pk, expected_version=expected_version)
        changes = apply_edit(current, data)
        if changes:
            audit_record(
                organisation=current.organisation, programme=current, actor=actor,
                action=Action.UPDATED, subject=f"programme:{current.pk}", changes=changes,
            )
    return current


def programme_create(*, organisation: Organisation, actor: Any, **data: Any) -> Programme:
    with transaction.atomic():
        programme = Programme(organisation=organisation, **data)
        programme.full_clean()
        save_checked(programme)
        audit_record(
            organisation=organisation, programme=programme, actor=actor, action=Action.CREATED,
            subject=f"programme:{programme.pk}", changes={"name": [None, programme.name]},
        )
        fields_seed(programme=programme)
    return programme


# --- The vocabulary of fields ---------------------------------------------------------------

FIELD_LABELS = ("label_en", "label_nl", "label_fr", "label_de")


def fields_seed(*, programme: Programme) -> None:
    """Give a programme without fields the shipped vocabulary (nothing when it has some)."""
    with transaction.atomic():
        Programme.objects.select_for_update().filter(pk=programme.pk).first()
        if not Field.objects.filter(programme=programme).exists():
            Field.objects.bulk_create(default_fields(programme))
    forget_vocabulary(programme)


def _field_words_free(programme: Programme, field: Field) -> None:
    """Every name and other word of ``field`` must not already mean another field."""
    taken = []
    vocab = vocabulary(programme)
    words = [getattr(field, name) for name in FIELD_LABELS] + [w for ws in field.synonyms.values() for w in ws]
    for word in words:
        code = vocab.resolve(word) if word else None
        if code is not None and code != field.code:
            taken.append(_("“%(word)s” already means “%(field)s”.") % {"word": word, "field": vocab.label(code)})
    if taken:
        raise ValidationError(" ".join(taken))


def _clean_synonyms(synonyms: dict[str, list[str]]) -> dict[str, list[str]]:
    return {lang: list(dict.fromkeys(w.strip()[:80] for w in words if w.strip()))
            for lang, words in synonyms.items() if any(w.strip() for w in words)}


def field_create(*, programme: Programme, actor: Any, labels: dict[str, str],
                 synonyms: dict[str, list[str]]) -> Field:
    """Add a field to the programme's vocabulary: at least one name; no word may already mean
    another field (so "rekenen" cannot stand for two things)."""
    labels = {f"label_{lang}": text.strip() for lang, text in labels.items()}
    if not any(labels.values()):
        raise ValidationError(_("Give the field a name in at least one language."))
    fields_seed(programme=programme)
    with transaction.atomic():
        Programme.objects.select_for_update().filter(pk=programme.pk).first()
        forget_vocabulary(programme)
        first = labels.get("label_en") or next(v for v in labels.values() if v)
        field = Field(programme=programme, code=new_code(first, vocabulary(programme).codes),
                      synonyms=_clean_synonyms(synonyms), **labels)
        field.full_clean()
        _field_words_free(programme, field)
        field.save()
        audit_record(
            organisation=programme.organisation, programme=programme, actor=actor,
            action=Action.CREATED, subject=f"field:{field.pk}",
            changes={"code": [None, field.code], **{k: [None, v] for k, v in labels.items() if v},
                     "synonyms": [None, field.synonyms]},
        )
    forget_vocabulary(programme)
    return field


def field_update(*, field: Field, actor: Any, labels: dict[str, str],
                 synonyms: dict[str, list[str]], expected_version: int | None = None) -> Field:
    """Rename a field or change its other words; its code, and so every record using it, stays."""
    programme = field.programme

    def named_and_free(current: Field) -> None:
        if not any(getattr(current, name) for name in FIELD_LABELS):
            raise ValidationError(_("Give the field a name in at least one language."))
        forget_vocabulary(programme)
        _field_words_free(programme, current)

    with transaction.atomic():
        current = lock_for_edit(Field, pk=field.pk, expected_version=expected_version)
        changes = apply_edit(current, {
            **{f"label_{lang}": text.strip() for lang, text in labels.items()},
            "synonyms": _clean_synonyms(synonyms),
        }, validate=named_and_free)
        if changes:
            audit_record(
                organisation=programme.organisation, programme=programme, actor=actor,
                action=Action.UPDATED, subject=f"field:{current.pk}", changes=changes,
            )
    forget_vocabulary(programme)
    return current


def site_create(*, programme: Programme, actor: Any, **data: Any) -> Site:
    with transaction.atomic():
        site = Site(programme=programme, **data)
        site.full_clean()
        # Two coordinators adding the same site at once: the second gets the unique
        # constraint's message ("already has a site with this name"), not a server error.
        save_checked(site)
        audit_record(
            organisation=programme.organisation, programme=programme, actor=actor,
            action=Action.CREATED, subject=f"site:{site.pk}", changes={"name": [None, site.name]},
        )
    return site


def partner_create(*, programme: Programme, actor: Any, **data: Any) -> PartnerInstitution:
    with transaction.atomic():
        partner = PartnerInstitution(programme=programme, **data)
        partner.full_clean()
        save_checked(partner)
        audit_record(
            organisation=programme.organisation, programme=programme, actor=actor,
            action=Action.CREATED, subject=f"partner:{partner.pk}",
            changes={"name": [None, partner.name]},
        )
    return partner


def invitation_create(
    *,
    programme: Programme,
    email: str,
    role: str,
    actor: Any,
    language: str,
    person: Person | None = None,
) -> Invitation:
    from tandem.core.tasks import send_invitation_email

    email = email.strip().lower()
    if role == Role.ORG_ADMIN:
        raise ValidationError(_("Organisation admins are appointed by another admin, not invited."))
    with transaction.atomic():
        invitation = Invitation(
            programme=programme, email=email, role=role, person=person, invited_by=actor,
            language=language,
        )
        invitation.full_clean()
        save_checked(invitation)
        audit_record(
            organisation=programme.organisation, programme=programme, actor=actor, person=person,
            action=Action.INVITED, subject=f"invitation:{invitation.pk}",
            changes={"email": [None, email], "role": [None, role]},
        )
        pk = invitation.pk
        transaction.on_commit(lambda: send_invitation_email.enqueue(pk))
    return invitation


def invitation_revoke(*, invitation: Invitation, actor: Any) -> None:
    with transaction.atomic():
        Invitation.objects.filter(pk=invitation.pk, revoked__isnull=True).update(
            revoked=timezone.now()
        )
        audit_record(
            organisation=invitation.programme.organisation, programme=invitation.programme,
            actor=actor, person=invitation.person, action=Action.UPDATED,
            subject=f"invitation:{invitation.pk}", changes={"revoked": [None, True]},
        )


def mask_email(email: str) -> str:
    """``jan.peeters@example.org`` → ``j…@example.org``: enough for its owner to recognise it,
    too little for anyone else to learn it."""
    local, _sep, domain = email.partition("@")
    return f"{local[:1]}…@{domain}" if domain else "…"


class WrongInvitee(ValidationError):
    """The signed-in user is not the person the invitation was sent to."""


def invitation_check_invitee(*, invitation: Invitation, user: User) -> None:
    """Only the holder of the invited address may accept: refuse anyone else, changing nothing."""
    if user.email.strip().lower() != invitation.email.strip().lower():
        raise WrongInvitee(
            _(
                "This invitation was sent to %(email)s. Log out and open the link again, or ask "
                "the coordinator to invite your address."
            ) % {"email": mask_email(invitation.email)},
            code="wrong_invitee",
        )


def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Join the programme: link (or create) the user's person in the organisation and grant
    the role. Only the user with the invited address may accept; opening the e-mailed link
    proves the address, so it counts as verified. The token works once: claiming it is a
    conditional update."""
    invitation_check_invitee(invitation=invitation, user=user)
    organisation = invitation.programme.organisation
    with transaction.atomic():
        claimed = Invitation.objects.filter(
            pk=invitation.pk, accepted__isnull=True, revoked__isnull=True,
            expires__gt=timezone.now(),
        ).update(accepted=timezone.now())
        if claimed != 1:
            # Another tab or person used, revoked or outlived it first.
            raise ValidationError(_("This invitation is no longer valid."))
        email_mark_verified(user=user)
        person = invitation.person or Person.objects.filter(
            organisation=organisation, user=user
        ).first()
        if person is None:
            given, _sep, family = (user.full_name or user.email.split("@")[0]).partition(" ")
            person = Person.objects.create(
                organisation=organisation, user=user, given_name=given, family_name=family,
                email=user.email, language=invitation.language,
            )
        elif person.user_id is None:
            person.user = user
            try:
                person.save(update_fields=["user"])
            except IntegrityError as exc:
                raise ValidationError(
                    _("Your log-in is already linked to someone else in this organisation.")
                ) from exc
        elif person.user_id != user.pk:
            raise ValidationError(
                _("This invitation is for someone who already has another log-in.")
            )
        audit_record(
            organisation=organisation, programme=invitation.programme, actor=user, person=person,
            action=Action.INVITATION_ACCEPTED, subject=f"invitation:{invitation.pk}",
        )
        existing = Membership.objects.filter(
            person=person, programme=invitation.programme, role=invitation.role
        ).first()
        if existing is not None:
            return existing
        return membership_grant(
            person=person, programme=invitation.programme, role=invitation.role, actor=user
        )


# --- Accounts ------------------------------------------------------------------------------


def user_create(
    *, email: str, password: str, full_name: str = "", language: str = "",
    email_verified: bool = False,
) -> User:
    """A new log-in. ``email_verified`` when the address was proven (e.g. by opening an
    invitation sent to it); otherwise its first log-in asks to confirm it from the mailbox."""
    with transaction.atomic():
        user = User(email=email.strip().lower(), full_name=full_name, language=language)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
        if email_verified:
            email_mark_verified(user=user)
    return user


def account_update(*, user: User, expected_version: int | None, full_name: str,
                   language: str) -> User:
    """One's own name and interface language (*Your account*), refused when the same account
    was saved meanwhile (in another tab or browser)."""
    with transaction.atomic():
        current = lock_for_edit(User, pk=user.pk, expected_version=expected_version)
        apply_edit(current, {"full_name": full_name.strip(), "language": language}, clean=False,
                   validate=lambda row: row.full_clean(exclude=["password"]))
    return current


def email_mark_verified(*, user: User) -> EmailAddress:
    """Record that ``user`` controls their log-in address (allauth's ``EmailAddress``)."""
    with transaction.atomic():
        address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
        if address is None:
            address = EmailAddress(user=user, email=user.email.lower())
        address.verified = True
        address.primary = not EmailAddress.objects.filter(user=user, primary=True).exclude(
            pk=address.pk
        ).exists()
        address.save()
    return address


def _network(ip: str) -> str:
    """The /24 (IPv4) or /48 (IPv6) network an address belongs to, not the address itself."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ""
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def login_event_record(
    *, user: User, outcome: str, method: str = "", ip: str = "", user_agent: str = ""
) -> LoginEvent:
    """Add to ``user``'s log-in history and forget entries older than LOGIN_HISTORY_DAYS.
    Refusals of a locked account are recorded once a minute, so a guessing attack cannot
    fill the table."""
    with transaction.atomic():
        if outcome == LoginEvent.Outcome.LOCKED:
            recent = LoginEvent.objects.filter(
                user=user, outcome=outcome, at__gte=timezone.now() - timedelta(minutes=1)
            ).first()
            if recent is not None:
                return recent
        event = LoginEvent(
            user=user, outcome=outcome, method=method[:60], ip_network=_network(ip),
            user_agent=user_agent[:300],  # sent by the browser, not typed
        )
        event.full_clean()
        event.save()
        cutoff = timezone.now() - timedelta(days=settings.LOGIN_HISTORY_DAYS)
        LoginEvent.objects.filter(user=user, at__lt=cutoff).delete()
    return event


def second_factors_remove(*, user: User) -> int:
    """Forget every second factor of ``user`` (lost phone and recovery codes); sessions end, so
    the next log-in asks for the password and, for staff, a new second factor."""
    from allauth.mfa.models import Authenticator
    from django.contrib.sessions.models import Session

    with transaction.atomic():
        removed, _by_type = Authenticator.objects.filter(user=user).delete()
        # Log the user out everywhere: sessions store the user id under _auth_user_id.
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
            if session.get_decoded().get("_auth_user_id") == str(user.pk):
                session.delete()
    return removed


# --- calendar links (tandem.core.calendar) ---------------------------------------------------
# The link is the user's own setting, like their language: it is shown to them (made on, last
# read) on their calendar page, and concerns no organisation, so no AuditEvent is written.


def calendar_feed_renew(*, user: User) -> str:
    """Make ``user``'s private calendar link, or a new one in place of the old (which stops
    working at once). Returns the token, the only time it exists outside the user's calendar
    app: the database keeps its digest. Sent twice at once, the last one wins; both answers
    name a link, and only the one the user is shown next works."""
    from tandem.core.calendar import new_feed_token, token_digest
    from tandem.core.models import CalendarFeed

    token = new_feed_token()
    fields = {"token_hash": token_digest(token), "created": timezone.now(), "last_read": None}
    with transaction.atomic():
        if not CalendarFeed.objects.filter(user=user).update(**fields):
            try:
                with transaction.atomic():
                    CalendarFeed.objects.create(user=user, **fields)
            except IntegrityError:  # made by a concurrent request a moment ago: replace it
                CalendarFeed.objects.filter(user=user).update(**fields)
    return token


def calendar_feed_stop(*, user: User) -> bool:
    """Stop ``user``'s calendar link: calendar apps get "not found" from now on."""
    from tandem.core.models import CalendarFeed

    deleted, _by_model = CalendarFeed.objects.filter(user=user).delete()
    return deleted > 0


def calendar_feed_mark_read(*, feed: Any, now: Any = None) -> None:
    """Remember when a calendar app last read the link, at most once an hour (apps poll)."""
    from tandem.core.models import CalendarFeed

    now = now or timezone.now()
    if feed.last_read is None or feed.last_read < now - timedelta(hours=1):
        CalendarFeed.objects.filter(pk=feed.pk).update(last_read=now)
        feed.last_read = now
