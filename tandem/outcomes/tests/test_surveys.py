"""Waves, personal links, answers, anonymity, reminders, and school indicators with consent."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail, signing
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import World
from tandem.outcomes import services
from tandem.outcomes.models import SchoolIndicator, SurveyInvitation, SurveyResponse
from tandem.outcomes.tests.factories import consenting, invitation, pair, wave

pytestmark = pytest.mark.django_db


def _answers(value: int = 3) -> dict[str, str]:
    return {f"q{i}": str(value) for i in range(1, 11)}


def test_personal_link_answers_once_in_dutch_without_log_in(world: World) -> None:
    item = invitation(world)
    url = reverse("outcomes:survey", kwargs={"token": services.link_token(item)})
    client = Client(HTTP_ACCEPT_LANGUAGE="nl")
    page = client.get(url)
    assert page.status_code == 200 and "Globaal genomen ben ik tevreden over mezelf." in page.content.decode()
    assert "Klopt helemaal" in page.content.decode()  # the learner's age is unknown: child-friendly answers
    assert client.post(url, _answers()).status_code == 302
    response = SurveyResponse.objects.get()
    assert response.score == 25 and response.person == world.people["learner"]
    assert response.subscores == {"positive": 15.0, "negative": 10.0}
    again = client.get(url)
    assert "Bedankt!" in again.content.decode()
    client.post(url, _answers(4))
    assert SurveyResponse.objects.count() == 1


def test_incomplete_answers_are_refused(world: World) -> None:
    item = invitation(world)
    url = reverse("outcomes:survey", kwargs={"token": services.link_token(item)})
    answers = _answers()
    del answers["q5"]
    assert Client().post(url, answers).status_code == 200
    assert not SurveyResponse.objects.exists()


def test_anonymous_wave_keeps_no_link_to_the_person(world: World) -> None:
    item = invitation(world, instrument="belonging", kind="closure", anonymous=True)
    services.response_submit(invitation=item, answers={f"b{i}": 4 for i in range(1, 6)}, language="nl")
    response = SurveyResponse.objects.get()
    assert response.person is None and response.match is None
    assert response.score == pytest.approx((4 + 4 + 4 + 1 + 4) / 5)  # b4 reverse-scored


def test_forged_revoked_and_closed_links(world: World) -> None:
    item = invitation(world)
    token = services.link_token(item)
    assert Client().get(reverse("outcomes:survey", kwargs={"token": token[:-2] + "xx"})).status_code == 404
    replaced = signing.dumps([item.pk, "wrong"], salt=services.SALT, compress=False)  # an old nonce
    assert Client().get(reverse("outcomes:survey", kwargs={"token": replaced})).status_code == 410
    item.wave.closes_on = timezone.localdate() - timedelta(days=1)
    item.wave.opens_on = timezone.localdate() - timedelta(days=5)
    item.wave.save()
    assert Client().get(reverse("outcomes:survey", kwargs={"token": token})).status_code == 410
    SurveyInvitation.objects.filter(pk=item.pk).update(revoked_at=timezone.now())
    assert Client().get(reverse("outcomes:survey", kwargs={"token": token})).status_code == 410  # "no longer works"


def test_sending_asks_each_person_once_and_reminds_once(world: World, run_tasks: Any,
                                                       django_capture_on_commit_callbacks: Any) -> None:
    pair(world)
    item = wave(world)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.invitations_send(wave=item, actor=world.users["coordinator"]) == 1
        assert services.invitations_send(wave=item, actor=world.users["coordinator"]) == 0
    run_tasks()
    assert len(mail.outbox) == 1 and "/survey/" in mail.outbox[0].body
    later = timezone.now() + timedelta(days=6)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send(now=later) == 1
        assert services.reminders_send(now=later) == 0
    run_tasks()
    assert len(mail.outbox) == 2


def test_wave_for_the_wrong_audience_is_refused(world: World) -> None:
    with pytest.raises(ValidationError):
        services.wave_create(programme=world.programme, actor=world.users["coordinator"], instrument="rses@1",
                             audience="mentor", kind="intake", opens_on=date(2026, 1, 1),
                             closes_on=date(2026, 2, 1), anonymous=False)


def test_school_indicators_need_the_recorded_consent(world: World) -> None:
    match = pair(world)
    learner = match.learner
    coordinator = world.users["coordinator"]
    with pytest.raises(ValidationError):  # the programme's consent text does not cover school results
        services.indicator_record(learner=learner, actor=coordinator, kind="absence_rate",
                                  measured_on=date(2026, 1, 5), number=Decimal("4.5"))
    consenting(world)
    row = services.indicator_record(learner=learner, actor=coordinator, kind="absence_rate",
                                    measured_on=date(2026, 1, 5), number=Decimal("4.5"))
    assert row.number == Decimal("4.5")
    learner.consents.update(withdrawn_at=timezone.now())  # the guardian withdraws
    with pytest.raises(ValidationError):
        services.indicator_record(learner=learner, actor=coordinator, kind="test_score",
                                  measured_on=date(2026, 1, 6), number=Decimal("535"))
    assert SchoolIndicator.objects.count() == 1


def test_indicator_import_previews_and_applies_all_or_nothing(world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    match = pair(world)
    consenting(world)
    learner = match.learner
    client = world.client_for("coordinator")
    url = reverse("outcomes:indicators_import", kwargs={"org": world.organisation.slug, "prog": world.programme.slug})
    good = (f"learner,given_name,indicator,measured_on,value,result,months_after\n"
            f"{learner.pk},Learner,absence_rate,2026-01-05,\"6,5\",,\n"
            f"{learner.pk},Learner,school_status,2026-09-01,,in_education,12\n")
    bad = good + "99999,X,absence_rate,2026-01-05,3,,\n"
    page = client.post(url, {"file": SimpleUploadedFile("s.csv", bad.encode())})
    assert page.status_code == 400 and not SchoolIndicator.objects.exists()
    page = client.post(url, {"file": SimpleUploadedFile("s.csv", good.encode())})
    assert page.status_code == 200
    batch = page.context["batch"]
    done = client.post(url, {"batch": str(batch.pk)})
    assert done.status_code == 302
    assert SchoolIndicator.objects.filter(source="import").count() == 2
    assert SchoolIndicator.objects.get(kind="absence_rate").number == Decimal("6.50")


@pytest.mark.parametrize("language", ["nl", "fr", "de"])
def test_an_instruments_licence_and_description_are_in_the_readers_language(world: World, language: str) -> None:

    from tandem.outcomes.instruments import INSTRUMENTS

    coordinator = world.users["coordinator"]
    coordinator.language = language
    coordinator.save()
    client = world.client_for("coordinator")
    for key, item in INSTRUMENTS.items():
        page = client.get(reverse("outcomes:instrument", kwargs={
            "org": world.organisation.slug, "prog": world.programme.slug, "code": key})).content.decode()
        assert item.licence[language] in page.replace("&#x27;", "'").replace("&amp;", "&")
        assert item.about[language] in page.replace("&#x27;", "'").replace("&amp;", "&")
        assert item.licence["en"] not in page and "free to use" not in page
