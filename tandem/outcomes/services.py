"""Every write of the results app: keyword-only, one transaction each, audited, no request."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.core.audit import audit_record
from tandem.core.integrity import save_checked
from tandem.core.models import AuditEvent, Person, Programme
from tandem.core.notify import notify, site_url
from tandem.core.versioning import apply_edit, lock_for_edit
from tandem.intake.models import Learner
from tandem.outcomes import selectors
from tandem.outcomes.instruments import INSTRUMENTS
from tandem.outcomes.models import (
    IndicatorKind,
    IndicatorSource,
    OutcomeSettings,
    SchoolIndicator,
    SurveyInvitation,
    SurveyResponse,
    SurveyWave,
)

Action = AuditEvent.Action
SALT = "tandem.outcomes.survey"
LINK_MAX_DAYS = 180  # a signed link older than this is refused whatever the wave says
REMIND_AFTER = timedelta(days=5)
SETTINGS_FIELDS = ("threshold", "min_denominator", "early_leaving", "school_data_consent")


def _json_safe(changes: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """The audit log's ``{field: [old, new]}`` with decimals as text (core's diff keeps them)."""
    return {k: [str(v) if isinstance(v, Decimal) else v for v in pair] for k, pair in changes.items()}


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


# --- settings ------------------------------------------------------------------------------------

def settings_update(*, programme: Programme, actor: Any, expected_version: int | None,
                    **fields: Any) -> OutcomeSettings:
    selectors.outcome_settings(programme)
    with transaction.atomic():
        row = lock_for_edit(OutcomeSettings.objects.filter(programme=programme),
                            pk=programme.outcome_settings.pk, expected_version=expected_version)
        changes = apply_edit(row, {k: v for k, v in fields.items() if k in (*SETTINGS_FIELDS, "targets")})
        if changes:
            audit_record(organisation=programme.organisation, programme=programme, actor=actor,
                         action=Action.UPDATED, subject=f"outcome_settings:{row.pk}", changes=changes)
    return row


# --- waves and links -----------------------------------------------------------------------------

def wave_create(*, programme: Programme, actor: Any, instrument: str, audience: str, kind: str,
                opens_on: date, closes_on: date, anonymous: bool) -> SurveyWave:
    if instrument not in INSTRUMENTS:
        raise ValidationError(_("Choose one of the questionnaires."))
    definition = INSTRUMENTS[instrument]
    if audience not in definition.audiences:
        raise ValidationError(_("This questionnaire is not meant for this group."))
    with transaction.atomic():
        wave = SurveyWave(programme=programme, instrument=definition.code, instrument_version=definition.version,
                          audience=audience, kind=kind, opens_on=opens_on, closes_on=closes_on,
                          anonymous=anonymous, created_by=_user(actor))
        wave.full_clean()
        save_checked(wave)
        audit_record(organisation=programme.organisation, programme=programme, actor=actor,
                     action=Action.CREATED, subject=f"survey_wave:{wave.pk}",
                     changes={"instrument": [None, wave.instrument], "audience": [None, audience],
                              "kind": [None, kind], "opens_on": [None, opens_on.isoformat()],
                              "closes_on": [None, closes_on.isoformat()], "anonymous": [None, anonymous]})
    return wave


def link_token(invitation: SurveyInvitation) -> str:
    return signing.dumps([invitation.pk, invitation.nonce], salt=SALT, compress=False)


def link_url(invitation: SurveyInvitation) -> str:
    return site_url(reverse("outcomes:survey", kwargs={"token": link_token(invitation)}))


def _signed(token: str) -> tuple[Any, Any] | None:
    """The (invitation id, nonce) a link we signed names; None when it is not ours or too old."""
    try:
        pk, nonce = signing.loads(token, salt=SALT, max_age=timedelta(days=LINK_MAX_DAYS))
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(pk, int) or not isinstance(nonce, str):
        return None
    return pk, nonce


def invitation_for_token(token: str) -> SurveyInvitation | None:
    """The invitation a signed link names (None when the signature is wrong, too old or revoked)."""
    signed = _signed(token)
    if signed is None:
        return None
    pk, nonce = signed
    found = (SurveyInvitation.objects.filter(pk=pk, nonce=nonce, revoked_at__isnull=True)
             .select_related("wave__programme__organisation", "person").first())
    return found


def link_was_ours(token: str) -> bool:
    """A link we signed (and not too old) that no longer opens an invitation: revoked, replaced
    by a new link, or its invitation deleted. Its page says so without naming anything."""
    return _signed(token) is not None


def invitation_revoke(*, invitation: SurveyInvitation, actor: Any) -> bool:
    """The link stops working (its answers, if any, stay). False when it was already revoked
    (a second tap changes nothing)."""
    wave = invitation.wave
    now = timezone.now()
    with transaction.atomic():
        if not SurveyInvitation.objects.filter(pk=invitation.pk, revoked_at__isnull=True).update(revoked_at=now):
            return False
        audit_record(organisation=wave.programme.organisation, programme=wave.programme, actor=actor,
                     action=Action.UPDATED, subject=f"survey_invitation:{invitation.pk}", person=invitation.person,
                     changes={"revoked_at": [None, now.isoformat()]})
    invitation.revoked_at = now
    return True


def invitation_reissue(*, invitation: SurveyInvitation, actor: Any, nonce: str) -> bool:
    """A new personal link for someone who has not answered: the old one (revoked or not) stops
    working, the new one is e-mailed when the person has an address. ``nonce`` is the link the
    coordinator's page showed: the change is claimed with a conditional update on it, so a
    second tap (or a second coordinator) makes no third link. False when nothing changed."""
    from tandem.outcomes.models import _nonce

    wave = invitation.wave
    if invitation.answered_at is not None:
        raise ValidationError(_("This person has already answered: a new link cannot be sent."))
    now = timezone.now()
    fresh = _nonce()
    with transaction.atomic():
        if not SurveyInvitation.objects.filter(pk=invitation.pk, nonce=nonce, answered_at__isnull=True).update(
                nonce=fresh, revoked_at=None, sent_at=now, reminded_at=None):
            return False
        invitation.refresh_from_db()
        audit_record(organisation=wave.programme.organisation, programme=wave.programme, actor=actor,
                     action=Action.UPDATED, subject=f"survey_invitation:{invitation.pk}", person=invitation.person,
                     changes={"link": ["old", "new"], "sent_at": [None, now.isoformat()]})
        if invitation.person.email:
            _mail(invitation, template="outcomes/email/invitation")
    return True


def invitations_send(*, wave: SurveyWave, actor: Any) -> int:
    """Ask everyone of the wave's audience who is not asked yet; e-mail those with an address.
    Returns how many were newly asked (a second click asks nobody twice)."""
    people = selectors.wave_audience(wave)
    now = timezone.now()
    with transaction.atomic():
        asked = set(wave.invitations.values_list("person_id", flat=True))
        fresh = [SurveyInvitation(wave=wave, person=person, match_id=match_id, sent_at=now)
                 for person, match_id in people if person.pk not in asked]
        SurveyInvitation.objects.bulk_create(fresh, ignore_conflicts=True)
        created = list(wave.invitations.filter(person_id__in=[i.person_id for i in fresh])
                       .select_related("person"))
        for invitation in created:
            _mail(invitation, template="outcomes/email/invitation")
        audit_record(organisation=wave.programme.organisation, programme=wave.programme, actor=actor,
                     action=Action.UPDATED, subject=f"survey_wave:{wave.pk}",
                     changes={"invitations": [len(asked), len(asked) + len(created)]})
    return len(created)


def _mail(invitation: SurveyInvitation, *, template: str) -> None:
    person = invitation.person
    wave = invitation.wave
    notify(to=person.email, language=person.language or "en", template=template, context={
        "name": person.given_name, "programme": wave.programme.name, "url": link_url(invitation),
        "closes_on": wave.closes_on.isoformat(), "instrument": wave.instrument, "learner": wave.audience == "learner",
        "version": wave.instrument_version})


def reminders_send(*, today: date | None = None, now: datetime | None = None) -> int:
    """Once per invitation: a reminder to whoever has not answered an open wave five days after
    being asked (idempotent: ``reminded_at`` is claimed with a conditional update)."""
    now = now or timezone.now()
    today = today or timezone.localdate()
    due = (SurveyInvitation.objects.filter(
        answered_at__isnull=True, revoked_at__isnull=True, reminded_at__isnull=True,
        sent_at__lte=now - REMIND_AFTER, wave__opens_on__lte=today, wave__closes_on__gte=today)
        .select_related("wave__programme", "person"))
    sent = 0
    for invitation in due:
        with transaction.atomic():
            if SurveyInvitation.objects.filter(pk=invitation.pk, reminded_at__isnull=True).update(reminded_at=now):
                _mail(invitation, template="outcomes/email/reminder")
                sent += 1
    return sent


def response_submit(*, invitation: SurveyInvitation, answers: dict[str, int], language: str) -> SurveyResponse:
    """Score and keep the answers once (the invitation is claimed with a conditional update, so a
    second tap on *Send* keeps nothing twice). An anonymous wave keeps no link to the person."""
    wave = invitation.wave
    definition = wave.definition
    today = timezone.localdate()
    if not wave.opens_on <= today <= wave.closes_on:
        raise ValidationError(_("This questionnaire is closed."))
    missing = [item for item in definition.items if answers.get(item.code) not in definition.scale.values]
    if missing:
        raise ValidationError(_("Answer every question, please."))
    score = definition.score(answers)
    subscores = {name: definition.score(answers, subscale=name) for name in definition.subscales}
    with transaction.atomic():
        if not SurveyInvitation.objects.filter(pk=invitation.pk, answered_at__isnull=True).update(
                answered_at=timezone.now()):
            raise ValidationError(_("You already answered this questionnaire. Thank you!"))
        response = SurveyResponse.objects.create(
            wave=wave, person=None if wave.anonymous else invitation.person,
            match=None if wave.anonymous else invitation.match,
            answers={item.code: int(answers[item.code]) for item in definition.items},
            score=score, subscores=subscores, language=language[:8])
    return response


# --- school indicators ---------------------------------------------------------------------------

def _check_indicator(*, learner: Learner, kind: str, number: Decimal | None, code: str) -> None:
    if not selectors.may_record_school_data(learner):
        raise ValidationError(_("School results can be recorded only with the recorded consent."))
    if kind == IndicatorKind.ABSENCE and (number is None or not 0 <= number <= 100):
        raise ValidationError(_("An absence rate is a percentage from 0 to 100."))
    if kind == IndicatorKind.TEST and (number is None or not 0 <= number <= 1000):
        raise ValidationError(_("Give the test score as a number."))
    if kind in (IndicatorKind.LVS, IndicatorKind.GRADE, IndicatorKind.STATUS) and not code:
        raise ValidationError(_("Choose the result."))


def indicator_record(*, learner: Learner, actor: Any, kind: str, measured_on: date,
                     number: Decimal | None = None, code: str = "", months_after: int | None = None,
                     source: str = IndicatorSource.COORDINATOR, expected_version: int | None = None) -> SchoolIndicator:
    """Record (or, from an import, correct) one value; a second value for the same learner,
    indicator and day is refused unless it comes from an import, which updates it."""
    _check_indicator(learner=learner, kind=kind, number=number, code=code)
    programme = learner.programme
    with transaction.atomic():
        existing = SchoolIndicator.objects.filter(learner=learner, kind=kind, measured_on=measured_on).first()
        data = {"number": number, "code": code, "months_after": months_after, "source": source,
                "recorded_by": _user(actor)}
        if existing is not None and source == IndicatorSource.IMPORT:
            row = lock_for_edit(SchoolIndicator, pk=existing.pk, expected_version=expected_version)
            changes = apply_edit(row, data)
            action = Action.UPDATED
        else:
            row = SchoolIndicator(learner=learner, kind=kind, measured_on=measured_on, **data)
            row.full_clean()
            save_checked(row)
            changes = {"kind": [None, kind], "measured_on": [None, measured_on.isoformat()],
                       "number": [None, None if number is None else str(number)], "code": [None, code]}
            action = Action.CREATED
        if changes:
            audit_record(organisation=programme.organisation, programme=programme, actor=actor,
                         action=action, subject=f"school_indicator:{row.pk}", person=learner.person,
                         changes=_json_safe({k: v for k, v in changes.items() if k != "recorded_by"}))
    return row


INDICATOR_FIELDS = ("measured_on", "number", "code", "months_after")


def _indicator_rows(programme: Programme) -> Any:
    return SchoolIndicator.objects.filter(learner__programme=programme)


def indicator_update(*, indicator: SchoolIndicator, actor: Any, expected_version: int | None,
                     measured_on: date, number: Decimal | None = None, code: str = "",
                     months_after: int | None = None) -> SchoolIndicator:
    """Correct a recorded value (the learner and the indicator stay: a value of another learner
    or indicator is deleted and recorded again). Only with the recorded consent, as recording;
    refused when someone saved or deleted it meanwhile (``EditConflict``)."""
    learner = indicator.learner
    programme = learner.programme
    _check_indicator(learner=learner, kind=indicator.kind, number=number, code=code)
    with transaction.atomic():
        row = lock_for_edit(_indicator_rows(programme), pk=indicator.pk, expected_version=expected_version)
        changes = apply_edit(row, {"measured_on": measured_on, "number": number, "code": code,
                                   "months_after": months_after})
        if changes:
            row.source = IndicatorSource.COORDINATOR
            row.recorded_by = _user(actor)
            row.save(update_fields=["source", "recorded_by", "recorded_at"])
            audit_record(organisation=programme.organisation, programme=programme, actor=actor,
                         action=Action.UPDATED, subject=f"school_indicator:{row.pk}", person=learner.person,
                         changes=_json_safe(changes))
    return row


def indicator_delete(*, indicator: SchoolIndicator, actor: Any, expected_version: int | None) -> None:
    """Remove a value recorded by mistake (only with the recorded consent, as recording). Refused
    (``EditConflict``, nothing deleted) when it was changed or deleted since the page showed it."""
    learner = indicator.learner
    programme = learner.programme
    if not selectors.may_record_school_data(learner):
        raise ValidationError(_("School results can be recorded only with the recorded consent."))
    with transaction.atomic():
        row = lock_for_edit(_indicator_rows(programme), pk=indicator.pk, expected_version=expected_version,
                            message=_("This value was changed or deleted meanwhile. Look at it again before "
                                      "deleting it."))
        before = {"kind": row.kind, "measured_on": row.measured_on.isoformat(),
                  "number": None if row.number is None else str(row.number), "code": row.code}
        pk = row.pk
        row.delete()
        audit_record(organisation=programme.organisation, programme=programme, actor=actor,
                     action=Action.DELETED, subject=f"school_indicator:{pk}", person=learner.person,
                     changes={k: [v, None] for k, v in before.items()})


def person_language(person: Person) -> str:
    return person.language or "en"
