"""Demo data in every state; the coordinator board (filters, htmx, bulk) and the volunteer's page."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from conftest import World
from tandem.core import demo
from tandem.core.models import Programme
from tandem.onboarding.models import Registration, TrainingCertificate, Volunteer, VolunteerState
from tandem.onboarding.screening import missing_items
from tandem.onboarding.selectors import expired_certificate_ids, matchable_volunteers
from tandem.onboarding.tests.helpers import screened, volunteer


def test_demo_has_volunteers_in_every_state(db) -> None:
    call_command("seed_demo", "--quiet-logins", stdout=StringIO())
    today = timezone.localdate()
    assert Programme.objects.count() == len(demo.SPECS)
    with_certificates = 0
    for programme in Programme.objects.all():
        states = set(programme.volunteers.values_list("state", flat=True))
        assert states == set(VolunteerState.values), programme
        account = programme.volunteers.get(person__user__email=demo.role_email("mentor", programme.slug))
        # The demo mentor is paired with the demo learner by the matching demo (active), or
        # waits for a match (ready); either way screened, trained and in good standing.
        assert account.state in ("ready", "active")
        assert account.state == "active" or account in matchable_volunteers(programme=programme, today=today)
        assert Registration.objects.filter(workshop__programme=programme, attended=True).exists()
        assert Registration.objects.filter(workshop__programme=programme, status="waiting").exists()
        if programme.requirement("safeguarding_certificate_required"):
            with_certificates += 1
            assert expired_certificate_ids(programme=programme, today=today)
    assert with_certificates  # some demo programme asks for a certificate: the check above ran
    assert TrainingCertificate.objects.exists()
    # Everyone ready or active meets the ready gate (or is flagged: certificate expired).
    ready = Volunteer.objects.filter(state__in=("ready", "active"))
    assert ready.exists()
    assert all(not missing_items(v, today=today) or v.pk in expired_certificate_ids(programme=v.programme, today=today)
               for v in ready.select_related("programme", "person"))


def test_board_filters_counts_and_bulk_moves(world: World) -> None:
    client = world.client_for("coordinator")
    a = volunteer(world, email="a@example.org", languages=["tr"])
    b = volunteer(world, email="b@example.org", languages=["nl"])
    page = client.get("/o/zuid/p/moz/volunteers/").content.decode()
    assert "Applied: 2" in page
    partial = client.get("/o/zuid/p/moz/volunteers/?language=tr", HTTP_HX_REQUEST="true")
    html = partial.content.decode()
    assert "<html" not in html and "a@example.org" not in html  # a partial, without e-mails
    assert html.count('name="volunteers"') == 1
    response = client.post("/o/zuid/p/moz/volunteers/bulk/",
                           {"volunteers": [a.pk, b.pk], "to_state": "screening", "reason": "called"})
    assert response.status_code == 302
    assert set(Volunteer.objects.values_list("state", flat=True)) == {"screening"}
    assert a.transitions.get().reason == "called"
    assert "2 volunteers moved." in client.get(response.url).content.decode()
    # One volunteer is one, in every language.
    one = client.post("/o/zuid/p/moz/volunteers/bulk/", {"volunteers": [a.pk], "to_state": "training"}, follow=True)
    assert "1 volunteer moved." in one.content.decode()
    for lang, words, back in (("nl", "1 vrijwilliger verplaatst.", "screening"),
                              ("fr", "1 bénévole déplacé.", "training"),
                              ("de", "1 Ehrenamtliche:r verschoben.", "screening")):
        moved = client.post("/o/zuid/p/moz/volunteers/bulk/", {"volunteers": [a.pk], "to_state": back},
                            headers={"accept-language": lang}, follow=True)
        assert words in moved.content.decode(), lang


def test_screening_forms_and_the_volunteers_own_page(world: World) -> None:
    coordinator = world.client_for("coordinator")
    mentor_person = world.people["mentor"]
    v = Volunteer.objects.create(programme=world.programme, person=mentor_person, state="screening")
    base = f"/o/zuid/p/moz/volunteers/{v.pk}/"
    today = timezone.localdate().isoformat()
    for form, data in (("interview/", {"held_on": today, "notes": "motivated"}),
                       ("references/", {"received": "1"}),
                       ("certificate/", {"seen_on": today, "issued_on": today})):
        # Each form carries the version of the page it was on (the page is reloaded after each).
        version = Volunteer.objects.get(pk=v.pk).version
        assert coordinator.post(base + form, {**data, "version": version}).status_code == 302
    v.refresh_from_db()
    assert v.interviewer == world.users["coordinator"]
    assert v.certificate_verified_by == world.users["coordinator"] and v.references_received == 1
    own = world.client_for("mentor").get("/o/zuid/p/moz/volunteers/me/").content.decode()
    assert "Screening" in own and "Training: 0 of 2 hours attended." in own
    assert "VOG" not in own.split("Still missing")[1].split("</ul>")[0]  # certificate is done
    other = world.client_for("learner").get("/o/zuid/p/moz/volunteers/me/").content.decode()
    assert "no volunteer application" in other
    screened(v, world)
