"""Each role's dashboard shows what that role needs first, and nothing it should not see."""

from __future__ import annotations

from conftest import World
from tandem.core.models import Membership, Person


def _page(world: World, persona: str) -> str:
    return world.client_for(persona).get(world.programme.get_absolute_url()).content.decode()


def test_coordinator_sees_counts_and_recent_changes(world: World) -> None:
    html = _page(world, "coordinator")
    assert "People in this programme" in html and "Recent changes" in html


def test_observer_sees_numbers_without_names_and_small_groups_suppressed(world: World) -> None:
    for i in range(6):
        p = Person.objects.create(organisation=world.organisation, given_name=f"Zzmentor{i}", family_name="Q")
        Membership.objects.create(person=p, organisation=world.organisation, programme=world.programme, role="mentor")
    html = _page(world, "observer")
    assert "Programme in numbers" in html
    assert ">7<" in html  # seven mentors: shown
    assert "<span class=\"stat\">hidden</span> learners" in html  # one learner: suppressed
    assert "Zzmentor" not in html and world.people["learner"].full_name not in html
    assert "Recent changes" not in html


def test_observer_reads_why_a_small_staff_group_is_shown_beside_the_hidden_note(world: World) -> None:
    """The note said groups smaller than five are not shown, above "1 coordinator" and "1 observer":
    a funder read a contradiction. Staff are counted in full on purpose; the note says so."""
    html = _page(world, "observer")
    assert ">1<" in html  # one coordinator, counted as they are
    note = html.split('id="hidden-note">', 1)[1].split("</p>", 1)[0]
    assert "groups smaller than 5 are not shown" in note
    assert "Only groups of mentors, learners and guardians are hidden; staff are always counted." in note


def test_guardian_sees_their_child(world: World) -> None:
    html = _page(world, "guardian")
    assert world.people["learner"].full_name in html


def test_partner_contact_sees_their_institution(world: World) -> None:
    assert world.school.name in _page(world, "partner_contact")


def test_learner_gets_a_friendly_page_without_other_people(world: World) -> None:
    html = _page(world, "learner")
    assert "Welcome to your programme" in html
    assert world.people["mentor"].full_name not in html


def test_learner_reads_the_programme_description_once(world: World) -> None:
    world.programme.description = "Twintig weken samen aan doelen werken."
    world.programme.save(update_fields=["description"])
    html = _page(world, "learner")
    assert html.count("Twintig weken samen aan doelen werken.") == 1


def test_the_mentor_reads_the_rhythm_in_the_middle_of_a_sentence(world: World) -> None:
    world.programme.meeting_cadence = "weekly"
    world.programme.save(update_fields=["meeting_cadence"])
    html = _page(world, "mentor")
    assert "Meetings: weekly, about" in html and "Meetings: Weekly" not in html
    # Only the first letter: German nouns keep theirs ("alle zwei wochen" was printed).
    world.programme.meeting_cadence = "fortnightly"
    world.programme.save(update_fields=["meeting_cadence"])
    user = world.users["mentor"]
    user.language = "de"
    user.save()
    html = _page(world, "mentor")
    assert "Treffen: alle zwei Wochen, jeweils" in html and "Deine Rolle als Mentor:in" in html


def test_a_french_learner_is_spoken_to_with_tu_on_their_own_part_of_the_page(world: World) -> None:
    """Under "Tes objectifs et tes rencontres" the learner read "Votre binôme" and "Bienvenue dans
    votre programme ! Ici, vous verrez…": the sections only they read say *tu*; the mentor's
    panel keeps *vous*."""
    from tandem.journal.tests.factories import persona_match

    persona_match(world)
    for persona in ("learner", "mentor"):
        world.users[persona].language = "fr"
        world.users[persona].save(update_fields=["language"])
    learner = _page(world, "learner")
    assert "Bienvenue dans ton programme\u00a0!" in learner and "Ici, tu verras qui est ton mentor" in learner
    assert "Ton binôme" in learner and "Votre binôme" not in learner
    assert "votre programme" not in learner.lower()
    assert "Votre binôme" in _page(world, "mentor")


def test_the_mentor_is_promised_a_certificate_check_only_where_the_programme_asks_for_one(
        world: World) -> None:
    # Students as Community Builders asks no certificate, yet its mentors read "Before you are
    # matched, a coordinator sees your Verklaring Omtrent het Gedrag (VOG)".
    html = _page(world, "mentor")
    assert "Before you are matched, a coordinator sees your" in html
    world.programme.requirements = {"safeguarding_certificate_required": False}
    world.programme.save(update_fields=["requirements"])
    html = _page(world, "mentor")
    assert "Your role as a mentor" in html and "a coordinator sees your" not in html


def test_the_description_is_marked_in_the_programmes_language_for_a_screen_reader(world: World) -> None:
    # Students as Community Builders' German description, on an English page, was read aloud
    # with English sounds: the paragraph now says its language.
    world.programme.description = "Twintig weken samen aan doelen werken."
    world.programme.languages = ["nl", "tr"]
    world.programme.save(update_fields=["description", "languages"])
    assert '<p id="programme-description" lang="nl">Twintig weken' in _page(world, "learner")
