"""German called the safeguarding leads "Kinderschutzbeauftragte" in every programme, also where the
learners are apprentices (VerA), mostly adults. There they are "Schutzbeauftragte"
(core/apprentices.py); the English "safeguarding lead" is neutral already, and so are Dutch and French."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import pgettext

from conftest import World
from tandem.core.models import PartnerInstitution
from tandem.support import services
from tandem.support.tests.factories import concern, make_lead, pair

pytestmark = pytest.mark.django_db


def _in_german(world: World) -> None:
    for persona in ("coordinator", "mentor"):
        world.users[persona].language = "de"
        world.users[persona].save()
        world.people[persona].language = "de"
        world.people[persona].save()


def _apprentices(world: World) -> None:
    PartnerInstitution.objects.create(programme=world.programme, name="Autohaus Berlin-Mitte",
                                      kind=PartnerInstitution.Kind.EMPLOYER)


def _pages(world: World) -> str:
    """The support pages a coordinator who is not a lead reads (the lead sees the concern itself)."""
    _in_german(world)
    match = pair(world)
    concern(world, match=match, kind="safeguarding")
    kw = {"org": world.organisation.slug, "prog": world.programme.slug}
    client = world.client_for("coordinator")
    urls = [reverse("support:overview", kwargs=kw), reverse("support:concerns", kwargs=kw),
            reverse("support:pair", kwargs={**kw, "pk": match.pk}), reverse("support:settings", kwargs=kw)]
    pages = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        pages.append(response.content.decode())
    raise_page = world.client_for("mentor").get(reverse("support:raise", kwargs=kw))
    assert raise_page.status_code == 200
    return "\n".join([*pages, raise_page.content.decode()])


def test_a_childrens_programme_keeps_its_kinderschutzbeauftragte(world: World) -> None:
    page = _pages(world)
    assert "nur die Kinderschutzbeauftragten" in page and "Als Kinderschutzbeauftragte:n benennen" in page


def test_apprentices_have_schutzbeauftragte_not_kinderschutzbeauftragte(world: World) -> None:
    _apprentices(world)
    page = _pages(world)
    assert "Kinderschutz" not in page
    assert "Sorgen um die Sicherheit einer Person lesen nur die Schutzbeauftragten." in page  # overview, inbox
    assert "offene Meldung wird von den Schutzbeauftragten bearbeitet." in page  # the pair page
    assert ">Schutzbeauftragte</h2>" in page and "Als Schutzbeauftragte:n benennen" in page  # settings
    assert "Eine Sorge um die Sicherheit einer Person lesen nur die Schutzbeauftragten." in page  # raise form


def test_the_lead_of_apprentices_reads_schutzbeauftragte_on_the_concern_and_in_the_mail(
        world: World, run_tasks: Any, django_capture_on_commit_callbacks: Any) -> None:
    _apprentices(world)
    _in_german(world)
    make_lead(world)
    item = concern(world, match=pair(world), kind="safeguarding")
    kw = {"org": world.organisation.slug, "prog": world.programme.slug}
    page = world.client_for("coordinator").get(reverse("support:concern", kwargs={**kw, "pk": item.pk}))
    assert "Sorge um die Sicherheit: Nur die Schutzbeauftragten lesen diese Seite" in page.content.decode()
    assert "Kinderschutz" not in page.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.concern_raise(programme=world.programme, match=item.match, kind="safeguarding", description="x",
                               raised_by=world.people["mentor"], raised_as="mentor", actor=world.users["mentor"])
    run_tasks()
    body = "\n".join(m.body for m in mail.outbox)
    assert "Da du Schutzbeauftragte:r bist, lies sie bitte jetzt:" in body and "Kinderschutz" not in body


def test_only_a_coordinator_becomes_schutzbeauftragte_r_of_apprentices(world: World) -> None:
    from django.core.exceptions import ValidationError

    _apprentices(world)
    with translation.override("de"), pytest.raises(ValidationError) as refused:
        services.lead_set(programme=world.programme, person=world.people["mentor"],
                          actor=world.users["coordinator"], lead=True)
    assert refused.value.messages == ["Nur Koordinationspersonen können Schutzbeauftragte sein."]


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_dutch_and_french_say_the_same_for_apprentices(language: str) -> None:
    from django.utils.translation import gettext

    with translation.override(language):
        for msgid in ("safeguarding lead", "Make safeguarding lead", "Only coordinators can be safeguarding leads."):
            assert pgettext("learners are apprentices", msgid) == gettext(msgid) != msgid


def test_university_students_have_schutzbeauftragte_not_kinderschutzbeauftragte(world: World) -> None:
    # Students as Community Builders: every learner is a university student of 18 or more, yet
    # the concern form said "Eine Sorge … lesen nur die Kinderschutzbeauftragten".
    learner = world.people["learner"]
    learner.date_of_birth = date(2004, 5, 1)
    learner.save()
    page = _pages(world)
    assert "Kinderschutz" not in page
    assert "nur die Schutzbeauftragten" in page and "Als Schutzbeauftragte:n benennen" in page
    # A pupil's conflict example stays (they are students, not apprentices with an employer).
    assert "Konflikt (z. B. zwischen" in page


def test_a_learner_raising_a_concern_reads_plain_words_not_the_staff_title(world: World) -> None:
    """A 15-year-old with some Dutch read "aandachtsfunctionarissen" under the concern form."""
    for persona in ("learner", "guardian"):
        user = world.users[persona]
        user.language = "nl"
        user.save()
    url = reverse("support:raise", kwargs={"org": "zuid", "prog": "moz"})
    page = world.client_for("learner").get(url).content.decode()
    assert "Alleen de mensen die het programma leiden, lezen dit." in page
    assert "aandachtsfunctionaris" not in page
    assert "aandachtsfunctionarissen" in world.client_for("guardian").get(url).content.decode()
