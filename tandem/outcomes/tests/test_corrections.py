"""Loose ends of issue 14: one person's survey link stopped or replaced, and a school indicator
recorded by mistake corrected or deleted — each audited, each only for the programme's
coordinators, indicators only with the recorded consent."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import World
from tandem.core.models import AuditEvent
from tandem.core.versioning import EditConflict
from tandem.outcomes import services
from tandem.outcomes.models import (
    OutcomeSettings,
    SchoolIndicator,
    SurveyInvitation,
    SurveyResponse,
)
from tandem.outcomes.tests.factories import indicator, invitation

pytestmark = pytest.mark.django_db


def _survey(token: str) -> str:
    return reverse("outcomes:survey", kwargs={"token": token})


def _wave_kwargs(world: World, item: SurveyInvitation) -> dict[str, Any]:
    return {"org": world.organisation.slug, "prog": world.programme.slug, "wave": item.wave_id, "pk": item.pk}


def test_a_stopped_link_says_so_in_the_readers_language_and_shows_nothing(world: World) -> None:
    item = invitation(world)
    token = services.link_token(item)
    client = world.client_for("coordinator")
    url = reverse("outcomes:invitation_revoke", kwargs=_wave_kwargs(world, item))
    client.post(url)  # not confirmed: nothing happens
    assert SurveyInvitation.objects.get(pk=item.pk).revoked_at is None
    assert client.post(url, {"confirm": "yes"}).status_code == 302
    assert client.post(url, {"confirm": "yes"}).status_code == 302  # a second tap: nothing more
    assert AuditEvent.objects.filter(subject=f"survey_invitation:{item.pk}", action="updated").count() == 1

    page = Client(HTTP_ACCEPT_LANGUAGE="nl").get(_survey(token))
    body = page.content.decode()
    assert page.status_code == 410 and "Deze link werkt niet meer" in body and "nieuwe link" in body
    assert world.programme.name not in body and world.people["learner"].given_name not in body
    assert 'name="q1"' not in body
    # Posting answers through it keeps nothing.
    assert Client().post(_survey(token), {f"q{i}": "3" for i in range(1, 11)}).status_code == 410
    assert not SurveyResponse.objects.exists()
    # A link that is not ours is still simply not found.
    assert Client().get(_survey(token[:-3] + "abc")).status_code == 404


def test_a_new_link_replaces_the_old_one_once(world: World, run_tasks: Any,
                                             django_capture_on_commit_callbacks: Any) -> None:
    item = invitation(world)
    old = services.link_token(item)
    client = world.client_for("coordinator")
    url = reverse("outcomes:invitation_reissue", kwargs=_wave_kwargs(world, item))
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"link": item.nonce}).status_code == 302
        client.post(url, {"link": item.nonce})  # the same page, tapped twice: no third link
    run_tasks()
    fresh = SurveyInvitation.objects.get(pk=item.pk)
    assert fresh.nonce != item.nonce and fresh.revoked_at is None
    assert len(mail.outbox) == 1 and services.link_token(fresh).split(":")[0] in mail.outbox[0].body
    assert AuditEvent.objects.filter(subject=f"survey_invitation:{item.pk}").count() == 1
    assert Client().get(_survey(old)).status_code == 410
    assert Client().get(_survey(services.link_token(fresh))).status_code == 200


def test_a_stopped_link_can_be_replaced_but_not_once_answered(world: World) -> None:
    item = invitation(world)
    coordinator = world.users["coordinator"]
    assert services.invitation_revoke(invitation=item, actor=coordinator)
    assert not services.invitation_revoke(invitation=item, actor=coordinator)
    assert services.invitation_reissue(invitation=item, actor=coordinator, nonce=item.nonce)
    item.refresh_from_db()
    services.response_submit(invitation=item, answers={f"q{i}": 3 for i in range(1, 11)}, language="en")
    item.refresh_from_db()
    with pytest.raises(ValidationError):
        services.invitation_reissue(invitation=item, actor=coordinator, nonce=item.nonce)
    assert services.invitation_revoke(invitation=item, actor=coordinator)
    assert SurveyResponse.objects.count() == 1  # stopping a link keeps the answers


def test_an_indicator_is_corrected_with_the_version_it_was_read_at(world: World) -> None:
    row = indicator(world)
    coordinator = world.users["coordinator"]
    services.indicator_update(indicator=row, actor=coordinator, expected_version=row.version,
                              measured_on=row.measured_on, number=Decimal("5.25"))
    stored = SchoolIndicator.objects.get(pk=row.pk)
    assert stored.number == Decimal("5.25") and stored.version == row.version + 1
    event = AuditEvent.objects.get(subject=f"school_indicator:{row.pk}", action="updated")
    assert event.changes["number"] == ["4.50", "5.25"] and event.person == row.learner.person
    with pytest.raises(EditConflict):  # a page opened before that save
        services.indicator_update(indicator=row, actor=coordinator, expected_version=row.version,
                                  measured_on=row.measured_on, number=Decimal("9"))
    with pytest.raises(ValidationError):  # still the indicator's own rule
        services.indicator_update(indicator=row, actor=coordinator, expected_version=stored.version,
                                  measured_on=row.measured_on, number=Decimal("150"))


def test_an_indicator_is_deleted_only_when_confirmed_at_its_version(world: World) -> None:
    row = indicator(world)
    client = world.client_for("coordinator")
    kwargs = {"org": world.organisation.slug, "prog": world.programme.slug, "pk": row.pk}
    url = reverse("outcomes:indicator_delete", kwargs=kwargs)
    client.post(url, {"version": str(row.version)})  # not confirmed
    client.post(url, {"confirm": "yes", "version": str(row.version + 1)})  # stale
    client.post(url, {"confirm": "yes", "version": "1e3"})  # mangled
    assert SchoolIndicator.objects.filter(pk=row.pk).exists()
    done = client.post(url, {"confirm": "yes", "version": str(row.version)}, follow=True)
    assert done.status_code == 200 and not SchoolIndicator.objects.filter(pk=row.pk).exists()
    again = client.post(url, {"confirm": "yes", "version": str(row.version)}, follow=True)
    assert again.status_code == 200  # a second tap: told it is gone
    event = AuditEvent.objects.get(subject=f"school_indicator:{row.pk}", action="deleted")
    assert event.changes["number"] == ["4.50", None]


def test_correcting_and_deleting_need_the_recorded_consent(world: World) -> None:
    row = indicator(world)
    coordinator = world.users["coordinator"]
    OutcomeSettings.objects.filter(programme=world.programme).update(school_data_consent=False)
    with pytest.raises(ValidationError):
        services.indicator_update(indicator=row, actor=coordinator, expected_version=row.version,
                                  measured_on=row.measured_on, number=Decimal("3"))
    with pytest.raises(ValidationError):
        services.indicator_delete(indicator=row, actor=coordinator, expected_version=row.version)
    page = world.client_for("coordinator").get(reverse("outcomes:indicator", kwargs={
        "org": world.organisation.slug, "prog": world.programme.slug, "pk": row.pk}))
    assert page.status_code == 200 and 'id="no-consent"' in page.content.decode()
    assert 'name="number"' not in page.content.decode()
    OutcomeSettings.objects.filter(programme=world.programme).update(school_data_consent=True)
    row.learner.consents.update(withdrawn_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ValidationError):
        services.indicator_delete(indicator=row, actor=coordinator, expected_version=row.version)
    assert SchoolIndicator.objects.filter(pk=row.pk, number=Decimal("4.50")).exists()


def test_the_funder_reports_definitions_print_one_percent_sign(world: World) -> None:
    from datetime import date

    from tandem.outcomes import funder

    data = funder.build(programme=world.programme, start=date(2025, 8, 1), end=date(2026, 7, 31))
    assert any("95% confidence interval" in line for line in data.definitions())
    assert not any("%%" in line for line in data.definitions())


def test_a_stopped_link_no_longer_counts_as_asked(world: World) -> None:
    from tandem.outcomes import selectors

    item = invitation(world)
    assert selectors.wave_counts(item.wave) == {"asked": 1, "answered": 0, "stopped": 0}
    services.invitation_revoke(invitation=item, actor=world.users["coordinator"])
    assert selectors.wave_counts(item.wave) == {"asked": 0, "answered": 0, "stopped": 1}
    listed = selectors.waves(programme=world.programme).get(pk=item.wave_id)
    assert listed.n_invited == 0
    page = world.client_for("coordinator").get(reverse("outcomes:wave", kwargs={
        "org": world.organisation.slug, "prog": world.programme.slug, "wave": item.wave_id}))
    assert "0 of" in page.content.decode() and "1 link stopped" in page.content.decode()
