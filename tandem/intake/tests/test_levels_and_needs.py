"""School levels per country, and learners' needs and languages chosen from lists, not typed."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import World
from tandem.core.models import PartnerInstitution, Programme
from tandem.intake import services
from tandem.intake.levels import level_choices
from tandem.intake.models import Learner
from tandem.intake.tests.factories import learner


def _german_programme(world: World) -> Programme:
    programme = Programme.objects.create(organisation=world.organisation, name="VerA", slug="vera",
                                         country="DE", languages=["de", "tr"])
    PartnerInstitution.objects.create(programme=programme, name="Berufsschule Köln", kind="vet_provider")
    return programme


def test_a_german_programmes_learner_form_offers_german_school_levels(world: World) -> None:
    programme = _german_programme(world)
    admin = world.users["org_admin"]
    admin.language = "de"
    admin.save()
    client = world.client_for("org_admin")
    url = reverse("intake:referral_create", kwargs={"org": "zuid", "prog": "vera"})
    page = client.get(url).content.decode()
    for level in ("Hauptschule", "Realschule", "Gymnasium", "Berufsschule (Ausbildung)", "Hochschule"):
        assert f">{level}</option>" in page
    assert "vmbo" not in page and "havo" not in page
    assert "Mathematik" in page and "Türkisch" in page  # needs and languages by their German names
    school = programme.partners.get()
    data = {"given_name": "Jonas", "family_name": "Weber", "date_of_birth": "2006-05-06", "language": "de",
            "institution": school.pk, "level": "vmbo", "languages": ["de", "tr"], "needs": ["maths"],
            "availability": ["tue-afternoon"], "gender_preference": "any", "guardian_language": "de"}
    refused = client.post(url, data)
    assert refused.status_code == 200 and not Learner.objects.filter(programme=programme).exists()
    assert client.post(url, {**data, "level": "berufsschule"}).status_code == 302
    jonas = Learner.objects.get(programme=programme)
    assert (jonas.level, jonas.needs, jonas.languages) == ("berufsschule", ["maths"], ["de", "tr"])


def test_a_level_recorded_before_levels_per_country_stays_selectable(world: World) -> None:
    assert [code for code, _label in level_choices("NL")][1:] == ["primary", "vmbo", "havo", "vwo", "mbo", "hbo",
                                                                   "wo", "other"]
    assert "secondary" in [code for code, _label in level_choices("NL", "secondary")]
    pupil = learner(world, level="secondary")
    page = world.client_for("coordinator").get(
        reverse("intake:learner_edit", kwargs={"org": "zuid", "prog": "moz", "pk": pupil.pk})).content.decode()
    assert 'value="secondary" selected' in page and 'value="gymnasium"' not in page


def test_needs_and_languages_are_validated_and_shown_in_the_readers_language(world: World) -> None:
    pupil = learner(world, needs=["maths", "career"], languages=["nl", "ar"])
    for bad in ({"needs": ["astrology"]}, {"needs": ["rekenen"]}, {"languages": ["xx"]},
                {"availability": ["tue-noon"]}):
        try:
            services.learner_update(learner=pupil, actor=world.users["coordinator"],
                                    expected_version=pupil.version, **bad)
        except ValidationError:
            continue
        raise AssertionError(f"{bad} was accepted")
    user = world.users["coordinator"]
    user.language = "nl"
    user.save()
    page = world.client_for("coordinator").get(
        reverse("intake:learner", kwargs={"org": "zuid", "prog": "moz", "pk": pupil.pk})).content.decode()
    assert "wiskunde, loopbaanoriëntatie" in page and "Nederlands, Arabisch" in page
    assert "maandagmiddag, woensdagmiddag" in page


def test_imported_needs_and_languages_may_be_written_as_words_in_any_language(world: World) -> None:
    client = world.client_for("coordinator")
    url = reverse("intake:learner_import", kwargs={"org": "zuid", "prog": "moz"})
    header = "given_name,family_name,email,date_of_birth,level,languages,needs,availability\n"
    bad = client.post(url, {"file": SimpleUploadedFile("l.csv", (
        header + "Noor,Bakker,,2013-02-03,havo,\"Nederlands, Klingon\",\"rekenen, astrology\",dinsdagmiddag\n"
    ).encode())})
    body = bad.content.decode()
    assert bad.status_code == 400 and "Klingon" in body and "astrology" in body
    preview = client.post(url, {"file": SimpleUploadedFile("l.csv", (
        header + "Noor,Bakker,,2013-02-03,havo,\"Nederlands, turc\",\"rekenen, Mathe, loopbaan\","
                 "\"dinsdagmiddag; Saturday morning\"\n").encode())})
    batch = preview.content.decode().split('name="batch" value="')[1].split('"')[0]
    assert client.post(url, {"batch": batch}).status_code == 302
    noor = Learner.objects.get(person__family_name="Bakker")
    assert noor.languages == ["nl", "tr"] and noor.needs == ["maths", "career"]
    assert noor.availability == ["tue-afternoon", "sat-morning"] and noor.level == "havo"


def test_no_mentor_wishes_reads_as_the_gender_wish_alone(world: World) -> None:
    """A learner without wishes read "— · No preference" under *Mentor wishes*."""
    page = world.client_for("coordinator").get(reverse("intake:learner", kwargs={
        "org": "zuid", "prog": "moz", "pk": learner(world).pk})).content.decode()
    wishes = page.split('id="mentor-wishes">', 1)[1].split("</dd>", 1)[0]
    assert "—" not in wishes and wishes.strip()
    wished = learner(world, mentor_wishes="Iemand die van voetbal houdt")
    page = world.client_for("coordinator").get(reverse("intake:learner", kwargs={
        "org": "zuid", "prog": "moz", "pk": wished.pk})).content.decode()
    assert "Iemand die van voetbal houdt · " in page.split('id="mentor-wishes">', 1)[1].split("</dd>", 1)[0]


def test_a_flemish_programme_names_work_based_learning_as_flanders_does() -> None:
    """Belgium's apprenticeship level read "Leerbaan (bbl)", a term of the Netherlands' mbo; in
    Flanders it is "duaal leren", in French-speaking Belgium "formation en alternance"."""
    from django.utils import translation

    for language, word in (("nl", "Duaal leren"), ("fr", "Formation en alternance"), ("de", "Ausbildung")):
        with translation.override(language):
            labels = [str(label) for _, label in level_choices("BE")]
        assert word in labels, (language, labels)
        assert not any("bbl" in label for label in labels)
