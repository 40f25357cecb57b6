"""The words of a concern's kind fit the programme: a primary school teacher and a 14-year-old
pupil in Mentoren op Zuid were offered "A conflict (e.g. between apprentice and employer)"
("tussen leerling en werkgever"), and every concern's title repeated the form's example."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from conftest import World
from tandem.core.models import PartnerInstitution
from tandem.support.tests.factories import concern, make_lead

pytestmark = pytest.mark.django_db

KW = {"org": "zuid", "prog": "moz"}


@pytest.mark.parametrize("persona", ["supervisor", "learner"])
def test_pupils_programmes_give_a_conflict_between_learner_and_mentor_as_the_example(world: World,
                                                                                        persona: str) -> None:
    page = world.client_for(persona).get(reverse("support:raise", kwargs=KW)).content.decode()
    assert "A conflict (e.g. between learner and mentor)" in page
    assert "employer" not in page


def test_apprentices_programmes_keep_the_employer_example(world: World) -> None:
    PartnerInstitution.objects.create(programme=world.programme, name="Bouwbedrijf Zuid",
                                      kind=PartnerInstitution.Kind.EMPLOYER, city="Rotterdam")
    page = world.client_for("supervisor").get(reverse("support:raise", kwargs=KW)).content.decode()
    assert "A conflict (e.g. between apprentice and employer)" in page


def test_a_concerns_title_names_its_kind_without_the_example(world: World) -> None:
    make_lead(world)
    row = concern(world, kind="conflict")
    client = world.client_for("coordinator")
    for url in (reverse("support:concerns", kwargs=KW), reverse("support:concern", kwargs={**KW, "pk": row.pk})):
        page = client.get(url).content.decode()
        assert ">A conflict<" in page, url
        assert "employer" not in page, url
    with translation.override("nl"):
        assert row.kind_name == "Een conflict"


def test_the_pairs_to_raise_a_concern_about_are_ongoing_first_by_name_and_ended_ones_say_so(world: World) -> None:
    """A teacher read 14 pairs in id order, last year's among them unmarked, while "Your pairs"
    showed 5: ongoing pairs come first, by the learner's name, and an ended pair says it ended."""
    import re

    from django.utils import timezone

    from tandem.matching.models import Match
    from tandem.matching.tests.factories import mentor, pupil

    for learner_name, mentor_name, state in (("Zoe", "Karel", "active"), ("Anna", "Lies", "closed"),
                                             ("Bram", "Mees", "active"), ("Cas", "Noor", "introduced")):
        closed = {"closed_at": timezone.now(), "closure_reason": "planned_end"} if state == "closed" else {}
        Match.objects.create(programme=world.programme, volunteer=mentor(world, mentor_name),
                             learner=pupil(world, learner_name), slot=1, capacity=1, state=state, **closed)
    client = world.client_for("coordinator")
    for language, ended in (("en", "Anna & Lies (ended)"), ("nl", "Anna & Lies (afgelopen)"),
                            ("fr", "Anna &amp; Lies (terminé)"), ("de", "Anna & Lies (beendet)")):
        page = client.get(reverse("support:raise", kwargs=KW), headers={"accept-language": language}).content.decode()
        options = re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', page)
        ours = [o for o in options if o.split(" ")[0] in ("Zoe", "Anna", "Bram", "Cas")]
        assert ours == ["Bram &amp; Mees", "Cas &amp; Noor", "Zoe &amp; Karel", ended.replace(" & ", " &amp; ")], ours
