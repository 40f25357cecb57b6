"""Consent links expire (``CONSENT_LINK_VALID_DAYS``, default 30 days); an expired or withdrawn
link tells the guardian how to get a new one, and gets it with one click — e-mailed to the
address on record, never to one typed on the page."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.core import mail
from django.utils import timezone

from conftest import World
from tandem.core.models import MailLimit
from tandem.intake import services
from tandem.intake.models import GuardianConsent
from tandem.intake.tests.factories import guardian_of, learner, publish_text


def _english(client: Any) -> Any:
    client.cookies["tandem_language"] = "en"  # the guardian picked English on the page
    return client


def _requested(world: World, days_ago: int) -> GuardianConsent:
    publish_text(world)
    pupil = learner(world, age=12)
    consent = services.consent_request(learner=pupil, guardian=guardian_of(pupil),
                                       actor=world.users["coordinator"])
    sent = timezone.now() - timedelta(days=days_ago)
    GuardianConsent.objects.filter(pk=consent.pk).update(requested_at=sent)
    MailLimit.objects.update(last_sent=sent)  # the e-mail went out then, too
    consent.refresh_from_db()
    return consent


def test_a_link_works_for_thirty_days(world: World, client: Any) -> None:
    fresh = _requested(world, days_ago=29)
    _english(client)
    assert not fresh.link_expired
    page = client.get(f"/consent/{fresh.token}/").content.decode()
    assert "I agree" in page and "expired" not in page


def test_an_expired_link_cannot_consent_and_offers_a_new_one(
    world: World, client: Any, django_capture_on_commit_callbacks: Any, run_tasks: Any,
) -> None:
    consent = _requested(world, days_ago=31)
    _english(client)
    old_token = consent.token
    assert consent.link_expired
    page = client.get(f"/consent/{old_token}/").content.decode()
    assert "This link has expired" in page and "I agree" not in page
    assert "E-mail me a new link" in page and "o…@example.org" in page
    refused = client.post(f"/consent/{old_token}/", {"action": "confirm"})
    assert refused.status_code == 400 and GuardianConsent.objects.get(pk=consent.pk).given_at is None

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        renewed = client.post(f"/consent/{old_token}/", {"action": "renew"})
    assert renewed.status_code == 200
    assert "We e-mailed a new link to o…@example.org" in renewed.content.decode()
    run_tasks()
    assert [m.to for m in mail.outbox] == [["ouder@example.org"]]
    new_token = re.search(r"/consent/(\S+)/", mail.outbox[0].body).group(1)  # type: ignore[union-attr]
    assert new_token != old_token
    assert "30 dagen" in mail.outbox[0].body  # the guardian's language (nl)
    assert client.get(f"/consent/{old_token}/").status_code == 404  # the old link is dead
    client.post(f"/consent/{new_token}/", {"action": "confirm"})
    assert GuardianConsent.objects.get(pk=consent.pk).is_given


def test_the_period_is_a_setting(world: World, settings: Any, client: Any) -> None:
    settings.CONSENT_LINK_VALID_DAYS = 7
    consent = _requested(world, days_ago=8)
    _english(client)
    assert consent.link_expired
    assert "works for 7 days" in client.get(f"/consent/{consent.token}/").content.decode()


def test_a_withdrawn_link_shows_how_to_consent_again(
    world: World, client: Any, django_capture_on_commit_callbacks: Any, run_tasks: Any,
) -> None:
    publish_text(world)
    pupil = learner(world, age=12)
    consent = services.consent_record_paper(learner=pupil, guardian=guardian_of(pupil),
                                            actor=world.users["coordinator"])
    services.consent_withdraw(consent=consent, actor=None)
    body = client.get(f"/consent/{consent.token}/").content.decode()  # in Dutch, the guardian's
    assert "nieuwe link" in body and "o…@example.org" in body
    _english(client)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/consent/{consent.token}/", {"action": "renew"})
    run_tasks()
    fresh = GuardianConsent.objects.filter(learner=pupil, withdrawn_at__isnull=True).get()
    assert fresh.pk != consent.pk and fresh.given_at is None and not fresh.link_expired
    # Asking again the same day sends nothing more (one consent e-mail a day per address).
    again = client.post(f"/consent/{consent.token}/", {"action": "renew"})
    assert again.status_code == 400 and "already" in again.content.decode()


def test_no_new_link_once_the_child_left(world: World, client: Any) -> None:
    consent = _requested(world, days_ago=40)
    _english(client)
    services.learner_decline(learner=consent.learner, actor=world.users["coordinator"],
                             reason="Moved away")
    page = client.get(f"/consent/{consent.token}/").content.decode()
    assert "E-mail me a new link" not in page and "Contact the coordinator" in page
    refused = client.post(f"/consent/{consent.token}/", {"action": "renew"})
    assert refused.status_code == 400 and "no longer takes part" in refused.content.decode()
