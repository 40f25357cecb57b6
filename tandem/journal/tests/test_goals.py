"""Goals: set together, corrected, progress noted, reached / adjusted / dropped with a reflection
(each step recorded), agreed to by the learner or a guardian; concurrent edits refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import World
from tandem.core.models import AuditEvent
from tandem.core.services import EditConflict
from tandem.journal import services
from tandem.journal.categories import DEFAULTS, categories_seed
from tandem.journal.models import Goal, GoalCategory, GoalTransition
from tandem.journal.tests.factories import category, persona_match

pytestmark = pytest.mark.django_db


def _kw(world: World, **extra: object) -> dict[str, object]:
    return {"org": world.organisation.slug, "prog": world.programme.slug, **extra}


def test_a_programme_starts_with_the_default_categories_in_four_languages(world: World) -> None:
    categories_seed(programme=world.programme)
    categories_seed(programme=world.programme)  # twice: still one each
    rows = list(GoalCategory.objects.filter(programme=world.programme))
    assert [c.code for c in rows] == [code for code, _label in DEFAULTS]
    homework = rows[0]
    assert homework.label("en") == "Homework and study skills"
    assert homework.label("nl") == "Huiswerk en studievaardigheden"
    assert homework.label("fr") and homework.label("de") and homework.label("fr") != homework.label("en")


def test_set_correct_progress_and_reach_a_goal(world: World) -> None:
    match = persona_match(world)
    mentor = world.users["mentor"]
    goal = services.goal_create(match=match, actor=mentor, category=category(world),
                                description="Ik wil breuken snappen", success="Een 7 voor de toets")
    assert goal.state == "active" and goal.transitions.get().reason == "goal_set_together"
    goal = services.goal_update(goal=goal, actor=mentor, expected_version=goal.version,
                                description="Ik wil breuken en procenten snappen")
    with pytest.raises(EditConflict):
        services.goal_update(goal=goal, actor=mentor, expected_version=goal.version - 1, success="Een 8")
    services.goal_progress_add(goal=goal, actor=mentor, author=world.people["mentor"], note="Breuken lukt nu")
    reached = services.goal_transition(goal=goal, to_state="reached", actor=mentor, reflection="Geoefend met pizza")
    assert reached.state == "reached" and reached.closed_at is not None
    assert list(reached.transitions.values_list("from_state", "to_state")) == [("active", "reached"), ("", "active")]
    with pytest.raises(ValidationError):
        services.goal_progress_add(goal=reached, actor=mentor, author=None, note="Nog meer")
    assert AuditEvent.objects.filter(subject=f"goal:{goal.pk}").count() == 3


def test_adjusting_closes_the_goal_and_opens_its_new_wording(world: World) -> None:
    match = persona_match(world)
    goal = services.goal_create(match=match, actor=None, category=category(world), description="Een 8 voor wiskunde")
    new = services.goal_transition(goal=goal, to_state="adjusted", actor=None, reflection="Te hoog gegrepen",
                                   new={"description": "Een voldoende voor wiskunde", "success": "Een 6"})
    goal.refresh_from_db()
    assert goal.state == "adjusted" and goal.reflection == "Te hoog gegrepen"
    assert new.replaces == goal and new.state == "active" and new.category == goal.category
    with pytest.raises(ValidationError):  # an adjusted goal is finished: its new version carries on
        services.goal_transition(goal=goal, to_state="active", actor=None, reflection="")


def test_a_reflection_is_asked_and_moves_follow_the_table(world: World) -> None:
    match = persona_match(world)
    goal = services.goal_create(match=match, actor=None, category=category(world), description="Op tijd komen")
    with pytest.raises(ValidationError) as error:
        services.goal_transition(goal=goal, to_state="dropped", actor=None, reflection=" ")
    assert "reflection" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.goal_transition(goal=goal, to_state="adjusted", actor=None, reflection="Anders", new={})
    dropped = services.goal_transition(goal=goal, to_state="dropped", actor=None, reflection="Lukt al")
    reopened = services.goal_transition(goal=dropped, to_state="active", actor=None, reflection="")
    assert reopened.state == "active" and reopened.closed_at is None
    assert GoalTransition.objects.filter(goal=goal).count() == 3


def test_goals_only_while_the_match_runs(world: World) -> None:
    match = persona_match(world, state="closed")
    with pytest.raises(ValidationError):
        services.goal_create(match=match, actor=None, category=category(world), description="Te laat")


def test_a_category_of_another_programme_is_refused(world: World) -> None:
    match = persona_match(world)
    categories_seed(programme=world.other_programme)
    foreign = GoalCategory.objects.filter(programme=world.other_programme).first()
    assert foreign is not None
    with pytest.raises(ValidationError):
        services.goal_create(match=match, actor=None, category=foreign, description="Vreemd")


def test_the_learner_and_the_guardian_agree_on_their_page(world: World) -> None:
    match = persona_match(world)
    goal = services.goal_create(match=match, actor=None, category=category(world), description="Beter lezen")
    url = reverse("journal:pair", kwargs=_kw(world, pk=match.pk))
    page = world.client_for("learner").get(url).content.decode()
    assert "Beter lezen" in page and "Yes, this is my goal" in page
    assert "We agree with this goal" in world.client_for("guardian").get(url).content.decode()
    agree = reverse("journal:goal_agree", kwargs=_kw(world, pk=match.pk, goal=goal.pk))
    assert world.client_for("guardian").post(agree).status_code == 302
    world.client_for("learner").post(agree)  # already agreed: nothing changes
    goal.refresh_from_db()
    assert goal.agreed_as == Goal.Agreed.GUARDIAN and goal.agreed_at is not None
    assert "A parent agreed to this goal." in world.client_for("learner").get(url).content.decode()
    assert world.client_for("mentor").post(agree).status_code == 403


def test_the_goal_form_creates_once_and_keeps_what_was_typed(world: World) -> None:
    match = persona_match(world)
    client = world.client_for("mentor")
    url = reverse("journal:goal_create", kwargs=_kw(world, pk=match.pk))
    page = client.get(url).content.decode()
    token = page.split('name="once" value="')[1].split('"')[0]
    data = {"category": category(world).pk, "description": "Mijn spreekbeurt durven houden", "once": token}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # the double click
    assert Goal.objects.filter(match=match).count() == 1
    response = client.post(url, {"description": "Zonder categorie", "target_date": "0001-01-01"})
    assert response.status_code == 200 and "Zonder categorie" in response.content.decode()


def test_two_editors_of_a_goal_see_both_versions(world: World) -> None:
    match = persona_match(world)
    goal = services.goal_create(match=match, actor=None, category=category(world), description="Eerste versie")
    url = reverse("journal:goal_edit", kwargs=_kw(world, pk=match.pk, goal=goal.pk))
    services.goal_update(goal=goal, actor=None, expected_version=goal.version, description="Versie van de docent")
    response = world.client_for("coordinator").post(url, {
        "category": goal.category_id, "description": "Mijn versie", "version": 1})
    body = response.content.decode()
    assert response.status_code == 200 and "Versie van de docent" in body and "Mijn versie" in body
    goal.refresh_from_db()
    assert goal.description == "Versie van de docent"


def test_two_coordinators_editing_a_category_see_both_versions(world: World) -> None:
    homework = category(world)
    url = reverse("journal:category_edit", kwargs=_kw(world, category=homework.pk))
    services.category_update(category=homework, actor=None, labels={"en": "Homework", "nl": "", "fr": "", "de": ""},
                             in_use=True, expected_version=homework.version)
    response = world.client_for("coordinator").post(url, {"label_en": "Study skills", "in_use": "on", "version": 1})
    body = response.content.decode()
    assert response.status_code == 200 and "Homework" in body and "Study skills" in body
    homework.refresh_from_db()
    assert homework.label_en == "Homework" and homework.version == 2


def test_a_programme_with_journals_can_be_deleted(world: World) -> None:
    """Goals keep their category (it cannot be deleted under them), yet deleting the whole
    programme takes its journals with it."""
    from django.db.models import RestrictedError

    match = persona_match(world)
    goal = services.goal_create(match=match, actor=None, category=category(world), description="Tot het einde")
    with pytest.raises(RestrictedError):
        goal.category.delete()
    world.programme.delete()
    assert not Goal.objects.exists() and not GoalCategory.objects.exists()


def test_a_new_goal_is_not_reached_in_the_past(world: World) -> None:
    match = persona_match(world)
    client = world.client_for("mentor")
    url = reverse("journal:goal_create", kwargs=_kw(world, pk=match.pk))
    page = client.get(url).content.decode()
    token = page.split('name="once" value="')[1].split('"')[0]
    data = {"category": category(world).pk, "description": "Elke dag lezen", "once": token,
            "target_date": "2001-01-01"}
    response = client.post(url, data)
    assert response.status_code == 200 and not Goal.objects.filter(match=match).exists()
    assert "Elke dag lezen" in response.content.decode()


def test_new_words_for_an_agreed_goal_are_agreed_to_again(world: World) -> None:
    match = persona_match(world)
    aim = services.goal_create(match=match, actor=world.users["mentor"], category=category(world),
                               description="Ik wil breuken snappen")
    services.goal_agree(goal=aim, agreed_as="learner", actor=world.users["learner"])
    aim.refresh_from_db()
    aim = services.goal_update(goal=aim, actor=world.users["mentor"], expected_version=aim.version,
                               target_date=None)  # nothing the learner read changed
    assert aim.agreed_at is not None
    aim = services.goal_update(goal=aim, actor=world.users["coordinator"], expected_version=aim.version,
                               description="Ik wil breuken en procenten snappen")
    aim.refresh_from_db()
    assert aim.agreed_at is None and aim.agreed_as == ""


def test_the_guardian_is_thanked_as_a_parent_not_as_the_learner(world: World) -> None:
    match = persona_match(world)
    goal = services.goal_create(match=match, actor=None, category=category(world), description="Beter lezen")
    agree = reverse("journal:goal_agree", kwargs=_kw(world, pk=match.pk, goal=goal.pk))
    guardian = world.client_for("guardian").post(agree, follow=True).content.decode()
    assert "The mentor can see that you agree with this goal." in guardian and "Your mentor" not in guardian
    learner = world.client_for("learner").post(agree, follow=True).content.decode()
    assert "Your mentor can see that you agree." in learner


def test_a_long_reflection_is_kept_whole_on_the_goal_s_step(world: World) -> None:
    """The form takes 1,000 characters; the step used to keep 300 of them. The goal keeps only its
    latest reflection, so the step is where an earlier one lives on."""
    match = persona_match(world)
    goal = services.goal_create(match=match, actor=None, category=category(world), description="Breuken snappen")
    reflection = ("Geoefend met pizza en taart. " * 40)[:990] + " EINDE"
    services.goal_transition(goal=goal, to_state="reached", actor=None, reflection=reflection)
    assert GoalTransition.objects.get(goal=goal, to_state="reached").reason == reflection


def test_a_goals_date_after_the_pairs_end_is_refused_with_the_end_and_the_form_keeps_the_words(
        world: World) -> None:
    """A mentor typed 1 January 2031 for a 20-week pair ending in spring: the goal was saved and
    read "Before 1 January 2031". The form says until when the pair runs and keeps what was typed."""
    from datetime import timedelta

    match = persona_match(world)
    assert match.cycle_end is not None
    user = world.users["mentor"]
    user.language = "nl"
    user.save(update_fields=["language"])
    client = world.client_for("mentor")
    url = reverse("journal:goal_create", kwargs=_kw(world, pk=match.pk))
    form = client.get(url).content.decode()
    once = form.split('name="once" value="')[1].split('"')[0]
    data = {"once": once, "category": category(world).pk, "description": "Ik wil weten welk beroep bij mij past",
            "target_date": "2031-01-01"}
    page = client.post(url, data).content.decode()
    assert "Het koppel loopt tot" in page and "kies die dag of een eerdere" in page
    assert "Ik wil weten welk beroep bij mij past" in page
    assert not Goal.objects.filter(match=match).exists()
    # The pair's last day is fine, and so is correcting a goal to it; a day later is not.
    data["target_date"] = match.cycle_end.isoformat()
    assert client.post(url, data).status_code == 302
    goal = Goal.objects.get(match=match)
    with pytest.raises(ValidationError):
        services.goal_update(goal=goal, actor=user, expected_version=goal.version,
                             target_date=match.cycle_end + timedelta(days=1))


def test_a_group_programmes_goal_date_after_the_end_names_the_place_in_the_community(world: World) -> None:
    """In a group programme the learner has a place in a learning community, not a pair."""
    from datetime import timedelta

    from django.utils import translation

    from tandem.core.models import Programme

    match = persona_match(world)
    assert match.cycle_end is not None
    Programme.objects.filter(pk=match.programme_id).update(format=Programme.Format.GROUP)
    match.refresh_from_db()
    with translation.override("de"), pytest.raises(ValidationError) as refused:
        services.goal_create(match=match, actor=None, category=category(world), description="Ziel",
                             target_date=match.cycle_end + timedelta(days=1))
    [message] = refused.value.message_dict["target_date"]
    assert message.startswith("Der Platz in der Lerngemeinschaft läuft bis zum ")
    assert "Tandem" not in message
