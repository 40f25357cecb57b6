"""Guardian consent: a minor cannot enter matching without it, withdrawing it takes the learner
out of matching, a new text version asks again, and the e-mailed link works."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from conftest import World
from tandem.intake import selectors, services
from tandem.intake.models import GuardianConsent, Learner
from tandem.intake.tests.factories import TODAY, guardian_of, learner, publish_text

State = Learner.State


def _matchable(world: World) -> list[Learner]:
    return list(selectors.matchable_learners(programme=world.programme, today=TODAY))


def test_a_minor_cannot_enter_the_waiting_list_or_matching_without_consent(world: World) -> None:
    publish_text(world)
    pupil = learner(world, age=12)
    coordinator = world.users["coordinator"]
    with pytest.raises(ValidationError, match="must consent"):
        services.learner_transition(learner=pupil, to_state=State.WAITING, actor=coordinator, today=TODAY)
    # Accepting keeps them in intake, waiting for consent, and not matchable.
    pupil = services.learner_accept(learner=pupil, actor=coordinator, today=TODAY)
    assert pupil.state == State.INTAKE and pupil not in _matchable(world)
    # Even someone forcing the state cannot make them matchable without consent.
    Learner.objects.filter(pk=pupil.pk).update(state=State.WAITING, waiting_since=TODAY)
    assert _matchable(world) == []
    Learner.objects.filter(pk=pupil.pk).update(state=State.INTAKE)

    services.consent_record_paper(learner=pupil, guardian=guardian_of(pupil), actor=coordinator, today=TODAY)
    pupil.refresh_from_db()
    assert pupil.state == State.WAITING and pupil.waiting_since == TODAY  # moved on by itself
    assert _matchable(world) == [pupil]
    assert list(pupil.transitions.values_list("to_state", flat=True)) == ["waiting", "intake", "referred"]


def test_adults_need_no_consent_and_an_unknown_age_counts_as_a_minor(world: World) -> None:
    publish_text(world)
    adult = learner(world, age=17, guardian_email="")  # NL: 16 is the age of digital consent
    services.learner_accept(learner=adult, actor=world.users["coordinator"], today=TODAY)
    unknown = learner(world, age=None, guardian_email="")
    assert selectors.needs_consent(unknown, today=TODAY)
    world.programme.requirements = {"digital_consent_age": 18}
    world.programme.save()
    assert selectors.needs_consent(Learner.objects.get(pk=adult.pk), today=TODAY)
    assert _matchable(world) == []  # the programme raised its age: consent is now needed


def test_withdrawing_consent_removes_the_learner_from_matching_and_tells_the_coordinator(
    world: World, django_capture_on_commit_callbacks: Any, run_tasks: Any, client: Any,
) -> None:
    publish_text(world)
    pupil = learner(world, age=12)
    coordinator = world.users["coordinator"]
    consent = services.consent_record_paper(learner=pupil, guardian=guardian_of(pupil),
                                            actor=coordinator, today=TODAY)
    pupil = services.learner_accept(learner=pupil, actor=coordinator, today=TODAY)
    assert _matchable(world) == [pupil]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/consent/{consent.token}/", {"action": "withdraw"})
    assert response.status_code == 200
    run_tasks()
    pupil.refresh_from_db()
    assert pupil.state == State.INTAKE and _matchable(world) == []
    assert pupil.transitions.first().get_reason_display() == "Guardian's consent withdrawn"  # type: ignore[union-attr]
    to_coordinator = [m for m in mail.outbox if m.to == [world.people["coordinator"].email]]
    assert to_coordinator and "withdrew" in to_coordinator[0].body
    with pytest.raises(ValidationError):
        services.learner_transition(learner=pupil, to_state=State.WAITING, actor=coordinator, today=TODAY)


def test_withdrawal_while_matched_warns_the_coordinator(
    world: World, django_capture_on_commit_callbacks: Any, run_tasks: Any, client: Any
) -> None:
    publish_text(world)
    pupil = learner(world, age=12)
    coordinator = world.users["coordinator"]
    consent = services.consent_record_paper(learner=pupil, guardian=guardian_of(pupil), actor=coordinator)
    services.learner_accept(learner=pupil, actor=coordinator)
    # Matched the only way there is: a match with a mentor.
    from tandem.matching import services as matching_services
    from tandem.matching.tests.factories import mentor, relax

    relax(world)  # screening requirements off: the mentor is ready
    matching_services.match_create(programme=world.programme, volunteer=mentor(world, "Anna"), learner=pupil,
                                   actor=coordinator)
    pupil.refresh_from_db()
    assert pupil.state == State.MATCHED
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/consent/{consent.token}/", {"action": "withdraw"})
    run_tasks()
    assert "matched with a mentor" in mail.outbox[-1].body
    # The guardian's page does not say the programme stopped looking for a mentor: the child has
    # one, and a coordinator gets in touch about ending the match.
    page = response.content.decode()
    assert "zoekt geen mentor meer" not in page
    assert "zijn op de hoogte en nemen contact met je op over het beëindigen van het koppel" in page  # nl


def test_a_new_consent_text_version_asks_again(world: World) -> None:
    publish_text(world)
    pupil = learner(world, age=12)
    coordinator = world.users["coordinator"]
    services.consent_record_paper(learner=pupil, guardian=guardian_of(pupil), actor=coordinator, today=TODAY)
    services.learner_accept(learner=pupil, actor=coordinator, today=TODAY)
    assert len(_matchable(world)) == 1
    assert publish_text(world, "A changed text.") == 2
    assert _matchable(world) == []
    pupil.refresh_from_db()
    assert not selectors.consent_ok(pupil, today=TODAY)
    # The guardian can be asked again for the new version (a new open request).
    again = services.consent_request(learner=pupil, guardian=guardian_of(pupil), actor=coordinator)
    assert again.version == 2 and again.given_at is None


def test_a_referral_emails_the_guardian_a_link_that_records_consent(
    world: World, django_capture_on_commit_callbacks: Any, run_tasks: Any, client: Any,
) -> None:
    publish_text(world)
    with django_capture_on_commit_callbacks(execute=True):
        pupil = services.referral_create(
            programme=world.programme, actor=world.users["partner_contact"],
            referrer=world.people["partner_contact"], institution=world.school,
            person={"given_name": "Noor", "family_name": "Bakker", "date_of_birth": TODAY.replace(year=2015),
                    "language": "nl"},
            profile={}, guardian={"email": "ouder.bakker@example.org", "language": "nl"}, today=TODAY,
        )
    run_tasks()
    to_guardian = [m for m in mail.outbox if m.to == ["ouder.bakker@example.org"]]
    assert len(to_guardian) == 1 and "toestemming" in to_guardian[0].subject  # the guardian's language
    assert any(m.to == [world.people["coordinator"].email] for m in mail.outbox)  # referral received
    link = re.search(r"https?://\S+/consent/(\S+)/", to_guardian[0].body)
    assert link is not None
    page = client.get(f"/consent/{link.group(1)}/")
    assert "Ik ga akkoord." in page.content.decode()  # the text in the guardian's language
    client.post(f"/consent/{link.group(1)}/", {"action": "confirm"})
    consent = GuardianConsent.objects.get(learner=pupil)
    assert consent.is_given and consent.method == "email_link" and consent.version == 1
    # A second click changes nothing.
    again = client.post(f"/consent/{link.group(1)}/", {"action": "confirm"})
    assert again.status_code == 400
    assert GuardianConsent.objects.filter(learner=pupil, given_at__isnull=False).count() == 1
    assert client.get("/consent/not-a-token/").status_code == 404


def test_publishing_a_new_version_can_ask_every_guardian_again(
    world: World, django_capture_on_commit_callbacks: Any, run_tasks: Any
) -> None:
    publish_text(world)
    pupil = learner(world, age=12)
    services.consent_record_paper(learner=pupil, guardian=guardian_of(pupil), actor=world.users["coordinator"])
    client = world.client_for("coordinator")
    url = f"/o/{world.organisation.slug}/p/{world.programme.slug}/learners/consent-texts/"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"text_nl": "Nieuwe tekst.", "ask_again": "on"}, follow=True)
    assert "The guardians of 1 learner were asked again." in response.content.decode()
    run_tasks()
    assert [m.to for m in mail.outbox] == [["ouder@example.org"]]
    assert GuardianConsent.objects.get(learner=pupil, version=2).given_at is None


def test_the_guardian_sees_their_consent_on_the_programme_page(world: World) -> None:
    publish_text(world)
    child = Learner.objects.create(programme=world.programme, person=world.people["learner"])
    GuardianConsent.objects.create(learner=child, guardian=world.people["guardian"], version=1,
                                   method="email_link")
    html = world.client_for("guardian").get(world.programme.get_absolute_url()).content.decode()
    assert "Your consent" in html and "asked, no answer yet" in html


@pytest.mark.parametrize("finished", [State.COMPLETED, State.LEFT, State.DECLINED])
def test_a_finished_learner_is_asked_no_consent_and_shows_no_waiting_time(world: World, client: Any,
                                                                        finished: str) -> None:
    """A learner whose time in the programme has ended: no request form, no warning that a guardian
    must consent, no "Waiting since"; the services refuse, in the coordinator's language."""
    publish_text(world)
    pupil = learner(world, age=12)
    Learner.objects.filter(pk=pupil.pk).update(state=finished, waiting_since=TODAY)
    pupil.refresh_from_db()
    coordinator = world.users["coordinator"]
    client.force_login(coordinator)
    page = client.get(f"/o/{world.programme.organisation.slug}/p/{world.programme.slug}/learners/{pupil.pk}/",
                      headers={"accept-language": "en"}).content.decode()
    assert "Guardian consent" in page
    assert "E-mail the consent link" not in page and "Record a signed paper form" not in page
    assert "a guardian must consent before matching" not in page
    assert "Waiting since" not in page
    for ask in (lambda: services.consent_request(learner=pupil, guardian=guardian_of(pupil), actor=coordinator),
                lambda: services.consent_record_paper(learner=pupil, guardian=guardian_of(pupil), actor=coordinator,
                                                      today=TODAY)):
        with pytest.raises(ValidationError, match="no consent is asked any more"):
            ask()
    assert not mail.outbox and not pupil.consents.exists()


def test_a_waiting_learner_still_shows_since_when_and_the_request_form(world: World, client: Any) -> None:
    publish_text(world)
    pupil = learner(world, age=12)
    Learner.objects.filter(pk=pupil.pk).update(state=State.WAITING, waiting_since=TODAY)
    client.force_login(world.users["coordinator"])
    page = client.get(f"/o/{world.programme.organisation.slug}/p/{world.programme.slug}/learners/{pupil.pk}/",
                      headers={"accept-language": "en"}).content.decode()
    assert "Waiting since" in page and "E-mail the consent link" in page


def test_the_first_text_asks_the_guardians_not_again(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    # A new programme's first consent text said its guardians were asked "again".
    pupil = learner(world, age=12)
    services.learner_accept(learner=pupil, actor=world.users["coordinator"])
    client = world.client_for("coordinator")
    url = f"/o/{world.organisation.slug}/p/{world.programme.slug}/learners/consent-texts/"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"text_nl": "Eerste tekst.", "ask_again": "on"}, follow=True,
                               headers={"accept-language": "nl"})
    page = response.content.decode()
    assert "De ouders/voogden van 1 leerling zijn om toestemming gevraagd." in page
    assert "leerling zijn opnieuw gevraagd" not in page
