"""The learner's and the guardian's match page: the mentor, when and where they meet, and a few
plain sentences why — never points, limits, kilometres or waiting days. Coordinators keep the
full explanation."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from conftest import World
from tandem.matching import friendly, services
from tandem.matching.models import Match
from tandem.matching.tests.factories import persona_pair

pytestmark = pytest.mark.django_db

ITEMS = [
    {"criterion": "distance", "points": 27.2, "params": {"km": 2.4}},
    {"criterion": "language", "points": 15.0, "params": {"codes": ["tr", "ar"]}},
    {"criterion": "expertise", "points": 20.0, "params": {"fields": ["maths"]}},
    {"criterion": "availability", "points": 10.0, "params": {"mask": 1 << 1}},
    {"criterion": "gender", "points": 5.0, "params": {"preference": None}},
    {"criterion": "age", "points": 3.8, "params": {"years": 10}},
    {"criterion": "background", "points": 5.0, "params": {"codes": ["background:tr"]}},
    {"criterion": "waiting", "points": 2.0, "params": {"days": 143}},
]


def test_the_learner_reads_why_in_plain_words_strongest_reason_first() -> None:
    with translation.override("en"):
        text = " ".join(friendly.reasons(ITEMS, reader="learner", mentor="Sam", learner="Aylin"))
    assert text == ("You live close to each other. Sam can help you with maths. "
                    "You both speak Turkish and Arabic.")


def test_the_guardian_reads_both_names_once_then_they() -> None:
    items = [item for item in ITEMS if item["criterion"] != "expertise"]
    with translation.override("en"):
        text = " ".join(friendly.reasons(items, reader="guardian", mentor="Sam", learner="Aylin"))
    assert text.startswith("Aylin and Sam live close to each other. They both speak Turkish and Arabic. They")


@pytest.mark.parametrize(("language", "phrase"), [
    ("de", "Ihr sprecht beide Türkisch und Arabisch."),
    ("nl", "Jullie spreken allebei Turks en Arabisch."),
    ("fr", "Vous parlez tous les deux turc et arabe."),
])
def test_the_sentences_are_in_the_readers_language(language: str, phrase: str) -> None:
    with translation.override(language):
        assert phrase in friendly.reasons(ITEMS, reader="learner", mentor="Sam", learner="Aylin")


def test_nothing_technical_is_ever_said_and_an_empty_explanation_still_reads_kindly() -> None:
    far = [{"criterion": "distance", "points": 0.0, "params": {"km": 89.5}},
           {"criterion": "language", "points": 0.0, "params": {"codes": []}},
           {"criterion": "gender", "points": 0.0, "params": {"preference": "female"}},
           {"criterion": "waiting", "points": 2.0, "params": {"days": 143}}]
    with translation.override("en"):
        learner = friendly.reasons(far, reader="learner", mentor="Sam", learner="Aylin")
        guardian = friendly.reasons(far, reader="guardian", mentor="Sam", learner="Aylin")
    assert learner == ["We chose Sam because we think you will get on well together."]
    assert guardian == ["We chose Sam because we think Aylin and Sam will get on well together."]


def _match(world: World) -> Match:
    volunteer, learner = persona_pair(world)
    match = services.match_propose(programme=world.programme, learner=learner, volunteer=volunteer,
                                   actor=world.users["coordinator"], confirm=True)
    at = timezone.make_aware(datetime(2026, 12, 1, 14, 0))
    Match.objects.filter(pk=match.pk).update(
        state=Match.State.INTRODUCED, first_meeting_at=at, first_meeting_place="De Globetrotter",
        items=[*match.items, {"criterion": "waiting", "points": 2.0, "params": {"days": 143}}],
        warnings=["availability"])
    return match


def _page(world: World, persona: str, match: Match) -> str:
    response = world.client_for(persona).get(
        reverse("matching:match", kwargs={"org": "zuid", "prog": "moz", "pk": match.pk}))
    assert response.status_code == 200
    return response.content.decode()


def test_the_learner_sees_their_mentor_when_where_and_why_without_points_or_limits(world: World) -> None:
    match = _match(world)
    page = _page(world, "learner", match)
    assert "Mentor is your mentor" in page and 'class="avatar"' in page
    assert "De Globetrotter" in page and "Tuesday 1 December 2026 at 14:00" in page
    assert "You both speak Dutch." in page and "Mentor can help you with study skills." in page
    assert "Do you want to go on together?" in page
    for technical in ("hard limit", "143", "waiting", " km", "Expertise ↔ needs", "27.2"):
        assert technical not in page, technical


def test_the_guardian_reads_about_their_child_and_the_mentor(world: World) -> None:
    match = _match(world)
    page = _page(world, "guardian", match)
    assert "Mentor is the mentor of Learner" in page
    assert "Learner and Mentor live close to each other." in page
    assert "hard limit" not in page and "143" not in page


def test_the_coordinator_keeps_the_full_explanation_and_the_mentor_plain_words(world: World) -> None:
    match = _match(world)
    coordinator = _page(world, "coordinator", match)
    assert 'id="friendly-match"' not in coordinator
    assert "waiting 143 days" in coordinator and "Breaks a hard limit" in coordinator
    assert 'class="explanation"' in coordinator
    mentor = _page(world, "mentor", match)
    assert 'id="friendly-match"' not in mentor and "Both speak Dutch" in mentor
    # Words, not the coordinator's table: no points, no criteria, no waiting days, no limits.
    assert 'id="why-plain"' in mentor and 'class="explanation"' not in mentor
    assert "143 days" not in mentor and "Breaks a hard limit" not in mentor


def test_a_learner_page_in_german_speaks_to_the_learner_informally(world: World) -> None:
    match = _match(world)
    client = world.client_for("learner")
    client.post(reverse("core:set_language"), {"language": "de", "next": "/"})
    page = client.get(reverse("matching:match", kwargs={"org": "zuid", "prog": "moz", "pk": match.pk}))
    text = page.content.decode()
    assert "Mentor begleitet dich" in text and "Wann und wo ihr euch trefft" in text
    assert "Ihr sprecht beide Niederländisch." in text


def test_an_ended_match_says_who_it_was_without_meeting_or_why(world: World) -> None:
    match = _match(world)
    Match.objects.filter(pk=match.pk).update(state=Match.State.CLOSED, closed_at=timezone.now(),
                                             closure_reason=Match.Closure.values[0])
    page = _page(world, "learner", match)
    assert "Mentor was your mentor" in page
    assert 'id="when-where"' not in page and 'id="why"' not in page


def test_the_guardian_reads_their_childs_match_on_the_programme_page(world: World) -> None:
    _match(world)
    url = world.programme.get_absolute_url()
    guardian = world.client_for("guardian").get(url).content.decode()
    assert "Your child" in guardian and "match</h2>" in guardian and ">Your match</h2>" not in guardian
    assert ">Your match</h2>" in world.client_for("learner").get(url).content.decode()
    assert ">Your match</h2>" in world.client_for("mentor").get(url).content.decode()


def test_once_the_first_meeting_is_past_each_side_is_asked_for_its_answer_on_the_programme_page(
        world: World) -> None:
    """The overview said "First meeting planned · 25 November" two days after it: whoever answers
    for a side that has not answered is asked, with the link to answer, until it has — a minor's
    guardian for them (the learner is not asked), an adult learner themself."""
    from datetime import date

    match = _match(world)
    url = world.programme.get_absolute_url()
    answer = reverse("matching:answer", kwargs={"org": "zuid", "prog": "moz", "pk": match.pk})
    for persona in ("learner", "mentor", "guardian"):
        assert answer not in world.client_for(persona).get(url).content.decode()  # not yet met
    Match.objects.filter(pk=match.pk).update(first_meeting_at=timezone.now() - timedelta(days=2),
                                             mentor_answer="yes")
    guardian = world.client_for("guardian")
    guardian.post(reverse("core:set_language"), {"language": "fr", "next": "/"})
    page = guardian.get(url).content.decode()
    assert "parlez-en avec votre enfant et dites-nous si le binôme continue." in page and answer in page
    assert answer not in world.client_for("learner").get(url).content.decode()  # the guardian answers
    assert answer not in world.client_for("mentor").get(url).content.decode()  # answered already
    person = world.people["learner"]
    person.date_of_birth = date(2000, 1, 1)
    person.save(update_fields=["date_of_birth"])
    learner = world.client_for("learner")
    learner.post(reverse("core:set_language"), {"language": "fr", "next": "/"})
    page = learner.get(url).content.decode()
    assert "veux-tu continuer avec ton mentor" in page and answer in page


def test_a_mentor_with_several_learners_reads_your_matches(world: World) -> None:
    from tandem.matching.tests.factories import pupil

    match = _match(world)
    url = world.programme.get_absolute_url()
    assert ">Your match</h2>" in world.client_for("mentor").get(url).content.decode()
    second = pupil(world, "Second")
    Match.objects.create(programme=world.programme, volunteer=match.volunteer, learner=second, slot=2,
                         capacity=2, state=Match.State.PROPOSED)
    page = world.client_for("mentor").get(url).content.decode()
    assert ">Your matches</h2>" in page and "Second" in page
    assert ">Your match</h2>" in world.client_for("learner").get(url).content.decode()


def test_the_mentor_is_asked_as_one_of_the_pair_and_the_coordinator_about_them(world: World) -> None:
    # The mentor read "Do they continue together?" above their own answer, as if about others.
    match = _match(world)
    assert "Do you want to go on together?" in _page(world, "mentor", match)
    coordinator = _page(world, "coordinator", match)
    assert "Do they continue together?" in coordinator and "Do you want to go on together?" not in coordinator


def test_the_answers_are_labelled_with_names_for_the_learner_not_the_programmes_words(
        world: World) -> None:
    """Walk (walkparents): a German parent or apprentice read "Mentor:in … Mentee" above the
    answers; they read the two given names, and the coordinator keeps the sides' names."""
    match = _match(world)
    match.volunteer.person.__class__.objects.filter(pk=match.volunteer.person.pk).update(given_name="Wolfgang")
    match.learner.person.__class__.objects.filter(pk=match.learner.person.pk).update(
        given_name="Leon", date_of_birth=date(1990, 1, 1))  # an adult: answers themselves
    client = world.client_for("learner")
    client.post(reverse("core:set_language"), {"language": "de", "next": "/"})
    page = client.get(reverse("matching:match", kwargs={"org": "zuid", "prog": "moz", "pk": match.pk})).content.decode()
    assert '<dt>Wolfgang</dt><dd id="mentor-answer">' in page
    assert '<dt>Leon</dt><dd id="learner-answer">' in page and "Mentee" not in page
    coordinator = _page(world, "coordinator", match)
    assert '<dt>Mentor</dt><dd id="mentor-answer">' in coordinator
