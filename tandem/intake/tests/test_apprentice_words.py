"""An apprentice's company is an "Ausbildungsbetrieb" (nl "leerbedrijf", fr "employeur"); a
contact person's employer stays an "Arbeitgeber" (werkgever, employeur): the two meanings of
"Employer" are told apart by context (core.models.PartnerInstitution.Kind has the decision)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from conftest import World
from tandem.core.models import PartnerInstitution
from tandem.intake.models import Learner
from tandem.intake.tests.factories import learner
from tandem.matching.models import Match

# core's msgid (the people form), held in a name so that intake's catalogue does not take it in.
CONTACTS_EMPLOYER = "School or employer"


def test_the_apprentices_company_and_a_contacts_employer_read_differently(world: World) -> None:
    expected = {"de": ("Ausbildungsbetrieb", "Schule oder Arbeitgeber"),
                "nl": ("Leerbedrijf", "School of werkgever"),
                "fr": ("Employeur", "École ou employeur"),
                "en": ("Employer", "School or employer")}
    for language, (company, contacts) in expected.items():
        with translation.override(language):
            assert str(PartnerInstitution.Kind.EMPLOYER.label) == company
            assert gettext(CONTACTS_EMPLOYER) == contacts
            assert str(Learner._meta.get_field("employer").verbose_name).capitalize() == company
    with translation.override("de"):  # an apprentice leaves a training, not only a school
        assert "Ausbildung" in str(Match.Closure.LEFT_SCHOOL.label)


def test_the_learners_page_names_the_company_that_trains_them_in_german(world: World) -> None:
    apprentice = learner(world, employer="Autohaus Berlin-Mitte")
    user = world.users["coordinator"]
    user.language = "de"
    user.save()
    page = world.client_for("coordinator").get(reverse(
        "intake:learner", kwargs={"org": "zuid", "prog": "moz", "pk": apprentice.pk})).content.decode()
    assert "<dt>Ausbildungsbetrieb</dt><dd>Autohaus Berlin-Mitte</dd>" in page
    assert "Arbeitgeber" not in page


def _learner_page(world: World, pk: int) -> str:
    user = world.users["coordinator"]
    user.language = "de"
    user.save()
    return world.client_for("coordinator").get(reverse(
        "intake:learner", kwargs={"org": "zuid", "prog": "moz", "pk": pk})).content.decode()


def test_an_apprentices_schooling_reads_as_training_not_as_school(world: World) -> None:
    """A programme that works with training companies has apprentices (core.apprentices): their
    partner is a "Berufsschule oder Betrieb", and the first-generation question asks about
    vocational training, not university ("Erstakademiker:in")."""
    apprentice = learner(world, employer="Autohaus Berlin-Mitte")
    pupil_page = _learner_page(world, apprentice.pk)
    assert "Schule oder Einrichtung" in pupil_page and "Erstakademiker:in" in pupil_page
    PartnerInstitution.objects.create(programme=world.programme, name="Autohaus Berlin-Mitte",
                                      kind=PartnerInstitution.Kind.EMPLOYER)
    page = _learner_page(world, apprentice.pk)
    assert "<dt>Berufsschule oder Betrieb</dt>" in page
    assert "Erste:r in der Familie in Berufsausbildung" in page
    assert "Als Erste oder Erster in der Familie in einer Berufsausbildung." in page
    assert "Schule oder Einrichtung" not in page and "Erstakademiker" not in page
    edit = world.client_for("coordinator").get(reverse(
        "intake:learner_edit", kwargs={"org": "zuid", "prog": "moz", "pk": apprentice.pk})).content.decode()
    assert "Berufsschule oder Betrieb" in edit and "Schule oder Einrichtung" not in edit
