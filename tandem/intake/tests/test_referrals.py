"""Referral by a partner contact, scoped to their institution, and the coordinator's intake."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from conftest import World
from tandem.core.models import Membership
from tandem.intake import services
from tandem.intake.models import Learner, LearnerTransition
from tandem.intake.tests.factories import TODAY, learner, publish_text, second_school

State = Learner.State


def _url(world: World, name: str, **kwargs: Any) -> str:
    return reverse(f"intake:{name}", kwargs={"org": world.organisation.slug,
                                             "prog": world.programme.slug, **kwargs})


REFERRAL = {
    "given_name": "Ilias", "family_name": "El Amrani", "date_of_birth": "2012-03-04",
    "email": "", "phone": "+31 6 1234 5678", "language": "nl", "level": "vmbo",
    "reasons": ["study_skills", "motivation"], "languages": ["nl", "ar"],
    "availability": ["tue-afternoon", "thu-afternoon"], "postcode": "3073", "city": "Rotterdam",
    "gender_preference": "any", "guardian_email": "ouder@example.org", "guardian_language": "nl",
    "mentor_wishes": "Iemand die van voetbal houdt",
}


def test_a_partner_contact_refers_a_learner_for_their_own_school(world: World) -> None:
    client = world.client_for("partner_contact")
    form = client.get(_url(world, "referral_create")).content.decode()
    assert world.school.name in form
    response = client.post(_url(world, "referral_create"), {**REFERRAL, "institution": world.school.pk})
    assert response.status_code == 302
    pupil = Learner.objects.get(person__family_name="El Amrani")
    assert pupil.state == State.REFERRED and pupil.institution == world.school
    assert pupil.referred_by == world.people["partner_contact"]
    assert pupil.languages == ["nl", "ar"] and pupil.latitude is not None  # Rotterdam, built in
    assert pupil.person.guardian_links.get().guardian.email == "ouder@example.org"
    # No learner role before the coordinator accepts.
    assert not Membership.objects.filter(person=pupil.person, role="learner").exists()


def test_a_partner_contact_cannot_refer_for_another_school(world: World) -> None:
    other, _teacher = second_school(world)
    client = world.client_for("partner_contact")
    response = client.post(_url(world, "referral_create"), {**REFERRAL, "institution": other.pk})
    assert response.status_code == 200 and not Learner.objects.exists()


def test_school_a_cannot_see_or_guess_school_b_referrals(world: World) -> None:
    other, teacher_b = second_school(world)
    mine = learner(world, institution=world.school)
    theirs = learner(world, institution=other)
    client_a = world.client_for("partner_contact")
    client_b = Client()
    client_b.force_login(teacher_b)

    listing = client_a.get(_url(world, "referrals")).content.decode()
    assert mine.person.full_name in listing and theirs.person.full_name not in listing
    assert client_a.get(_url(world, "referral", pk=mine.pk)).status_code == 200
    assert client_a.get(_url(world, "referral", pk=theirs.pk)).status_code == 404
    assert client_b.get(_url(world, "referral", pk=mine.pk)).status_code == 404
    assert client_a.get(_url(world, "referral", pk=999_999)).status_code == 404
    # ...and the coordinator's pages stay closed to partner contacts.
    assert client_a.get(_url(world, "learner", pk=mine.pk)).status_code == 403
    # Coordinators see both.
    coordinator = world.client_for("coordinator").get(_url(world, "referrals")).content.decode()
    assert mine.person.full_name in coordinator and theirs.person.full_name in coordinator


def test_the_partner_sees_progress_but_no_contact_details_or_notes(world: World) -> None:
    pupil = learner(world, notes="Zznote: difficult home situation")
    services.learner_update(learner=pupil, actor=world.users["coordinator"],
                            expected_version=pupil.version, notes="Zznote: difficult home situation")
    services.learner_request_info(learner=pupil, actor=world.users["coordinator"], message="Which class?")
    pupil.person.phone = "+31 6 99999999"
    pupil.person.save()
    html = world.client_for("partner_contact").get(_url(world, "referral", pk=pupil.pk)).content.decode()
    assert "Intake" in html and pupil.person.full_name in html
    assert "Zznote" not in html and "99999999" not in html and "Which class" not in html


def test_accept_request_information_and_decline(
    world: World, django_capture_on_commit_callbacks: Any, run_tasks: Any
) -> None:
    coordinator = world.client_for("coordinator")
    adult = learner(world, age=19, guardian_email="")
    with django_capture_on_commit_callbacks(execute=True):
        coordinator.post(_url(world, "learner_request_info", pk=adult.pk), {"message": "Which class is she in?"})
    run_tasks()
    assert mail.outbox[-1].to == [world.people["partner_contact"].email]
    assert "Which class is she in?" in mail.outbox[-1].body
    adult.refresh_from_db()
    assert adult.state == State.INTAKE

    with django_capture_on_commit_callbacks(execute=True):
        coordinator.post(_url(world, "learner_accept", pk=adult.pk))
    run_tasks()
    adult.refresh_from_db()
    assert adult.state == State.WAITING and adult.waiting_since is not None
    assert Membership.objects.filter(person=adult.person, programme=world.programme, role="learner").exists()
    assert "waiting list" in mail.outbox[-1].subject
    # A double-click does not record a second step.
    coordinator.post(_url(world, "learner_accept", pk=adult.pk))
    assert LearnerTransition.objects.filter(learner=adult, to_state=State.WAITING).count() == 1

    other = learner(world, age=19, guardian_email="")
    coordinator.post(_url(world, "learner_decline", pk=other.pk), {"reason": ""})
    other.refresh_from_db()
    assert other.state == State.REFERRED  # a reason is required
    coordinator.post(_url(world, "learner_decline", pk=other.pk), {"reason": "Lives outside Rotterdam"})
    other.refresh_from_db()
    assert other.state == State.DECLINED and other.state_reason == "Lives outside Rotterdam"
    step = other.transitions.first()
    assert step is not None and step.actor == world.users["coordinator"] and step.from_state == "referred"


def test_the_lifecycle_refuses_impossible_steps(world: World) -> None:
    pupil = learner(world, age=19, guardian_email="")
    coordinator = world.users["coordinator"]
    with pytest.raises(ValidationError):
        services.learner_transition(learner=pupil, to_state=State.COMPLETED, actor=coordinator)
    with pytest.raises(ValidationError, match="reason"):
        services.learner_transition(learner=pupil, to_state=State.DECLINED, actor=coordinator)
    stale = Learner.objects.get(pk=pupil.pk)
    services.learner_transition(learner=pupil, to_state=State.WAITING, actor=coordinator, today=TODAY)
    # *Matched* only comes with a published match, never by hand.
    with pytest.raises(ValidationError, match="published"):
        services.learner_transition(learner=pupil, to_state=State.MATCHED, actor=coordinator, today=TODAY)
    # A stale object cannot move the learner back: the state is re-read.
    with pytest.raises(ValidationError):
        services.learner_transition(learner=stale, to_state=State.DECLINED, actor=coordinator, reason="x")


def test_coordinator_completes_the_profile_and_stale_edits_are_refused(world: World) -> None:
    publish_text(world)
    pupil = learner(world)
    client = world.client_for("coordinator")
    data = {"version": pupil.version, "institution": world.school.pk, "level": "havo",
            "reasons": ["exam_preparation"], "languages": ["nl", "pap"], "availability": ["sat-morning"],
            "gender_preference": "female", "postcode": "3082", "city": "Rotterdam", "notes": "ok"}
    assert client.post(_url(world, "learner_edit", pk=pupil.pk), data).status_code == 302
    pupil.refresh_from_db()
    assert pupil.level == "havo" and pupil.languages == ["nl", "pap"] and pupil.person.postcode == "3082"
    stale = client.post(_url(world, "learner_edit", pk=pupil.pk), {**data, "level": "vwo"})
    assert stale.status_code == 200 and "Someone else saved this" in stale.content.decode()
    assert '<td data-label="Saved meanwhile" class="theirs">havo (senior general secondary)</td>' in stale.content.decode()
    page = client.get(_url(world, "learner", pk=pupil.pk)).content.decode()
    assert "Exam preparation" in page and "Saturday morning" in page


def test_a_reason_too_long_says_so_and_keeps_what_was_typed(world: World) -> None:
    """A hand-made post longer than the field: Django's max_length message, in the reader's
    language, the text kept in the box and nothing declined ("Give a reason." was wrong)."""
    from html import unescape

    pupil = learner(world, age=19, guardian_email="")
    client = world.client_for("coordinator")
    typed = "Woont buiten Rotterdam " + "x" * 290
    for language, message in {"en": "Ensure this value has at most 300 characters (it has 313).",
                              "nl": "Zorg dat deze waarde niet meer dan 300 tekens bevat (het zijn er nu 313)."}.items():
        client.post(reverse("core:set_language"), {"language": language, "next": "/"})
        page = client.post(_url(world, "learner_decline", pk=pupil.pk), {"reason": typed})
        assert page.status_code == 200, language
        html = unescape(page.content.decode())
        assert message in html and "Give a reason." not in html and "Geef een reden." not in html, language
        assert f'value="{typed}"' in html, language  # the decline box keeps it
        pupil.refresh_from_db()
        assert pupil.state == State.REFERRED

    client.post(reverse("core:set_language"), {"language": "en", "next": "/"})
    page = client.post(_url(world, "learner_transition", pk=pupil.pk), {"to_state": "declined", "reason": typed})
    html = unescape(page.content.decode())
    assert page.status_code == 200 and "at most 300 characters" in html and "Choose the new state." not in html
    assert f'value="{typed}"' in html and '<option value="declined" selected>' in html

    page = client.post(_url(world, "learner_decline", pk=pupil.pk), {"reason": " "})
    assert "Give a reason." in unescape(page.content.decode())  # an empty one still asks for one


def test_a_minor_accepted_before_consent_is_not_offered_accept_again(world: World) -> None:
    # A new coordinator who saw "Accept" again after accepting thought it had not worked: the page
    # now says what is next (the guardian's consent) and links to it.
    coordinator = world.client_for("coordinator")
    minor = learner(world, age=12)
    url = _url(world, "learner", pk=minor.pk)
    assert 'id="accept-form"' in coordinator.get(url).content.decode()
    coordinator.post(_url(world, "learner_accept", pk=minor.pk))
    minor.refresh_from_db()
    assert minor.state == State.INTAKE and minor.accepted_at is not None
    page = coordinator.get(url, headers={"accept-language": "nl"}).content.decode()
    assert 'id="accept-form"' not in page
    assert 'id="accepted-waiting"' in page and 'href="#h-consent"' in page
    assert "Volgende stap: leg hieronder de toestemming van de ouder/voogd vast." in page


def test_the_only_guardian_is_chosen_already_and_shows_their_address(world: World) -> None:
    # From a file a guardian is often only an address (named "ouders.demir Demir"): the consent
    # form names the address and, with one guardian, has them chosen already.
    coordinator = world.client_for("coordinator")
    minor = learner(world, age=12, guardian_email="ouders.demir@voorbeeld.nl")
    coordinator.post(_url(world, "learner_accept", pk=minor.pk))
    page = coordinator.get(_url(world, "learner", pk=minor.pk)).content.decode()
    guardian = minor.person.guardian_links.get().guardian
    assert f'<option value="{guardian.pk}" selected>' in page
    assert "· ouders.demir@voorbeeld.nl</option>" in page
