"""Public forms cannot be used to spam: per-IP and per-address limits on the application and the
self-registration (a calm 429 page), one consent e-mail a day per address, one "you already
applied" e-mail a day per address."""

from __future__ import annotations

import time
from typing import Any

from django.core import mail
from django.test import Client, RequestFactory

from conftest import World
from tandem.core.antispam import stamp
from tandem.core.models import MailLimit
from tandem.core.ratelimit import client_ip, digest
from tandem.intake import services as intake_services
from tandem.intake.models import GuardianConsent, Learner
from tandem.intake.tests.factories import guardian_of, learner, publish_text
from tandem.onboarding.models import Volunteer

APPLY = "/apply/zuid/moz/"
JOIN = "/join/zuid/moz/"


def _application(**extra: Any) -> dict[str, Any]:
    return {"given_name": "Camille", "family_name": "Durand", "email": "victim@example.org",
            "postcode": "3073 AB", "city": "Rotterdam", "motivation": "Helping.", "consent": "on",
            "website": "", "ts": stamp(time.time() - 60), **extra}


def _registration(**extra: Any) -> dict[str, Any]:
    return {"given_name": "Jonas", "family_name": "Weber", "email": "jonas@example.org",
            "date_of_birth": "2014-05-06", "city": "Rotterdam", "gender_preference": "any",
            "ts": stamp(time.time() - 60), **extra}


def test_five_applications_to_one_address_send_two_e_mails_and_then_wait(
    world: World, django_capture_on_commit_callbacks: Any, run_tasks: Any
) -> None:
    client = Client()
    statuses = []
    with django_capture_on_commit_callbacks(execute=True):
        for _attempt in range(5):
            statuses.append(client.post(APPLY, _application()).status_code)
    run_tasks()
    assert statuses == [302, 302, 302, 429, 429]
    assert Volunteer.objects.count() == 1
    # One confirmation, and one "you had already applied" for the day: not five e-mails.
    assert [m.to for m in mail.outbox] == [["victim@example.org"], ["victim@example.org"]]
    refused = client.post(APPLY, _application())
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Please wait a moment" in refused.content.decode()


def test_one_connection_cannot_flood_the_form(world: World, settings: Any) -> None:
    settings.PUBLIC_FORM_LIMIT_PER_IP = 2
    client = Client(REMOTE_ADDR="203.0.113.7")
    statuses = [client.post(APPLY, _application(email=f"a{i}@example.org")).status_code
                for i in range(3)]
    assert statuses == [302, 302, 429]
    assert Client(REMOTE_ADDR="203.0.113.8").post(APPLY, _application(email="b@example.org")).status_code == 302
    assert Client().get(APPLY).status_code == 200  # reading the page is never limited


def test_behind_a_proxy_the_forwarded_address_counts(settings: Any) -> None:
    request = RequestFactory().post("/", REMOTE_ADDR="10.0.0.1",
                                    HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9")
    assert client_ip(request) == "10.0.0.1"  # not trusted by default: anyone can send the header
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.9"


def test_self_registrations_naming_one_guardian_e_mail_them_once_a_day(
    world: World, django_capture_on_commit_callbacks: Any, run_tasks: Any
) -> None:
    world.programme.requirements = {"self_registration": True}
    world.programme.save()
    publish_text(world)
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        for index in range(3):
            response = client.post(JOIN, _registration(
                email=f"child{index}@example.org", given_name=f"Kind{index}",
                guardian_email="Victim@Example.org"))
            assert response.status_code == 200
    run_tasks()
    to_victim = [m for m in mail.outbox if m.to == ["victim@example.org"]]
    assert len(to_victim) == 1
    assert Learner.objects.count() == 3
    assert GuardianConsent.objects.count() == 1  # the others are asked when a coordinator decides
    stamp_row = MailLimit.objects.get()
    assert stamp_row.address_hash == digest("victim@example.org")  # never the address itself
    # Past the per-address limit for the day, the form itself pauses.
    fourth = client.post(JOIN, _registration(email="child9@example.org", guardian_email="victim@example.org"))
    assert fourth.status_code == 429


def test_a_coordinator_asking_twice_in_a_day_is_told_why(world: World) -> None:
    publish_text(world)
    pupil = learner(world, age=12)
    client = world.client_for("coordinator")
    url = f"/o/{world.organisation.slug}/p/{world.programme.slug}/learners/{pupil.pk}/consent/request/"
    first = client.post(url, {"guardian": guardian_of(pupil).pk}, follow=True)
    assert "The guardian was e-mailed a link" in first.content.decode()
    again = client.post(url, {"guardian": guardian_of(pupil).pk}, follow=True)
    assert "was already sent a consent request today" in again.content.decode()
    # Tomorrow (the stamp a day old) the link goes out again.
    MailLimit.objects.update(last_sent=MailLimit.objects.get().last_sent.replace(year=2020))
    intake_services.consent_request(learner=pupil, guardian=guardian_of(pupil),
                                    actor=world.users["coordinator"])

