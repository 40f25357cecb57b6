"""A learner whose address cannot be placed is saved, flagged at entry and on every list the
coordinator reads, and placed as soon as the address is corrected or postcodes are loaded."""

from __future__ import annotations

import time
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from conftest import World
from tandem.core.antispam import stamp
from tandem.core.models import AuditEvent
from tandem.core.places import geocode
from tandem.core.services import person_update
from tandem.intake import services
from tandem.intake.models import Learner
from tandem.intake.tests.factories import learner
from tandem.intake.tests.test_referrals import REFERRAL

pytestmark = pytest.mark.django_db

NOT_ON_MAP = "Not on the map"


def _url(world: World, name: str, **kwargs: Any) -> str:
    return reverse(f"intake:{name}", kwargs={"org": world.organisation.slug,
                                             "prog": world.programme.slug, **kwargs})


def _edit(world: World, pupil: Learner, **changes: Any) -> dict[str, Any]:
    pupil.refresh_from_db()
    data = {"version": pupil.version, "institution": world.school.pk, "level": "havo",
            "languages": "nl", "availability": ["mon-afternoon"], "gender_preference": "any",
            "postcode": pupil.person.postcode, "city": pupil.person.city,
            "latitude": "" if pupil.latitude is None else pupil.latitude,
            "longitude": "" if pupil.longitude is None else pupil.longitude, **changes}
    return data


def test_a_referral_that_cannot_be_placed_is_saved_and_flagged_everywhere(world: World) -> None:
    client = world.client_for("partner_contact")
    response = client.post(_url(world, "referral_create"), {
        **REFERRAL, "postcode": "0000", "city": "Nergenshuizen", "institution": world.school.pk,
    }, follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    # Told at entry, in a school's words: no records, flags or coordinates.
    assert "We could not find “0000 Nergenshuizen” on the map. The referral was received" in page
    assert "flagged" not in page and "coordinates" not in page
    pupil = Learner.objects.get(person__family_name="El Amrani")  # saved anyway
    assert pupil.latitude is None and pupil.longitude is None

    coordinator = world.client_for("coordinator")
    assert NOT_ON_MAP in coordinator.get(_url(world, "learners")).content.decode()
    detail = coordinator.get(_url(world, "learner", pk=pupil.pk)).content.decode()
    assert "could not be placed on the map, so matching cannot use distance" in detail
    services.learner_transition(learner=pupil, to_state=Learner.State.INTAKE,
                                actor=world.users["coordinator"])
    home = coordinator.get(reverse("core:programme", kwargs={
        "org": world.organisation.slug, "prog": world.programme.slug})).content.decode()
    assert "1 learner's address could not be placed on the map" in home


def test_a_school_referring_without_an_address_is_told_in_plain_dutch(world: World) -> None:
    client = world.client_for("partner_contact")
    response = client.post(_url(world, "referral_create"), {
        **REFERRAL, "postcode": "", "city": "", "institution": world.school.pk,
    }, follow=True, headers={"accept-language": "nl"})
    page = response.content.decode()
    assert "Er is geen postcode of plaats opgegeven. De aanmelding is ontvangen" in page
    assert "coördinaten" not in page and "dossier" not in page.lower()


def test_a_coordinator_entering_a_pupil_without_an_address_hears_of_the_flag(world: World) -> None:
    response = world.client_for("coordinator").post(_url(world, "referral_create"), {
        **REFERRAL, "postcode": "", "city": "", "institution": world.school.pk,
    }, follow=True)
    assert "The record is flagged until an address" in response.content.decode()


def test_a_placed_learner_is_not_flagged(world: World) -> None:
    pupil = learner(world)  # Rotterdam
    assert pupil.latitude is not None
    page = world.client_for("coordinator").get(_url(world, "learners")).content.decode()
    assert NOT_ON_MAP not in page


def test_a_placed_learners_page_shows_the_place_not_its_coordinates(world: World) -> None:
    """The coordinator reads "3011 Rotterdam", not "3011 Rotterdam (51,92, 4,48)": the point is for
    matching, not for people."""
    pupil = learner(world)
    pupil.latitude, pupil.longitude = 51.9234, 4.4812
    pupil.save()
    page = world.client_for("coordinator").get(_url(world, "learner", pk=pupil.pk)).content.decode()
    assert pupil.person.city in page
    assert "51.923" not in page and "51,923" not in page and "4.481" not in page and "4,481" not in page
    assert "could not be placed on the map" not in page


def test_correcting_the_address_places_the_learner_and_a_wrong_one_flags_them(world: World) -> None:
    pupil = learner(world)
    client = world.client_for("coordinator")
    response = client.post(_url(world, "learner_edit", pk=pupil.pk),
                           _edit(world, pupil, postcode="", city="Nergenshuizen"), follow=True)
    assert "“Nergenshuizen” could not be placed on the map" in response.content.decode()
    pupil.refresh_from_db()
    assert pupil.latitude is None  # the old point would put them in Rotterdam: cleared
    client.post(_url(world, "learner_edit", pk=pupil.pk), _edit(world, pupil, city="Kerkrade"))
    pupil.refresh_from_db()
    assert pupil.latitude is not None and abs(pupil.latitude - 50.87) < 0.05
    # Coordinates the coordinator types win over the address.
    client.post(_url(world, "learner_edit", pk=pupil.pk),
                _edit(world, pupil, city="Maastricht", latitude="50.5", longitude="5.5"))
    pupil.refresh_from_db()
    assert (pupil.latitude, pupil.longitude) == (50.5, 5.5)


def test_an_address_changed_on_the_persons_page_moves_the_learner(world: World) -> None:
    pupil = learner(world)
    person = pupil.person
    person_update(person=person, actor=world.users["coordinator"], programme=world.programme,
                  expected_version=person.version, postcode="6461", city="Kerkrade")
    pupil.refresh_from_db()
    assert (pupil.latitude, pupil.longitude) == geocode(country="NL", postcode="6461", city="Kerkrade")
    person.refresh_from_db()
    person_update(person=person, actor=world.users["coordinator"], programme=world.programme,
                  expected_version=person.version, postcode="", city="Nergenshuizen")
    pupil.refresh_from_db()
    assert pupil.latitude is None  # not left in Kerkrade: flagged


def test_self_registration_tells_the_applicant_and_flags_the_record(world: World, client: Client) -> None:
    world.programme.requirements = {"self_registration": True}
    world.programme.save()
    response = client.post(f"/join/{world.organisation.slug}/{world.programme.slug}/", {
        "given_name": "Jonas", "family_name": "Weber", "email": "jonas@example.org",
        "date_of_birth": "2004-05-06", "postcode": "0000", "city": "Nergenshuizen",
        "languages": "nl", "reasons": ["sense_of_belonging"], "availability": ["mon-evening"],
        "gender_preference": "any", "ts": stamp(time.time() - 60),
    })
    assert "We could not find “0000 Nergenshuizen” on the map" in response.content.decode()
    assert Learner.objects.get(person__family_name="Weber").latitude is None


def test_loading_postcodes_places_learners_who_could_not_be_placed(world: World, tmp_path: Path) -> None:
    pupil = learner(world)
    Learner.objects.filter(pk=pupil.pk).update(latitude=None, longitude=None)
    pupil.person.postcode, pupil.person.city = "9999 XX", "Nergenshuizen"
    pupil.person.save()
    dump = tmp_path / "NL.txt"
    dump.write_text("NL\t9999 XX\tNergenshuizen\tGroningen\t04\t\t\t\t\t53.1\t6.1\t6\n", encoding="utf-8")
    call_command("load_postcodes", str(dump), stdout=StringIO())
    pupil.refresh_from_db()
    assert (pupil.latitude, pupil.longitude) == (53.1, 6.1)


def test_a_closed_record_without_a_place_is_not_flagged(world: World) -> None:
    """Last year's completed learners (their address gone, by the demo or by retention) were each
    flagged "Not on the map", as if matching still needed them: only records matching may use are."""
    from django.utils import timezone

    from tandem.core.models import Person

    waiting, done = learner(world), learner(world)
    for row, name, state in ((waiting, "Wachtend", "waiting"), (done, "Afgerond", "completed")):
        Person.objects.filter(pk=row.person_id).update(given_name=name)
        Learner.objects.filter(pk=row.pk).update(state=state, latitude=None, longitude=None,
                                                 waiting_since=timezone.now())
    coordinator = world.client_for("coordinator")
    rows = coordinator.get(_url(world, "learners")).content.decode().split("<tr")
    assert any("Wachtend" in row and NOT_ON_MAP in row for row in rows)
    assert not any("Afgerond" in row and NOT_ON_MAP in row for row in rows)
    assert "could not be placed" not in coordinator.get(_url(world, "learner", pk=done.pk)).content.decode()


def test_the_state_change_form_preselects_no_state(world: World) -> None:
    """A waiting learner's page offered "Left" ready to submit: one click on "Change" with nothing
    chosen took them off the waiting list. Now nothing is chosen, and sending it is refused."""
    pupil = learner(world)
    coordinator = world.client_for("coordinator")
    page = coordinator.get(_url(world, "learner", pk=pupil.pk)).content.decode()
    select = page.split('name="to_state"', 1)[1].split("</select>", 1)[0]
    assert 'required><option value="" selected>' in select
    state = Learner.objects.get(pk=pupil.pk).state
    coordinator.post(_url(world, "learner_transition", pk=pupil.pk), {"to_state": "", "reason": ""})
    assert Learner.objects.get(pk=pupil.pk).state == state


# --- The point the coordinator means: typed, or the address's -------------------------------------


def _page(world: World, pupil: Learner, **changes: Any) -> dict[str, Any]:
    """What the edit page sends: its fields and, hidden, the address and point it showed."""
    data = _edit(world, pupil)
    shown = {f"initial-{name}": data[name] for name in ("postcode", "city", "latitude", "longitude")}
    return {**data, **shown, **changes}


def _written(pupil: Learner) -> tuple[Any, ...]:
    pupil.refresh_from_db()
    audited = AuditEvent.objects.filter(subject=f"learner:{pupil.pk}").count()
    return pupil.version, pupil.person.city, pupil.latitude, pupil.longitude, audited


def test_a_double_tap_after_a_new_town_moves_the_learner_once(world: World) -> None:
    """The page still shows Rotterdam's point when the town becomes Schiedam: left as shown, the
    point is Schiedam's, and the second post of the same page finds that save as its own."""
    pupil = learner(world)
    assert pupil.latitude is not None  # placed in Rotterdam
    client = world.client_for("coordinator")
    data = _page(world, pupil, city="Schiedam")
    first = client.post(_url(world, "learner_edit", pk=pupil.pk), data)
    written = _written(pupil)
    again = client.post(_url(world, "learner_edit", pk=pupil.pk), data)
    assert first.status_code == again.status_code == 302 and again["Location"] == first["Location"]
    assert _written(pupil) == written
    assert (pupil.latitude, pupil.longitude) == geocode(city="Schiedam", programme=world.programme)


def test_a_second_coordinators_older_page_is_refused_and_does_not_move_them_back(world: World) -> None:
    pupil = learner(world)
    older = _page(world, pupil, notes="Wil elektricien worden")
    assert world.client_for("coordinator").post(
        _url(world, "learner_edit", pk=pupil.pk), _page(world, pupil, city="Schiedam")).status_code == 302
    written = _written(pupil)
    refused = world.client_for("org_admin").post(_url(world, "learner_edit", pk=pupil.pk), older)
    assert refused.status_code == 200
    assert "Someone else saved this while you were editing" in refused.content.decode()
    assert _written(pupil) == written


def test_coordinates_typed_with_a_new_town_win_and_a_double_tap_keeps_them(world: World) -> None:
    pupil = learner(world)
    client = world.client_for("coordinator")
    data = _page(world, pupil, city="Maastricht", latitude="50.5", longitude="5.5")
    assert client.post(_url(world, "learner_edit", pk=pupil.pk), data).status_code == 302
    written = _written(pupil)
    assert client.post(_url(world, "learner_edit", pk=pupil.pk), data).status_code == 302
    assert _written(pupil) == written and (pupil.latitude, pupil.longitude) == (50.5, 5.5)


def test_coordinates_typed_earlier_stay_when_something_else_is_edited(world: World) -> None:
    pupil = learner(world)
    client = world.client_for("coordinator")
    client.post(_url(world, "learner_edit", pk=pupil.pk), _page(world, pupil, latitude="51.95", longitude="4.45"))
    assert client.post(_url(world, "learner_edit", pk=pupil.pk),
                       _page(world, pupil, notes="Komt op woensdag")).status_code == 302
    pupil.refresh_from_db()
    assert (pupil.latitude, pupil.longitude) == (51.95, 4.45)  # not put back on Rotterdam's centre


def test_emptied_coordinates_are_the_addresss_again(world: World) -> None:
    pupil = learner(world)
    client = world.client_for("coordinator")
    client.post(_url(world, "learner_edit", pk=pupil.pk), _page(world, pupil, latitude="51.95", longitude="4.45"))
    data = _page(world, pupil, latitude="", longitude="")
    assert client.post(_url(world, "learner_edit", pk=pupil.pk), data).status_code == 302
    written = _written(pupil)
    assert (pupil.latitude, pupil.longitude) == geocode(city="Rotterdam", programme=world.programme)
    assert client.post(_url(world, "learner_edit", pk=pupil.pk), data).status_code == 302
    assert _written(pupil) == written


def test_a_new_town_with_the_old_postcode_is_refused_with_the_input_kept(world: World) -> None:
    """The geocoder reads the postcode first: Schiedam typed with Rotterdam's 3071 left in would
    stay on Rotterdam's point. The form says the two do not belong together, keeps both as typed
    and writes nothing; the postcode corrected, the learner moves to Schiedam."""
    from html import unescape

    pupil = learner(world)
    client = world.client_for("coordinator")
    assert client.post(_url(world, "learner_edit", pk=pupil.pk), _page(world, pupil, postcode="3071")).status_code == 302
    assert _written(pupil)[2:4] == geocode(country="NL", postcode="3071", city="Rotterdam")
    written = _written(pupil)

    for language, message in {"en": "The postcode 3071 is not in Schiedam: the postcode or the town is wrong.",
                              "nl": "Postcode 3071 ligt niet in Schiedam: de postcode of de plaats klopt niet."}.items():
        client.post(reverse("core:set_language"), {"language": language, "next": "/"})
        page = client.post(_url(world, "learner_edit", pk=pupil.pk), _page(world, pupil, city="Schiedam"))
        assert page.status_code == 200, language
        html = unescape(page.content.decode())
        assert message in html, language
        assert 'name="city" value="Schiedam"' in html and 'name="postcode" value="3071"' in html
        assert _written(pupil) == written  # still Rotterdam, nothing saved

    moved = client.post(_url(world, "learner_edit", pk=pupil.pk), _page(world, pupil, city="Schiedam", postcode="3112"))
    assert moved.status_code == 302
    assert _written(pupil)[1:4] == ("Schiedam", *geocode(country="NL", postcode="3112", city="Schiedam"))


@pytest.mark.parametrize("country,postcode,city,mismatch", [
    ("NL", "3071", "Rotterdam", False), ("NL", "3071", "Schiedam", True), ("NL", "3073AB", "Amsterdam", True),
    ("BE", "9050", "Gent", False),  # Ledeberg and Gentbrugge are Gent
    ("BE", "2180", "Antwerpen", False),  # Ekeren, 7 km out, is Antwerpen
    ("BE", "2000", "Gent", True), ("DE", "13587", "Berlin", False), ("DE", "53225", "Bonn-Beuel", False),
    ("DE", "80331", "Köln", True), ("FR", "75019", "Paris 19e", False), ("FR", "93200", "Saint-Denis", False),
    ("NL", "9999", "Rotterdam", False),  # an unknown postcode: nothing to say
    ("NL", "3071", "Nergenshuizen", False),  # an unknown town: nothing to say
])
def test_which_postcodes_and_towns_belong_together(country: str, postcode: str, city: str, mismatch: bool) -> None:
    from tandem.core.places import postcode_town_mismatch

    assert postcode_town_mismatch(country=country, postcode=postcode, city=city) is mismatch
