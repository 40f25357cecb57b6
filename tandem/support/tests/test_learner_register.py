"""French says *tu* to a learner and *vous* to adults: the support pages and the programme page are
shared by learners, mentors and guardians, so the strings a learner alone reads there come in the
"to a learner" variant (docs/architecture.md, "How Tandem addresses people")."""

from __future__ import annotations

import pytest

from conftest import World

MINE = "/o/zuid/p/moz/support/mine/"
RAISE = "/o/zuid/p/moz/support/concerns/new/"
HOME = "/o/zuid/p/moz/"


def _french(world: World, persona: str):
    world.users[persona].language = "fr"
    world.users[persona].save(update_fields=["language"])
    return world.client_for(persona)


def test_a_french_learner_is_told_tu_on_the_shared_support_and_programme_pages(world: World) -> None:
    client = _french(world, "learner")
    assert "Tes signalements" in client.get(MINE).content.decode()
    form = client.get(RAISE).content.decode()
    assert "dis-le à l’équipe du programme" in form and "dites-le" not in form
    done = client.post(RAISE, {"kind": "question", "description": "Est-ce possible en ligne ?"}, follow=True)
    assert "quelqu’un reviendra vers toi" in done.content.decode()
    home = client.get(HOME).content.decode()
    assert "Tes coordinateurs" in home and "Vos coordinateurs" not in home


@pytest.mark.parametrize("persona", ["mentor", "guardian"])
def test_adults_are_still_told_vous_there(world: World, persona: str) -> None:
    client = _french(world, persona)
    assert "Vos signalements" in client.get(MINE).content.decode()
    assert "dites-le" in client.get(RAISE).content.decode()
    assert "Vos coordinateurs" in client.get(HOME).content.decode()


@pytest.mark.parametrize(("persona", "language", "expected"), [
    ("learner", "fr", "Choisis un des visages."),
    ("mentor", "fr", "Choisissez un des visages."),
    ("learner", "nl", "Kies een van de gezichtjes."),
])
def test_the_pulse_sent_without_a_face_says_choose_a_face(world: World, persona: str, language: str,
                                                          expected: str) -> None:
    """"Dit veld is verplicht." under five faces told a 15-year-old nothing they could act on."""
    from tandem.support.tests.factories import pair

    match = pair(world)
    world.users[persona].language = language
    world.users[persona].save(update_fields=["language"])
    page = world.client_for(persona).post(f"/o/zuid/p/moz/matches/{match.pk}/support/pulse/",
                                          {"word": "bof"}).content.decode()
    assert expected in page
    assert "verplicht" not in page and "obligatoire" not in page
