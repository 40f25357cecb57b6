"""Who finds *Expenses* in the programme's menu: coordinators (to the claims to approve, in their
language) and mentors (to their own claims); nobody else."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation

from conftest import World
from tandem.core.models import Role
from tandem.core.testing import programme_kwargs
from tandem.expenses.dashboard import nav_links


def test_coordinators_and_mentors_get_the_expenses_link(world: World) -> None:
    kwargs = programme_kwargs(world)
    review, mine = reverse("expenses:review", kwargs=kwargs), reverse("expenses:mine", kwargs=kwargs)

    def links(*roles: str) -> list[tuple[str, str]]:
        return nav_links(request=None, programme=world.programme, roles=frozenset(roles))

    assert ("Expenses", review) in links(Role.COORDINATOR)
    assert ("Expenses", review) in links(Role.ORG_ADMIN, Role.MENTOR)
    assert ("Expenses", mine) in links(Role.MENTOR)
    assert not [url for _label, url in links(Role.OBSERVER, Role.LEARNER) if "/expenses/" in url]
    with translation.override("nl"):
        assert ("Onkosten", review) in links(Role.COORDINATOR)
    page = world.client_for("coordinator").get(reverse("core:programme", kwargs=kwargs)).content.decode()
    assert f'href="{review}"' in page


def test_a_coordinator_opening_the_mentors_expenses_page_lands_on_the_claims(world: World) -> None:
    """A coordinator following /expenses/ (a bookmark, a mentor's link) is the coordination: they
    are sent to the claims to approve, not told to "contact the coordination"; mentors stay."""
    from tandem.expenses.tests.factories import mentor_volunteer

    mentor_volunteer(world)
    kwargs = programme_kwargs(world)
    mine, review = reverse("expenses:mine", kwargs=kwargs), reverse("expenses:review", kwargs=kwargs)
    for persona in ("coordinator", "org_admin"):
        response = world.client_for(persona).get(mine)
        assert (response.status_code, response["Location"]) == (302, review), persona
    assert world.client_for("mentor").get(mine).status_code == 200
    assert world.client_for("learner").get(mine).status_code == 403


def test_approving_with_nothing_ticked_warns_instead_of_reporting_success(world: World) -> None:
    """"Choose the claims to approve." is a warning (nothing happened), not a green success."""
    url = reverse("expenses:approve_bulk", kwargs=programme_kwargs(world))
    response = world.client_for("coordinator").post(url, follow=True)
    assert 'class="message warning">Choose the claims to approve.' in response.content.decode()


def test_the_claim_form_names_the_learner_of_each_meeting(world: World) -> None:
    """The list of meetings a claim belongs to read "17.04.2026 16:00", nothing else: a mentor of
    several learners (or of last year's learner too) could not tell the Wednesdays apart."""
    from tandem.journal.tests.factories import meeting, persona_match

    match = persona_match(world)
    held = meeting(match, days=-2, state="held")
    url = reverse("expenses:claim_new", kwargs={"org": world.organisation.slug, "prog": world.programme.slug})
    page = world.client_for("mentor").get(url).content.decode()
    option = page.split(f'<option value="{held.pk}"', 1)[1].split("</option>", 1)[0]
    assert option.endswith(f"· {match.learner.person.given_name}"), option
